//! The request to stop, from systemd (SIGTERM) or a terminal (SIGINT).

use std::fmt;
use std::io;

use tokio::signal::unix::{signal, SignalKind};

/// Which signal asked the process to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShutdownSignal {
    /// SIGTERM: `systemctl stop`, `kill`.
    Terminate,
    /// SIGINT: Ctrl-C in a terminal.
    Interrupt,
}

impl fmt::Display for ShutdownSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Terminate => "SIGTERM",
            Self::Interrupt => "SIGINT",
        })
    }
}

/// The handler for a signal could not be installed.
#[derive(Debug, thiserror::Error)]
#[error("cannot listen for {signal}")]
pub struct SignalError {
    /// The signal whose handler failed.
    pub signal: ShutdownSignal,
    /// What the operating system answered.
    #[source]
    pub source: io::Error,
}

/// Resolves when SIGTERM or SIGINT arrives; both mean "stop gracefully".
///
/// Both handlers are installed before waiting, so a signal that arrives
/// between the call and the first poll is not lost. Must be called inside a
/// tokio runtime.
pub async fn shutdown_signal() -> Result<ShutdownSignal, SignalError> {
    let install = |signal_kind, signal| {
        self::signal(signal_kind).map_err(|source| SignalError { signal, source })
    };
    let mut terminate = install(SignalKind::terminate(), ShutdownSignal::Terminate)?;
    let mut interrupt = install(SignalKind::interrupt(), ShutdownSignal::Interrupt)?;

    tokio::select! {
        _ = terminate.recv() => Ok(ShutdownSignal::Terminate),
        _ = interrupt.recv() => Ok(ShutdownSignal::Interrupt),
    }
}
