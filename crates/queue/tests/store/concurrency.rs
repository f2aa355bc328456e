//! Several pools and processes on one file: no lost joins, no failed
//! openings, no "database is locked".

use std::path::Path;
use std::time::Duration;

use serde_json::json;
use so_queue::{now_ms, CompleteInfo, Recorded, Store, StoreOptions};

use crate::helpers::{delivery, fresh_store, with_changes};

/// Set for a re-executed copy of this test binary: the file to write to.
const CHILD_DB: &str = "SO_QUEUE_TEST_CHILD_DB";

const CHILD_TEST: &str = "concurrency::child_process_writes_when_re_executed";

#[tokio::test]
async fn concurrent_deliveries_for_one_record_make_one_pending_job() {
    let t = fresh_store().await;
    let stores = [t.store.clone(), t.open_again().await, t.open_again().await];
    let fields = ["name", "orgnr", "urladdress", "userdef_id"];

    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let store = stores[i % stores.len()].clone();
            let field = fields[i % fields.len()];
            tokio::spawn(async move {
                let delivery = with_changes(delivery(&format!("ev-{i}"), 42), &[field]);
                store.record_delivery(&delivery).await
            })
        })
        .collect();
    let mut recorded = Vec::new();
    for task in tasks {
        recorded.push(task.await.unwrap().unwrap());
    }

    let queued = recorded
        .iter()
        .filter(|r| matches!(r, Recorded::Queued { .. }))
        .count();
    assert_eq!(queued, 1, "{recorded:?}");
    let job_id = recorded[0].job_id().unwrap();
    assert!(recorded.iter().all(|r| r.job_id() == Some(job_id)));
    let job = t.store.job(job_id).await.unwrap().unwrap().job;
    assert_eq!(job.delivery_count, 60);
    let mut changes = job.changes.clone();
    changes.sort();
    assert_eq!(changes, ["name", "orgnr", "urladdress", "userdef_id"]);
}

#[tokio::test]
async fn stores_opening_one_fresh_file_at_once_all_come_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jobs.db");

    let openings: Vec<_> = (0..4)
        .map(|_| tokio::spawn(Store::open(path.clone(), StoreOptions::default())))
        .collect();
    let mut stores = Vec::new();
    for opening in openings {
        stores.push(opening.await.unwrap().expect("every opening succeeds"));
    }

    for store in &stores {
        store.ping_writable().await.unwrap();
    }
    assert_eq!(stores[0].settings().await.unwrap().journal_mode, "wal");
    let lock_file = dir.path().join("jobs.db.migrate.lock");
    assert!(
        !lock_file.exists(),
        "the migration lock file is left behind"
    );
}

#[tokio::test]
async fn two_processes_open_and_write_one_fresh_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jobs.db");
    let child = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, &path)
        .output();

    let (parent, child) = tokio::join!(write_and_work(&path, "parent"), child);

    let child = child.unwrap();
    let child_log = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "child failed:\n{child_log}");
    assert!(
        child_log.contains("1 passed"),
        "the child test did not run:\n{child_log}"
    );
    parent.expect("parent writes without errors");
    let store = Store::open(&path, StoreOptions::default()).await.unwrap();
    let counts = store.counts_by_status(None).await.unwrap();
    let jobs = counts.pending + counts.completed;
    assert!(jobs > 0 && counts.processing == 0, "{counts:?}");
    for i in 0..ROUNDS {
        assert!(store
            .delivery_exists(&format!("child-{i}-0"))
            .await
            .unwrap());
        assert!(store
            .delivery_exists(&format!("parent-{i}-0"))
            .await
            .unwrap());
    }
}

/// Runs only inside the process that `two_processes_open_and_write_one_fresh_file`
/// starts; a no-op in a normal test run.
#[tokio::test]
async fn child_process_writes_when_re_executed() {
    let Ok(path) = std::env::var(CHILD_DB) else {
        return;
    };
    write_and_work(Path::new(&path), "child")
        .await
        .expect("child writes without errors");
}

