//! One claimed job, from the claim to its recorded outcome: the work, the
//! lease renewals beside it, and the hand-back when a stop runs out of time.

use std::sync::Arc;
use std::time::Duration;

use so_queue::{ClaimedJob, Requeued, Store};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use crate::circuit::Circuit;
use crate::lease;
use crate::outcome;
use crate::process::Process;

/// How a job task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ended {
    /// The job ran to an outcome (or lost its lease on the way).
    Finished,
    /// The stop's grace period ran out; the job went back to the queue.
    Released,
}

/// What one job task needs.
pub(super) struct JobTask {
    pub store: Store,
    pub process: Arc<dyn Process>,
    /// Tripped when the job's credentials were refused.
    pub circuit: Arc<Circuit>,
    /// The lease length to renew to.
    pub lease_length: Duration,
    /// Cancelled when a stop's grace period is over.
    pub abandon: CancellationToken,
}

impl JobTask {
    /// Runs the job while renewing its lease. The work is dropped when the
    /// lease is lost (another worker owns the job now) or when the stop's
    /// grace period ends (the job is released for another worker).
    pub(super) async fn run(self, claimed: ClaimedJob) -> Ended {
        let started = Instant::now();
        let job_id = claimed.job.id;
        tracing::debug!(job_id, event = %claimed.job.event, "job started");
        lease::report_takeover(&self.store, &claimed).await;

        // Every line the pipeline logs carries the job's fields.
        let span = tracing::info_span!(
            "job",
            job_id,
            event = %claimed.job.event,
            entity_id = claimed.job.entity_id
        );
        let processed = tokio::select! {
            processed = self.process.process(&claimed).instrument(span) => processed,
            () = lease::keep(&self.store, &claimed.lease, self.lease_length) => {
                tracing::warn!(
                    job_id,
                    "lease lost while working; the job is left to the worker that took it over"
                );
                return Ended::Finished;
            }
            () = self.abandon.cancelled() => {
                self.release(&claimed).await;
                return Ended::Released;
            }
        };

        outcome::record(&self.store, &claimed, &processed, started.elapsed()).await;
        if processed.outcome.is_auth_failure() {
            self.circuit.trip();
        }
        Ended::Finished
    }

    /// Hands the job back: pending, due now, the attempt refunded.
    async fn release(&self, claimed: &ClaimedJob) {
        let job = &claimed.job;
        match self.store.release(&claimed.lease, so_queue::now_ms()).await {
            Ok(Requeued::Merged { into_job_id }) => tracing::info!(
                job_id = job.id,
                event = %job.event,
                entity_id = job.entity_id,
                into_job_id,
                "job released at stop, merged into the record's pending job"
            ),
            Ok(_) => tracing::info!(
                job_id = job.id,
                event = %job.event,
                entity_id = job.entity_id,
                "job released at stop; another worker will take it"
            ),
            Err(error) => tracing::warn!(
                job_id = job.id,
                error = %error,
                "cannot release the job; it is taken over when its lease runs out"
            ),
        }
    }
}
