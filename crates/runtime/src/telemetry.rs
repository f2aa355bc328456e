//! The tracing subscriber every binary installs once, at start.

use std::io::IsTerminal as _;

use serde::Deserialize;
use tracing_subscriber::filter::{EnvFilter, ParseError};
use tracing_subscriber::util::TryInitError;
use tracing_subscriber::{fmt, prelude::*};

/// The filter used when neither `log.filter` nor `RUST_LOG` is set.
pub const DEFAULT_FILTER: &str = "info";

/// The `log` section of the settings, shared by every binary.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// `SO__LOG__FORMAT`: `human` (default) or `json`.
    pub format: LogFormat,
    /// `SO__LOG__FILTER`: a `RUST_LOG`-style filter such as
    /// `info,so_ingest=debug`. When unset, `RUST_LOG` is read, then `info`.
    pub filter: Option<String>,
}

impl LogSettings {
    /// Checks that the filter parses, so that a settings check can report
    /// a bad one beside the other problems rather than after them.
    pub fn validate(&self) -> Result<(), TelemetryError> {
        env_filter(self).map(drop)
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// One readable line per event, for a terminal or journald.
    #[default]
    Human,
    /// One JSON object per line, for a log collector.
    Json,
}

/// Why the subscriber could not be installed.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The filter from the settings or `RUST_LOG` does not parse.
    #[error("log filter {filter:?}: not a valid filter")]
    InvalidFilter {
        /// The filter as given.
        filter: String,
        /// What the parser objected to.
        #[source]
        source: ParseError,
    },

    /// A subscriber was installed before; `init` was called twice.
    #[error("tracing subscriber: already installed")]
    AlreadyInstalled(#[source] TryInitError),
}

/// Installs the global subscriber described by `settings`.
///
/// Lines go to stderr, so that a command-line tool's own output on stdout
/// stays clean; journald records both streams alike. Human lines are
/// coloured only when stderr is a terminal (and `NO_COLOR` is unset): in
/// journald or a file the colour codes are noise around every field.
pub fn init(settings: &LogSettings) -> Result<(), TelemetryError> {
    let registry = tracing_subscriber::registry().with(env_filter(settings)?);
    let installed = match settings.format {
        LogFormat::Human => registry
            .with(
                fmt::layer()
                    .with_ansi(colour_wanted())
                    .with_writer(std::io::stderr),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
    installed.map_err(TelemetryError::AlreadyInstalled)
}

/// The filter of [`filter_directives`], parsed.
fn env_filter(settings: &LogSettings) -> Result<EnvFilter, TelemetryError> {
    let filter = filter_directives(settings);
    EnvFilter::try_new(&filter).map_err(|source| TelemetryError::InvalidFilter { filter, source })
}

/// Whether human lines get ANSI colours: stderr is a terminal and
/// `NO_COLOR` (<https://no-color.org>) is unset or empty.
fn colour_wanted() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    std::io::stderr().is_terminal() && !no_color
}

/// The setting, else `RUST_LOG`, else [`DEFAULT_FILTER`].
fn filter_directives(settings: &LogSettings) -> String {
    let from_env = std::env::var("RUST_LOG")
        .ok()
        .filter(|value| !value.trim().is_empty());
    settings
        .filter
        .clone()
        .or(from_env)
        .unwrap_or_else(|| DEFAULT_FILTER.to_owned())
}
