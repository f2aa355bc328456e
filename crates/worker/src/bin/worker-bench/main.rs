//! Figures of the worker on this machine. Not a test: it prints figures and
//! asserts nothing.
//!
//! ```text
//! cargo build --release -p so-worker
//! ./target/release/worker-bench [--dir DIR] [--jobs 10000] [--paced 500] [--worker PATH]
//! ```
//!
//! 1. The store's claim-and-finish rate through the worker's claim loop
//!    with a no-op pipeline, at backlogs of 1,000 and 100,000 jobs, on the
//!    disk of `--dir` (default: the temp dir) and on `/dev/shm` when it
//!    exists (where fsync is free).
//! 2. The real `so-worker` process (built beside this binary) against a
//!    sandbox tenant running in this process, on a fresh store file:
//!    enqueue-to-PATCH latency at a fixed 50 events/s; commit-to-claim
//!    latency of the idle worker over 200 single jobs; the full-speed rate
//!    over a backlog of `--jobs` fresh companies; SuperOffice calls per
//!    job; the worker's peak resident memory (VmHWM).
//!
//! The sandbox shares the machine's cores with the worker, so the rates
//! are those of both together.

mod pipeline;
mod stats;
mod store_rate;
mod tenant;

use std::path::{Path, PathBuf};
use std::time::Duration;

use so_queue::{Store, StoreOptions};

use crate::stats::report;

/// What the command line asks for.
struct Args {
    dir: PathBuf,
    worker: Option<PathBuf>,
    jobs: usize,
    paced: usize,
}

#[tokio::main]
async fn main() {
    let args = parse_args();
    let worker = tenant::worker_binary(args.worker.clone());

    println!("== claim loop with a no-op pipeline");
    run_store_rate(&args.dir, "disk").await;
    let ram = Path::new("/dev/shm");
    if ram.is_dir() {
        run_store_rate(ram, "RAM disk, fsync is free").await;
    }

    println!("\n== so-worker process against an in-process sandbox");
    let dir = tempfile::tempdir_in(&args.dir).expect("a temp dir");
    let store_path = dir.path().join("connector.sqlite");
    let store = Store::open(&store_path, StoreOptions::default())
        .await
        .expect("the store opens");
    let sandbox = tenant::sandbox().await;
    let child = tenant::spawn_worker(&worker, &sandbox, &store_path);
    until_warm(&sandbox).await;

    let paced = pipeline::paced(&store, &sandbox, args.paced).await;
    // Companies enriched just now: the idle jobs find nothing to change.
    let known: Vec<i64> = paced.iter().copied().cycle().take(200).collect();
    pipeline::idle_claim(&store, &known).await;
    pipeline::backlog(&store, &sandbox, args.jobs).await;
    pipeline::calls_per_job(
        &store,
        u32::try_from(args.jobs * 2 + 1_000).unwrap_or(u32::MAX),
    )
    .await;

    match tenant::peak_rss_kib(child.id()) {
        Some(kib) => report(
            "so-worker peak RSS (VmHWM)",
            format!("{:.1} MiB", kib as f64 / 1024.0),
        ),
        None => report("so-worker peak RSS (VmHWM)", "unavailable (no /proc)"),
    }
    tenant::stop_worker(child);
    store.close().await;
    sandbox.stop().await;
}

async fn run_store_rate(parent: &Path, label: &str) {
    let dir = tempfile::tempdir_in(parent).expect("a temp dir");
    println!("-- {} ({label})", dir.path().display());
    store_rate::run(dir.path(), 8).await;
}

/// Waits until the worker has made its start-up reads.
async fn until_warm(sandbox: &so_sandbox::RunningSandbox) {
    while !sandbox
        .requests()
        .iter()
        .any(|request| request.path.ends_with("/Person/UdefLayout"))
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn parse_args() -> Args {
    let mut args = Args {
        dir: std::env::temp_dir(),
        worker: None,
        jobs: 10_000,
        paced: 500,
    };
    let mut given = std::env::args().skip(1);
    while let Some(flag) = given.next() {
        let mut value = || {
            given
                .next()
                .unwrap_or_else(|| panic!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--dir" => args.dir = PathBuf::from(value()),
            "--worker" => args.worker = Some(PathBuf::from(value())),
            "--jobs" => args.jobs = value().parse().expect("--jobs takes a number"),
            "--paced" => args.paced = value().parse().expect("--paced takes a number"),
            other => panic!("unknown argument {other}; see the file's docs"),
        }
    }
    args
}
