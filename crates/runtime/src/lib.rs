//! What every binary of the connector does the same way.
//!
//! - [`settings`]: one typed settings tree per binary, layered from defaults,
//!   an optional TOML file and `SO__…` environment variables, where a `.env`
//!   file overrides the inherited environment.
//! - [`sources`]: where each value came from, and which exported variables
//!   the `.env` file overrode, for the binaries to warn about.
//! - [`telemetry`]: the tracing subscriber, human-readable or JSON.
//! - [`error_chain`]: an error and its causes on one line, each said once.
//! - [`Checklist`]: every problem of a settings check, reported at once.
//! - [`signals`]: a future that resolves when the process is asked to stop.
//! - [`systemd`]: readiness, status and watchdog notifications for
//!   `Type=notify` units; a no-op outside systemd.
//!
//! The crate holds no product logic: a binary's `main` calls these and then
//! builds its own application.

#![warn(missing_docs)]

pub mod settings;
pub mod signals;
pub mod sources;
pub mod systemd;
pub mod telemetry;

mod env_layer;
mod errors;
mod problems;

pub use errors::{error_chain, error_messages};
pub use problems::{Checklist, Problems};
pub use settings::{SettingsError, SettingsLoader};
pub use signals::{shutdown_signal, ShutdownSignal, SignalError};
pub use sources::{Loaded, Overridden, Sources};
pub use telemetry::{LogFormat, LogSettings, TelemetryError};
