//! Pacing batched background work (the outbox relay, the batched event consumers): at most
//! one batch per window while work keeps coming, so that under load each batch carries what a
//! window brought (one transaction, one commit for many events) instead of the one or two
//! events that arrived since the last; the first work after a quiet window starts at once, so
//! an idle service adds no latency.

use std::time::Duration;
use tokio::time::Instant;

/// The window of the relay and the consumers: under load an event waits at most this long
/// for the batch it joins.
pub const BATCH_WINDOW: Duration = Duration::from_millis(50);

#[derive(Debug)]
pub struct Pace {
    window: Duration,
    last_start: Option<Instant>,
}

impl Pace {
    pub const fn new(window: Duration) -> Pace {
        Pace { window, last_start: None }
    }

    /// When the batch for work that has just arrived should start: now if the last one
    /// started a window ago or more, else a window after it. Counts as that batch's start.
    pub fn next_start(&mut self) -> Instant {
        self.next_start_at(Instant::now())
    }

    fn next_start_at(&mut self, now: Instant) -> Instant {
        let start = match self.last_start {
            Some(last) => (last + self.window).max(now),
            None => now,
        };
        self.last_start = Some(start);
        start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_after_a_quiet_window_starts_at_once_busy_work_a_window_after_the_last() {
        let window = Duration::from_millis(50);
        let mut pace = Pace::new(window);
        let t0 = Instant::now();
        assert_eq!(pace.next_start_at(t0), t0);
        let busy = t0 + Duration::from_millis(10);
        assert_eq!(pace.next_start_at(busy), t0 + window);
        assert_eq!(pace.next_start_at(busy), t0 + 2 * window);
        let quiet = t0 + Duration::from_millis(500);
        assert_eq!(pace.next_start_at(quiet), quiet);
    }
}
