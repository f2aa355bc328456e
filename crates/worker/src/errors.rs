//! Why a job step failed, and what the retry policy makes of it.
//!
//! Every failure of a step becomes a [`JobError`]; [`JobError::outcome`]
//! maps it to an [`ErrorClass`] of `so-rules` and lets
//! [`so_rules::retry_policy`] decide: retry (counted or not), skip, or fail.

use std::time::Duration;

use so_enrich::AnalyzeError;
use so_queue::StoreError;
use so_rules::{retry_policy, ErrorClass, ReasonCode, RetryDecision, RetryPolicy};

use crate::outcome::Outcome;

/// A job step that failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// A SuperOffice call failed (after the client's own retries).
    #[error(transparent)]
    SuperOffice(#[from] so_superoffice::Error),

    /// The analysis backend produced nothing to write.
    #[error(transparent)]
    Analysis(#[from] AnalyzeError),

    /// The job store failed (or the lease was taken over).
    #[error(transparent)]
    Store(#[from] StoreError),

    /// Something retrying cannot fix: a job the worker cannot do.
    #[error("{0}")]
    Permanent(String),
}

impl JobError {
    /// What to do with the job. `attempts_so_far` counts the failed,
    /// counted attempts before this one; `jitter` is a number in `0..=1`.
    pub fn outcome(&self, policy: &RetryPolicy, attempts_so_far: u32, jitter: f64) -> Outcome {
        let class = match self {
            JobError::SuperOffice(error) => superoffice_class(error),
            JobError::Analysis(error) => match analysis_class(error) {
                Some(class) => class,
                None => return analysis_retry(policy, error, attempts_so_far, jitter),
            },
            JobError::Store(StoreError::LeaseLost { .. }) => {
                return Outcome::Abandoned {
                    reason: self.to_string(),
                }
            }
            JobError::Store(error) if error.is_transient() => {
                ErrorClass::Unavailable { wait: None }
            }
            JobError::Store(error) => ErrorClass::Permanent(error.to_string()),
            JobError::Permanent(what) => ErrorClass::Permanent(what.clone()),
        };
        let decision = retry_policy(policy, &class, attempts_so_far, jitter);
        self.apply(decision)
    }

    /// The policy's decision as an outcome, naming the error.
    fn apply(&self, decision: RetryDecision) -> Outcome {
        match decision {
            RetryDecision::RetryAfter {
                delay,
                counts_attempt,
                reason,
                ..
            } => Outcome::Retry {
                delay,
                counts_attempt,
                reason: format!("{self}; {reason}"),
                error: self.to_string(),
            },
            RetryDecision::Skip { code, reason } => Outcome::skip(code, reason),
            RetryDecision::Fail { code, reason } => Outcome::Failed {
                rule: code.code(),
                reason: format!("{reason} (cause: {self})"),
            },
        }
    }
}

/// The class of a client error. A 409/412 conflict counts like a server
/// error: the next attempt fetches the entity again and plans anew, and a
/// record that keeps conflicting ends at the attempt limit.
fn superoffice_class(error: &so_superoffice::Error) -> ErrorClass {
    use so_superoffice::Error;
    match error {
        Error::RateLimited { retry_after } => ErrorClass::RateLimited { wait: *retry_after },
        Error::Unavailable { retry_after, .. } => ErrorClass::Unavailable { wait: *retry_after },
        Error::Transport { .. } => ErrorClass::Unavailable { wait: None },
        Error::Server { status, .. } | Error::Conflict { status, .. } => {
            ErrorClass::Server { status: *status }
        }
        Error::NotFound { .. } => ErrorClass::NotFound,
        Error::Auth { .. } => ErrorClass::Auth,
        Error::Forbidden { .. } => ErrorClass::Permanent(format!(
            "{error}: give the connector's API user the rights to read and write \
             contacts and persons"
        )),
        Error::Decode { .. } | Error::BadRequest { .. } | Error::Config { .. } => {
            ErrorClass::Permanent(error.to_string())
        }
    }
}

/// The class of an analysis error; `None` for a malformed answer, which
/// the policy has no class for (see [`analysis_retry`]).
fn analysis_class(error: &AnalyzeError) -> Option<ErrorClass> {
    match error {
        AnalyzeError::Unavailable { retry_after, .. } => {
            Some(ErrorClass::Unavailable { wait: *retry_after })
        }
        AnalyzeError::Malformed { .. } => None,
        other if other.is_retryable() => None,
        other => Some(ErrorClass::Permanent(other.to_string())),
    }
}

/// A malformed analysis may come out right next time (a model answering
/// differently), so it is retried with the backoff of a server error and
/// counted, until the attempt limit fails the job.
fn analysis_retry(
    policy: &RetryPolicy,
    error: &AnalyzeError,
    attempts_so_far: u32,
    jitter: f64,
) -> Outcome {
    let attempts = attempts_so_far.saturating_add(1);
    if attempts >= policy.max_attempts {
        return Outcome::Failed {
            rule: ReasonCode::RetriesExhausted.code(),
            reason: format!(
                "gave up after {attempts} attempts, the analyser answered badly: {error}; \
                 check the analyser, then requeue"
            ),
        };
    }

    let delay: Duration = policy.backoff(attempts_so_far, jitter);
    Outcome::Retry {
        delay,
        counts_attempt: true,
        reason: format!(
            "{error}; retry in {} ms (attempt {attempts} of {})",
            delay.as_millis(),
            policy.max_attempts
        ),
        error: error.to_string(),
    }
}

/// A number in `0..=1` for the retry jitter, without a random-number crate:
/// std's randomly keyed hasher over the job id and the clock.
pub fn jitter(job_id: i64) -> f64 {
    use std::hash::{BuildHasher, Hasher};

    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_i64(job_id);
    hasher.write_i64(so_queue::now_ms());
    hasher.finish() as f64 / u64::MAX as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(error: JobError, attempts_so_far: u32) -> Outcome {
        error.outcome(&RetryPolicy::default(), attempts_so_far, 0.5)
    }

    #[test]
    fn a_rate_limit_is_retried_without_counting() {
        let error = so_superoffice::Error::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
        };
        let outcome = decide(error.into(), 0);
        assert!(matches!(
            outcome,
            Outcome::Retry { delay, counts_attempt: false, .. } if delay == Duration::from_secs(3)
        ));
    }

    #[test]
    fn a_server_error_counts_until_the_limit_fails_the_job() {
        let server = || so_superoffice::Error::Server {
            status: 500,
            message: "boom".into(),
        };
        assert!(matches!(
            decide(server().into(), 0),
            Outcome::Retry {
                counts_attempt: true,
                ..
            }
        ));
        let last = decide(server().into(), 4);
        assert!(matches!(
            last,
            Outcome::Failed {
                rule: "retries_exhausted",
                ..
            }
        ));
    }

    #[test]
    fn refused_credentials_fail_with_what_to_do() {
        let error = so_superoffice::Error::Auth {
            cause: "invalid_grant".into(),
        };
        let outcome = decide(error.into(), 0);
        assert!(outcome.is_auth_failure());
        let Outcome::Failed { reason, .. } = outcome else {
            unreachable!()
        };
        assert!(reason.contains("refresh token"), "{reason}");
    }

    #[test]
    fn a_missing_entity_is_skipped() {
        let error = so_superoffice::Error::NotFound {
            message: "Contact id 9 not found".into(),
        };
        assert!(matches!(
            decide(error.into(), 0),
            Outcome::Skipped {
                rule: "entity_deleted",
                ..
            }
        ));
    }

    #[test]
    fn a_lost_lease_abandons_the_job() {
        let error = JobError::Store(StoreError::LeaseLost { job_id: 7 });
        assert!(matches!(decide(error, 0), Outcome::Abandoned { .. }));
    }

    #[test]
    fn jitter_stays_between_zero_and_one() {
        for job_id in 0..100 {
            assert!((0.0..=1.0).contains(&jitter(job_id)));
        }
    }
}
