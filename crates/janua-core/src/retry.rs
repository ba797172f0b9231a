//! The one backoff of Janua: exponential, capped, optionally jittered. Webhook deliveries, the
//! mailer, the outbox relay, the event consumers and the live feed each pick their base, cap and
//! jitter; the arithmetic lives here.

use rand::Rng;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The first wait.
    pub base: Duration,
    /// No wait is longer.
    pub max: Duration,
    /// Spread of each wait around its nominal value: 0.5 draws from 50% to 150% (still capped
    /// by `max`), so many clients retrying after one outage do not all come back together.
    pub jitter: f64,
}

impl Backoff {
    /// Reconnecting to a dependency (broker, database): 200 ms doubling to 5 s, no jitter.
    pub const RECONNECT: Backoff =
        Backoff { base: Duration::from_millis(200), max: Duration::from_secs(5), jitter: 0.0 };

    /// The wait after the `attempt`-th failure (1 for the first): `base * 2^(attempt - 1)`, up
    /// to `max`, jittered.
    pub fn delay(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        let nominal = self.base.checked_mul(1u32 << doublings).unwrap_or(self.max).min(self.max);
        if self.jitter <= 0.0 {
            return nominal;
        }
        let factor = rand::rng().random_range((1.0 - self.jitter).max(0.0)..(1.0 + self.jitter));
        nominal.mul_f64(factor).min(self.max)
    }

    /// A counter of consecutive failures for a reconnect loop.
    pub fn attempts(self) -> Attempts {
        Attempts { policy: self, failures: 0 }
    }
}

/// Consecutive failures of a loop that retries until it succeeds.
#[derive(Debug, Clone)]
pub struct Attempts {
    policy: Backoff,
    failures: u32,
}

impl Attempts {
    /// One more failure: how long to wait before trying again.
    pub fn failed(&mut self) -> Duration {
        self.failures = self.failures.saturating_add(1);
        self.policy.delay(self.failures)
    }

    /// A success: the next failure waits the base again.
    pub fn succeeded(&mut self) {
        self.failures = 0;
    }

    /// Sleeps the wait of one more failure.
    pub async fn wait_after_failure(&mut self) {
        tokio::time::sleep(self.failed()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_to_the_cap_and_jitter_stays_within_bounds() {
        let plain = Backoff::RECONNECT;
        assert_eq!(plain.delay(1), Duration::from_millis(200));
        assert_eq!(plain.delay(2), Duration::from_millis(400));
        assert_eq!(plain.delay(6), Duration::from_secs(5));
        assert_eq!(plain.delay(1000), Duration::from_secs(5));
        let jittered = Backoff { base: Duration::from_secs(30), max: Duration::from_secs(3600), jitter: 0.5 };
        for attempt in 1..8 {
            let nominal = Duration::from_secs(30 * (1 << (attempt - 1))).min(Duration::from_secs(3600));
            let d = jittered.delay(attempt);
            assert!(d >= nominal.mul_f64(0.5) && d <= nominal.mul_f64(1.5).min(Duration::from_secs(3600)));
        }
        let mut attempts = plain.attempts();
        assert_eq!(attempts.failed(), Duration::from_millis(200));
        assert_eq!(attempts.failed(), Duration::from_millis(400));
        attempts.succeeded();
        assert_eq!(attempts.failed(), Duration::from_millis(200));
    }
}
