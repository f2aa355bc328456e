//! Counting and observing the calls the client makes.
//!
//! Every HTTP exchange with SuperOffice counts as one call: API requests,
//! retries, token refreshes and tenant-status reads alike, since each costs
//! the tenant a request. Three ways to see them:
//!
//! - [`crate::Client::calls`]: the total since the client was built;
//! - a per-job [`CallCounter`] given to [`crate::Client::scoped`], which
//!   returns a cheap clone of the client that also counts into it;
//! - a [`CallObserver`] given at construction, told of every call with its
//!   endpoint and status (for metrics by endpoint and status).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A shared count of calls; clones count into the same number.
#[derive(Debug, Clone, Default)]
pub struct CallCounter(Arc<AtomicU64>);

impl CallCounter {
    /// A counter at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of calls counted so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    pub(crate) fn add_one(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// One finished HTTP exchange, as told to a [`CallObserver`].
#[derive(Debug, Clone, Copy)]
pub struct CallRecord<'a> {
    /// `GET`, `POST`, `PATCH`.
    pub method: &'a str,
    /// A fixed, low-cardinality name of the endpoint, ids left out:
    /// `Contact/{id}`, `Contact (archive)`, `oauth/tokens`, `api/state`, ...
    pub endpoint: &'static str,
    /// The HTTP status; `None` when no answer came (timeout, connection).
    pub status: Option<u16>,
    /// From sending the request to having read the whole answer.
    pub elapsed: Duration,
}

/// Told of every call the client makes. Implementations must be cheap and
/// must not block: they run on the request path.
pub trait CallObserver: Send + Sync + 'static {
    /// One call finished (successfully or not).
    fn on_call(&self, call: &CallRecord<'_>);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_count_into_the_same_number() {
        let counter = CallCounter::new();
        let clone = counter.clone();
        clone.add_one();
        counter.add_one();
        assert_eq!(counter.get(), 2);
    }
}
