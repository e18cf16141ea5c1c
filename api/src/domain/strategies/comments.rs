//! Comments on strategies (issue 10): staff and experts with an accepted assignment to the region open threads
//! on the current version of a strategy (optionally on one of its objectives); the strategy's editors reply
//! (they do not open threads: the threads are the reviewers' remarks); any of them resolves and reopens a thread.
//! Members of the partner organisations read the comments; to anybody else they do not exist. A comment keeps
//! the version it was written on and stays readable on later versions. Editors are mailed when a reviewer
//! writes, a thread's author when an editor replies.

use super::policy::{self, Access, Standing};
use super::{StrategyView, find_visible, load_version, required};
use crate::auth::Principal;
use crate::domain::accounts;
use crate::domain::applications::relabel;
use crate::domain::domain_events::{DomainEvent, EventType};
use crate::domain::ids::{self, NodeType};
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::policy::require_user;
use crate::domain::unit_of_work::Write;
use crate::domain::{Services, regions};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use crate::mail::{OutgoingEmail, quote};
use entity::organisation_member::{self, MemberRole};
use entity::strategy_comment::{self, CommentAuthorRole};
use entity::{app_user, partner, partnership, strategy_objective};
use sea_orm::sea_query::Query;
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// Longest comment, in characters.
pub const MAX_BODY: usize = 4000;

/// The text of a comment: trimmed, not blank, at most [`MAX_BODY`] characters, without control characters
/// (line breaks and tabs allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentBody(String);

