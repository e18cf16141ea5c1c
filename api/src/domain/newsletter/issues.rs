//! Newsletter issues: staff write them (Markdown, sent as plain text), preview them, and send them to every
//! confirmed subscriber of one of their topics who reads their language. A delivery row per (issue, subscriber),
//! unique, makes a second send mail only those not mailed yet.

use super::{Topic, check_topics, confirmed_subscribers, new_manage_token, policy, subscriber_mail, topics_column};
use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::values::{Checks, LanguageCode, required_text};
use crate::error::{AppError, AppResult};
use entity::newsletter_delivery;
use entity::newsletter_issue;
use entity::outbound_email::{self, OutboundEmailStatus};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect,
    RelationTrait, Set, SqlErr,
};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

const MAX_SUBJECT_CHARS: usize = 200;
const MAX_BODY_CHARS: usize = 100_000;

pub struct IssueInput {
    pub subject: String,
    /// Markdown; mailed as it is (plain text reads well as Markdown).
    pub body: String,
    pub topics: Vec<Topic>,
    pub language: String,
}

/// Writes a draft issue (staff).
pub async fn create_issue(
    services: &Services,
    actor: Option<&Principal>,
    input: IssueInput,
) -> AppResult<newsletter_issue::Model> {
    let principal = policy::can_manage_issues(actor)?;
    let mut checks = Checks::default();
    let subject = checks.take(required_text("subject", &input.subject, MAX_SUBJECT_CHARS));
    let body = checks.take(required_text("body", &input.body, MAX_BODY_CHARS));
    let topics = checks.take(check_topics("topics", &input.topics));
    let language = checks.take(LanguageCode::parse("language", &input.language));
    checks.finish()?;
    let (Some(subject), Some(body), Some(topics), Some(language)) = (subject, body, topics, language) else {
        return Err(AppError::Internal(anyhow::anyhow!("checked issue lost a value")));
    };
    let mut tx = services.write(Some(principal)).await?;
    let now = tx.now();
    let issue = newsletter_issue::ActiveModel {
        id: Set(Uuid::now_v7()),
        subject: Set(subject),
        body: Set(body),
        topics: Set(topics_column(&topics)),
        language: Set(language.into_string()),
        created_by: Set(principal.user_id()),
        created_at: Set(now),
        updated_at: Set(now),
        sent_at: Set(None),
    }
    .insert(&*tx)
    .await?;
    tx.emit(issue_event(EventType::NewsletterIssueCreated, &issue, json!({})));
    tx.commit().await?;
    Ok(issue)
}

/// The event of a change to an issue (staff-only): its topics and language, and `extra` facts such as counts.
/// Never the subject line or the body (free text).
fn issue_event(event_type: EventType, issue: &newsletter_issue::Model, extra: Value) -> DomainEvent {
    let mut payload = json!({
        "topics": super::topics_of(&issue.topics).iter().map(|t| t.as_str()).collect::<Vec<_>>(),
        "language": issue.language,
    });
    if let (Some(payload), Value::Object(extra)) = (payload.as_object_mut(), extra) {
        payload.extend(extra);
    }
    DomainEvent::new(event_type, NodeType::NewsletterIssue, issue.id).visibility(Visibility::Staff).payload(payload)
}

pub async fn load_issue(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<newsletter_issue::Model> {
    newsletter_issue::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found(&["issueId"], "newsletter issue"))
}

