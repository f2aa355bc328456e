//! What the worker tells its metrics about each job attempt: how it ended
//! and how long it took, why it was retried, and how long a rate limit
//! made it wait.
//!
//! The rest is observed where it happens: SuperOffice calls by the client
//! (the metrics are its call observer) and analyses in `pipeline/analyse.rs`.

use std::time::Duration;

use so_metrics::{JobOutcome, WorkerMetrics};
use so_rules::ReasonCode;

use crate::errors::JobError;
use crate::outcome::Outcome;

/// Records one attempt that ended with `outcome` after `took`; `error` is
/// the failure the outcome was decided from, if any.
pub(crate) fn attempt_finished(
    metrics: &WorkerMetrics,
    error: Option<&JobError>,
    outcome: &Outcome,
    took: Duration,
) {
    let label = match outcome {
        Outcome::Completed { .. } => JobOutcome::Completed,
        Outcome::Skipped { .. } => JobOutcome::Skipped,
        Outcome::Retry { .. } => JobOutcome::Retry,
        Outcome::Failed { .. } => JobOutcome::Failed,
        Outcome::Abandoned { .. } => JobOutcome::Abandoned,
    };
    metrics.job_finished(label, took);

    if let Outcome::Retry { delay, .. } = outcome {
        let rule = retry_rule(error);
        metrics.retry(rule);
        // The job waits in the queue until SuperOffice's Retry-After.
        if rule == ReasonCode::RateLimited.code() {
            metrics.rate_limit_wait(*delay);
        }
    }
}

/// The reason code of a retry, from the error behind it (the codes of
/// `so-rules` where one fits).
fn retry_rule(error: Option<&JobError>) -> &'static str {
    use so_superoffice::Error;
    match error {
        Some(JobError::SuperOffice(Error::RateLimited { .. })) => ReasonCode::RateLimited.code(),
        Some(JobError::SuperOffice(Error::Server { .. } | Error::Conflict { .. })) => {
            ReasonCode::ServerError.code()
        }
        Some(JobError::SuperOffice(_) | JobError::Store(_)) => ReasonCode::Unavailable.code(),
        Some(JobError::Analysis(_)) => "analysis_failed",
        Some(JobError::Permanent(_)) | None => "other",
    }
}
