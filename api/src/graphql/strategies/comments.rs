//! GraphQL of comments on strategies: the `StrategyComment` type (a thread with its replies), `Strategy.comments`
//! and the mutations to comment, reply, resolve and reopen. Authors are shown by display name and role only.

use super::{Objective, strategy_uuid};
use crate::auth::guard::SignedInUser;
use crate::domain::pagination::PageRequest;
use crate::domain::strategies::StrategyView;
use crate::domain::strategies::comments;
use crate::error::{AppError, AppResult, UserError};
use crate::graphql::connection::{ConnectionOf, connection, nodes_select};
use crate::graphql::context::ContextExt;
use crate::graphql::node::{GlobalId, NodeType};
use crate::graphql::payload::into_payload;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::strategy_comment;
use uuid::Uuid;

/// The part the author of a comment plays in the strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(remote = "entity::strategy_comment::CommentAuthorRole")]
pub enum StrategyCommentRole {
    /// Programme staff.
    Staff,
    /// An expert assigned to the strategy's region.
    Expert,
    /// An owner or editor of a partner organisation of the region.
    Editor,
}

/// Who wrote a comment: a display name and a role, never an account's ID.
#[derive(SimpleObject)]
pub struct StrategyCommentAuthor {
    /// The author's display name; null once the author's account is erased.
    pub display_name: Option<String>,
    /// The author's part in the strategy when writing.
    pub role: StrategyCommentRole,
}

#[derive(Clone)]
pub struct StrategyComment(pub strategy_comment::Model);

impl StrategyComment {
    async fn name_of(&self, ctx: &Context<'_>, id: Option<Uuid>) -> AppResult<Option<String>> {
        let Some(id) = id else { return Ok(None) };
        Ok(ctx.loaders().display_names.load_one(id).await?)
    }
}

/// A comment on a strategy version by staff or an assigned expert (a thread, with its replies), or a reply to one.
/// Readable by staff, the region's assigned experts and the members of its partner organisations, on the version
/// it was written on and every later one.
#[Object]
impl StrategyComment {
    /// The comment's global ID: pass it as `commentId` to reply, resolve or reopen.
    pub async fn id(&self) -> ID {
        GlobalId::encode(NodeType::StrategyComment, &self.0.id.to_string())
    }
    /// The text; null once its author's account is erased.
    async fn body(&self) -> Option<&str> {
        self.0.body.as_deref()
    }
    /// Who wrote it.
    async fn author(&self, ctx: &Context<'_>) -> async_graphql::Result<StrategyCommentAuthor> {
        Ok(StrategyCommentAuthor {
            display_name: self.name_of(ctx, self.0.created_by).await?,
            role: self.0.author_role.into(),
        })
    }
    /// Whether the caller wrote it.
    async fn written_by_me(&self, ctx: &Context<'_>) -> bool {
        self.0.created_by.is_some() && self.0.created_by == ctx.actor().and_then(|p| p.user_id())
    }
    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The number of the strategy version it was written on.
    async fn version(&self) -> i32 {
        self.0.version_number
    }
    /// The `id` of the objective it is about, in the version it was written on (null: about the whole strategy;
    /// always null on replies, which belong to their thread).
    async fn objective_id(&self) -> Option<ID> {
        self.0.objective_id.map(|id| ID(id.to_string()))
    }
    /// The objective it is about, as in the version it was written on; null when none, or when an editor has
    /// removed it from that version since.
    async fn objective(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Objective>> {
        let Some(id) = self.0.objective_id else { return Ok(None) };
        let content = ctx.loaders().strategy_content.load_one(self.0.version_id).await?.unwrap_or_default();
        let row = content.objectives.iter().find(|o| o.id == id).cloned();
        Ok(row.map(|row| Objective { row, content, language: None }))
    }
    /// The thread's first comment, for a reply; null for a thread.
    async fn thread_id(&self) -> Option<ID> {
        self.0.thread_id.map(|id| GlobalId::encode(NodeType::StrategyComment, &id.to_string()))
    }
    /// The replies to this thread, oldest first (empty for a reply: replies are one level deep).
    async fn replies(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<StrategyComment>> {
        if self.0.thread_id.is_some() {
            return Ok(Vec::new());
        }
        let replies = ctx.loaders().strategy_comment_replies.load_one(self.0.id).await?.unwrap_or_default();
        Ok(replies.into_iter().map(StrategyComment).collect())
    }
    /// Whether the thread is resolved (always false for a reply).
    async fn resolved(&self) -> bool {
        self.0.resolved_at.is_some()
    }
    /// When the thread was resolved; null while open.
    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }
    /// The display name of who resolved the thread; null while open (or once their account is erased).
    async fn resolved_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.name_of(ctx, self.0.resolved_by).await?)
    }
    /// When the thread was last reopened; null if never.
    async fn reopened_at(&self) -> Option<DateTime<Utc>> {
        self.0.reopened_at
    }
    /// The display name of who last reopened the thread; null if never (or once their account is erased).
    async fn reopened_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(self.name_of(ctx, self.0.reopened_by).await?)
    }
}

