//! Exit codes, and how a failure is sorted into one.
//!
//! Scripts and systemd read the code, so each one means one thing; `soctl
//! --help` lists them. A command that ran but found something wrong (a
//! check with mismatches) exits 5 without an error.

use std::fmt;

use so_ctl::backfill::BackfillError;
use so_runtime::SettingsError;

/// What the process tells its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// 0: done.
    Ok,
    /// 1: failed (the store, the network, anything not listed below).
    Failure,
    /// 2: the command line or the settings are wrong.
    Usage,
    /// 3: SuperOffice refused the credentials or the rights.
    Auth,
    /// 4: what was asked for does not exist (job, record, list, webhook,
    /// tenant).
    NotFound,
    /// 5: a check ran and found mismatches.
    Mismatch,
    /// 6: SuperOffice is unavailable for now (maintenance, throttled,
    /// tenant not running); try again later.
    Unavailable,
    /// 130: interrupted (Ctrl-C); a backfill keeps its cursor.
    Interrupted,
}

impl Code {
    /// The number the process exits with.
    pub fn number(self) -> u8 {
        match self {
            Code::Ok => 0,
            Code::Failure => 1,
            Code::Usage => 2,
            Code::Auth => 3,
            Code::NotFound => 4,
            Code::Mismatch => 5,
            Code::Unavailable => 6,
            Code::Interrupted => 130,
        }
    }
}

/// The exit codes as `--help` shows them.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    done
  1    failed (job store, network, anything not listed here)
  2    usage or settings error (bad argument, missing SO__… setting, a
       backfill filter SuperOffice refuses, a job that cannot be retried)
  3    authentication failure (wrong client secret, revoked consent,
       missing rights)
  4    not found (job, record, list, webhook, tenant)
  5    a check found mismatches (config check, check-filter-counts,
       verify-latest)
  6    SuperOffice unavailable for now (maintenance, throttled, tenant not
       running); try again later
  130  interrupted (Ctrl-C); backfill resumes with --resume";

/// A failure whose exit code the command chose itself.
#[derive(Debug)]
pub struct Fail {
    /// The exit code.
    pub code: Code,
    /// What to tell the operator.
    pub message: String,
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Fail {}

/// A failure with a chosen exit code, as an `anyhow::Error`.
pub fn fail(code: Code, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Fail {
        code,
        message: message.into(),
    })
}

/// The exit code of a failure: the first cause in its chain that says.
pub fn classify(error: &anyhow::Error) -> Code {
    for cause in error.chain() {
        if let Some(fail) = cause.downcast_ref::<Fail>() {
            return fail.code;
        }
        if let Some(error) = cause.downcast_ref::<so_superoffice::Error>() {
            return superoffice_code(error);
        }
        if cause.is::<SettingsError>() || cause.is::<so_ctl::when::BadTime>() {
            return Code::Usage;
        }
        // The operator's filter, not SuperOffice, is what has to change.
        if let Some(BackfillError::FilterRefused { .. }) = cause.downcast_ref() {
            return Code::Usage;
        }
    }
    Code::Failure
}

fn superoffice_code(error: &so_superoffice::Error) -> Code {
    use so_superoffice::Error;
    match error {
        Error::Auth { .. } | Error::Forbidden { .. } => Code::Auth,
        Error::NotFound { .. } => Code::NotFound,
        Error::RateLimited { .. } | Error::Unavailable { .. } => Code::Unavailable,
        Error::Config { .. } => Code::Usage,
        _ => Code::Failure,
    }
}
