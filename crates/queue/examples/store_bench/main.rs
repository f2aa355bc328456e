//! Throughput of the job store on this machine. Not a test: it prints
//! figures and asserts nothing.
//!
//! ```text
//! cargo run --release -p so-queue --example store_bench [-- --dir DIR] [--slots N]
//! ```
//!
//! Measures:
//! - the commit ceiling of a bare SQLite file with the ingest's settings
//!   (WAL, synchronous=FULL): one row per commit, and 64;
//! - `record_deliveries` with 64 deliveries per batch, as the ingest
//!   commits them (FULL);
//! - claiming and finishing jobs with a no-op pipeline, with a backlog of
//!   1,000 and of 100,000 pending jobs, on a store opened as the worker
//!   should open it (`Durability::Relaxed`, synchronous=NORMAL), in these
//!   shapes: one job after another; the worker's loop (one claim at a time
//!   into a free slot, each job finished by its own task; `--slots`, by
//!   default the worker's 4); that loop claiming for all free slots at once
//!   with `claim_many`, with `--slots` and with 32 slots. The worker's loop
//!   is also measured with FULL, the default durability.
//!
//! Runs once in `--dir` (default: the system temp dir), which should be on
//! the disk the store will live on, and, when `/dev/shm` exists, once more
//! on that RAM disk, where fsync and disk bandwidth cost nothing: the
//! difference between the two is the price of the disk, and the RAM
//! figures show the CPU cost of the statements themselves.
//!
//! Figures are in the crate's README.

mod ceiling;
mod jobs;

use std::path::{Path, PathBuf};

use so_queue::{Durability, Store, StoreOptions};

/// Job tasks of the worker-shaped runs, unless `--slots` says otherwise:
/// the worker's default.
const SLOTS: usize = 4;

/// Slots of the run that shows what claiming in batches can reach.
const MANY_SLOTS: usize = 32;

#[tokio::main]
async fn main() {
    let dir = argument("--dir").map_or_else(std::env::temp_dir, PathBuf::from);
    let slots = argument("--slots").map_or(SLOTS, |n| n.parse().expect("--slots N"));
    run_in(&dir, "disk", slots).await;

    let ram = Path::new("/dev/shm");
    if ram.is_dir() {
        run_in(ram, "RAM disk, fsync is free", slots).await;
    }
}

/// The value after `name` on the command line.
fn argument(name: &str) -> Option<String> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == name {
            return args.next();
        }
    }
    None
}

async fn run_in(parent: &Path, label: &str, slots: usize) {
    let dir = tempfile::tempdir_in(parent).expect("a temp dir in the chosen place");
    println!("\n== {} ({label})", dir.path().display());

    let single = ceiling::commit_ceiling(&dir.path().join("raw1.db"), 1).await;
    report("commit ceiling, 1 row per commit", single, "rows/s");
    let batched = ceiling::commit_ceiling(&dir.path().join("raw64.db"), 64).await;
    report("commit ceiling, 64 rows per commit", batched, "rows/s");

    let store = open(&dir.path().join("deliveries.db"), Durability::Full).await;
    let recorded = jobs::record_rate(&store).await;
    report("record_deliveries, 64 per batch", recorded, "deliveries/s");
    store.close().await;

    let shapes = [
        (jobs::Shape::OneByOne, Durability::Relaxed),
        (jobs::Shape::Slots(slots), Durability::Relaxed),
        (jobs::Shape::ClaimMany(slots), Durability::Relaxed),
        (jobs::Shape::ClaimMany(MANY_SLOTS), Durability::Relaxed),
        (jobs::Shape::Slots(slots), Durability::Full),
    ];
    for (shape, durability) in shapes {
        for backlog in [1_000, 100_000] {
            let path = dir.path().join(format!("claim-{backlog}.db"));
            let store = open(&path, durability).await;
            jobs::fill_backlog(&store, backlog).await;
            let rate = jobs::claim_and_complete_rate(&store, shape, backlog / 2).await;
            let what = format!("{shape}, {durability:?}, backlog {backlog}");
            report(&what, rate, "jobs/s");
            store.close().await;
            drop(store);
            remove_store(&path);
        }
    }
}

fn report(what: &str, rate: f64, unit: &str) {
    println!("{what:<56} {rate:>8.0} {unit}");
}

async fn open(path: &Path, durability: Durability) -> Store {
    let options = StoreOptions {
        durability,
        ..StoreOptions::default()
    };
    Store::open(path, options).await.expect("store opens")
}

/// Deletes a measured store, so the next one starts from an empty file.
fn remove_store(path: &Path) {
    for suffix in ["", "-wal", "-shm", ".migrate.lock"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(name);
    }
}