/// `Strategy.comments`: the threads of the strategy up to the version in view, oldest first; null when the caller
/// does not read its comments.
pub(super) async fn comments_of(
    ctx: &Context<'_>,
    view: &StrategyView,
    first: Option<i32>,
    after: Option<String>,
    include_resolved: bool,
) -> AppResult<Option<ConnectionOf<StrategyComment>>> {
    let want_total = ctx.look_ahead().field("totalCount").exists();
    let page = PageRequest::new(first, after, None, None)?.with_total(want_total);
    let db = &ctx.services().db;
    let Some(page) = comments::threads(db, view, include_resolved, &page).await? else { return Ok(None) };
    let threads: Vec<strategy_comment::Model> = page.items.iter().map(|(_, c)| c.clone()).collect();
    ctx.loaders().prime_strategy_comments(db, &threads, nodes_select(ctx, &["replies"])).await?;
    if nodes_select(ctx, &["objective"]) {
        let mut versions: Vec<Uuid> =
            threads.iter().filter(|t| t.objective_id.is_some()).map(|t| t.version_id).collect();
        versions.sort_unstable();
        versions.dedup();
        ctx.loaders().prime_strategy_content(db, &versions).await?;
    }
    Ok(Some(connection(page, StrategyComment)))
}

/// A new comment on the current version of a strategy.
#[derive(InputObject)]
pub struct AddStrategyCommentInput {
    /// The strategy's global ID.
    pub strategy_id: ID,
    /// The `id` of an objective of the strategy's current version, to comment on it; null: on the whole strategy.
    pub objective_id: Option<ID>,
    /// The text: 1 to 4000 characters, no control characters except line breaks and tabs.
    pub body: String,
}

/// A reply to a thread.
#[derive(InputObject)]
pub struct ReplyToStrategyCommentInput {
    /// The thread's first comment (global ID); a reply to a reply is refused.
    pub comment_id: ID,
    /// The text: 1 to 4000 characters, no control characters except line breaks and tabs.
    pub body: String,
}

/// The thread to resolve or reopen.
#[derive(InputObject)]
pub struct StrategyCommentThreadInput {
    /// The thread's first comment (global ID).
    pub comment_id: ID,
}

/// The result of a change to a strategy's comments.
#[derive(SimpleObject)]
pub struct StrategyCommentPayload {
    /// The comment written (for `replyToStrategyComment`, the reply), or the thread resolved or reopened.
    pub comment: Option<StrategyComment>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

fn payload(result: AppResult<strategy_comment::Model>) -> async_graphql::Result<StrategyCommentPayload> {
    let (comment, user_errors) = into_payload(result)?;
    Ok(StrategyCommentPayload { comment: comment.map(StrategyComment), user_errors })
}

fn comment_uuid(id: &ID) -> AppResult<Uuid> {
    GlobalId::decode_as(id, NodeType::StrategyComment)
}

fn objective_uuid(id: &ID) -> AppResult<Uuid> {
    Uuid::parse_str(id.as_str())
        .map_err(|_| AppError::BadUserInput(format!("`{}` is not an objective's `id`", id.as_str())))
}

#[derive(Default)]
pub struct StrategyCommentMutation;

#[Object]
impl StrategyCommentMutation {
    /// Comments on the current version of a strategy, or on one of its objectives (staff and experts with an
    /// accepted assignment to the region; editors reply instead). The region's editors are mailed.
    #[graphql(guard = "SignedInUser")]
    async fn add_strategy_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The strategy, optionally one of its current version's objectives, and the remark.")]
        input: AddStrategyCommentInput,
    ) -> async_graphql::Result<StrategyCommentPayload> {
        let strategy = strategy_uuid(&input.strategy_id)?;
        let objective = input.objective_id.as_ref().map(objective_uuid).transpose()?;
        payload(comments::add_comment(ctx.services(), ctx.actor(), strategy, objective, &input.body).await)
    }

    /// Replies to an open thread (the strategy's editors, staff and assigned experts). An editor's reply is mailed
    /// to the thread's author; a reviewer's to the editors.
    #[graphql(guard = "SignedInUser")]
    async fn reply_to_strategy_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The thread to answer and the reply.")] input: ReplyToStrategyCommentInput,
    ) -> async_graphql::Result<StrategyCommentPayload> {
        let id = comment_uuid(&input.comment_id)?;
        payload(comments::reply(ctx.services(), ctx.actor(), id, &input.body).await)
    }

    /// Marks a thread resolved, recording who and when (editors, staff and assigned experts).
    #[graphql(guard = "SignedInUser")]
    async fn resolve_strategy_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The thread to resolve.")] input: StrategyCommentThreadInput,
    ) -> async_graphql::Result<StrategyCommentPayload> {
        let id = comment_uuid(&input.comment_id)?;
        payload(comments::set_resolved(ctx.services(), ctx.actor(), id, true).await)
    }

    /// Reopens a resolved thread, recording who and when (editors, staff and assigned experts).
    #[graphql(guard = "SignedInUser")]
    async fn reopen_strategy_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The thread to reopen.")] input: StrategyCommentThreadInput,
    ) -> async_graphql::Result<StrategyCommentPayload> {
        let id = comment_uuid(&input.comment_id)?;
        payload(comments::set_resolved(ctx.services(), ctx.actor(), id, false).await)
    }
}
