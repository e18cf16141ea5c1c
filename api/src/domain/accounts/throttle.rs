//! The throttle of password guessing. Every password or secret check (login, changing a password, erasing an
//! account, confirming an address with its password, issuing a service token) first reserves its attempt with
//! [`reserve`]: under the keys' locks, the recent failures are counted and the attempt is recorded as a failure
//! *before* the hash is checked. Concurrent attempts are decided one after the other, so no more than a key's
//! limit are ever checked, on SQLite and PostgreSQL alike. A successful check withdraws its record
//! ([`Attempt::succeeded`]); a failed one leaves it standing ([`Attempt::failed`]).
//!
//! Each attempt counts under three keys, each with its own limit within the lockout window:
//! - the subject at this client (`account-client:` / `service-client:`): IMPACT_LOGIN_MAX_FAILURES; it locks
//!   out the guesser without locking out the account's owner at another address, and it sets the slowdown;
//! - the subject from everywhere (`account:` / `service:`): IMPACT_LOGIN_MAX_ACCOUNT_FAILURES, higher, against
//!   guessing spread over many addresses;
//! - the client across subjects (`client:`): IMPACT_LOGIN_MAX_CLIENT_FAILURES, against password spraying.
//!
//! The client is the address `http::client_address` names (a trusted proxy's `X-Forwarded-For`, else the peer).

use crate::auth::secrets::{ensure_password_check_left, token_hash};
use crate::domain::values::Email;
use crate::domain::{Origin, Services};
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use entity::login_failure;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// The subject at this client.
    SubjectAtClient,
    /// The subject, from every client together.
    Subject,
    /// The client, whatever the subject.
    Client,
}

/// The keys one check is throttled by (see the module's documentation).
pub struct ThrottleKeys {
    keys: Vec<(Scope, String)>,
}

impl ThrottleKeys {
    /// An account's password, by its e-mail address in canonical form (the keys `login` uses too: guesses add
    /// up across commands, and spellings of one address are one key).
    pub fn account(email: &str, origin: &Origin) -> Self {
        let canonical =
            Email::parse("email", email).map(Email::into_string).unwrap_or_else(|_| email.trim().to_lowercase());
        Self::of("account", &canonical, origin)
    }

    /// A service account's secret, by its client id.
    pub fn service(client_id: &str, origin: &Origin) -> Self {
        Self::of("service", client_id.trim(), origin)
    }

    fn of(kind: &str, subject: &str, origin: &Origin) -> Self {
        let subject = token_hash(subject);
        let client = origin.client_address.as_deref();
        let mut keys = vec![
            (Scope::SubjectAtClient, format!("{kind}-client:{subject}:{}", client.unwrap_or("unknown"))),
            (Scope::Subject, format!("{kind}:{subject}")),
        ];
        if let Some(client) = client {
            keys.push((Scope::Client, format!("client:{client}")));
        }
        Self { keys }
    }
}

/// The prefix of the keys of an account at any client (for erasing an account's records).
pub fn account_keys(email: &str) -> (String, String) {
    let subject = token_hash(email);
    (format!("account:{subject}"), format!("account-client:{subject}:"))
}

/// A password check that may run: its records stand as failures until it [`succeeded`](Attempt::succeeded).
#[must_use = "an attempt ends as failed or succeeded"]
pub struct Attempt {
    records: Vec<Uuid>,
    subject_at_client: String,
}

impl Attempt {
    /// The check failed: its records stay, as the failure they were reserved as.
    pub fn failed(self) {}

    /// The check passed: its records go, and so do the earlier failures of this subject at this client
    /// (the owner got it right; other clients' failures and the subject's total still age out on their own).
    pub async fn succeeded(self, conn: &impl ConnectionTrait) -> AppResult<()> {
        login_failure::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(login_failure::Column::Id.is_in(self.records))
                    .add(login_failure::Column::ThrottleKey.eq(self.subject_at_client)),
            )
            .exec(conn)
            .await?;
        Ok(())
    }
}

