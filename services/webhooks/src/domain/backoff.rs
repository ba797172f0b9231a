//! When to try a failed delivery again: the shared backoff (`janua_core::retry`) with jitter,
//! so a receiver that comes back after an outage is not hit by every retry at the same
//! instant, and a number of attempts after which a delivery is given up.

use janua_core::retry::Backoff;
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts of one delivery in all (the first plus retries).
    pub max_attempts: u32,
    pub base: Duration,
    pub max: Duration,
}

impl RetryPolicy {
    pub fn from_settings(s: &janua_core::config::WebhookSettings) -> RetryPolicy {
        RetryPolicy {
            max_attempts: s.max_attempts.max(1),
            base: Duration::from_millis(s.retry_base_ms.max(1)),
            max: Duration::from_millis(s.retry_max_ms.max(1)),
        }
    }

    /// The wait before the attempt after `attempt` (1 for the first) failed, or None when the
    /// delivery is given up: `base * 2^(attempt-1)` up to `max`, drawn from 50% to 150% of
    /// that, still no more than `max`.
    pub fn after_failure(&self, attempt: u32) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        Some(Backoff { base: self.base, max: self.max, jitter: 0.5 }.delay(attempt))
    }

    #[cfg(test)]
    fn nominal(&self, attempt: u32) -> Duration {
        Backoff { base: self.base, max: self.max, jitter: 0.0 }.delay(attempt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy { max_attempts: 12, base: Duration::from_secs(30), max: Duration::from_secs(6 * 3600) }
    }

    #[test]
    fn delays_double_within_the_jitter_bounds_and_stop_at_the_cap() {
        let p = policy();
        for attempt in 1..12 {
            let nominal = p.nominal(attempt);
            for _ in 0..200 {
                let d = p.after_failure(attempt).unwrap();
                assert!(d >= nominal.mul_f64(0.5), "attempt {attempt}: {d:?}");
                assert!(d <= nominal.mul_f64(1.5).min(p.max), "attempt {attempt}: {d:?}");
            }
        }
        assert_eq!(p.nominal(1), Duration::from_secs(30));
        assert_eq!(p.nominal(2), Duration::from_secs(60));
        assert_eq!(p.nominal(5), Duration::from_secs(480));
        assert_eq!(p.nominal(11), Duration::from_secs(6 * 3600));
        assert_eq!(p.nominal(1000), Duration::from_secs(6 * 3600));
    }

    #[test]
    fn the_schedule_spans_hours_and_ends_at_max_attempts() {
        let p = policy();
        assert!(p.after_failure(12).is_none());
        assert!(p.after_failure(13).is_none());
        let total: Duration = (1..12).map(|a| p.nominal(a)).sum();
        assert!(total > Duration::from_secs(10 * 3600), "{total:?}");
    }

    #[test]
    fn one_attempt_means_no_retry() {
        let p = RetryPolicy { max_attempts: 1, ..policy() };
        assert!(p.after_failure(1).is_none());
    }
}
