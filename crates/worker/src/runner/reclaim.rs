//! Taking over at once the jobs of a worker on this host that died.
//!
//! A worker killed with SIGKILL, or by the OOM killer, cannot release its
//! jobs; they wait out their leases (a minute by default) before another
//! worker may take them. A worker on the same host can do better: holder
//! names are `host/pid/slot`, and when no process `pid` runs here any more,
//! the holder is gone for certain and its leases are ended at once. The
//! claim then takes the jobs over as it does any expired lease, counting
//! the lost lease and the attempt.
//!
//! Holders on other hosts are left to their leases: their processes cannot
//! be seen from here. A process that exists is taken to be the holder even
//! if its pid was reused, which errs on the side of waiting. One caveat:
//! two containers that share a host name but not a PID namespace would
//! each see the other's workers as gone. Container runtimes give every
//! container its own host name by default; keep it that way when several
//! containers share one store file.

use std::time::{Duration, Instant};

use so_queue::Store;

/// How often an idle worker looks for holders that are gone. The look is
/// one read of the small index of processing jobs.
const LOOK_EVERY: Duration = Duration::from_secs(5);

/// Looks for gone holders on this host, at most every [`LOOK_EVERY`].
#[derive(Debug)]
pub(super) struct Reclaimer {
    /// This host's name, the first part of every holder started here.
    host: String,
    /// This worker's own holder name (`host/pid`).
    own: String,
    /// Whether this worker may already hold jobs. Before its first claim
    /// any lease under its own name belongs to a dead process that had the
    /// same pid (after a reboot, or in a fresh container).
    claimed_before: bool,
    next_look: Option<Instant>,
}

impl Reclaimer {
    /// A reclaimer for the worker named `own` (`host/pid`).
    pub(super) fn new(own: &str) -> Self {
        let host = own.split('/').next().unwrap_or_default().to_owned();
        Self {
            host,
            own: own.to_owned(),
            claimed_before: false,
            next_look: None,
        }
    }

    /// Notes that this worker is about to claim, so that from now on its
    /// own leases are its own.
    pub(super) fn claiming(&mut self) {
        self.claimed_before = true;
    }

    /// Ends the leases of every holder on this host whose process is gone,
    /// if the last look was long enough ago. Failures are logged and left
    /// to the leases.
    pub(super) async fn look(&mut self, store: &Store) {
        let now = Instant::now();
        if self.next_look.is_some_and(|next| now < next) {
            return;
        }
        self.next_look = Some(now + LOOK_EVERY);

        let holders = match store.processing_holders().await {
            Ok(holders) => holders,
            Err(error) => {
                tracing::debug!(error = %error, "cannot list the holders of running jobs");
                return;
            }
        };
        let mut seen = Vec::new();
        for holder in holders {
            let Some(process) = self.gone_process(&holder) else {
                continue;
            };
            if seen.contains(&process) {
                continue;
            }
            self.end_leases(store, &process).await;
            seen.push(process);
        }
    }

    /// `host/pid` of `holder` when it ran on this host and its process is
    /// gone; `None` when it may still run or cannot be judged.
    fn gone_process(&self, holder: &str) -> Option<String> {
        let mut parts = holder.split('/');
        let (host, pid) = (parts.next()?, parts.next()?);
        if host != self.host {
            return None;
        }
        let process = format!("{host}/{pid}");
        if process == self.own {
            return (!self.claimed_before).then_some(process);
        }
        let pid: u32 = pid.parse().ok()?;
        process_gone(pid)?.then_some(process)
    }

    async fn end_leases(&self, store: &Store, process: &str) {
        match store.end_leases_of(process, so_queue::now_ms()).await {
            Ok(0) => {}
            Ok(jobs) => tracing::warn!(
                holder = %process,
                jobs,
                "a worker on this host is gone without releasing its jobs; \
                 they are taken over now instead of when their leases run out"
            ),
            Err(error) => tracing::warn!(
                holder = %process,
                error = %error,
                "cannot end the leases of a worker that is gone; its jobs wait for their leases"
            ),
        }
    }
}

/// Whether process `pid` is gone from this host: no `/proc/<pid>`, or a
/// zombie waiting for its parent. `None` where `/proc` cannot say (not
/// Linux, or mounted without access).
fn process_gone(pid: u32) -> Option<bool> {
    std::fs::metadata("/proc/self/stat").ok()?;
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => Some(zombie(&stat)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Some(true),
        Err(_) => None,
    }
}

/// Whether a `/proc/<pid>/stat` line is a process that has exited: its
/// state, the field after the parenthesised command name, is `Z` or `X`.
fn zombie(stat: &str) -> bool {
    let state = stat
        .rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().next());
    matches!(state, Some("Z" | "X"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zombie_or_dead_process_is_gone_and_a_sleeping_one_is_not() {
        assert!(zombie("4242 (so-worker) Z 1 4242 4242 0 -1"));
        assert!(zombie("4242 (odd ) name) X 1"));
        assert!(!zombie("4242 (so-worker) S 1 4242 4242 0 -1"));
        assert!(!zombie("garbage"));
    }

    #[test]
    fn this_process_is_not_gone_and_an_unused_pid_is() {
        assert_eq!(process_gone(std::process::id()), Some(false));
        // Above the kernel's largest pid (2^22), so never in use.
        assert_eq!(process_gone(4_194_305), Some(true));
    }

    #[test]
    fn only_holders_of_this_host_are_judged() {
        let mut reclaimer = Reclaimer::new(&format!("vm/{}", std::process::id()));
        let own = format!("vm/{}/0", std::process::id());

        assert_eq!(reclaimer.gone_process("other/4194305/0"), None);
        assert_eq!(
            reclaimer.gone_process("vm/4194305/3").as_deref(),
            Some("vm/4194305")
        );
        assert_eq!(
            reclaimer.gone_process("vm/1/0"),
            None,
            "pid 1 runs wherever this runs"
        );
        assert!(
            reclaimer.gone_process(&own).is_some(),
            "ours from before we claimed"
        );
        reclaimer.claiming();
        assert_eq!(reclaimer.gone_process(&own), None, "ours once we claim");
        assert_eq!(reclaimer.gone_process("vm/not-a-pid/0"), None);
    }
}
