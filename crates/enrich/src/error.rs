//! Why an analysis failed, and whether trying again can help.

use std::time::Duration;

use crate::validate::ValidationError;

/// A boxed cause from a backend's transport or parser.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Whether the worker should retry the job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The same facts may succeed later: retry with backoff, up to the
    /// job's retry limit.
    Retryable,
    /// The same facts will fail again: fail the job now.
    Permanent,
}

/// An analysis that produced nothing to write.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnalyzeError {
    /// The backend could not be reached or was busy: a refused connection,
    /// a timeout, a 5xx, or a 429 (with its `Retry-After`, when given).
    #[error("{backend}: unavailable: {message}")]
    Unavailable {
        /// The backend's [`name`](crate::Analyzer::name).
        backend: &'static str,
        /// What happened, for the job's last error.
        message: String,
        /// How long the backend asked us to wait.
        retry_after: Option<Duration>,
        /// The transport's error.
        #[source]
        source: Option<BoxError>,
    },

    /// The backend answered, but the answer could not be read or failed
    /// validation. Retryable, because a model may answer well the next time;
    /// the job's retry limit stops a backend that never does.
    #[error("{backend}: malformed answer: {message}")]
    Malformed {
        /// The backend's name.
        backend: &'static str,
        /// What was wrong with the answer.
        message: String,
        /// The parse or validation error.
        #[source]
        source: Option<BoxError>,
    },

    /// A deterministic backend produced a result that failed validation: the
    /// same facts would fail again, so this is a bug or a configuration
    /// mistake (a template longer than its field), not bad luck.
    #[error("{backend}: result rejected")]
    Invalid {
        /// The backend's name.
        backend: &'static str,
        /// The first rule the result broke.
        #[source]
        source: ValidationError,
    },

    /// The backend refused the request for a reason that retrying does not
    /// change: bad credentials, a 4xx other than 408 or 429.
    #[error("{backend}: refused: {message}")]
    Refused {
        /// The backend's name.
        backend: &'static str,
        /// What the backend said.
        message: String,
    },

    /// The backend's configuration cannot produce a result (a template that
    /// cannot be filled, a missing model name). Retrying will not help;
    /// fixing the configuration will.
    #[error("{backend}: configuration: {message}")]
    Config {
        /// The backend's name.
        backend: &'static str,
        /// What is wrong.
        message: String,
        /// The underlying error.
        #[source]
        source: Option<BoxError>,
    },

    /// The facts cannot be analysed, such as a company without a name.
    #[error("company facts: {message}")]
    Facts {
        /// What is missing or wrong.
        message: String,
    },
}

impl AnalyzeError {
    /// Whether retrying the same facts can help.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AnalyzeError::Unavailable { .. } | AnalyzeError::Malformed { .. } => {
                ErrorKind::Retryable
            }
            AnalyzeError::Invalid { .. }
            | AnalyzeError::Refused { .. }
            | AnalyzeError::Config { .. }
            | AnalyzeError::Facts { .. } => ErrorKind::Permanent,
        }
    }

    /// Shorthand for `kind() == ErrorKind::Retryable`.
    pub fn is_retryable(&self) -> bool {
        self.kind() == ErrorKind::Retryable
    }

    /// The wait the backend asked for, if it named one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            AnalyzeError::Unavailable { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}