pub async fn issues_by_id(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<newsletter_issue::Model>> {
    Ok(newsletter_issue::Entity::find()
        .filter(newsletter_issue::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?)
}

/// The issues `actor` may read (staff: all; anyone else: none), newest first.
pub async fn list_issues(
    conn: &impl ConnectionTrait,
    actor: Option<&Principal>,
    page: &PageRequest,
) -> AppResult<Page<newsletter_issue::Model>> {
    paginate(
        conn,
        newsletter_issue::Entity::find().filter(policy::issues_read_filter(actor)),
        (newsletter_issue::Column::CreatedAt, newsletter_issue::Column::Id),
        |i| (i.created_at, i.id),
        SortOrder::Descending,
        page,
    )
    .await
}

/// What a subscriber would receive, with sample links.
#[derive(Debug)]
pub struct Preview {
    pub subject: String,
    pub text: String,
}

/// The mail an issue makes for a sample subscriber (staff; reads only).
pub async fn preview_issue(services: &Services, actor: Option<&Principal>, issue_id: Uuid) -> AppResult<Preview> {
    policy::can_manage_issues(actor)?;
    let issue = load_issue(&services.db, issue_id).await?;
    let mail = subscriber_mail(services, "subscriber@example.org", &issue.subject, &issue.body, "SAMPLE-TOKEN");
    Ok(Preview { subject: mail.subject, text: mail.text_body })
}

/// Queues the issue for every confirmed subscriber of one of its topics whose language is the issue's, except
/// those it was queued for before (staff). Returns the issue and how many mails this call queued.
pub async fn send_issue(
    services: &Services,
    actor: Option<&Principal>,
    issue_id: Uuid,
) -> AppResult<(newsletter_issue::Model, usize)> {
    let principal = policy::can_manage_issues(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let now = tx.now();
    let issue = load_issue(&*tx, issue_id).await?;
    let already: HashSet<Uuid> = newsletter_delivery::Entity::find()
        .select_only()
        .column(newsletter_delivery::Column::SubscriberId)
        .filter(newsletter_delivery::Column::IssueId.eq(issue.id))
        .into_tuple::<Uuid>()
        .all(&*tx)
        .await?
        .into_iter()
        .collect();
    let subscribers = confirmed_subscribers(&*tx, &super::topics_of(&issue.topics), Some(&issue.language)).await?;
    let mut queued = 0;
    for subscriber in subscribers.iter().filter(|s| !already.contains(&s.id)) {
        let Some(email) = subscriber.email.as_deref() else { continue };
        let token = new_manage_token(&*tx, subscriber.id, now).await?;
        let mail_id = tx.mail(subscriber_mail(services, email, &issue.subject, &issue.body, &token)).await?;
        newsletter_delivery::ActiveModel {
            id: Set(Uuid::now_v7()),
            issue_id: Set(issue.id),
            subscriber_id: Set(subscriber.id),
            outbound_email_id: Set(Some(mail_id)),
            created_at: Set(now),
        }
        .insert(&*tx)
        .await
        .map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                AppError::Conflict("this issue is being sent by another request; try again".to_owned())
            }
            _ => e.into(),
        })?;
        queued += 1;
    }
    let mut active: newsletter_issue::ActiveModel = issue.into();
    active.sent_at = Set(Some(now));
    active.updated_at = Set(now);
    let issue = active.update(&*tx).await?;
    tx.emit(issue_event(EventType::NewsletterIssueSent, &issue, json!({ "queued": queued })));
    tx.commit().await?;
    Ok((issue, queued))
}

/// Deliveries of an issue: queued in all, and how many of those the outbox reports sent or failed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryCounts {
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
}

/// One grouped statement for any number of issues.
pub async fn delivery_counts(conn: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<HashMap<Uuid, DeliveryCounts>> {
    let status = (outbound_email::Entity, outbound_email::Column::Status);
    let count_status = |s: OutboundEmailStatus| {
        Expr::from(Func::count(Expr::case(Expr::col(status).eq(s.to_value()), 1).finally(Expr::null())))
    };
    let rows: Vec<(Uuid, i64, i64, i64)> = newsletter_delivery::Entity::find()
        .select_only()
        .column(newsletter_delivery::Column::IssueId)
        .column_as(newsletter_delivery::Column::Id.count(), "queued")
        .column_as(count_status(OutboundEmailStatus::Sent), "sent")
        .column_as(count_status(OutboundEmailStatus::Failed), "failed")
        .join(JoinType::LeftJoin, newsletter_delivery::Relation::OutboundEmail.def())
        .filter(newsletter_delivery::Column::IssueId.is_in(ids.iter().copied()))
        .group_by(newsletter_delivery::Column::IssueId)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|(id, queued, sent, failed)| (id, DeliveryCounts { queued, sent, failed })).collect())
}
