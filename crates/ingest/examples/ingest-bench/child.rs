//! The `so-ingest` process under test.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};

use crate::client::Connection;
use crate::load::{SECRET, TOKEN};

/// A running `so-ingest` child.
pub struct Ingest {
    child: Child,
    /// `127.0.0.1:<port>`.
    pub address: String,
    pub db_path: PathBuf,
}

impl Ingest {
    /// Builds (when run through cargo) and starts `so-ingest` in `dir`, and
    /// waits until it answers `/healthz`.
    pub async fn start(
        dir: &Path,
        workers: usize,
        batch: usize,
        log: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let binary = binary()?;
        let port = free_port()?;
        let db_path = dir.join("connector.sqlite");

        let mut command = Command::new(&binary);
        // Inherited SO__ variables would change what is measured.
        for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("SO__")) {
            command.env_remove(name);
        }
        command
            .current_dir(dir)
            .env("SO__INGEST__LISTEN", format!("127.0.0.1:{port}"))
            .env("SO__INGEST__ADMIN__LISTEN", "off")
            .env("SO__INGEST__WORKERS", workers.to_string())
            .env("SO__INGEST__BATCH__MAX_SIZE", batch.to_string())
            .env("SO__INGEST__WEBHOOK__TOKEN", TOKEN)
            .env("SO__INGEST__WEBHOOK__SECRET", SECRET)
            .env("SO__STORE__PATH", &db_path)
            .env("SO__LOG__FILTER", "warn")
            .stdout(Stdio::null());
        // With a log file, each batch's size and time are logged to it.
        if let Some(log) = log {
            let file = std::fs::File::create(log).with_context(|| log.display().to_string())?;
            command
                .env("SO__LOG__FILTER", "info,so_ingest::batcher=debug")
                .stderr(file);
        }
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;

        let address = format!("127.0.0.1:{port}");
        wait_until_healthy(&address).await?;
        Ok(Self {
            child,
            address,
            db_path,
        })
    }

    /// Peak resident set size so far (`VmHWM`), in KiB.
    pub fn peak_rss_kib(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let line = status
            .lines()
            .find(|line| line.starts_with("VmHWM:"))
            .context("no VmHWM")?;
        let kib = line
            .split_whitespace()
            .nth(1)
            .context("VmHWM without a value")?;
        Ok(kib.parse()?)
    }

    /// User plus system CPU time used so far, in seconds.
    pub fn cpu_seconds(&self) -> anyhow::Result<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        // Fields after the command name, which is in parentheses.
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let ticks: u64 = fields.get(11).context("utime")?.parse::<u64>()?
            + fields.get(12).context("stime")?.parse::<u64>()?;
        // USER_HZ is 100 on every Linux this runs on.
        Ok(ticks as f64 / 100.0)
    }

    /// SIGTERM, then waits for the exit.
    pub async fn stop(mut self) -> anyhow::Result<ExitStatus> {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill").args(["-TERM", &pid]).status()?;
        if !killed.success() {
            bail!("kill -TERM {pid} failed");
        }
        let status = tokio::task::spawn_blocking(move || self.child.wait()).await??;
        Ok(status)
    }
}

/// The release `so-ingest` next to this example's executable
/// (`target/release/examples/ingest-bench` → `target/release/so-ingest`),
/// rebuilt first when cargo started us, so it is never stale.
fn binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("no target dir")?;
    let binary = profile_dir.join("so-ingest");

    if let Ok(cargo) = std::env::var("CARGO") {
        let mut build = Command::new(cargo);
        build.args(["build", "-p", "so-ingest", "--bin", "so-ingest"]);
        if profile_dir.ends_with("release") {
            build.arg("--release");
        }
        if !build.status()?.success() {
            bail!("building so-ingest failed");
        }
    }
    if !binary.exists() {
        bail!(
            "{} missing: run `cargo build --release -p so-ingest` first",
            binary.display()
        );
    }
    Ok(binary)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

async fn wait_until_healthy(address: &str) -> anyhow::Result<()> {
    let probe = format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\n\r\n");
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        let mut connection = Connection::new(address);
        if let Ok((200, _)) = connection.exchange(probe.as_bytes()).await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("so-ingest did not answer /healthz within 15 s")
}
