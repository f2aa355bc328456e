//! Rule 7: what to do with a job whose step failed.
//!
//! A failed job goes back to the queue with a later run time, is skipped,
//! or fails for good. Failures that say nothing about the job itself
//! (throttling, an outage, a maintenance window) do not use up an attempt;
//! failures that might be the job's own (a 5xx on this contact) do, and past
//! the maximum the job fails so one bad job cannot block the queue (the
//! poison pill).
//!
//! The policy is pure: the caller passes the jitter, a number in `0..=1`
//! from any random source, so tests can pin it.

use std::time::Duration;

use serde::Deserialize;

use crate::codes::ReasonCode;
use crate::text::human_duration;

/// Settings of the retry policy. Times are in milliseconds so they read
/// plainly in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetryPolicy {
    /// Counted attempts a job gets; the failure that reaches this number
    /// fails the job. Default 5.
    pub max_attempts: u32,
    /// Delay before the first counted retry. Default 2 s.
    pub base_delay_ms: u64,
    /// Each counted retry waits this many times longer than the one before.
    /// Default 2; values below 1 are read as 1.
    pub backoff_factor: u32,
    /// No delay is ever longer, a server's wait included. Default 10 min.
    pub max_delay_ms: u64,
    /// Delay after a rate limit or an outage that came without a server
    /// wait. Those retries are not counted, so their delay cannot grow with
    /// the attempt count; a fixed half minute keeps a throttled or
    /// unavailable tenant from being hammered. Default 30 s.
    pub deferral_delay_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay_ms: 2_000,
            backoff_factor: 2,
            max_delay_ms: 10 * 60 * 1_000,
            deferral_delay_ms: 30_000,
        }
    }
}

impl RetryPolicy {
    /// The delay before the retry that follows `counted_attempts` failed,
    /// counted attempts: `base × factor^counted_attempts`, capped at
    /// `max_delay_ms`, then jittered down to between half and all of it
    /// (`jitter` 0 gives half, 1 the full delay).
    pub fn backoff(&self, counted_attempts: u32, jitter: f64) -> Duration {
        let growth = u64::from(self.backoff_factor.max(1)).saturating_pow(counted_attempts);
        let delay_ms = self.base_delay_ms.saturating_mul(growth);
        self.jittered(delay_ms, jitter)
    }

    /// `delay_ms` capped, then spread over its upper half by `jitter`, so
    /// jobs that failed together do not all come back at the same instant.
    fn jittered(&self, delay_ms: u64, jitter: f64) -> Duration {
        let capped = delay_ms.min(self.max_delay_ms);
        let jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            1.0
        };

        let half = capped / 2;
        let spread = ((capped - half) as f64 * jitter) as u64;
        Duration::from_millis(half.saturating_add(spread).min(capped))
    }

    /// A wait the server asked for, capped at `max_delay_ms`.
    fn capped(&self, wait: Duration) -> Duration {
        wait.min(Duration::from_millis(self.max_delay_ms))
    }
}

/// What kind of failure a job step ran into; the worker maps HTTP statuses
/// and client errors to these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorClass {
    /// 429 Too Many Requests; `wait` from `Retry-After` when given.
    RateLimited {
        /// How long the server asked us to wait.
        wait: Option<Duration>,
    },
    /// The tenant or the way to it is down: 503, 421 that re-resolving the
    /// tenant did not cure, connection errors, timeouts.
    Unavailable {
        /// How long the server asked us to wait (`Retry-After` on a 503).
        wait: Option<Duration>,
    },
    /// Any other 5xx answer.
    Server {
        /// The HTTP status, for the reason.
        status: u16,
    },
    /// 404: the entity is gone.
    NotFound,
    /// The credentials were refused: the token refresh failed, or a call
    /// stayed 401/403 after a refresh.
    Auth,
    /// Anything retrying cannot fix (400, an unreadable answer, an invalid
    /// analysis result), with a description for the operator.
    Permanent(String),
}

/// What to do with the failed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryDecision {
    /// Back to the queue, to run again after `delay`.
    RetryAfter {
        /// How long from now the job may run again.
        delay: Duration,
        /// Whether the job's attempt counter goes up by one.
        counts_attempt: bool,
        /// Why, as a stable code.
        code: ReasonCode,
        /// Why, as a sentence ("retry in 8s").
        reason: String,
    },
    /// Stop without error; nothing is left to do.
    Skip {
        /// Why, as a stable code.
        code: ReasonCode,
        /// Why, as a sentence.
        reason: String,
    },
    /// Stop with an error; never retried automatically.
    Fail {
        /// Why, as a stable code.
        code: ReasonCode,
        /// Why, as a sentence telling the operator what to do.
        reason: String,
    },
}