const ROUNDS: usize = 15;

/// Opens the store and, for a number of rounds, records a batch of
/// deliveries for records shared with the other process, then claims and
/// completes one job.
async fn write_and_work(path: &Path, name: &str) -> Result<(), so_queue::StoreError> {
    let store = Store::open(path, StoreOptions::default()).await?;
    for round in 0..ROUNDS {
        let batch: Vec<_> = (0..4)
            .map(|i| delivery(&format!("{name}-{round}-{i}"), (round * 4 + i) as i64 % 10))
            .collect();
        store.record_deliveries(&batch).await?;

        if let Some(claimed) = store.claim(name, Duration::from_secs(30), now_ms()).await? {
            let info = CompleteInfo {
                result: json!({ "by": name }),
                api_calls: 1,
            };
            store.complete(&claimed.lease, info, now_ms()).await?;
        }
    }
    store.close().await;
    Ok(())
}

#[tokio::test]
async fn one_ingest_and_four_workers_never_see_database_is_locked() {
    const BATCHES: usize = 30;
    const BATCH_SIZE: usize = 8;
    let t = fresh_store().await;
    let ingest = t.open_again().await;
    let (done_tx, done_rx) = tokio::sync::watch::channel(false);

    let ingesting = tokio::spawn(async move {
        for batch in 0..BATCHES {
            let deliveries: Vec<_> = (0..BATCH_SIZE)
                .map(|i| {
                    let entity_id = ((batch * BATCH_SIZE + i) * 7 % 40) as i64;
                    delivery(&format!("ev-{batch}-{i}"), entity_id)
                })
                .collect();
            ingest.record_deliveries(&deliveries).await?;
        }
        done_tx.send_replace(true);
        Ok::<_, so_queue::StoreError>(())
    });
    let mut workers = Vec::new();
    for w in 0..4 {
        let store = t.open_again().await;
        let done = done_rx.clone();
        workers.push(tokio::spawn(work_until_drained(
            store,
            format!("w{w}"),
            done,
        )));
    }

    ingesting.await.unwrap().expect("ingest never fails");
    for worker in workers {
        worker.await.unwrap().expect("workers never fail");
    }

    let counts = t.store.counts_by_status(None).await.unwrap();
    assert_eq!(
        (counts.pending, counts.processing, counts.failed),
        (0, 0, 0),
        "{counts:?}"
    );
    let mut raw = t.raw().await;
    let delivered_and_done: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM deliveries d JOIN jobs j ON j.id = d.job_id
         WHERE j.status = 'completed'",
    )
    .fetch_one(&mut raw)
    .await
    .unwrap();
    assert_eq!(delivered_and_done, (BATCHES * BATCH_SIZE) as i64);
}

/// A worker: claims and finishes jobs until the ingest is done and nothing is
/// left. Every fifth claim puts its job back, as after a rate limit, to mix
/// requeues (and merges) into the load.
async fn work_until_drained(
    store: Store,
    holder: String,
    done: tokio::sync::watch::Receiver<bool>,
) -> Result<(), so_queue::StoreError> {
    let mut handled = 0_u32;
    loop {
        let ingest_done = *done.borrow();
        let Some(claimed) = store
            .claim(&holder, Duration::from_secs(30), now_ms())
            .await?
        else {
            let counts = store.counts_by_status(None).await?;
            if ingest_done && counts.pending == 0 && counts.processing == 0 {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
            continue;
        };

        handled += 1;
        let lease = &claimed.lease;
        store
            .set_names(lease, Some("Acme"), Some("acme"), None, Some("RKAB"))
            .await?;
        if handled.is_multiple_of(5) {
            store
                .retry_later(lease, now_ms(), "429", false, 1, now_ms())
                .await?;
        } else {
            let info = CompleteInfo {
                result: json!({ "by": holder }),
                api_calls: 2,
            };
            store.complete(lease, info, now_ms()).await?;
        }
    }
}
