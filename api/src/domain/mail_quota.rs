//! Limits on mail to addresses a caller typed (subscribe, register, reset and verification links, event
//! registrations and invitations by e-mail): at most `IMPACT_MAIL_MAX_PER_ADDRESS` per address and
//! `IMPACT_MAIL_MAX_PER_CLIENT` per client address in each fixed window, whatever the number of aliases in
//! one request, and across instances (the counts live in the `mail_quota` table).
//!
//! A command counts the request in its own unit of work, before it looks the address up: the count does not
//! depend on whether the address has an account or a subscription, so `RATE_LIMITED` reveals nothing the
//! command's answer hides. Each count is one upsert (`INSERT .. ON CONFLICT DO UPDATE .. RETURNING`), atomic on
//! both databases (on PostgreSQL the row stays locked until the unit commits); a refused request rolls back,
//! so it does not count.

use crate::auth::secrets::token_hash;
use crate::domain::unit_of_work::Write;
use crate::error::{AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use entity::mail_quota;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

impl Write {
    /// Counts a request to mail `address` (already parsed and normalised) against the limits of the address
    /// and of the caller's client address; `RATE_LIMITED` when either is used up for this window.
    pub async fn count_mail_to(&self, address: &str) -> AppResult<()> {
        let limits = &self.services().config.limits;
        // At most ten years: a longer window is no window.
        let secs = limits.mail_limit_window_secs.clamp(1, 10 * 365 * 24 * 3600);
        let window = Duration::seconds(i64::try_from(secs).unwrap_or(1));
        let start = window_start(self.now(), window);
        let mut counts = vec![(format!("to:{}", token_hash(address)), limits.mail_max_per_address)];
        if let Some(client) = &self.origin().client_address {
            counts.push((format!("client:{client}"), limits.mail_max_per_client));
        }
        let mut over = false;
        for (key, max) in counts {
            let requests = count(&**self, &key, start).await?;
            over |= requests > i64::from(max);
        }
        if over {
            let retry_after = (start + window - self.now()).num_seconds().max(1);
            return Err(AppError::RateLimited { retry_after_secs: retry_after as u64 });
        }
        Ok(())
    }
}

/// The start of the fixed window holding `now`.
fn window_start(now: DateTime<Utc>, window: Duration) -> DateTime<Utc> {
    let secs = window.num_seconds().max(1);
    let start = now.timestamp() - now.timestamp().rem_euclid(secs);
    DateTime::from_timestamp(start, 0).unwrap_or(now)
}

/// Adds one request to `key`'s count in the window starting at `start`; the count after it. The key's ended
/// windows are deleted on the way.
async fn count(conn: &impl ConnectionTrait, key: &str, start: DateTime<Utc>) -> AppResult<i64> {
    use sea_orm::sea_query::ExprTrait;
    mail_quota::Entity::delete_many()
        .filter(mail_quota::Column::QuotaKey.eq(key))
        .filter(mail_quota::Column::WindowStart.lt(start))
        .exec(conn)
        .await?;
    let row = mail_quota::ActiveModel { quota_key: Set(key.to_owned()), window_start: Set(start), requests: Set(1) };
    let counted = mail_quota::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([mail_quota::Column::QuotaKey, mail_quota::Column::WindowStart])
                .value(
                    mail_quota::Column::Requests,
                    Expr::col((mail_quota::Entity, mail_quota::Column::Requests)).add(1),
                )
                .to_owned(),
        )
        .exec_with_returning(conn)
        .await?;
    Ok(i64::from(counted.requests))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn windows_are_fixed() {
        let hour = Duration::hours(1);
        let at = Utc.with_ymd_and_hms(2026, 2, 1, 9, 42, 7).unwrap();
        assert_eq!(window_start(at, hour), Utc.with_ymd_and_hms(2026, 2, 1, 9, 0, 0).unwrap());
        let on_the_hour = Utc.with_ymd_and_hms(2026, 2, 1, 10, 0, 0).unwrap();
        assert_eq!(window_start(on_the_hour, hour), on_the_hour);
    }
}
