//! The queue as the file holds it, read at every scrape.
//!
//! The ingest, every worker and `soctl` change the queue; none of them can
//! count it in memory. So these gauges are set from the store right before
//! each scrape is encoded, and every process that exposes them shows the
//! same numbers.

use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};
use so_queue::{Store, StoreError};

/// Gauges of the queue, refreshed from the store by [`QueueGauges::refresh`].
#[derive(Debug, Clone)]
pub struct QueueGauges {
    /// `so_queue_jobs{status}` for pending, processing and failed. Finished
    /// jobs (completed, skipped) are left out: their number only grows
    /// until retention removes them, and their rates are the worker's
    /// counters.
    jobs: Family<StatusLabels, Gauge>,
    /// `so_queue_due_jobs`: pending jobs whose time has come.
    due: Gauge,
    /// `so_queue_oldest_pending_age_seconds`: how long the most overdue
    /// pending job has waited past its due time; 0 when none is due.
    oldest_pending_age: Gauge<f64, AtomicU64>,
    /// `so_queue_lease_takeovers_total`: attempts whose lease ran out and
    /// whose job another claim took over.
    lease_takeovers: Counter,
    /// The store's take-over count at the last refresh, so the counter
    /// moves by the difference (and stays put when retention removes rows).
    takeovers_seen: Arc<Mutex<u64>>,
    /// `so_queue_readable`: 1 when the last refresh could read the store.
    readable: Gauge,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    status: &'static str,
}

impl QueueGauges {
    /// Registers the queue's series in `registry`.
    pub fn register(registry: &mut Registry) -> Self {
        let gauges = Self {
            jobs: Family::default(),
            due: Gauge::default(),
            oldest_pending_age: Gauge::default(),
            lease_takeovers: Counter::default(),
            takeovers_seen: Arc::default(),
            readable: Gauge::default(),
        };
        registry.register(
            "so_queue_jobs",
            "Jobs in the store by status (pending, processing, failed)",
            gauges.jobs.clone(),
        );
        registry.register(
            "so_queue_due_jobs",
            "Pending jobs whose due time has passed",
            gauges.due.clone(),
        );
        registry.register_with_unit(
            "so_queue_oldest_pending_age",
            "How long the most overdue pending job has waited past its due time",
            Unit::Seconds,
            gauges.oldest_pending_age.clone(),
        );
        registry.register(
            "so_queue_lease_takeovers",
            "Job attempts whose lease ran out and whose job was claimed again",
            gauges.lease_takeovers.clone(),
        );
        registry.register(
            "so_queue_readable",
            "1 when the last scrape could read the job store, else 0",
            gauges.readable.clone(),
        );
        gauges
    }

    /// Reads the store and sets the gauges; on failure only
    /// `so_queue_readable` changes (to 0) and the error is returned.
    pub async fn refresh(&self, store: &Store, now_ms: i64) -> Result<(), StoreError> {
        let read = async {
            let depth = store.queue_depth(now_ms).await?;
            let oldest = store.oldest_pending_age(now_ms).await?;
            let takeovers = store.lease_takeovers().await?;
            Ok::<_, StoreError>((depth, oldest, takeovers))
        };
        let (depth, oldest, takeovers) = match read.await {
            Ok(read) => read,
            Err(error) => {
                self.readable.set(0);
                return Err(error);
            }
        };

        for (status, jobs) in [
            ("pending", depth.pending),
            ("processing", depth.processing),
            ("failed", depth.failed),
        ] {
            let labels = StatusLabels { status };
            self.jobs.get_or_create(&labels).set(gauge(jobs));
        }
        self.due.set(gauge(depth.due));
        self.oldest_pending_age
            .set(oldest.map_or(0.0, |age| age.as_secs_f64()));
        self.count_takeovers(takeovers);
        self.readable.set(1);
        Ok(())
    }

    fn count_takeovers(&self, in_store: u64) {
        let mut seen = self
            .takeovers_seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if in_store > *seen {
            self.lease_takeovers.inc_by(in_store - *seen);
        }
        *seen = in_store;
    }
}

fn gauge(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