impl RetryDecision {
    /// The stable code of any variant.
    pub fn code(&self) -> ReasonCode {
        match self {
            RetryDecision::RetryAfter { code, .. }
            | RetryDecision::Skip { code, .. }
            | RetryDecision::Fail { code, .. } => *code,
        }
    }

    /// The sentence of any variant.
    pub fn reason(&self) -> &str {
        match self {
            RetryDecision::RetryAfter { reason, .. }
            | RetryDecision::Skip { reason, .. }
            | RetryDecision::Fail { reason, .. } => reason,
        }
    }
}

/// Rule 7: decides the fate of a job whose step failed with `error`.
///
/// `attempts_so_far` is the job's attempt counter before this failure: the
/// counted failures so far, not the one being judged. `jitter` is a number
/// in `0..=1` from any random source (out of range is clamped, NaN counts
/// as 1).
///
/// - 429 and outages retry without counting, after the server's wait (capped)
///   or the deferral delay: maintenance windows last hours, and an outage is
///   not the job's fault, so it must not push the job towards failing;
/// - other 5xx retry with exponential backoff and count; the failure that
///   reaches `max_attempts` fails the job instead;
/// - 404 skips with [`ReasonCode::EntityDeleted`];
/// - refused credentials and permanent errors fail at once.
pub fn retry_policy(
    policy: &RetryPolicy,
    error: &ErrorClass,
    attempts_so_far: u32,
    jitter: f64,
) -> RetryDecision {
    match error {
        ErrorClass::RateLimited { wait } => {
            let delay = deferral(policy, *wait, jitter);
            uncounted(
                ReasonCode::RateLimited,
                "SuperOffice is rate limiting us",
                delay,
            )
        }
        ErrorClass::Unavailable { wait } => {
            let delay = deferral(policy, *wait, jitter);
            uncounted(ReasonCode::Unavailable, "SuperOffice is unavailable", delay)
        }
        ErrorClass::Server { status } => server_error(policy, *status, attempts_so_far, jitter),
        ErrorClass::NotFound => RetryDecision::Skip {
            code: ReasonCode::EntityDeleted,
            reason: "SuperOffice answered 404: the entity was deleted; nothing to enrich"
                .to_string(),
        },
        ErrorClass::Auth => RetryDecision::Fail {
            code: ReasonCode::AuthFailed,
            reason: "SuperOffice refused the connector's credentials. The worker pauses \
                     claiming and resumes by itself, without a restart, once they are \
                     accepted again. If they were revoked, put a new refresh token (renew \
                     the consent) or the corrected client id and secret in the environment \
                     file, which the worker reads when it starts. Then requeue this job: \
                     soctl queue retry ID"
                .to_string(),
        },
        ErrorClass::Permanent(what) => RetryDecision::Fail {
            code: ReasonCode::PermanentError,
            reason: format!("{what}; retrying cannot fix this, requeue once the cause is fixed"),
        },
    }
}

/// The server's wait when it gave one, else the jittered deferral delay.
fn deferral(policy: &RetryPolicy, wait: Option<Duration>, jitter: f64) -> Duration {
    match wait {
        Some(wait) => policy.capped(wait),
        None => policy.jittered(policy.deferral_delay_ms, jitter),
    }
}

fn uncounted(code: ReasonCode, what: &str, delay: Duration) -> RetryDecision {
    RetryDecision::RetryAfter {
        delay,
        counts_attempt: false,
        code,
        reason: format!(
            "{what}; retry in {}, not counted as an attempt",
            human_duration(delay)
        ),
    }
}

fn server_error(
    policy: &RetryPolicy,
    status: u16,
    attempts_so_far: u32,
    jitter: f64,
) -> RetryDecision {
    let attempts = attempts_so_far.saturating_add(1);
    if attempts >= policy.max_attempts {
        return RetryDecision::Fail {
            code: ReasonCode::RetriesExhausted,
            reason: format!(
                "gave up after {attempts} attempts, the last answered {status}; \
                 requeue once SuperOffice is healthy"
            ),
        };
    }

    let delay = policy.backoff(attempts_so_far, jitter);
    RetryDecision::RetryAfter {
        delay,
        counts_attempt: true,
        code: ReasonCode::ServerError,
        reason: format!(
            "SuperOffice answered {status} on attempt {attempts} of {}; retry in {}",
            policy.max_attempts,
            human_duration(delay)
        ),
    }
}
