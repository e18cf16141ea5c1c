//! When failed work (a mail, a delivery) is tried again, and when the worker gives up on it.

use crate::config::Mail;
use chrono::Duration;

const BASE_DELAY_SECS: i64 = 30;
const MAX_DELAY_SECS: i64 = 60 * 60;
const LEASE_SECS: i64 = 5 * 60;

/// Exponential backoff: `base_delay` after the first failed attempt, doubling, at most `max_delay`;
/// after `max_attempts` attempts the mail is FAILED.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    pub base_delay: Duration,
    pub max_delay: Duration,
    pub max_attempts: u32,
    /// How long a claimed mail belongs to its sender. Longer than any send takes (the SMTP transport gives up
    /// after 30 s per command), so only a sender that died loses its mail to another.
    pub lease: Duration,
}

impl RetryPolicy {
    /// The defaults with `IMPACT_MAIL_MAX_ATTEMPTS` from the configuration.
    pub fn from_config(config: &Mail) -> Self {
        Self { max_attempts: config.max_attempts, ..Self::default() }
    }

    /// The wait after the `attempt`-th failed attempt (counted from 1): base, 2 × base, 4 × base, … at most the cap.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1);
        2_i32
            .checked_pow(doublings)
            .and_then(|factor| self.base_delay.checked_mul(factor))
            .map_or(self.max_delay, |delay| delay.min(self.max_delay))
    }

    /// Whether a mail that has had `attempts` attempts gets no further one.
    pub fn exhausted(&self, attempts: u32) -> bool {
        attempts >= self.max_attempts
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base_delay: Duration::seconds(BASE_DELAY_SECS),
            max_delay: Duration::seconds(MAX_DELAY_SECS),
            max_attempts: Mail::default().max_attempts,
            lease: Duration::seconds(LEASE_SECS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RetryPolicy;
    use chrono::Duration;

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        let policy = RetryPolicy::default();
        let delays: Vec<i64> = (1..=9).map(|attempt| policy.delay_after(attempt).num_seconds()).collect();
        assert_eq!(delays, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(policy.delay_after(0), Duration::seconds(30));
        assert_eq!(policy.delay_after(u32::MAX), Duration::hours(1));
    }

    #[test]
    fn gives_up_after_max_attempts() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_attempts, 8);
        assert!(!policy.exhausted(7));
        assert!(policy.exhausted(8));
    }
}
