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
/// the job's one line (`job_id`, `event`, `entity_id`, `outcome`, `reason`,
/// `api_calls`, `ms`): a warning for a failure, which waits for an
/// operator; info for the rest, a retry saying when and which attempt.
pub async fn record(store: &Store, claimed: &ClaimedJob, processed: &Processed, took: Duration) {
    let job = &claimed.job;
    let calls = processed.api_calls;
    let written = write(store, claimed, processed).await;

    let ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX);
    let outcome = processed.outcome.word();
    let reason = processed.outcome.reason();
    let (job_id, event, entity_id) = (job.id, job.event.as_str(), job.entity_id);

    // Every line carries these fields; the level, the message and a field
    // or two more differ.
    macro_rules! job_line {
        ($level:ident, outcome = $outcome:expr, $($more:tt)+) => {
            tracing::$level!(
                job_id, event, entity_id, outcome = $outcome, reason,
                api_calls = calls, ms, $($more)+
            )
        };
    }
    match written {
        Ok(Written::GaveUp { attempts }) => job_line!(
            warn,
            outcome = "failed",
            attempts,
            "job failed: its {attempts} attempts are used up"
        ),
        Ok(Written::Recorded) => match &processed.outcome {
            Outcome::Failed { .. } => job_line!(warn, outcome = outcome, "job failed"),
            Outcome::Retry {
                delay,
                counts_attempt,
                ..
            } => {
                let attempt = attempt_text(job.attempts, store.max_attempts(), *counts_attempt);
                let delay = short_duration(*delay);
                job_line!(
                    info,
                    outcome = outcome,
                    "job retrying in {delay} ({attempt})"
                )
            }
            _ => job_line!(info, outcome = outcome, "job finished"),
        },
        Err(StoreError::LeaseLost { .. }) => job_line!(
            warn,
            outcome = outcome,
            "job outcome dropped: the lease ran out and another worker took the job over"
        ),
        Err(error) => job_line!(
            error,
            outcome = outcome,
            error = %error,
            "job outcome not recorded; the job runs again when its lease runs out"
        ),
    }
}

/// "attempt 2 of 5", or for a retry that does not count (a rate limit,
/// an outage) "attempt 2 of 5, not counted".
fn attempt_text(attempt: u32, max_attempts: u32, counted: bool) -> String {
    let uncounted = if counted { "" } else { ", not counted" };
    format!("attempt {attempt} of {max_attempts}{uncounted}")
}

/// `300ms`, `8s`, `600s`: whole seconds from one second on, rounded up so a
/// wait is never under-stated.
fn short_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis < 1_000 {
        format!("{millis}ms")
    } else {
        format!("{}s", millis.div_ceil(1_000))
    }
}

/// What writing an outcome did, when it did not fail.
enum Written {
    /// The outcome is on the job as decided.
    Recorded,
    /// A retry found the job at its attempt limit: the store failed it.
    GaveUp {
        /// Attempts used.
        attempts: u32,
    },
}

async fn write(
    store: &Store,
    claimed: &ClaimedJob,
    processed: &Processed,
) -> Result<Written, StoreError> {
    let lease = &claimed.lease;
    let calls = processed.api_calls;
    let now = so_queue::now_ms();
    match &processed.outcome {
        Outcome::Completed { result, .. } => {
            let info = CompleteInfo {
                result: result.clone(),
                api_calls: calls,
            };
            store.complete(lease, info, now).await?;
        }
        Outcome::Skipped { rule, reason } => store.skip(lease, rule, reason, calls, now).await?,
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
                return Ok(Written::GaveUp { attempts });
            }
        }
        Outcome::Failed { rule, reason } => {
            store
                .fail_with_rule(lease, rule, reason, calls, now)
                .await?;
        }
        Outcome::Abandoned { .. } => {}
    }
    Ok(Written::Recorded)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::test_support::{capture, store_with_a_job};

    /// Records `outcome` for the store's one job and returns the log.
    async fn logged_record(outcome: Outcome) -> String {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_job(&dir).await;
        let lease = Duration::from_secs(60);
        let claimed = store.claim("unit/0", lease, so_queue::now_ms()).await;
        let claimed = claimed.unwrap().expect("the job is due");
        let processed = Processed {
            outcome,
            api_calls: 2,
        };

        let logs = capture();
        record(&store, &claimed, &processed, Duration::from_millis(5)).await;
        logs.text()
    }

    #[tokio::test]
    async fn a_failed_job_is_a_warning() {
        let outcome = Outcome::Failed {
            rule: ReasonCode::PermanentError.code(),
            reason: "SuperOffice answered 400".to_owned(),
        };

        let log = logged_record(outcome).await;

        assert!(log.contains(" WARN "), "{log}");
        assert!(log.contains("job failed"), "{log}");
    }

    #[tokio::test]
    async fn a_retry_is_info_saying_when_and_which_attempt() {
        let outcome = Outcome::Retry {
            delay: Duration::from_millis(7_400),
            counts_attempt: true,
            reason: "SuperOffice answered 503".to_owned(),
            error: "503".to_owned(),
        };

        let log = logged_record(outcome).await;

        assert!(log.contains(" INFO "), "{log}");
        assert!(log.contains("job retrying in 8s (attempt 1 of 5)"), "{log}");
    }

    #[tokio::test]
    async fn a_completed_job_is_info() {
        let outcome = Outcome::Completed {
            result: json!({}),
            summary: "wrote 3 fields".to_owned(),
        };

        let log = logged_record(outcome).await;

        assert!(
            log.contains(" INFO ") && log.contains("job finished"),
            "{log}"
        );
        assert!(!log.contains(" WARN "), "{log}");
    }

    #[test]
    fn an_uncounted_retry_says_so() {
        assert_eq!(attempt_text(2, 5, false), "attempt 2 of 5, not counted");
        assert_eq!(short_duration(Duration::from_millis(300)), "300ms");
    }
}