impl CommentBody {
    pub fn parse(field: &str, input: &str) -> Result<Self, UserError> {
        required(&[field], input, MAX_BODY).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The event of a change to `comment`, for the strategy's parties: ids, the version and the author's role
/// (never the text).
fn event(event_type: EventType, comment: &strategy_comment::Model) -> DomainEvent {
    DomainEvent::new(event_type, NodeType::StrategyComment, comment.id).payload(json!({
        "strategyId": comment.strategy_id.to_string(),
        "versionId": comment.version_id.to_string(),
        "version": comment.version_number,
        "objectiveId": comment.objective_id.map(|id| id.to_string()),
        "threadId": comment.thread_id.map(|id| id.to_string()),
        "authorRole": comment.author_role.to_value(),
        "resolved": comment.resolved_at.is_some(),
    }))
}

/// The caller's standing in the comments of `view`'s strategy; `NOT_FOUND` on `field` for a caller who sees no
/// comment, `FORBIDDEN` for one who reads them but may not write.
async fn writer(
    tx: &Write,
    principal: &Principal,
    view: &StrategyView,
    field: &str,
) -> AppResult<(Standing, CommentAuthorRole)> {
    let standing = policy::standing(&**tx, Some(principal), view.strategy.region_id).await?;
    match standing.author_role() {
        Some(role) => Ok((standing, role)),
        None if standing == Standing::None => Err(AppError::not_found(&[field], "comment")),
        None => Err(AppError::Forbidden),
    }
}

/// A comment the caller may see, with its strategy; `NOT_FOUND` on `commentId` otherwise.
async fn find_comment(
    tx: &Write,
    principal: &Principal,
    id: Uuid,
) -> AppResult<(strategy_comment::Model, StrategyView)> {
    let missing = || AppError::not_found(&["commentId"], "comment");
    let comment = strategy_comment::Entity::find_by_id(id).one(&**tx).await?.ok_or_else(missing)?;
    let view = find_visible(&**tx, Some(principal), comment.strategy_id).await.map_err(|_| missing())?;
    if view.access != Access::Full {
        return Err(missing());
    }
    Ok((comment, view))
}

/// Staff or an assigned expert opens a thread on the current version of a strategy, optionally on one of its
/// objectives; the editors are mailed.
pub async fn add_comment(
    services: &Services,
    actor: Option<&Principal>,
    strategy_id: Uuid,
    objective_id: Option<Uuid>,
    body: &str,
) -> AppResult<strategy_comment::Model> {
    let principal = require_user(actor)?;
    let body = CommentBody::parse("body", body).map_err(|e| AppError::Rejected(vec![e]))?;
    let mut tx = services.write(Some(principal)).await?;
    let view = find_visible(&*tx, Some(principal), strategy_id).await.map_err(|e| relabel(e, "strategyId"))?;
    if view.access != Access::Full {
        // It sees the published strategy, not the work on it.
        return Err(AppError::Forbidden);
    }
    let (standing, role) = writer(&tx, principal, &view, "strategyId").await?;
    if !matches!(standing, Standing::Reviewer(_)) {
        return Err(AppError::Forbidden);
    }
    let version = load_version(&*tx, view.strategy.current_version_id).await?;
    let objective = match objective_id {
        None => None,
        Some(id) => Some(
            strategy_objective::Entity::find_by_id(id)
                .filter(strategy_objective::Column::VersionId.eq(version.id))
                .one(&*tx)
                .await?
                .ok_or_else(|| AppError::not_found(&["objectiveId"], "objective in the strategy's current version"))?,
        ),
    };
    let comment = insert(&tx, principal, &view, version.id, version.number, objective_id, None, role, &body).await?;
    let author = accounts::load(&*tx, principal.id).await?;
    let region = regions::find(&*tx, view.strategy.region_id).await?;
    let about = objective.map(|o| format!("The objective it is about:\n\n{}\n\n", quote(&o.title))).unwrap_or_default();
    let text = format!(
        "Someone ({role}) commented on version {version} of the strategy of this region:\n\n{region}\n\n{about}\
         The comment's author:\n\n{name}\n\nThe comment:\n\n{quoted}\n\nReply in the strategy: {link}\n",
        name = quote(&author.display_name),
        role = role_name(role),
        version = version.number,
        region = quote(&region.name),
        quoted = quote(body.as_str()),
        link = link(&tx, &view),
    );
    for address in editor_addresses(&*tx, view.strategy.region_id, principal.id).await? {
        tx.mail(OutgoingEmail {
            to: address,
            subject: "IMPACT: a comment on a strategy you edit".to_owned(),
            text_body: text.clone(),
            headers: Vec::new(),
        })
        .await?;
    }
    tx.emit(event(EventType::StrategyCommentAdded, &comment));
    tx.commit().await?;
    Ok(comment)
}

/// Replies to the thread of `comment_id` (open threads only; a reply to a reply is refused): editors, staff and
/// assigned experts. An editor's reply is mailed to the thread's author, a reviewer's to the editors (and to the
/// thread's author).
pub async fn reply(
    services: &Services,
    actor: Option<&Principal>,
    comment_id: Uuid,
    body: &str,
) -> AppResult<strategy_comment::Model> {
    let principal = require_user(actor)?;
    let body = CommentBody::parse("body", body).map_err(|e| AppError::Rejected(vec![e]))?;
    let mut tx = services.write(Some(principal)).await?;
    let (thread, view) = find_comment(&tx, principal, comment_id).await?;
    let (standing, role) = writer(&tx, principal, &view, "commentId").await?;
    if thread.thread_id.is_some() {
        return Err(AppError::rejected(
            &["commentId"],
            UserErrorCode::Invalid,
            "replies are one level deep: reply to the thread's first comment",
        ));
    }
    if thread.resolved_at.is_some() {
        return Err(AppError::invalid_state(&["commentId"], "the thread is resolved; reopen it to reply"));
    }
    let version = load_version(&*tx, view.strategy.current_version_id).await?;
    let reply = insert(&tx, principal, &view, version.id, version.number, None, Some(thread.id), role, &body).await?;
    let author = accounts::load(&*tx, principal.id).await?;
    let region = regions::find(&*tx, view.strategy.region_id).await?;
    let mut recipients = Vec::new();
    if let Some(thread_author) = thread.created_by.filter(|id| *id != principal.id)
        && let Some(user) = app_user::Entity::find_by_id(thread_author).one(&*tx).await?
    {
        recipients.push(user.email);
    }
    if matches!(standing, Standing::Reviewer(_)) {
        recipients.extend(editor_addresses(&*tx, view.strategy.region_id, principal.id).await?);
    }
    recipients.sort();
    recipients.dedup();
    let text = format!(
        "Someone ({role}) replied to a comment on the strategy of this region:\n\n{region}\n\nThe reply's author:\n\n{name}\n\n\
         The reply:\n\n{quoted}\n\nThe comment:\n\n{thread}\n\nRead the thread in the strategy: {link}\n",
        name = quote(&author.display_name),
        role = role_name(role),
        region = quote(&region.name),
        quoted = quote(body.as_str()),
        thread = quote(thread.body.as_deref().unwrap_or("(erased at its author's request)")),
        link = link(&tx, &view),
    );
    for address in recipients {
        tx.mail(OutgoingEmail {
            to: address,
            subject: "IMPACT: a reply on a strategy's comment".to_owned(),
            text_body: text.clone(),
            headers: Vec::new(),
        })
        .await?;
    }
    tx.emit(event(EventType::StrategyCommentReplied, &reply));
    tx.commit().await?;
    Ok(reply)
}

/// Resolves (`resolved`) or reopens a thread: staff, assigned experts and editors. The thread after the change.
pub async fn set_resolved(
    services: &Services,
    actor: Option<&Principal>,
    comment_id: Uuid,
    resolved: bool,
) -> AppResult<strategy_comment::Model> {
    let principal = require_user(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let (thread, view) = find_comment(&tx, principal, comment_id).await?;
    writer(&tx, principal, &view, "commentId").await?;
    if thread.thread_id.is_some() {
        return Err(AppError::rejected(
            &["commentId"],
            UserErrorCode::Invalid,
            "threads are resolved and reopened by their first comment",
        ));
    }
    let now = tx.now();
    let mut change = <strategy_comment::ActiveModel as Default>::default();
    if resolved {
        change.resolved_at = Set(Some(now));
        change.resolved_by = Set(Some(principal.id));
    } else {
        change.resolved_at = Set(None);
        change.resolved_by = Set(None);
        change.reopened_at = Set(Some(now));
        change.reopened_by = Set(Some(principal.id));
    }
    // Conditional on the state read, so two people resolving at once cannot both succeed.
    let state = if resolved {
        strategy_comment::Column::ResolvedAt.is_null()
    } else {
        strategy_comment::Column::ResolvedAt.is_not_null()
    };
    let changed = strategy_comment::Entity::update_many()
        .set(change)
        .filter(strategy_comment::Column::Id.eq(thread.id))
        .filter(state)
        .exec(&*tx)
        .await?;
    if changed.rows_affected != 1 {
        return Err(AppError::invalid_state(
            &["commentId"],
            if resolved { "the thread is already resolved" } else { "the thread is open" },
        ));
    }
    let thread = strategy_comment::Entity::find_by_id(thread.id)
        .one(&*tx)
        .await?
        .ok_or_else(|| AppError::not_found(&["commentId"], "comment"))?;
    let event_type = if resolved { EventType::StrategyCommentResolved } else { EventType::StrategyCommentReopened };
    tx.emit(event(event_type, &thread));
    tx.commit().await?;
    Ok(thread)
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    tx: &Write,
    principal: &Principal,
    view: &StrategyView,
    version_id: Uuid,
    version_number: i32,
    objective_id: Option<Uuid>,
    thread_id: Option<Uuid>,
    role: CommentAuthorRole,
    body: &CommentBody,
) -> AppResult<strategy_comment::Model> {
    Ok(strategy_comment::ActiveModel {
        id: Set(Uuid::now_v7()),
        strategy_id: Set(view.strategy.id),
        version_id: Set(version_id),
        version_number: Set(version_number),
        objective_id: Set(objective_id),
        thread_id: Set(thread_id),
        created_by: Set(Some(principal.id)),
        author_role: Set(role),
        body: Set(Some(body.as_str().to_owned())),
        created_at: Set(tx.now()),
        resolved_at: Set(None),
        resolved_by: Set(None),
        reopened_at: Set(None),
        reopened_by: Set(None),
        erased_at: Set(None),
    }
    .insert(&**tx)
    .await?)
}

fn role_name(role: CommentAuthorRole) -> &'static str {
    match role {
        CommentAuthorRole::Staff => "programme staff",
        CommentAuthorRole::Expert => "expert",
        CommentAuthorRole::Editor => "editor",
    }
}

fn link(tx: &Write, view: &StrategyView) -> String {
    format!(
        "{}/strategies/{}",
        tx.services().config.frontend_url.trim_end_matches('/'),
        ids::encode(NodeType::Strategy, &view.strategy.id.to_string())
    )
}

/// The addresses of the owners and editors of the partner organisations of the region, except `except`.
async fn editor_addresses(db: &impl ConnectionTrait, region_id: Uuid, except: Uuid) -> AppResult<Vec<String>> {
    let partners = Query::select()
        .column(partner::Column::OrganisationId)
        .from(partner::Entity)
        .and_where(
            partner::Column::PartnershipId.in_subquery(
                Query::select()
                    .column(partnership::Column::Id)
                    .from(partnership::Entity)
                    .and_where(partnership::Column::RegionId.eq(region_id))
                    .to_owned(),
            ),
        )
        .to_owned();
    let editors = Query::select()
        .column(organisation_member::Column::UserId)
        .from(organisation_member::Entity)
        .and_where(organisation_member::Column::OrganisationId.in_subquery(partners))
        .and_where(organisation_member::Column::Role.is_in([MemberRole::Owner, MemberRole::Editor]))
        .to_owned();
    let mut addresses: Vec<String> = app_user::Entity::find()
        .filter(app_user::Column::Id.in_subquery(editors))
        .filter(app_user::Column::Id.ne(except))
        .order_by_asc(app_user::Column::Email)
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.email)
        .collect();
    addresses.dedup();
    Ok(addresses)
}

/// The threads of `view`'s strategy written on its version or an earlier one, oldest first (open ones only
/// unless `include_resolved`); `None` when the caller does not read the strategy's comments.
pub async fn threads(
    db: &impl ConnectionTrait,
    view: &StrategyView,
    include_resolved: bool,
    page: &PageRequest,
) -> AppResult<Option<Page<strategy_comment::Model>>> {
    if view.access != Access::Full {
        return Ok(None);
    }
    let mut select = strategy_comment::Entity::find()
        .filter(strategy_comment::Column::StrategyId.eq(view.strategy.id))
        .filter(strategy_comment::Column::ThreadId.is_null())
        .filter(strategy_comment::Column::VersionNumber.lte(view.version.number));
    if !include_resolved {
        select = select.filter(strategy_comment::Column::ResolvedAt.is_null());
    }
    let page = paginate(
        db,
        select,
        (strategy_comment::Column::CreatedAt, strategy_comment::Column::Id),
        |c| (c.created_at, c.id),
        SortOrder::Ascending,
        page,
    )
    .await?;
    Ok(Some(page))
}

/// The replies of these threads, oldest first, by thread (one statement).
pub async fn replies_of(
    db: &impl ConnectionTrait,
    thread_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<strategy_comment::Model>>> {
    let mut replies: HashMap<Uuid, Vec<strategy_comment::Model>> =
        thread_ids.iter().map(|id| (*id, Vec::new())).collect();
    if thread_ids.is_empty() {
        return Ok(replies);
    }
    for reply in strategy_comment::Entity::find()
        .filter(strategy_comment::Column::ThreadId.is_in(thread_ids.iter().copied()))
        .order_by_asc(strategy_comment::Column::CreatedAt)
        .order_by_asc(strategy_comment::Column::Id)
        .all(db)
        .await?
    {
        if let Some(thread) = reply.thread_id {
            replies.entry(thread).or_default().push(reply);
        }
    }
    Ok(replies)
}

/// The comments with these ids that the caller reads (those of strategies it reads in full).
pub async fn visible_by_id(
    db: &impl ConnectionTrait,
    actor: Option<&Principal>,
    ids: &[Uuid],
) -> AppResult<Vec<strategy_comment::Model>> {
    if ids.is_empty() || actor.is_none() {
        return Ok(Vec::new());
    }
    let comments = strategy_comment::Entity::find()
        .filter(strategy_comment::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let mut strategy_ids: Vec<Uuid> = comments.iter().map(|c| c.strategy_id).collect();
    strategy_ids.sort();
    strategy_ids.dedup();
    let full: Vec<Uuid> = super::views_by_id(db, actor, &strategy_ids)
        .await?
        .into_iter()
        .filter(|v| v.access == Access::Full)
        .map(|v| v.strategy.id)
        .collect();
    Ok(comments.into_iter().filter(|c| full.contains(&c.strategy_id)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_body_is_a_trimmed_text_of_bounded_length_without_control_characters() {
        assert_eq!(CommentBody::parse("body", "  Add a target  ").map(|b| b.0), Ok("Add a target".to_owned()));
        assert!(CommentBody::parse("body", "Line one\nline two\ttab").is_ok());
        assert_eq!(CommentBody::parse("body", " \n ").map_err(|e| e.code), Err(UserErrorCode::Required));
        assert_eq!(CommentBody::parse("body", "nul\0").map_err(|e| e.code), Err(UserErrorCode::Invalid));
        assert!(CommentBody::parse("body", &"é".repeat(MAX_BODY)).is_ok());
        assert_eq!(
            CommentBody::parse("body", &"é".repeat(MAX_BODY + 1)).map_err(|e| e.code),
            Err(UserErrorCode::Invalid)
        );
    }
}
