//! The webhook worker: turns committed domain events into deliveries (after the durable dispatch cursor, in
//! the same transaction that moves it, so a crash between commit and delivery loses nothing), then sends the
//! due deliveries through the generic outbox (claim, lease, retry on the webhook schedule).

use super::{ACTIVE, DISABLED, address, owner, signing};
use crate::domain::Services;
use crate::domain::domain_events::{self, DomainEvent, EventType, Visibility};
use crate::domain::ids::NodeType;
use crate::domain::live::readable;
use crate::error::AppResult;
use crate::outbox::{self, Job, Outcome, Queue, RetryPolicy};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use entity::webhook_delivery::{self, WebhookDeliveryStatus};
use entity::{domain_event, webhook_dispatch, webhook_endpoint, webhook_endpoint_event_type};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use serde_json::json;
use std::time::Duration;
use tracing::Instrument;
use uuid::Uuid;

/// Waits after the 1st, 2nd, ... failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h; then the delivery fails.
pub const SCHEDULE: &[i64] = &[5, 300, 1800, 7200, 18000, 36000];
const EVENT_BATCH: u64 = 200;
const DELIVERY_BATCH: u64 = 50;
const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// How much longer than the request timeout a claimed delivery stays its sender's: enough to record the answer.
/// A worker that died mid-send (a crash, a kill -9) leaves it to the next worker once this has passed.
const LEASE_MARGIN_SECS: i64 = 10;

impl Queue for webhook_delivery::Entity {
    type Status = WebhookDeliveryStatus;
    const PENDING: WebhookDeliveryStatus = WebhookDeliveryStatus::Pending;
    const IN_FLIGHT: WebhookDeliveryStatus = WebhookDeliveryStatus::Sending;
    const DONE: WebhookDeliveryStatus = WebhookDeliveryStatus::Delivered;
    const FAILED: WebhookDeliveryStatus = WebhookDeliveryStatus::Failed;
    const ID: webhook_delivery::Column = webhook_delivery::Column::Id;
    const STATUS: webhook_delivery::Column = webhook_delivery::Column::Status;
    const ATTEMPTS: webhook_delivery::Column = webhook_delivery::Column::Attempts;
    const NEXT_ATTEMPT_AT: webhook_delivery::Column = webhook_delivery::Column::NextAttemptAt;
    const LEASE_UNTIL: webhook_delivery::Column = webhook_delivery::Column::LeaseUntil;
    const LAST_ERROR: webhook_delivery::Column = webhook_delivery::Column::LastError;
    const DONE_AT: webhook_delivery::Column = webhook_delivery::Column::DeliveredAt;
}

/// Starts the worker on the current runtime: a pass after every committed event and every poll interval.
pub fn spawn(services: Services) {
    let mut events = services.publisher.subscribe();
    let span = tracing::info_span!("webhook_worker", task_id = %Uuid::new_v4());
    tokio::spawn(
        async move {
            loop {
                if let Err(error) = pass(&services).await {
                    error.log_if_internal();
                }
                tokio::select! {
                    received = events.recv() => {
                        if matches!(received, Err(tokio::sync::broadcast::error::RecvError::Closed)) {
                            break;
                        }
                    }
                    () = tokio::time::sleep(POLL_INTERVAL) => {}
                }
            }
        }
        .instrument(span),
    );
}

/// One pass: dispatch new events, then send what is due.
pub async fn pass(services: &Services) -> AppResult<()> {
    dispatch(&services.db, services.now()).await?;
    deliver_due(services).await
}

