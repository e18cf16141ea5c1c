//! The outbox table: enqueueing a mail in the caller's transaction, and the delivery pass that sends due mail.
//!
//! A pass claims each due row with a conditional update (status and attempt count as read, still due), so two
//! senders never both own it; the attempt count doubles as the claim's fencing token when the outcome is
//! recorded. A sender that dies mid-send leaves its row SENDING until the lease expires; then the row is sent
//! again (at-least-once), unless it has used up its attempts.

use crate::clock::Clock;
use crate::error::AppError;
use crate::mail::retry::RetryPolicy;
use crate::mail::transport::Transport;
use chrono::{DateTime, Utc};
use entity::outbound_email::{self, OutboundEmailStatus};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use uuid::Uuid;

/// Due rows read at a time; a pass keeps reading until a batch comes back short.
const BATCH_SIZE: u64 = 50;
/// Bounds one pass even if rows keep becoming due (e.g. another sender's clock runs behind).
const MAX_BATCHES_PER_PASS: usize = 100;
/// Longest `last_error` kept, in characters.
const MAX_ERROR_CHARS: usize = 2000;

/// A mail to send: plain text, UTF-8, with extra headers such as `List-Unsubscribe`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub text_body: String,
    pub headers: Vec<(String, String)>,
}

/// Puts a mail in the outbox, due at once. Call it inside the transaction of the change that causes the mail,
/// and `Mailer::notify` after the commit.
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
        let batch = outbound_email::Entity::find()
            .filter(due(clock.now()))
            .order_by_asc(outbound_email::Column::NextAttemptAt)
            .order_by_asc(outbound_email::Column::Id)
            .limit(BATCH_SIZE)
            .all(db)
            .await?;
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

/// Rows a sender may claim at `now`.
fn due(now: DateTime<Utc>) -> Condition {
    use outbound_email::Column;
    Condition::any()
        .add(Condition::all().add(Column::Status.eq(OutboundEmailStatus::Pending)).add(Column::NextAttemptAt.lte(now)))
        .add(Condition::all().add(Column::Status.eq(OutboundEmailStatus::Sending)).add(Column::LeaseUntil.lte(now)))
}

/// Claims, sends and records one row; `true` when it was handed to the transport.
async fn deliver(
    db: &DatabaseConnection,
    transport: &Transport,
    clock: &dyn Clock,
    policy: &RetryPolicy,
    email: outbound_email::Model,
) -> Result<bool, AppError> {
    let read_attempts = email.attempts;
    if email.status == OutboundEmailStatus::Sending && policy.exhausted(attempts(read_attempts)) {
        // Its sender died (or hung) on the last allowed attempt; a mail that keeps killing senders stops here.
        let error = format!("gave up after {read_attempts} attempts; the last one never finished (lease expired)");
        if record(db, &email, read_attempts, failed(error)).await? {
            tracing::warn!(email_id = %email.id, attempts = read_attempts, "mail failed: last attempt never finished");
        }
        return Ok(false);
    }
    let now = clock.now();
    let Some(attempt) = claim(db, &email, now, policy).await? else {
        return Ok(false); // Another sender was quicker.
    };
    let message = match transport.compose(&email, now) {
        Ok(message) => message,
        Err(error) => {
            tracing::warn!(email_id = %email.id, %error, "mail failed: it cannot be built");
            record(db, &email, attempt, failed(error)).await?;
            return Ok(false);
        }
    };
    match transport.send(&message).await {
        Ok(()) => {
            let now = clock.now();
            let outcome = Outcome {
                status: OutboundEmailStatus::Sent,
                next_attempt_at: None,
                last_error: None,
                sent_at: Some(now),
            };
            if !record(db, &email, attempt, outcome).await? {
                tracing::warn!(email_id = %email.id, "mail sent after its lease expired; it may go out twice");
            }
            Ok(true)
        }
        Err(error) => {
            let tries = attempts(attempt);
            let outcome = if policy.exhausted(tries) {
                tracing::warn!(email_id = %email.id, attempts = attempt, %error, "mail failed: no attempts left");
                failed(error)
            } else {
                let next = clock.now() + policy.delay_after(tries);
                tracing::warn!(email_id = %email.id, attempts = attempt, %error, retry_at = %next, "mail not sent; will retry");
                Outcome {
                    status: OutboundEmailStatus::Pending,
                    next_attempt_at: Some(next),
                    last_error: Some(error),
                    sent_at: None,
                }
            };
            record(db, &email, attempt, outcome).await?;
            Ok(false)
        }
    }
}

/// Marks the row SENDING for this sender if it is still as read and still due; returns the new attempt count.
async fn claim(
    db: &DatabaseConnection,
    email: &outbound_email::Model,
    now: DateTime<Utc>,
    policy: &RetryPolicy,
) -> Result<Option<i32>, DbErr> {
    use outbound_email::Column;
    let attempt = email.attempts.saturating_add(1);
    let result = outbound_email::Entity::update_many()
        .col_expr(Column::Status, Expr::value(OutboundEmailStatus::Sending))
        .col_expr(Column::Attempts, Expr::value(attempt))
        .col_expr(Column::LeaseUntil, Expr::value(Some(now + policy.lease)))
        .filter(Column::Id.eq(email.id))
        .filter(Column::Status.eq(email.status))
        .filter(Column::Attempts.eq(email.attempts))
        .filter(due(now))
        .exec(db)
        .await?;
    Ok((result.rows_affected == 1).then_some(attempt))
}

/// What an attempt leaves in the row.
struct Outcome {
    status: OutboundEmailStatus,
    next_attempt_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
    sent_at: Option<DateTime<Utc>>,
}

fn failed(error: String) -> Outcome {
    Outcome { status: OutboundEmailStatus::Failed, next_attempt_at: None, last_error: Some(error), sent_at: None }
}

/// Records the outcome of attempt `attempt`, unless another sender has claimed the row since (its lease ran out);
/// returns whether it was recorded.
async fn record(
    db: &DatabaseConnection,
    email: &outbound_email::Model,
    attempt: i32,
    outcome: Outcome,
) -> Result<bool, DbErr> {
    use outbound_email::Column;
    let mut update = outbound_email::Entity::update_many()
        .col_expr(Column::Status, Expr::value(outcome.status))
        .col_expr(Column::LeaseUntil, Expr::value(None::<DateTime<Utc>>));
    if let Some(next_attempt_at) = outcome.next_attempt_at {
        update = update.col_expr(Column::NextAttemptAt, Expr::value(next_attempt_at));
    }
    if let Some(error) = outcome.last_error {
        update =
            update.col_expr(Column::LastError, Expr::value(error.chars().take(MAX_ERROR_CHARS).collect::<String>()));
    }
    if let Some(sent_at) = outcome.sent_at {
        update = update.col_expr(Column::SentAt, Expr::value(sent_at));
    }
    let result = update
        .filter(Column::Id.eq(email.id))
        .filter(Column::Status.eq(OutboundEmailStatus::Sending))
        .filter(Column::Attempts.eq(attempt))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The attempt count as the policy counts it (the column is never negative).
fn attempts(count: i32) -> u32 {
    u32::try_from(count).unwrap_or(0)
}
