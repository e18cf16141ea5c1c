//! Work done at least once from a table (mail now, webhook deliveries later): due rows are claimed with a
//! conditional update and a lease, the outcome is recorded unless another worker has claimed the row since,
//! and failures are retried with exponential backoff until the attempts run out.
//!
//! The claim checks status and attempt count as read, so two workers never both own a row; the attempt count
//! is the claim's fencing token when the outcome is recorded. A worker that dies mid-attempt leaves its row
//! in flight until the lease expires; then it is tried again (at-least-once).

mod retry;

pub use retry::RetryPolicy;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// Longest `last_error` kept, in characters.
const MAX_ERROR_CHARS: usize = 2000;

/// A table of work: which columns hold the claim state and which status values it uses.
pub trait Queue: EntityTrait {
    type Status: Into<sea_orm::Value> + Copy + PartialEq + Send + Sync + std::fmt::Debug;
    /// Waiting for `next_attempt_at`.
    const PENDING: Self::Status;
    /// Claimed until `lease_until`.
    const IN_FLIGHT: Self::Status;
    const DONE: Self::Status;
    const FAILED: Self::Status;
    const ID: Self::Column;
    const STATUS: Self::Column;
    const ATTEMPTS: Self::Column;
    const NEXT_ATTEMPT_AT: Self::Column;
    const LEASE_UNTIL: Self::Column;
    const LAST_ERROR: Self::Column;
    /// When the work was done (e.g. `sent_at`).
    const DONE_AT: Self::Column;
}

/// The claim state of one row, as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job<S> {
    pub id: Uuid,
    pub status: S,
    pub attempts: i32,
}

/// Rows a worker may claim at `now`: pending and due, or in flight with an expired lease.
pub fn due<Q: Queue>(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(Condition::all().add(Q::STATUS.eq(Q::PENDING)).add(Q::NEXT_ATTEMPT_AT.lte(now)))
        .add(Condition::all().add(Q::STATUS.eq(Q::IN_FLIGHT)).add(Q::LEASE_UNTIL.lte(now)))
}

/// Up to `limit` due rows, longest waiting first.
pub async fn due_batch<Q: Queue>(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Q::Model>, DbErr> {
    Q::find().filter(due::<Q>(now)).order_by_asc(Q::NEXT_ATTEMPT_AT).order_by_asc(Q::ID).limit(limit).all(conn).await
}

/// Marks the row in flight for this worker if it is still as read and still due; returns the new attempt count.
pub async fn claim<Q: Queue>(
    conn: &impl ConnectionTrait,
    job: Job<Q::Status>,
    now: DateTime<Utc>,
    policy: &RetryPolicy,
) -> Result<Option<i32>, DbErr> {
    let attempt = job.attempts.saturating_add(1);
    let result = Q::update_many()
        .col_expr(Q::STATUS, Expr::value(Q::IN_FLIGHT))
        .col_expr(Q::ATTEMPTS, Expr::value(attempt))
        .col_expr(Q::LEASE_UNTIL, Expr::value(Some(now + policy.lease)))
        .filter(Q::ID.eq(job.id))
        .filter(Q::STATUS.eq(job.status))
        .filter(Q::ATTEMPTS.eq(job.attempts))
        .filter(due::<Q>(now))
        .exec(conn)
        .await?;
    Ok((result.rows_affected == 1).then_some(attempt))
}

/// What an attempt leaves in the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done { at: DateTime<Utc> },
    Retry { at: DateTime<Utc>, error: String },
    Failed { error: String },
}

impl Outcome {
    /// After attempt `attempt` failed with `error`: another try after the backoff, or none when they are used up.
    pub fn after_failure(policy: &RetryPolicy, attempt: i32, error: String, now: DateTime<Utc>) -> Self {
        let tries = attempts(attempt);
        if policy.exhausted(tries) {
            Outcome::Failed { error }
        } else {
            Outcome::Retry { at: now + policy.delay_after(tries), error }
        }
    }
}

/// Records the outcome of attempt `attempt`, unless another worker has claimed the row since (its lease ran
/// out); returns whether it was recorded.
pub async fn record<Q: Queue>(
    conn: &impl ConnectionTrait,
    id: Uuid,
    attempt: i32,
    outcome: Outcome,
) -> Result<bool, DbErr> {
    let clip = |error: String| error.chars().take(MAX_ERROR_CHARS).collect::<String>();
    let update = Q::update_many().col_expr(Q::LEASE_UNTIL, Expr::value(None::<DateTime<Utc>>));
    let update = match outcome {
        Outcome::Done { at } => update.col_expr(Q::STATUS, Expr::value(Q::DONE)).col_expr(Q::DONE_AT, Expr::value(at)),
        Outcome::Retry { at, error } => update
            .col_expr(Q::STATUS, Expr::value(Q::PENDING))
            .col_expr(Q::NEXT_ATTEMPT_AT, Expr::value(at))
            .col_expr(Q::LAST_ERROR, Expr::value(clip(error))),
        Outcome::Failed { error } => {
            update.col_expr(Q::STATUS, Expr::value(Q::FAILED)).col_expr(Q::LAST_ERROR, Expr::value(clip(error)))
        }
    };
    let result = update
        .filter(Q::ID.eq(id))
        .filter(Q::STATUS.eq(Q::IN_FLIGHT))
        .filter(Q::ATTEMPTS.eq(attempt))
        .exec(conn)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The attempt count as the policy counts it (the column is never negative).
pub fn attempts(count: i32) -> u32 {
    u32::try_from(count).unwrap_or(0)
}
