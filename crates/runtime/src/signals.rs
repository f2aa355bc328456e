//! The request to stop, from systemd (SIGTERM), a terminal (SIGINT), or
//! the death of a parent that asked to take its children with it.
//!
//! The last is for launchers such as `soctl demo`: a launcher killed with
//! SIGKILL cannot stop its children, and Linux's parent-death signal needs
//! `unsafe` (and fires when the spawning *thread* ends, which in a tokio
//! runtime is not the process). So a launcher sets [`STOP_WITH_PARENT`] to
//! its pid, and the child polls its parent pid: once it differs, the
//! launcher is gone (the child was handed to init or a subreaper) and the
//! child stops as if it had got SIGTERM.

use std::fmt;
use std::io;
use std::time::Duration;

use tokio::signal::unix::{signal, SignalKind};

/// Which signal asked the process to stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShutdownSignal {
    /// SIGTERM: `systemctl stop`, `kill`.
    Terminate,
    /// SIGINT: Ctrl-C in a terminal.
    Interrupt,
    /// The launcher named by [`STOP_WITH_PARENT`] is gone.
    ParentGone,
}

/// The environment variable a launcher sets to its own pid to have the
/// child stop when the launcher is gone. Not a `SO__` setting: it says who
/// started the process, not how it should work.
pub const STOP_WITH_PARENT: &str = "SO_STOP_WITH_PARENT";

/// How often the parent pid is compared; a stop within a second is soon
/// enough for a launcher that vanished.
const PARENT_POLL: Duration = Duration::from_millis(500);

impl fmt::Display for ShutdownSignal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Terminate => "SIGTERM",
            Self::Interrupt => "SIGINT",
            Self::ParentGone => "the death of the launching process",
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
    let launcher = launcher_pid();

    tokio::select! {
        _ = terminate.recv() => Ok(ShutdownSignal::Terminate),
        _ = interrupt.recv() => Ok(ShutdownSignal::Interrupt),
        () = parent_gone(launcher.unwrap_or_default()), if launcher.is_some() => {
            Ok(ShutdownSignal::ParentGone)
        }
    }
}

/// The launcher's pid from [`STOP_WITH_PARENT`], if set and a number.
fn launcher_pid() -> Option<u32> {
    std::env::var(STOP_WITH_PARENT).ok()?.trim().parse().ok()
}

/// Resolves once this process's parent is no longer `launcher`. Checked
/// at once too: a launcher may die before the child gets here.
async fn parent_gone(launcher: u32) {
    let mut poll = tokio::time::interval(PARENT_POLL);
    loop {
        poll.tick().await;
        if std::os::unix::process::parent_id() != launcher {
            return;
        }
    }
}
