//! Keeping a claim's lease alive while its job runs.
//!
//! A lease runs out unless renewed, which is what lets another worker take
//! over the job of a worker that died. A job that runs long (a slow
//! SuperOffice, an analyser that takes seconds) therefore renews its lease
//! every third of its length: two renewals can fail (a busy file) before
//! the lease is at risk.

use std::time::Duration;

use so_queue::{AttemptRecord, ClaimedJob, Lease, Store, StoreError};
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

/// Logs a warning when `claimed` was taken over from a worker whose lease
/// ran out (that worker died, hung, or lost the file for a lease length) or
/// whose process was seen gone on this host: its work on the job may have
/// been half done.
pub async fn report_takeover(store: &Store, claimed: &ClaimedJob) {
    let job = &claimed.job;
    if let Some(lost) = lost_attempt(store, claimed).await {
        let previous = &lost.holder;
        let why = match lost.error.as_deref() {
            Some("worker process gone") => "its process is gone",
            _ => "its lease ran out",
        };
        tracing::warn!(
            job_id = job.id,
            event = %job.event,
            entity_id = job.entity_id,
            previous_holder = %previous,
            attempts = job.attempts,
            lease_losses = job.lease_losses,
            "job taken over from {previous}: {why}"
        );
    }
}

/// The attempt whose lease this claim took over, if it was a takeover.
///
/// The claimed record counts takeovers (`lease_losses`) but does not say
/// whether this claim was one, nor who held the job before. Only when the
/// count is above zero, the job's attempts are read: a takeover closed the
/// previous attempt as `lease_lost` at the very moment of this claim, and
/// that attempt names its holder.
async fn lost_attempt(store: &Store, claimed: &ClaimedJob) -> Option<AttemptRecord> {
    let job = &claimed.job;
    if job.lease_losses == 0 {
        return None;
    }
    let detail = match store.job(job.id).await {
        Ok(detail) => detail?,
        Err(error) => {
            tracing::debug!(job_id = job.id, error = %error, "cannot read the job's attempts");
            return None;
        }
    };

    detail.attempts.into_iter().rev().find(|attempt| {
        attempt.outcome.as_deref() == Some("lease_lost") && attempt.finished_at == job.started_at
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{self, store_with_a_job};

    const LEASE: Duration = Duration::from_secs(60);

    async fn claim(store: &Store, holder: &str, now: i64) -> ClaimedJob {
        let claimed = store.claim(holder, LEASE, now).await.unwrap();
        claimed.expect("a job is claimable")
    }

    #[tokio::test]
    async fn a_takeover_names_the_worker_whose_lease_ran_out() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_job(&dir).await;
        let now = so_queue::now_ms();
        claim(&store, "host-a/1/0", now).await;
        let after_expiry = now + 2 * 60_000;

        let taken_over = claim(&store, "host-b/2/0", after_expiry).await;
        let logs = test_support::capture();
        report_takeover(&store, &taken_over).await;

        let warnings = logs.lines_with(" WARN ");
        assert_eq!(warnings.len(), 1, "{}", logs.text());
        assert!(warnings[0].contains("job taken over"), "{warnings:?}");
        assert!(
            warnings[0].contains("previous_holder=host-a/1/0"),
            "{warnings:?}"
        );
        assert!(warnings[0].contains("its lease ran out"), "{warnings:?}");
    }

    #[tokio::test]
    async fn a_takeover_from_a_gone_process_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_job(&dir).await;
        let now = so_queue::now_ms();
        claim(&store, "host-a/1/0", now).await;
        store.end_leases_of("host-a/1", now + 10).await.unwrap();

        let taken_over = claim(&store, "host-a/2/0", now + 10).await;
        let logs = test_support::capture();
        report_takeover(&store, &taken_over).await;

        let warnings = logs.lines_with(" WARN ");
        assert_eq!(warnings.len(), 1, "{}", logs.text());
        assert!(warnings[0].contains("its process is gone"), "{warnings:?}");
    }

    #[tokio::test]
    async fn a_first_claim_is_no_takeover() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_job(&dir).await;

        let claimed = claim(&store, "host-a/1/0", so_queue::now_ms()).await;

        assert!(lost_attempt(&store, &claimed).await.is_none());
    }
}
