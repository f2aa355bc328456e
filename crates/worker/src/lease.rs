//! Keeping a claim's lease alive while its job runs.
//!
//! A lease runs out unless renewed, which is what lets another worker take
//! over the job of a worker that died. A job that runs long (a slow
//! SuperOffice, an analyser that takes seconds) therefore renews its lease
//! every third of its length: two renewals can fail (a busy file) before
//! the lease is at risk.

use std::time::Duration;

use so_queue::{Lease, Store, StoreError};
use tokio::time::{interval_at, Instant, MissedTickBehavior};

/// Renews `lease` to `length` from now, every third of `length`, for as
/// long as it is polled. Returns only when the lease is lost: it ran out
/// and the store refuses to revive it, or another worker took the job.
/// The caller must then stop working on the job.
pub async fn keep(store: &Store, lease: &Lease, length: Duration) {
    let period = (length / 3).max(Duration::from_millis(1));
    let mut ticks = interval_at(Instant::now() + period, period);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);

    loop {
        ticks.tick().await;
        match store.extend_lease(lease, length, so_queue::now_ms()).await {
            Ok(expires_at) => {
                tracing::debug!(job_id = lease.job_id, expires_at, "lease renewed");
            }
            Err(StoreError::LeaseLost { .. }) => return,
            Err(error) => tracing::warn!(
                job_id = lease.job_id,
                error = %error,
                "cannot renew the lease; trying again at the next renewal"
            ),
        }
    }
}
