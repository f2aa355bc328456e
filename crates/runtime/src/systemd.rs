//! Telling systemd how the service is doing: ready, stopping, a status line
//! and the watchdog's "still alive" pings (`sd_notify(3)`).
//!
//! The units in `deploy/` are `Type=notify`: systemd counts a service as
//! started only when it says `READY=1`, so `systemctl start` returns once
//! the ingest's listener is bound or the worker's store is open, and units
//! ordered after it start only then. With `WatchdogSec=` set, systemd kills
//! and restarts a service that has not said `WATCHDOG=1` within that time.
//!
//! Everything here is a no-op when `NOTIFY_SOCKET` is unset (a terminal, a
//! test, a container), so the binaries call it unconditionally.
//!
//! The messages are sent by the `sd-notify` crate, which reads
//! `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` itself. Known limit:
//! it connects to a path, not to a socket in the abstract namespace
//! (`NOTIFY_SOCKET=@…`). systemd itself passes a path to system and user
//! services; some container managers pass an abstract name, and there the
//! notifications fail with a warning in the log and the unit needs
//! `Type=exec` instead.

use std::time::Duration;

use sd_notify::NotifyState;

/// How often the status line is refreshed when systemd listens but expects
/// no watchdog pings.
const STATUS_REFRESH: Duration = Duration::from_secs(10);

/// What a liveness probe found, asked before each watchdog ping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    /// Working. The status line, when given and different from the last
    /// one sent, replaces the unit's status (`systemctl status` shows it).
    Alive {
        /// The unit's new status line, e.g. `4 slots, 2 busy`.
        status: Option<String>,
    },
    /// Not working and not going to recover by itself: no ping is sent, so
    /// systemd restarts the service once `WatchdogSec=` has passed.
    Stalled {
        /// Why, for the log line written when pings stop.
        reason: &'static str,
    },
}

impl Health {
    /// Alive, with no new status line.
    pub fn alive() -> Self {
        Self::Alive { status: None }
    }
}

/// The way to systemd's notification socket, read from the environment
/// once at start.
#[derive(Debug, Clone)]
pub struct Notifier {
    /// Whether `NOTIFY_SOCKET` was set: without it every call is a no-op
    /// and the watchdog loop never wakes.
    listening: bool,
    /// Half of `WATCHDOG_USEC`, when systemd expects pings from this
    /// process: pinging twice per period leaves room for one late tick.
    ping_every: Option<Duration>,
}

impl Notifier {
    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID`. A watchdog
    /// meant for another process (a different `WATCHDOG_PID`) is ignored.
    pub fn from_env() -> Self {
        let listening = std::env::var_os("NOTIFY_SOCKET").is_some_and(|path| !path.is_empty());
        let ping_every = sd_notify::watchdog_enabled()
            .filter(|period| !period.is_zero())
            .map(|period| period / 2);
        Self {
            listening,
            ping_every,
        }
    }

    /// Whether systemd listens (`NOTIFY_SOCKET` is set).
    pub fn is_listening(&self) -> bool {
        self.listening
    }

    /// How often the watchdog loop pings, when systemd expects pings.
    pub fn ping_interval(&self) -> Option<Duration> {
        self.ping_every.filter(|_| self.listening)
    }

    /// `READY=1` with a status line: start-up is over.
    pub fn ready(&self, status: &str) {
        self.send("ready", &[NotifyState::Ready, NotifyState::Status(status)]);
    }

    /// `STOPPING=1` with a status line: the service drains and will exit.
    pub fn stopping(&self, status: &str) {
        self.send(
            "stopping",
            &[NotifyState::Stopping, NotifyState::Status(status)],
        );
    }

    /// A new status line alone.
    pub fn status(&self, status: &str) {
        self.send("status", &[NotifyState::Status(status)]);
    }

    /// Pings the watchdog at [`Self::ping_interval`] while `probe` says the
    /// process is alive, and sends the probe's status line when it
    /// changes. Never returns: spawn it, or race it against the work it
    /// vouches for, and drop it to stop.
    ///
    /// The pings prove only what `probe` checks and that the runtime
    /// polling this future still runs; run it on the runtime (or in the
    /// future) whose health matters.
    pub async fn watchdog(self, mut probe: impl FnMut() -> Health) {
        if !self.listening {
            return std::future::pending().await;
        }
        let mut ticks = tokio::time::interval(self.ping_every.unwrap_or(STATUS_REFRESH));
        // A late tick pings once, not in a burst that would hide the delay.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_status = None;
        let mut stalled = false;

        loop {
            ticks.tick().await;
            match probe() {
                Health::Alive { status } => {
                    if stalled {
                        tracing::info!("watchdog: alive again; pinging systemd");
                        stalled = false;
                    }
                    let status = status.filter(|status| last_status.as_ref() != Some(status));
                    self.ping(status.as_deref());
                    last_status = status.or(last_status);
                }
                Health::Stalled { reason } => {
                    if !stalled {
                        tracing::error!(
                            reason,
                            "watchdog: no longer pinging systemd, which restarts the service"
                        );
                    }
                    stalled = true;
                }
            }
        }
    }

    /// One loop step: `WATCHDOG=1` when systemd expects it, and the new
    /// status line if there is one.
    fn ping(&self, status: Option<&str>) {
        let mut states = Vec::with_capacity(2);
        if self.ping_every.is_some() {
            states.push(NotifyState::Watchdog);
        }
        if let Some(status) = status {
            states.push(NotifyState::Status(status));
        }
        if !states.is_empty() {
            self.send("watchdog", &states);
        }
    }

    fn send(&self, what: &'static str, states: &[NotifyState<'_>]) {
        if !self.listening {
            return;
        }
        // systemd only loses sight of the service; the work goes on, so a
        // failed notification is logged, not returned.
        if let Err(error) = sd_notify::notify(states) {
            tracing::warn!(%error, notification = what, "cannot notify systemd");
        }
    }
}
