//! The demo's child processes and the guard that stops them.
//!
//! Every child is stopped the way systemd would stop it: SIGTERM, a wait for
//! its graceful shutdown, SIGKILL after [`STOP_TIMEOUT`]. [`Children::stop`]
//! does this at the end of a run; dropping [`Children`] does the same
//! synchronously, so a demo that fails half-way, panics or is interrupted
//! leaves no process behind. `kill_on_drop` on every command is the last
//! line: a child whose handle is dropped some other way gets SIGKILL.
//!
//! SIGTERM is sent by running `kill`, as the ingest and worker benchmarks
//! do: the workspace forbids `unsafe`, and a signal crate for one call is
//! not worth the dependency.
//!
//! A `soctl` killed with SIGKILL cannot stop its children itself. So every
//! child gets `SO_STOP_WITH_PARENT` set to soctl's pid, and watches for its
//! parent to change (`so_runtime::shutdown_signal`): within a second of
//! soctl's death each child stops as on SIGTERM. Only the temp directory
//! is then left behind (its path is printed when the demo starts).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use tokio::process::{Child, Command};

/// How long a child may take to stop after SIGTERM before it gets SIGKILL.
/// The workers are given 3 s to finish their jobs and the ingest 3 s to
/// drain (`specs.rs`).
pub const STOP_TIMEOUT: Duration = Duration::from_secs(8);

/// How to start one child.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Its name in messages and its log file's (`worker-1`).
    pub name: String,
    /// The executable.
    pub program: PathBuf,
    /// Command-line arguments.
    pub args: Vec<String>,
    /// Environment variables set for it, on top of the cleaned environment.
    pub env: Vec<(String, String)>,
}

/// One running child.
#[derive(Debug)]
struct Running {
    /// Its name.
    name: String,
    /// Its process id, kept for the report after it was reaped.
    pid: u32,
    /// Where its stdout and stderr go.
    log: PathBuf,
    /// The process; `None` once it was reaped.
    child: Option<Child>,
}

/// How a child ended, for the report.
#[derive(Debug, Clone)]
pub struct Exit {
    /// The child's name.
    pub name: String,
    /// Its process id.
    pub pid: u32,
    /// Its exit status; `None` when it had to be killed and could not be
    /// reaped.
    pub status: Option<ExitStatus>,
    /// Whether it needed SIGKILL.
    pub killed: bool,
}

/// The demo's children, stopped when dropped.
#[derive(Debug, Default)]
pub struct Children {
    /// In start order; stopped in reverse.
    running: Vec<Running>,
}

impl Children {
    /// Starts `spec` in `dir` with its output in `log`. The inherited
    /// `SO__…` variables and `RUST_LOG` are removed, so the child's settings
    /// are exactly `spec.env` (the working directory holds no `.env`).
    pub fn spawn(&mut self, spec: &Spec, dir: &Path, log: &Path) -> anyhow::Result<u32> {
        let out = File::create(log)
            .with_context(|| format!("cannot create the log file {}", log.display()))?;
        let err = out.try_clone().context("cannot share the log file")?;

        let mut command = Command::new(&spec.program);
        command
            .args(&spec.args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true);
        for (key, _) in std::env::vars_os() {
            let inherited = key.to_string_lossy();
            if inherited.starts_with("SO__") || inherited == "RUST_LOG" {
                command.env_remove(&key);
            }
        }
        command.envs(spec.env.iter().map(|(k, v)| (k, v)));
        command.env(
            so_runtime::signals::STOP_WITH_PARENT,
            std::process::id().to_string(),
        );

        let child = command
            .spawn()
            .with_context(|| format!("cannot start {}", spec.program.display()))?;
        let pid = child.id().unwrap_or_default();
        self.running.push(Running {
            name: spec.name.clone(),
            pid,
            log: log.to_owned(),
            child: Some(child),
        });
        Ok(pid)
    }

    /// A child that has exited although nobody asked it to: its name, how
    /// it ended and its log file.
    pub fn exited_early(&mut self) -> Option<(String, ExitStatus, PathBuf)> {
        for running in &mut self.running {
            let Some(child) = running.child.as_mut() else {
                continue;
            };
            if let Ok(Some(status)) = child.try_wait() {
                running.child = None;
                return Some((running.name.clone(), status, running.log.clone()));
            }
        }
        None
    }

    /// Stops every child (SIGTERM, then SIGKILL after [`STOP_TIMEOUT`]) and
    /// says how each ended.
    pub async fn stop(&mut self) -> Vec<Exit> {
        self.terminate_all();

        let deadline = tokio::time::Instant::now() + STOP_TIMEOUT;
        let mut exits = Vec::new();
        for running in self.running.iter_mut().rev() {
            let Some(mut child) = running.child.take() else {
                continue;
            };
            let (status, killed) = match tokio::time::timeout_at(deadline, child.wait()).await {
                Ok(status) => (status.ok(), false),
                Err(_) => {
                    let _ = child.start_kill();
                    (child.wait().await.ok(), true)
                }
            };
            exits.push(Exit {
                name: running.name.clone(),
                pid: running.pid,
                status,
                killed,
            });
        }
        exits
    }

    /// SIGTERM to every child still running, the last started first.
    fn terminate_all(&mut self) {
        for running in self.running.iter_mut().rev() {
            if let Some(pid) = running.child.as_ref().and_then(Child::id) {
                terminate(pid);
            }
        }
    }
}

impl Drop for Children {
    /// The same stop as [`Children::stop`], blocking: a drop cannot await.
    /// It runs when the demo failed or was interrupted, when nothing else
    /// is left to do, so blocking the thread a few seconds harms nothing.
    fn drop(&mut self) {
        if self.running.iter().all(|r| r.child.is_none()) {
            return;
        }
        self.terminate_all();

        let deadline = Instant::now() + STOP_TIMEOUT;
        for running in self.running.iter_mut().rev() {
            let Some(mut child) = running.child.take() else {
                continue;
            };
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            if matches!(child.try_wait(), Ok(None)) {
                let _ = child.start_kill();
                // Reaped here when it goes quickly; otherwise tokio's
                // orphan reaper collects it.
                for _ in 0..20 {
                    if !matches!(child.try_wait(), Ok(None)) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(25));
                }
            }
        }
    }
}

/// Asks process `pid` to stop gracefully.
fn terminate(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}
