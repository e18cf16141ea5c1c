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
    /// Fixed waits (seconds) after the 1st, 2nd, ... failed attempt instead of doubling (webhooks: 5 s, 5 min,
    /// 30 min, 2 h, 5 h, 10 h); empty for the doubling backoff.
    pub schedule: &'static [i64],
    /// How long a claimed mail belongs to its sender. Longer than any send takes (the SMTP transport gives up
    /// after 30 s per command), so only a sender that died loses its mail to another.
    pub lease: Duration,
}

impl RetryPolicy {
    /// Retries after each of `schedule`'s waits, then gives up (one attempt more than waits).
    pub fn scheduled(schedule: &'static [i64]) -> Self {
        let max_attempts = u32::try_from(schedule.len()).unwrap_or(u32::MAX).saturating_add(1);
        Self { schedule, max_attempts, ..Self::default() }
    }

    /// The defaults with `IMPACT_MAIL_MAX_ATTEMPTS` from the configuration.
    pub fn from_config(config: &Mail) -> Self {
        Self { max_attempts: config.max_attempts, ..Self::default() }
    }

    /// The wait after the `attempt`-th failed attempt (counted from 1): base, 2 × base, 4 × base, … at most the cap.
    pub fn delay_after(&self, attempt: u32) -> Duration {
        if let Some(last) = self.schedule.last() {
            let index = usize::try_from(attempt.saturating_sub(1)).unwrap_or(usize::MAX);
            return Duration::seconds(*self.schedule.get(index).unwrap_or(last));
        }
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
            schedule: &[],
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
    fn a_schedule_replaces_the_doubling() {
        let policy = RetryPolicy::scheduled(&[5, 300, 1800]);
        let delays: Vec<i64> = (1..=4).map(|attempt| policy.delay_after(attempt).num_seconds()).collect();
        assert_eq!(delays, [5, 300, 1800, 1800]);
        assert!(!policy.exhausted(3));
        assert!(policy.exhausted(4));
    }

    #[test]
    fn gives_up_after_max_attempts() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_attempts, 8);
        assert!(!policy.exhausted(7));
        assert!(policy.exhausted(8));
    }
}
