//! The benchmark's world: a sandbox tenant with as many fresh companies as
//! needed, the store file, and the real `so-worker` process on both.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use so_queue::{Disposition, NewDelivery, Store};
use so_sandbox::{RunningSandbox, SandboxConfig};

/// The associate the fresh companies belong to (one of ours in the seed).
const OWNER: i32 = 23;

/// A sandbox with the shipped seed on two server threads.
pub async fn sandbox() -> RunningSandbox {
    let config = SandboxConfig {
        workers: 2,
        ..SandboxConfig::default()
    };
    so_sandbox::start(config).await.expect("the sandbox starts")
}

/// Adds `count` companies owned by one of ours, each with its own name (so
/// each needs its own analysis and write), and returns their ids.
pub fn fresh_companies(sandbox: &RunningSandbox, count: usize, label: &str) -> Vec<i64> {
    let tenant = sandbox.tenant();
    let template = tenant
        .contacts()
        .into_iter()
        .find(|c| c.associate_id == OWNER && c.deleted_date.is_none())
        .expect("the seed has a company of ours");

    (0..count)
        .map(|n| {
            let mut contact = template.clone();
            contact.id = 0;
            contact.name = format!("{label} Hotel {n} GmbH");
            contact.udfs.clear();
            let created = tenant.create_contact(contact, OWNER).expect("created");
            i64::from(created.id)
        })
        .collect()
}

/// A `contact.changed` delivery for `contact_id`, received now, under a
/// fresh event id.
pub fn change_of(contact_id: i64, tag: &str) -> NewDelivery {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    NewDelivery {
        event_id: format!("bench-{tag}-{contact_id}-{n}"),
        received_at: so_queue::now_ms(),
        tenant: "Cust12345".to_owned(),
        event: "contact.changed".to_owned(),
        entity: "contact".to_owned(),
        entity_id: contact_id,
        changed_by: Some(i64::from(OWNER)),
        changes: vec!["name".to_owned()],
        payload: "{}".to_owned(),
        disposition: Disposition::Enqueue,
    }
}

/// Waits until no job is pending or processing.
pub async fn until_idle(store: &Store) {
    loop {
        let counts = store
            .counts_by_status(None)
            .await
            .expect("the store answers");
        if counts.pending + counts.processing == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The real worker, started on `store_path` against `sandbox`, logging to
/// `worker.log` beside the store.
pub fn spawn_worker(binary: &Path, sandbox: &RunningSandbox, store_path: &Path) -> Child {
    let config = sandbox.config();
    let dir = store_path.parent().expect("the store is in a directory");
    let log = std::fs::File::create(dir.join("worker.log")).expect("a log file");
    let mut command = Command::new(binary);
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("SO__")) {
        command.env_remove(name);
    }
    command
        .current_dir(dir)
        .env("SO__SUPEROFFICE__ENVIRONMENT", "sod")
        .env("SO__SUPEROFFICE__CONTEXT_ID", &config.context_identifier)
        .env("SO__SUPEROFFICE__CLIENT_ID", &config.client_id)
        .env("SO__SUPEROFFICE__CLIENT_SECRET", &config.client_secret)
        .env("SO__SUPEROFFICE__REFRESH_TOKEN", &config.refresh_token)
        .env(
            "SO__SUPEROFFICE__AUTH_BASE",
            sandbox.auth_base().to_string(),
        )
        // The sandbox is local: pacing would measure the limiter, not the worker.
        .env("SO__SUPEROFFICE__REQUESTS_PER_SECOND", "1000000")
        .env("SO__SUPEROFFICE__MAX_CONCURRENCY", "16")
        .env("SO__STORE__PATH", store_path)
        .env("SO__RULES__OWNERS__ASSOCIATE_IDS", OWNER.to_string())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("so-worker starts")
}

/// The `so-worker` binary: `--worker PATH`, else beside this benchmark.
/// Run through `cargo run`, which builds only the benchmark, the binary
/// beside it is built first in the same profile, so the README's one
/// command works on a fresh checkout and never measures a stale worker.
pub fn worker_binary(given: Option<PathBuf>) -> PathBuf {
    if let Some(binary) = given {
        assert!(binary.is_file(), "--worker {} not found", binary.display());
        return binary;
    }

    let me = std::env::current_exe().expect("the benchmark knows its path");
    let binary = me.with_file_name("so-worker");
    if let Some(cargo) = std::env::var_os("CARGO") {
        let mut build = Command::new(cargo);
        build.args(["build", "-p", "so-worker", "--bin", "so-worker"]);
        if me.parent().is_some_and(|dir| dir.ends_with("release")) {
            build.arg("--release");
        }
        let built = build.status().expect("cargo runs");
        assert!(built.success(), "building so-worker failed");
    }
    assert!(
        binary.is_file(),
        "{} not found: build it first (cargo build --release -p so-worker) or pass --worker PATH",
        binary.display()
    );
    binary
}

/// Peak resident memory of a process (`VmHWM`), in KiB.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Asks the worker to stop (SIGTERM) and waits for it.
pub fn stop_worker(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}
