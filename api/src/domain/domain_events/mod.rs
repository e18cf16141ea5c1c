//! Domain events: facts in the past tense (`application.submitted`), written by the unit of work in the
//! transaction of the change and numbered by `position`. The publisher hands them to live listeners; the
//! change feed, webhooks and the audit log read the same stream.

mod catalogue;
mod publisher;

pub use catalogue::EventType;
pub use publisher::{NOTIFY_CHANNEL, Publisher, spawn_publisher};

use crate::auth::{Principal, SubjectKind};
use crate::domain::ids::{self, NodeType};
use crate::error::AppResult;
use chrono::{DateTime, Utc};
use entity::domain_event;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::Value;
use uuid::Uuid;

/// Who may learn of an event before the subject's own read policy is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Anybody who may read the subject publicly (a published call, event, resource; a pilot region).
    Public,
    /// The programme's staff only (drafts, back-office work).
    Staff,
    /// The parties of the subject (its owner, members, the person it is about) and staff; the subject's
    /// policy decides who they are.
    Parties,
}

impl Visibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "PUBLIC",
            Visibility::Staff => "STAFF",
            Visibility::Parties => "PARTIES",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Visibility::Public, Visibility::Staff, Visibility::Parties].into_iter().find(|v| v.as_str() == value)
    }
}

/// One fact to record. Build it with [`DomainEvent::new`] and hand it to the unit of work (`Write::emit`).
#[derive(Debug, Clone, PartialEq)]
pub struct DomainEvent {
    pub event_type: EventType,
    pub subject_type: NodeType,
    pub subject_id: Uuid,
    pub visibility: Visibility,
    pub payload: Value,
}

impl DomainEvent {
    /// An event about `subject_id` of `subject_type`, visible to its parties, with an empty payload.
    pub fn new(event_type: EventType, subject_type: NodeType, subject_id: Uuid) -> Self {
        Self {
            event_type,
            subject_type,
            subject_id,
            visibility: Visibility::Parties,
            payload: Value::Object(Default::default()),
        }
    }

    pub fn visibility(mut self, visibility: Visibility) -> Self {
        self.visibility = visibility;
        self
    }

    /// The facts of the change (ids, statuses, counts); never secrets or personal data.
    pub fn payload(mut self, payload: Value) -> Self {
        self.payload = payload;
        self
    }
}

/// Inserts `events` in order; the unit of work calls this just before it commits.
pub(crate) async fn insert(
    conn: &impl ConnectionTrait,
    actor: Option<&Principal>,
    now: DateTime<Utc>,
    events: &[DomainEvent],
) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let rows = events.iter().map(|event| domain_event::ActiveModel {
        position: sea_orm::ActiveValue::NotSet,
        id: Set(Uuid::now_v7()),
        event_type: Set(event.event_type.as_str().to_owned()),
        subject_type: Set(event.subject_type.name().to_owned()),
        subject_id: Set(event.subject_id),
        subject: Set(ids::encode(event.subject_type, &event.subject_id.to_string())),
        actor_id: Set(actor.map(|p| p.id)),
        actor_kind: Set(actor.map(|p| actor_kind(p.kind).to_owned())),
        occurred_at: Set(now),
        visibility: Set(event.visibility.as_str().to_owned()),
        payload: Set(event.payload.to_string()),
    });
    // One statement per event keeps positions in emission order on both databases.
    for row in rows {
        domain_event::Entity::insert(row).exec_without_returning(conn).await?;
    }
    Ok(())
}

fn actor_kind(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::User => "USER",
        SubjectKind::Service => "SERVICE_ACCOUNT",
    }
}

/// Events after `position`, oldest first, at most `limit`.
pub async fn after(conn: &impl ConnectionTrait, position: i64, limit: u64) -> AppResult<Vec<domain_event::Model>> {
    Ok(domain_event::Entity::find()
        .filter(domain_event::Column::Position.gt(position))
        .order_by_asc(domain_event::Column::Position)
        .limit(limit)
        .all(conn)
        .await?)
}

/// The newest position (0 when there is no event yet).
pub async fn last_position(conn: &impl ConnectionTrait) -> AppResult<i64> {
    Ok(domain_event::Entity::find()
        .select_only()
        .column_as(domain_event::Column::Position.max(), "max")
        .into_tuple::<Option<i64>>()
        .one(conn)
        .await?
        .flatten()
        .unwrap_or(0))
}

/// The events about one subject, oldest first (for tests and the history of an object).
pub async fn of_subject(conn: &impl ConnectionTrait, subject_id: Uuid) -> AppResult<Vec<domain_event::Model>> {
    Ok(domain_event::Entity::find()
        .filter(domain_event::Column::SubjectId.eq(subject_id))
        .order_by_asc(domain_event::Column::Position)
        .all(conn)
        .await?)
}
