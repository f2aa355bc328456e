//! How a job ended, and writing that to the store with one log line.
//!
//! Reason codes are those of `so-rules` ([`so_rules::ReasonCode`]) where one
//! fits. The few that only the worker decides are the constants below; they
//! are stable strings like the others, stored as the job's rule.

use std::time::Duration;

use serde_json::Value;
use so_queue::{ClaimedJob, CompleteInfo, Requeued, Store, StoreError};
use so_rules::ReasonCode;

/// A person job whose person belongs to no company: there is no account to
/// judge or analyse.
pub const PERSON_WITHOUT_CONTACT: &str = "person_without_contact";

/// How a job ended, as the pipeline decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Done. `result` says what was written and what the fields held before
    /// (for the dashboard); `summary` is the short form for the log.
    Completed {
        /// The JSON object stored with the job.
        result: Value,
        /// "wrote 3 fields", "nothing to change".
        summary: String,
    },
    /// Deliberately not worked on.
    Skipped {
        /// A stable reason code.
        rule: &'static str,
        /// Why, as a sentence.
        reason: String,
    },
    /// Back to the queue, to run again after `delay`.
    Retry {
        /// How long from now.
        delay: Duration,
        /// Whether the attempt counts against the limit.
        counts_attempt: bool,
        /// Why, as a sentence ("retry in 8s").
        reason: String,
        /// The error, kept as the job's last error.
        error: String,
    },
    /// Given up; never retried automatically.
    Failed {
        /// A stable reason code (`auth_failed`, `retries_exhausted`, ...).
        rule: &'static str,
        /// What happened and what the operator must do.
        reason: String,
    },
    /// The job is no longer ours (its lease was taken over); nothing may be
    /// recorded, the newer owner's outcome stands.
    Abandoned {
        /// Why, for the log.
        reason: String,
    },
}

impl Outcome {
    /// A skip with a code of `so-rules`.
    pub fn skip(code: ReasonCode, reason: impl Into<String>) -> Self {
        Outcome::Skipped {
            rule: code.code(),
            reason: reason.into(),
        }
    }

    /// Whether SuperOffice refused the credentials: the worker then pauses
    /// claiming instead of failing job after job.
    pub fn is_auth_failure(&self) -> bool {
        matches!(self, Outcome::Failed { rule, .. } if *rule == ReasonCode::AuthFailed.code())
    }

    /// The word logged as `outcome`.
    fn word(&self) -> &'static str {
        match self {
            Outcome::Completed { .. } => "completed",
            Outcome::Skipped { .. } => "skipped",
            Outcome::Retry { .. } => "retry",
            Outcome::Failed { .. } => "failed",
            Outcome::Abandoned { .. } => "abandoned",
        }
    }

    /// The sentence logged as `reason`.
    fn reason(&self) -> &str {
        match self {
            Outcome::Completed { summary, .. } => summary,
            Outcome::Skipped { reason, .. }
            | Outcome::Retry { reason, .. }
            | Outcome::Failed { reason, .. }
            | Outcome::Abandoned { reason } => reason,
        }
    }
}

/// What the pipeline hands back for one job.
#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    /// How it ended.
    pub outcome: Outcome,
    /// SuperOffice requests this attempt made.
    pub api_calls: u32,
}

/// Writes the outcome to the store, fenced by the job's lease, and logs
/// the job's one info line (`job_id`, `event`, `entity_id`, `outcome`,
/// `reason`, `api_calls`, `ms`).
pub async fn record(store: &Store, claimed: &ClaimedJob, processed: &Processed, took: Duration) {
    let job = &claimed.job;
    let calls = processed.api_calls;
    let written = write(store, claimed, processed).await;

    let ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX);
    let outcome = processed.outcome.word();
    let reason = processed.outcome.reason();
    let (job_id, event, entity_id) = (job.id, job.event.as_str(), job.entity_id);
    match written {
        Ok(()) => {
            tracing::info!(
                job_id,
                event,
                entity_id,
                outcome,
                reason,
                api_calls = calls,
                ms,
                "job finished"
            )
        }
        Err(StoreError::LeaseLost { .. }) => tracing::warn!(
            job_id,
            event,
            entity_id,
            outcome,
            reason,
            api_calls = calls,
            ms,
            "job outcome dropped: the lease ran out and another worker took the job over"
        ),
        Err(error) => tracing::error!(
            job_id,
            event,
            entity_id,
            outcome,
            reason,
            api_calls = calls,
            ms,
            error = %error,
            "job outcome not recorded; the job runs again when its lease runs out"
        ),
    }
}

async fn write(
    store: &Store,
    claimed: &ClaimedJob,
    processed: &Processed,
) -> Result<(), StoreError> {
    let lease = &claimed.lease;
    let calls = processed.api_calls;
    let now = so_queue::now_ms();
    match &processed.outcome {
        Outcome::Completed { result, .. } => {
            let info = CompleteInfo {
                result: result.clone(),
                api_calls: calls,
            };
            store.complete(lease, info, now).await
        }
        Outcome::Skipped { rule, reason } => store.skip(lease, rule, reason, calls, now).await,
        Outcome::Retry {
            delay,
            counts_attempt,
            error,
            ..
        } => {
            let run_at = now.saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
            let requeued = store
                .retry_later(lease, run_at, error, *counts_attempt, calls, now)
                .await?;
            if let Requeued::GaveUp { attempts } = requeued {
                tracing::debug!(
                    job_id = lease.job_id,
                    attempts,
                    "the store gave up on the job"
                );
            }
            Ok(())
        }
        Outcome::Failed { rule, reason } => {
            store.fail_with_rule(lease, rule, reason, calls, now).await
        }
        Outcome::Abandoned { .. } => Ok(()),
    }
}
