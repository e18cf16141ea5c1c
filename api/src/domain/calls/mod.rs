//! Calls for pilot regions and for experts: drafted and published by staff; their status (upcoming, open,
//! closed) follows from the injectable clock and is never stored.

pub mod policy;

use crate::auth::Principal;
use crate::domain::Services;
use crate::domain::domain_events::{DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::newsletter::{self, Topic};
use crate::domain::pagination::{Page, PageRequest, SortOrder, paginate};
use crate::domain::unit_of_work::Write;
use crate::domain::values::{Checks, required_text};
use crate::error::{AppError, AppResult, UserError, UserErrorCode};
use chrono::{DateTime, Utc};
use entity::call::{self, CallKind};
use sea_orm::{ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallStatus {
    Upcoming,
    Open,
    Closed,
}

/// Where a call stands at `now`: open from `opens_at` (inclusive) until `closes_at` (exclusive).
pub fn status_at(call: &call::Model, now: DateTime<Utc>) -> CallStatus {
    if now < call.opens_at {
        CallStatus::Upcoming
    } else if now < call.closes_at {
        CallStatus::Open
    } else {
        CallStatus::Closed
    }
}

#[derive(Debug, Clone)]
pub struct CallInput {
    pub kind: CallKind,
    pub title: String,
    pub round: i32,
    pub description: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub max_selections: i32,
}

fn check(input: &CallInput) -> AppResult<String> {
    let mut checks = Checks::default();
    let title = checks.take(required_text("title", &input.title, 255));
    if input.round < 1 {
        checks.push(UserError::new(&["round"], UserErrorCode::Invalid, "rounds are numbered from 1"));
    }
    if input.closes_at <= input.opens_at {
        checks.push(UserError::new(&["closesAt"], UserErrorCode::Invalid, "a call closes after it opens"));
    }
    if input.max_selections < 1 {
        checks.push(UserError::new(&["maxSelections"], UserErrorCode::Invalid, "a call selects at least one"));
    }
    checks.finish()?;
    title.ok_or_else(|| AppError::Internal(anyhow::anyhow!("checked call lost its title")))
}

/// Drafts a call (staff); it is public once published.
pub async fn create_call(services: &Services, actor: Option<&Principal>, input: &CallInput) -> AppResult<call::Model> {
    let principal = policy::can_manage(actor)?;
    let title = check(input)?;
    let mut tx = services.write(Some(principal)).await?;
    let now = tx.now();
    let call = call::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(input.kind),
        title: Set(title),
        round: Set(input.round),
        description: Set(input.description.trim().to_owned()),
        opens_at: Set(input.opens_at),
        closes_at: Set(input.closes_at),
        max_selections: Set(input.max_selections),
        published_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&*tx)
    .await?;
    tx.emit(event(EventType::CallCreated, &call));
    tx.commit().await?;
    Ok(call)
}

/// Corrects a call (staff).
pub async fn update_call(
    services: &Services,
    actor: Option<&Principal>,
    id: Uuid,
    input: &CallInput,
) -> AppResult<call::Model> {
    let principal = policy::can_manage(actor)?;
    let title = check(input)?;
    let mut tx = services.write(Some(principal)).await?;
    let existing = find(&*tx, id).await?;
    let mut active: call::ActiveModel = existing.into();
    active.kind = Set(input.kind);
    active.title = Set(title);
    active.round = Set(input.round);
    active.description = Set(input.description.trim().to_owned());
    active.opens_at = Set(input.opens_at);
    active.closes_at = Set(input.closes_at);
    active.max_selections = Set(input.max_selections);
    active.updated_at = Set(tx.now());
    let call = active.update(&*tx).await?;
    tx.emit(event(EventType::CallUpdated, &call));
    tx.commit().await?;
    Ok(call)
}

/// Publishes a call (once; publishing again changes nothing).
pub async fn publish_call(services: &Services, actor: Option<&Principal>, id: Uuid) -> AppResult<call::Model> {
    let principal = policy::can_manage(actor)?;
    let mut tx = services.write(Some(principal)).await?;
    let existing = find(&*tx, id).await?;
    if existing.published_at.is_some() {
        return Ok(existing);
    }
    let mut active: call::ActiveModel = existing.into();
    active.published_at = Set(Some(tx.now()));
    active.updated_at = Set(tx.now());
    let call = active.update(&*tx).await?;
    notify_call_subscribers(&mut tx, &call).await?;
    tx.emit(event(EventType::CallPublished, &call));
    tx.commit().await?;
    Ok(call)
}

/// Announces a newly published call to the confirmed newsletter subscribers of its topic (CALLS_PILOT_REGIONS
/// or CALLS_EXPERTS), in the publishing transaction (nobody is told of a call whose publication failed).
async fn notify_call_subscribers(tx: &mut Write, call: &call::Model) -> AppResult<()> {
    let (topic, audience) = match call.kind {
        CallKind::PilotRegions => (Topic::CallsPilotRegions, "pilot regions"),
        CallKind::Experts => (Topic::CallsExperts, "experts"),
    };
    let frontend = tx.services().config.frontend_url.trim_end_matches('/').to_owned();
    let when = |at: DateTime<Utc>| at.format("%-d %B %Y, %H:%M UTC").to_string();
    let text = format!(
        "Hello,\n\nIMPACT has published a call for {audience}:\n\n{title}\n\nOpen from {opens} until {closes}.\n\n{description}\n\nDetails: {frontend}/calls/{id}\n",
        title = call.title,
        opens = when(call.opens_at),
        closes = when(call.closes_at),
        description = call.description,
        id = call.id,
    );
    newsletter::notify_topic(tx, topic, &format!("New IMPACT call for {audience}: {}", call.title), &text).await?;
    Ok(())
}

/// The event of a change to `call`: public once the call is, staff-only while a draft.
fn event(event_type: EventType, call: &call::Model) -> DomainEvent {
    let visibility = if call.published_at.is_some() { Visibility::Public } else { Visibility::Staff };
    DomainEvent::new(event_type, NodeType::Call, call.id).visibility(visibility).payload(json!({
        "kind": call.kind.to_value(),
        "round": call.round,
        "opensAt": call.opens_at,
        "closesAt": call.closes_at,
        "published": call.published_at.is_some(),
    }))
}

/// The call `id`; `NOT_FOUND` on the input's `id` when there is none.
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> AppResult<call::Model> {
    call::Entity::find_by_id(id).one(db).await?.ok_or_else(|| AppError::not_found(&["id"], "call"))
}

pub async fn calls_by_id(db: &impl ConnectionTrait, ids: &[Uuid]) -> AppResult<Vec<call::Model>> {
    Ok(call::Entity::find().filter(call::Column::Id.is_in(ids.iter().copied())).all(db).await?)
}

/// Calls by opening time: published ones for everybody, drafts too for staff.
pub async fn list_calls(
    db: &impl ConnectionTrait,
    principal: Option<&Principal>,
    kind: Option<CallKind>,
    status: Option<CallStatus>,
    now: DateTime<Utc>,
    page: &PageRequest,
) -> AppResult<Page<call::Model>> {
    let mut select = call::Entity::find().filter(policy::read_filter(principal));
    if let Some(kind) = kind {
        select = select.filter(call::Column::Kind.eq(kind));
    }
    select = match status {
        Some(CallStatus::Upcoming) => select.filter(call::Column::OpensAt.gt(now)),
        Some(CallStatus::Open) => select.filter(call::Column::OpensAt.lte(now)).filter(call::Column::ClosesAt.gt(now)),
        Some(CallStatus::Closed) => select.filter(call::Column::ClosesAt.lte(now)),
        None => select,
    };
    paginate(db, select, (call::Column::OpensAt, call::Column::Id), |c| (c.opens_at, c.id), SortOrder::Ascending, page)
        .await
}