/// Serialises the reservations of this process on SQLite (see [`reserve`]).
static SQLITE_RESERVATIONS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Reserves one password check under `keys`: counts the recent failures and records this attempt as one in a
/// single transaction that holds every key's lock (SQLite: the write lock taken at BEGIN; PostgreSQL: an advisory
/// lock per key, taken in one order), so concurrent attempts are decided one after the other. Refuses with
/// RATE_LIMITED, recording nothing, while any key is at its limit; otherwise waits the slowdown of the
/// subject's recent failures at this client and hands the attempt over.
pub async fn reserve(services: &Services, origin: &Origin, keys: &ThrottleKeys) -> AppResult<Attempt> {
    // A check the request's budget would refuse is refused before it is recorded.
    ensure_password_check_left()?;
    let auth = &services.config.auth;
    let window = Duration::seconds(auth.login_lockout_secs as i64);
    // SQLite: one reservation at a time in this process, in arrival order, before a connection is taken; a
    // burst of attempts then queues here instead of spinning on the write lock's busy timeout while holding
    // pool connections (40 parallel logins answered INTERNAL or SERVICE_UNAVAILABLE under load without it).
    let serial = match services.db.get_database_backend() {
        DbBackend::Sqlite => Some(SQLITE_RESERVATIONS.lock().await),
        _ => None,
    };
    let tx = services.write(None).await?.from_origin(origin);
    let now = tx.now();
    if tx.get_database_backend() == DbBackend::Postgres {
        let mut locks: Vec<i64> = keys.keys.iter().map(|(_, key)| lock_id(key)).collect();
        locks.sort_unstable();
        locks.dedup();
        for lock in locks {
            let statement =
                Statement::from_sql_and_values(DbBackend::Postgres, "SELECT pg_advisory_xact_lock($1)", [lock.into()]);
            tx.execute_raw(statement).await?;
        }
    }
    let mut retry: Option<i64> = None;
    let mut recent_here = 0;
    for (scope, key) in &keys.keys {
        let failures = failures_since(&*tx, key, now - window).await?;
        let max = match scope {
            Scope::SubjectAtClient => auth.login_max_failures,
            Scope::Subject => auth.login_max_account_failures,
            Scope::Client => auth.login_max_client_failures,
        };
        if let Some(key_retry) = lockout(&failures, max, window, now) {
            retry = Some(retry.unwrap_or(0).max(key_retry));
        }
        if *scope == Scope::SubjectAtClient {
            recent_here = failures.len();
        }
    }
    if let Some(retry_after) = retry {
        return Err(AppError::RateLimited { retry_after_secs: retry_after.max(1) as u64 });
    }
    let mut records = Vec::with_capacity(keys.keys.len());
    for (_, key) in &keys.keys {
        let id = Uuid::now_v7();
        login_failure::ActiveModel { id: Set(id), throttle_key: Set(key.clone()), failed_at: Set(now) }
            .insert(&*tx)
            .await?;
        records.push(id);
    }
    tx.commit().await?;
    drop(serial);
    let delay = slowdown(recent_here, auth.login_slowdown_ms);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let subject_at_client = keys.keys.iter().find(|(scope, _)| *scope == Scope::SubjectAtClient);
    Ok(Attempt { records, subject_at_client: subject_at_client.map(|(_, key)| key.clone()).unwrap_or_default() })
}

/// The advisory-lock id of a throttle key (the first 64 bits of its hash).
fn lock_id(key: &str) -> i64 {
    let hash = token_hash(key);
    u64::from_str_radix(&hash[..16], 16).map_or(0, |bits| bits as i64)
}

/// The failures recorded under `key` since `since`, newest first.
async fn failures_since(conn: &impl ConnectionTrait, key: &str, since: DateTime<Utc>) -> AppResult<Vec<DateTime<Utc>>> {
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
fn lockout(failures: &[DateTime<Utc>], max: u32, window: Duration, now: DateTime<Utc>) -> Option<i64> {
    let max = max.max(1) as usize;
    let nth = failures.get(max - 1)?;
    let opens = *nth + window;
    (opens > now).then(|| (opens - now).num_seconds().max(1))
}

/// The delay before answering the next attempt: grows with each recent failure, at most 5 s.
fn slowdown(failures: usize, step_ms: u64) -> std::time::Duration {
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
