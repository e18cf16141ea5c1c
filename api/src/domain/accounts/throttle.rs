//! The throttle of password guessing: failed checks are recorded per key (an account, a service client, a
//! client address) and slow down, then refuse, further checks of that key for a while. `login` keeps its own
//! flow over these helpers; every other password or secret check goes through [`before_check`] and
//! [`record_failure`].

use crate::auth::secrets::token_hash;
use crate::domain::{Origin, Services};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use entity::login_failure;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

/// The keys one check is throttled by: its subject (the account or service client) and the client address.
pub struct ThrottleKeys {
    subject: String,
    client: Option<String>,
}

impl ThrottleKeys {
    /// An account's password, by its e-mail address (the key `login` uses too: guesses add up across commands).
    pub fn account(email: &str, origin: &Origin) -> Self {
        Self::of(format!("account:{}", token_hash(&email.trim().to_lowercase())), origin)
    }

    /// A service account's secret, by its client id.
    pub fn service(client_id: &str, origin: &Origin) -> Self {
        Self::of(format!("service:{}", token_hash(client_id.trim())), origin)
    }

    fn of(subject: String, origin: &Origin) -> Self {
        Self { subject, client: origin.client_address.as_ref().map(|a| format!("client:{a}")) }
    }

    fn all(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.subject).chain(self.client.as_ref())
    }
}

/// Refuses with RATE_LIMITED while the subject or the client is locked out; otherwise waits the slowdown of
/// the subject's recent failures.
pub async fn before_check(services: &Services, keys: &ThrottleKeys) -> AppResult<()> {
    let auth = &services.config.auth;
    let now = services.now();
    let window = Duration::seconds(auth.login_lockout_secs as i64);
    let subject_failures = failures_since(&services.db, &keys.subject, now - window).await?;
    let mut retry = lockout(&subject_failures, auth.login_max_failures, window, now);
    if let Some(client) = &keys.client {
        let client_failures = failures_since(&services.db, client, now - window).await?;
        if let Some(client_retry) = lockout(&client_failures, auth.login_max_client_failures, window, now) {
            retry = Some(retry.unwrap_or(0).max(client_retry));
        }
    }
    if let Some(retry_after) = retry {
        return Err(AppError::RateLimited { retry_after_secs: retry_after.max(1) as u64 });
    }
    let delay = slowdown(subject_failures.len(), auth.login_slowdown_ms);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    Ok(())
}

/// Records a failed check for each key, in a unit of work of its own: it stays although the command fails.
pub async fn record_failure(services: &Services, origin: &Origin, keys: &ThrottleKeys) -> AppResult<()> {
    let tx = services.write(None).await?.from_origin(origin);
    for key in keys.all() {
        login_failure::ActiveModel {
            id: Set(Uuid::now_v7()),
            throttle_key: Set(key.clone()),
            failed_at: Set(tx.now()),
        }
        .insert(&*tx)
        .await?;
    }
    tx.commit().await
}

pub(super) async fn failures_since(
    conn: &impl ConnectionTrait,
    key: &str,
    since: DateTime<Utc>,
) -> AppResult<Vec<DateTime<Utc>>> {
    Ok(login_failure::Entity::find()
        .select_only()
        .column(login_failure::Column::FailedAt)
        .filter(login_failure::Column::ThrottleKey.eq(key))
        .filter(login_failure::Column::FailedAt.gt(since))
        .order_by_desc(login_failure::Column::FailedAt)
        .into_tuple()
        .all(conn)
        .await?)
}

/// Seconds until a key with these recent failures (newest first) may try again; None if it may now.
/// The key is locked while `max` failures lie within the window, so it opens when the `max`-th newest ages out.
pub(super) fn lockout(failures: &[DateTime<Utc>], max: u32, window: Duration, now: DateTime<Utc>) -> Option<i64> {
    let max = max.max(1) as usize;
    let nth = failures.get(max - 1)?;
    let opens = *nth + window;
    (opens > now).then(|| (opens - now).num_seconds().max(1))
}

/// The delay before answering the next attempt: grows with each recent failure, at most 5 s.
pub(super) fn slowdown(failures: usize, step_ms: u64) -> std::time::Duration {
    std::time::Duration::from_millis((failures as u64).saturating_mul(step_ms).min(5_000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn lockout_opens_when_the_oldest_counted_failure_ages_out() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let window = Duration::minutes(15);
        let failures: Vec<_> = (0..5).map(|i| now - Duration::minutes(i)).collect();
        assert_eq!(lockout(&failures[..4], 5, window, now), None);
        assert_eq!(lockout(&failures, 5, window, now), Some(11 * 60));
        assert_eq!(lockout(&failures, 5, window, now + Duration::minutes(11)), None);
    }

    #[test]
    fn slowdown_grows_then_caps() {
        assert_eq!(slowdown(0, 250).as_millis(), 0);
        assert_eq!(slowdown(3, 250).as_millis(), 750);
        assert_eq!(slowdown(100, 250).as_millis(), 5_000);
    }
}
