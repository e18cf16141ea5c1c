//! The durable change feed: committed domain events after a cursor, oldest first, filtered by the delivery
//! read rule, for integrators that pull. Events are kept `IMPACT_CHANGE_RETENTION_DAYS` days (a background
//! prune deletes older ones); a cursor older than that answers `CURSOR_EXPIRED`, so an integrator knows it
//! missed changes and must resynchronise instead of silently skipping them.

use super::delivery::{party_subject_types, readable};
use crate::auth::Principal;
use crate::clock::SharedClock;
use crate::domain::Services;
use crate::domain::domain_events::{EventType, Visibility};
use crate::domain::pagination::{Page, decode_cursor, encode_cursor};
use crate::domain::policy::is_staff;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, TimeDelta, Utc};
use entity::domain_event;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::time::Duration;
use tracing::Instrument;

/// Events read from the database at a time while filling a page.
const SCAN_BATCH: u64 = 500;
/// How often the prune runs.
const PRUNE_INTERVAL: Duration = Duration::from_secs(3600);

/// The cursor of an event in the feed: its position, and its time (so an expired cursor is told from a
/// current one without looking it up).
pub fn cursor_of(event: &domain_event::Model) -> String {
    encode_cursor(&(event.position, event.occurred_at.timestamp_millis()))
}

/// The position a cursor stands for; `CURSOR_EXPIRED` when it is older than the retention.
pub fn position_of(services: &Services, cursor: &str) -> AppResult<i64> {
    let (position, millis) = decode_cursor::<(i64, i64)>(cursor)?;
    if millis < horizon(services).timestamp_millis() {
        return Err(AppError::CursorExpired(format!(
            "the cursor is older than the change feed's retention ({} days); read the current state again and \
             continue without a cursor",
            services.config.live.change_retention_days
        )));
    }
    Ok(position)
}

/// The oldest instant the feed still holds.
fn horizon(services: &Services) -> DateTime<Utc> {
    services.now() - services.config.live.change_retention()
}

/// Up to `first` events after `after` that `actor` may receive, of `types` (all when empty).
pub async fn changes(
    services: &Services,
    actor: Option<&Principal>,
    after: Option<&str>,
    types: &[EventType],
    first: u64,
) -> AppResult<Page<domain_event::Model>> {
    let mut position = after.map(|cursor| position_of(services, cursor)).transpose()?.unwrap_or(0);
    let mut query = domain_event::Entity::find().filter(domain_event::Column::OccurredAt.gte(horizon(services)));
    if !types.is_empty() {
        query = query.filter(domain_event::Column::EventType.is_in(types.iter().map(|t| t.as_str())));
    }
    if !is_staff(actor) {
        let parties = party_subject_types(actor).into_iter().map(|t| t.name());
        query = query.filter(
            Condition::any().add(domain_event::Column::Visibility.eq(Visibility::Public.as_str())).add(
                Condition::all()
                    .add(domain_event::Column::Visibility.eq(Visibility::Parties.as_str()))
                    .add(domain_event::Column::SubjectType.is_in(parties)),
            ),
        );
    }
    let mut items = Vec::new();
    let mut has_next = false;
    'scan: loop {
        let batch = query
            .clone()
            .filter(domain_event::Column::Position.gt(position))
            .order_by_asc(domain_event::Column::Position)
            .limit(SCAN_BATCH)
            .all(&services.db)
            .await?;
        let exhausted = (batch.len() as u64) < SCAN_BATCH;
        let allowed = readable(&services.db, actor, &batch).await?;
        for (event, allowed) in batch.into_iter().zip(allowed) {
            position = event.position;
            if !allowed {
                continue;
            }
            if items.len() as u64 == first {
                has_next = true;
                break 'scan;
            }
            items.push((cursor_of(&event), event));
        }
        if exhausted {
            break;
        }
    }
    Ok(Page { items, has_previous: after.is_some(), has_next, total: None })
}

/// Deletes the events older than `retention` before `now`; answers how many.
pub async fn prune(db: &impl ConnectionTrait, now: DateTime<Utc>, retention: TimeDelta) -> AppResult<u64> {
    let result = domain_event::Entity::delete_many()
        .filter(domain_event::Column::OccurredAt.lt(now - retention))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Starts the hourly prune of the change feed on the current runtime; it stops with the runtime.
pub fn spawn_prune(db: DatabaseConnection, clock: SharedClock, retention: TimeDelta) {
    let span = tracing::info_span!("change_feed_prune");
    tokio::spawn(
        async move {
            loop {
                match prune(&db, clock.now(), retention).await {
                    Ok(0) => {}
                    Ok(pruned) => tracing::info!(pruned, "pruned change-feed events past the retention"),
                    Err(error) => tracing::error!(%error, "change-feed prune failed; trying again later"),
                }
                tokio::time::sleep(PRUNE_INTERVAL).await;
            }
        }
        .instrument(span),
    );
}
