//! What a rule returns: a decision and the reason for it.

use std::fmt;

use crate::codes::ReasonCode;

/// What should happen to a delivery or a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Go on: queue the delivery, or continue with the job.
    Process,
    /// Store it with the reason and do not process it. A skip is an outcome
    /// operators see on the dashboard ("skipped: echo of own write").
    Skip,
    /// Answer and forget: not stored, not counted as work. Only the
    /// registration test event is ignored.
    Ignore,
}

impl Decision {
    /// Lower-case name for logs and metrics labels.
    pub const fn as_str(self) -> &'static str {
        match self {
            Decision::Process => "process",
            Decision::Skip => "skip",
            Decision::Ignore => "ignore",
        }
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decision with its reason, ready to be written to a job row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// What to do.
    pub decision: Decision,
    /// Why, as a stable code for metrics and the dashboard.
    pub code: ReasonCode,
    /// Why, as a sentence for a human reading the job row.
    pub reason: String,
}

impl Verdict {
    /// A verdict to go on.
    pub fn process(code: ReasonCode, reason: impl Into<String>) -> Self {
        Self::new(Decision::Process, code, reason)
    }

    /// A verdict to store and not process.
    pub fn skip(code: ReasonCode, reason: impl Into<String>) -> Self {
        Self::new(Decision::Skip, code, reason)
    }

    /// A verdict to answer and forget.
    pub fn ignore(code: ReasonCode, reason: impl Into<String>) -> Self {
        Self::new(Decision::Ignore, code, reason)
    }

    /// Whether the caller should go on to the next rule or step.
    pub fn is_process(&self) -> bool {
        self.decision == Decision::Process
    }

    fn new(decision: Decision, code: ReasonCode, reason: impl Into<String>) -> Self {
        Self {
            decision,
            code,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Verdict {
    /// `skip (echo_of_own_write): changed by associate 17, ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.decision, self.code, self.reason)
    }
}