/// Turns the events after the cursor into deliveries for the active endpoints of their type whose owner may
/// read them; moves the cursor in the same transaction.
pub async fn dispatch(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<usize> {
    let mut created = 0;
    loop {
        // A look without the write lock first: an idle worker never blocks other writers (SQLite).
        let cursor = webhook_dispatch::Entity::find_by_id(1).one(db).await?.map_or(0, |c| c.position);
        if domain_events::after(db, cursor, 1).await?.is_empty() {
            return Ok(created);
        }
        let txn = db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?;
        // Writing the cursor row first serialises dispatchers (a row lock on PostgreSQL).
        webhook_dispatch::Entity::update_many()
            .col_expr(webhook_dispatch::Column::Position, Expr::col(webhook_dispatch::Column::Position))
            .filter(webhook_dispatch::Column::Id.eq(1))
            .exec(&txn)
            .await?;
        let cursor = webhook_dispatch::Entity::find_by_id(1).one(&txn).await?.map_or(0, |c| c.position);
        let events = domain_events::after(&txn, cursor, EVENT_BATCH).await?;
        let Some(last) = events.last().map(|e| e.position) else { return Ok(created) };
        let endpoints = webhook_endpoint::Entity::find()
            .filter(webhook_endpoint::Column::Status.eq(ACTIVE))
            .order_by_asc(webhook_endpoint::Column::Id)
            .all(&txn)
            .await?;
        for endpoint in endpoints {
            let types: Vec<String> = webhook_endpoint_event_type::Entity::find()
                .filter(webhook_endpoint_event_type::Column::EndpointId.eq(endpoint.id))
                .all(&txn)
                .await?
                .into_iter()
                .map(|t| t.event_type)
                .collect();
            let wanted: Vec<domain_event::Model> =
                events.iter().filter(|e| types.contains(&e.event_type)).cloned().collect();
            if wanted.is_empty() {
                continue;
            }
            let Some(owner) = owner(&txn, &endpoint).await? else { continue };
            let allowed = readable(&txn, Some(&owner), &wanted).await?;
            for (event, _) in wanted.iter().zip(allowed).filter(|(_, allowed)| *allowed) {
                delivery_of(&endpoint, event, now).insert(&txn).await?;
                created += 1;
            }
        }
        webhook_dispatch::Entity::update_many()
            .col_expr(webhook_dispatch::Column::Position, Expr::value(last))
            .filter(webhook_dispatch::Column::Id.eq(1))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        if (events.len() as u64) < EVENT_BATCH {
            return Ok(created);
        }
    }
}

/// The body (`{ type, timestamp, data }`, as Standard Webhooks suggests) of `event`, pending at once.
fn delivery_of(
    endpoint: &webhook_endpoint::Model,
    event: &domain_event::Model,
    now: DateTime<Utc>,
) -> webhook_delivery::ActiveModel {
    let payload: serde_json::Value = serde_json::from_str(&event.payload).unwrap_or_default();
    let body = json!({
        "type": event.event_type,
        "timestamp": event.occurred_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "data": { "eventId": event.id.to_string(), "subjectType": event.subject_type, "subjectId": event.subject, "payload": payload },
    });
    webhook_delivery::ActiveModel {
        id: Set(Uuid::now_v7()),
        endpoint_id: Set(endpoint.id),
        event_id: Set(event.id),
        event_position: Set(event.position),
        event_type: Set(event.event_type.clone()),
        body: Set(body.to_string()),
        status: Set(WebhookDeliveryStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        last_status_code: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
    }
}

/// Sends every due delivery of an active endpoint.
pub async fn deliver_due(services: &Services) -> AppResult<()> {
    let timeout = i64::try_from(services.config.webhooks.timeout_secs).unwrap_or(i64::MAX / 2);
    let policy = RetryPolicy {
        lease: TimeDelta::seconds(timeout.saturating_add(LEASE_MARGIN_SECS)),
        ..RetryPolicy::scheduled(SCHEDULE)
    };
    let active = Query::select()
        .column(webhook_endpoint::Column::Id)
        .from(webhook_endpoint::Entity)
        .and_where(webhook_endpoint::Column::Status.eq(ACTIVE))
        .to_owned();
    loop {
        let batch = webhook_delivery::Entity::find()
            .filter(outbox::due::<webhook_delivery::Entity>(services.now()))
            .filter(webhook_delivery::Column::EndpointId.in_subquery(active.clone()))
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
            .order_by_asc(webhook_delivery::Column::Id)
            .limit(DELIVERY_BATCH)
            .all(&services.db)
            .await?;
        let full = batch.len() as u64 == DELIVERY_BATCH;
        for delivery in batch {
            deliver(services, &policy, delivery).await?;
        }
        if !full {
            return Ok(());
        }
    }
}

async fn deliver(services: &Services, policy: &RetryPolicy, delivery: webhook_delivery::Model) -> AppResult<()> {
    let db = &services.db;
    let job = Job { id: delivery.id, status: delivery.status, attempts: delivery.attempts };
    let now = services.now();
    let Some(attempt) = outbox::claim::<webhook_delivery::Entity>(db, job, now, policy).await? else {
        return Ok(());
    };
    let Some(endpoint) = webhook_endpoint::Entity::find_by_id(delivery.endpoint_id).one(db).await? else {
        return Ok(());
    };
    let (status_code, outcome) = match send(services, &endpoint, &delivery, now).await {
        Ok(code) => (Some(code), Outcome::Done { at: services.now() }),
        Err((code, error)) => {
            tracing::warn!(delivery_id = %delivery.id, attempts = attempt, %error, "webhook delivery failed");
            (code, Outcome::after_failure(policy, attempt, error, services.now()))
        }
    };
    let succeeded = matches!(outcome, Outcome::Done { .. });
    if outbox::record::<webhook_delivery::Entity>(db, delivery.id, attempt, outcome).await? {
        webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::LastStatusCode, Expr::value(status_code.map(i32::from)))
            .filter(webhook_delivery::Column::Id.eq(delivery.id))
            .exec(db)
            .await?;
    }
    health(services, endpoint, succeeded).await
}

/// Records whether the endpoint is failing, and disables it once it has failed for longer than allowed.
async fn health(services: &Services, endpoint: webhook_endpoint::Model, succeeded: bool) -> AppResult<()> {
    let now = services.now();
    let disable_after = TimeDelta::hours(i64::from(services.config.webhooks.disable_after_hours));
    match (succeeded, endpoint.failing_since) {
        (true, None) => Ok(()),
        (true, Some(_)) => {
            let mut active: webhook_endpoint::ActiveModel = endpoint.into();
            active.failing_since = Set(None);
            active.update(&services.db).await?;
            Ok(())
        }
        (false, None) => {
            let mut active: webhook_endpoint::ActiveModel = endpoint.into();
            active.failing_since = Set(Some(now));
            active.update(&services.db).await?;
            Ok(())
        }
        (false, Some(since)) if now - since >= disable_after && endpoint.status == ACTIVE => {
            let mut tx = services.write(None).await?;
            let id = endpoint.id;
            let mut active: webhook_endpoint::ActiveModel = endpoint.into();
            active.status = Set(DISABLED.to_owned());
            active.updated_at = Set(now);
            active.update(&*tx).await?;
            tx.emit(
                DomainEvent::new(EventType::WebhookEndpointDisabled, NodeType::WebhookEndpoint, id)
                    .visibility(Visibility::Staff)
                    .payload(json!({ "failingSince": since.to_rfc3339() })),
            );
            tx.commit().await?;
            tracing::warn!(endpoint_id = %id, "webhook endpoint disabled: failing for too long");
            Ok(())
        }
        (false, Some(_)) => Ok(()),
    }
}

/// One signed request; the HTTP status when it was 2xx, else the status (if any) and why it failed.
async fn send(
    services: &Services,
    endpoint: &webhook_endpoint::Model,
    delivery: &webhook_delivery::Model,
    now: DateTime<Utc>,
) -> Result<u16, (Option<u16>, String)> {
    let config = &services.config.webhooks;
    let target = address::resolve(&endpoint.url, config.allow_private).await.map_err(|e| (None, e))?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(config.timeout_secs))
        .redirect(reqwest::redirect::Policy::none())
        .resolve_to_addrs(&target.host, &target.addresses)
        .build()
        .map_err(|e| (None, format!("cannot build the HTTP client: {e}")))?;
    let id = delivery.event_id.to_string();
    let timestamp = now.timestamp();
    let mut secrets = vec![endpoint.secret.as_str()];
    if let (Some(previous), Some(until)) = (&endpoint.previous_secret, endpoint.previous_secret_until)
        && until > now
    {
        secrets.push(previous);
    }
    let response = client
        .post(target.url)
        .header("content-type", "application/json")
        .header("user-agent", "impact-api-webhooks")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signing::signature_header(&secrets, &id, timestamp, &delivery.body))
        .body(delivery.body.clone())
        .send()
        .await
        .map_err(|e| (None, format!("request failed: {e}")))?;
    let status = response.status().as_u16();
    if response.status().is_success() { Ok(status) } else { Err((Some(status), format!("answered {status}"))) }
}
