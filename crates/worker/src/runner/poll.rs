//! How long an idle worker waits before it looks at the store again.
//!
//! The worker learns of new jobs only by reading the shared file. Right
//! after work the next job is likely close, so the first pause is short;
//! each empty look doubles the pause up to a cap. The cap bounds how long a
//! new job waits for an idle worker (half the cap on average), and it is
//! kept well below the 50 ms a webhook may wait for its write-back to start.
//! An idle look is one read of two index entries, so even at the cap of
//! 25 ms (40 looks a second) polling costs next to nothing.

use std::time::Duration;

/// Doubling pauses between `min` and `max`.
#[derive(Debug, Clone)]
pub struct Backoff {
    /// The first pause after work.
    min: Duration,
    /// The longest pause.
    max: Duration,
    /// The pause the next empty look waits.
    next: Duration,
}

impl Backoff {
    /// Pauses from `min`, doubling up to `max`.
    pub fn new(min: Duration, max: Duration) -> Self {
        let min = min.min(max);
        Self {
            min,
            max,
            next: min,
        }
    }

    /// The pause after an empty look; the one after it is twice as long.
    pub fn next_pause(&mut self) -> Duration {
        let pause = self.next;
        self.next = (self.next * 2).min(self.max);
        pause
    }

    /// Work was found: the next pause is the shortest again.
    pub fn reset(&mut self) {
        self.next = self.min;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_cap_and_reset_after_work() {
        let ms = Duration::from_millis;
        let mut backoff = Backoff::new(ms(5), ms(25));

        let pauses: Vec<_> = (0..5).map(|_| backoff.next_pause()).collect();
        assert_eq!(pauses, [ms(5), ms(10), ms(20), ms(25), ms(25)]);

        backoff.reset();
        assert_eq!(backoff.next_pause(), ms(5));
    }
}
