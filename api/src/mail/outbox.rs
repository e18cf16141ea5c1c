//! The outbox table: enqueueing a mail in the caller's transaction, and the delivery pass that sends due mail.
//!
//! Claims, leases and retries are the generic ones of `crate::outbox`: a sender that dies mid-send leaves its
//! row SENDING until the lease expires; then the row is sent again (at-least-once), unless it has used up its
//! attempts.

use crate::clock::Clock;
use crate::error::AppError;
use crate::mail::transport::Transport;
use crate::outbox::{self, Job, Outcome, Queue, RetryPolicy};
use chrono::{DateTime, Utc};
use entity::outbound_email::{self, OutboundEmailStatus};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait};
use uuid::Uuid;

/// Due rows read at a time; a pass keeps reading until a batch comes back short.
const BATCH_SIZE: u64 = 50;
/// Bounds one pass even if rows keep becoming due (e.g. another sender's clock runs behind).
const MAX_BATCHES_PER_PASS: usize = 100;

/// A mail to send: plain text, UTF-8, with extra headers such as `List-Unsubscribe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub text_body: String,
    pub headers: Vec<(String, String)>,
}

/// Puts a mail in the outbox, due at once, in the caller's transaction. Commands do not call this: they queue
/// mail through their unit of work (`Write::mail`), which also wakes the sender after the commit.
pub async fn enqueue(conn: &impl ConnectionTrait, now: DateTime<Utc>, email: OutgoingEmail) -> Result<Uuid, DbErr> {
    let headers = serde_json::to_string(&email.headers)
        .map_err(|error| DbErr::Custom(format!("cannot serialise mail headers: {error}")))?;
    let id = Uuid::new_v4();
    let row = outbound_email::ActiveModel {
        id: Set(id),
        to_address: Set(email.to),
        subject: Set(email.subject),
        text_body: Set(email.text_body),
        headers: Set(headers),
        status: Set(OutboundEmailStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
    };
    outbound_email::Entity::insert(row).exec_without_returning(conn).await?;
    Ok(id)
}

/// One delivery pass: sends every mail due now (PENDING and due, or SENDING with an expired lease) and
/// records each outcome. Returns how many mails were handed to the transport.
pub async fn deliver_due(
    db: &DatabaseConnection,
    transport: &Transport,
    clock: &dyn Clock,
    policy: &RetryPolicy,
) -> Result<usize, AppError> {
    let mut sent = 0;
    for _ in 0..MAX_BATCHES_PER_PASS {
        let batch = outbox::due_batch::<outbound_email::Entity>(db, clock.now(), BATCH_SIZE).await?;
        let full_batch = batch.len() as u64 == BATCH_SIZE;
        for email in batch {
            if deliver(db, transport, clock, policy, email).await? {
                sent += 1;
            }
        }
        if !full_batch {
            break;
        }
    }
    Ok(sent)
}

impl Queue for outbound_email::Entity {
    type Status = OutboundEmailStatus;
    const PENDING: OutboundEmailStatus = OutboundEmailStatus::Pending;
    const IN_FLIGHT: OutboundEmailStatus = OutboundEmailStatus::Sending;
    const DONE: OutboundEmailStatus = OutboundEmailStatus::Sent;
    const FAILED: OutboundEmailStatus = OutboundEmailStatus::Failed;
    const ID: outbound_email::Column = outbound_email::Column::Id;
    const STATUS: outbound_email::Column = outbound_email::Column::Status;
    const ATTEMPTS: outbound_email::Column = outbound_email::Column::Attempts;
    const NEXT_ATTEMPT_AT: outbound_email::Column = outbound_email::Column::NextAttemptAt;
    const LEASE_UNTIL: outbound_email::Column = outbound_email::Column::LeaseUntil;
    const LAST_ERROR: outbound_email::Column = outbound_email::Column::LastError;
    const DONE_AT: outbound_email::Column = outbound_email::Column::SentAt;
}

/// Claims, sends and records one row; `true` when it was handed to the transport.
async fn deliver(
    db: &DatabaseConnection,
    transport: &Transport,
    clock: &dyn Clock,
    policy: &RetryPolicy,
    email: outbound_email::Model,
) -> Result<bool, AppError> {
    let job = Job { id: email.id, status: email.status, attempts: email.attempts };
    if email.status == OutboundEmailStatus::Sending && policy.exhausted(outbox::attempts(email.attempts)) {
        // Its sender died (or hung) on the last allowed attempt; a mail that keeps killing senders stops here.
        let error = format!("gave up after {} attempts; the last one never finished (lease expired)", email.attempts);
        if outbox::record::<outbound_email::Entity>(db, email.id, email.attempts, Outcome::Failed { error }).await? {
            tracing::warn!(email_id = %email.id, attempts = email.attempts, "mail failed: last attempt never finished");
        }
        return Ok(false);
    }
    let now = clock.now();
    let Some(attempt) = outbox::claim::<outbound_email::Entity>(db, job, now, policy).await? else {
        return Ok(false); // Another sender was quicker.
    };
    let message = match transport.compose(&email, now) {
        Ok(message) => message,
        Err(error) => {
            tracing::warn!(email_id = %email.id, %error, "mail failed: it cannot be built");
            outbox::record::<outbound_email::Entity>(db, email.id, attempt, Outcome::Failed { error }).await?;
            return Ok(false);
        }
    };
    match transport.send(&message).await {
        Ok(()) => {
            let done = Outcome::Done { at: clock.now() };
            if !outbox::record::<outbound_email::Entity>(db, email.id, attempt, done).await? {
                tracing::warn!(email_id = %email.id, "mail sent after its lease expired; it may go out twice");
            }
            Ok(true)
        }
        Err(error) => {
            let outcome = Outcome::after_failure(policy, attempt, error.clone(), clock.now());
            match &outcome {
                Outcome::Retry { at, .. } => {
                    tracing::warn!(email_id = %email.id, attempts = attempt, %error, retry_at = %at, "mail not sent; will retry")
                }
                _ => tracing::warn!(email_id = %email.id, attempts = attempt, %error, "mail failed: no attempts left"),
            }
            outbox::record::<outbound_email::Entity>(db, email.id, attempt, outcome).await?;
            Ok(false)
        }
    }
}
