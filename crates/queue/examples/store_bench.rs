//! Throughput of the job store on this machine. Not a test: it prints
//! figures and asserts nothing.
//!
//! ```text
//! cargo run --release -p so-queue --example store_bench [-- --dir DIR]
//! ```
//!
//! Measures, with the store's own settings (WAL, synchronous=FULL):
//! - the commit ceiling of a bare SQLite file: one row per commit, and 64;
//! - `record_deliveries` with 64 deliveries per batch (group commit);
//! - claim + complete, one job after another, with a backlog of 1,000 and
//!   of 100,000 pending jobs.
//!
//! Runs once in `--dir` (default: the system temp dir), which should be on
//! the disk the store will live on, and, when `/dev/shm` exists, once more
//! on that RAM disk, where fsync costs nothing: the difference between the
//! two is the price of durability, and the RAM figures show the CPU cost of
//! the statements themselves.
//!
//! Measured on the development VM (2 vCPU, ext4 on a virtual disk, other
//! builds running beside it, so the disk figures swing by 3x between runs;
//! ranges over five runs):
//!
//! | | disk | RAM disk |
//! |---|---|---|
//! | commit ceiling, 1 row per commit | 370 - 2,700 rows/s | 9,900 - 13,800 rows/s |
//! | commit ceiling, 64 rows per commit | 14,000 - 43,000 rows/s | 30,000 - 77,000 rows/s |
//! | `record_deliveries`, 64 per batch | 4,100 - 9,000 /s | 4,300 - 11,300 /s |
//! | claim + complete, backlog 1,000 | 150 - 680 jobs/s | 1,000 - 2,300 jobs/s |
//! | claim + complete, backlog 100,000 | 180 - 550 jobs/s | 1,000 - 2,100 jobs/s |
//!
//! The claim costs the same at both backlog sizes (within the noise; its
//! plan is index lookups only). It does not reach 10,000 jobs/s: a claim and
//! a finish are two durable commits, so on disk the fsync bounds it, and even
//! on the RAM disk each job costs about ten round trips to SQLite's thread
//! (0.4 - 1 ms in all). The workers' real bound is the SuperOffice API, tens
//! of jobs per second at most.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use so_queue::{CompleteInfo, Disposition, NewDelivery, Store, StoreOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

/// How long each time-bounded measurement runs.
const SPELL: Duration = Duration::from_secs(3);

#[tokio::main]
async fn main() {
    let dir = dir_argument().unwrap_or_else(std::env::temp_dir);
    run_in(&dir, "disk").await;

    let ram = Path::new("/dev/shm");
    if ram.is_dir() {
        run_in(ram, "RAM disk, fsync is free").await;
    }
}

/// `--dir DIR` from the command line.
fn dir_argument() -> Option<PathBuf> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--dir" {
            return args.next().map(PathBuf::from);
        }
    }
    None
}

async fn run_in(parent: &Path, label: &str) {
    let dir = tempfile::tempdir_in(parent).expect("a temp dir in the chosen place");
    println!("\n== {} ({label})", dir.path().display());

    let single = commit_ceiling(&dir.path().join("raw1.db"), 1).await;
    report("commit ceiling, 1 row per commit", single, "rows/s");
    let batched = commit_ceiling(&dir.path().join("raw64.db"), 64).await;
    report("commit ceiling, 64 rows per commit", batched, "rows/s");

    let store = open(&dir.path().join("deliveries.db")).await;
    let recorded = record_rate(&store).await;
    report("record_deliveries, 64 per batch", recorded, "deliveries/s");
    store.close().await;

    for backlog in [1_000, 100_000] {
        let store = open(&dir.path().join(format!("claim{backlog}.db"))).await;
        fill_backlog(&store, backlog).await;
        let rate = claim_and_complete_rate(&store, backlog / 2).await;
        report(
            &format!("claim+complete, backlog {backlog}"),
            rate,
            "jobs/s",
        );
        store.close().await;
    }
}

fn report(what: &str, rate: f64, unit: &str) {
    println!("{what:<40} {rate:>10.0} {unit}");
}

async fn open(path: &Path) -> Store {
    Store::open(path, StoreOptions::default())
        .await
        .expect("store opens")
}

/// Rows per second into a bare table, `per_commit` rows per transaction,
/// with the store's journal mode and synchronous setting.
async fn commit_ceiling(path: &Path, per_commit: usize) -> f64 {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await
        .expect("raw connection");
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&mut conn)
        .await
        .expect("table");

    let start = Instant::now();
    let mut rows = 0_usize;
    while start.elapsed() < SPELL {
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.expect("begin");
        for _ in 0..per_commit {
            sqlx::query("INSERT INTO t (body) VALUES (?)")
                .bind("a webhook body of about this size, give or take")
                .execute(&mut *tx)
                .await
                .expect("insert");
        }
        tx.commit().await.expect("commit");
        rows += per_commit;
    }
    rows as f64 / start.elapsed().as_secs_f64()
}

/// Deliveries per second through `record_deliveries`, 64 per batch, each
/// for its own record (every one makes a job).
async fn record_rate(store: &Store) -> f64 {
    let start = Instant::now();
    let mut recorded = 0_usize;
    while start.elapsed() < SPELL {
        let batch: Vec<_> = (recorded..recorded + 64).map(delivery).collect();
        store
            .record_deliveries(&batch)
            .await
            .expect("batch recorded");
        recorded += batch.len();
    }
    recorded as f64 / start.elapsed().as_secs_f64()
}

/// Makes `jobs` pending jobs, 1,000 per transaction (not measured).
async fn fill_backlog(store: &Store, jobs: usize) {
    for first in (0..jobs).step_by(1_000) {
        let batch: Vec<_> = (first..(first + 1_000).min(jobs)).map(delivery).collect();
        store
            .record_deliveries(&batch)
            .await
            .expect("backlog recorded");
    }
}

/// Jobs per second claimed and completed one after another, until `limit`
/// jobs are done or the spell is over, so the backlog stays near its size.
async fn claim_and_complete_rate(store: &Store, limit: usize) -> f64 {
    let lease = Duration::from_secs(60);
    let start = Instant::now();
    let mut done = 0_usize;
    while done < limit && start.elapsed() < SPELL {
        let now = so_queue::now_ms();
        let claimed = store
            .claim("bench", lease, now)
            .await
            .expect("claim")
            .expect("a due job");
        let info = CompleteInfo {
            result: serde_json::json!({ "ok": true }),
            api_calls: 3,
        };
        store
            .complete(&claimed.lease, info, now)
            .await
            .expect("complete");
        done += 1;
    }
    done as f64 / start.elapsed().as_secs_f64()
}

/// A `contact.changed` delivery for contact `n`, received in the past so
/// that its job is due.
fn delivery(n: usize) -> NewDelivery {
    let body = format!(
        r#"{{"EventId":"bench-{n}","Event":"contact.changed","PrimaryKey":{n},"Changes":["name"]}}"#
    );
    NewDelivery {
        event_id: format!("bench-{n}"),
        received_at: so_queue::now_ms() - 1_000,
        tenant: "Cust12345".to_owned(),
        event: "contact.changed".to_owned(),
        entity: "contact".to_owned(),
        entity_id: n as i64,
        changed_by: Some(7),
        changes: vec!["name".to_owned(), "updated".to_owned()],
        payload: body,
        disposition: Disposition::Enqueue,
    }
}
