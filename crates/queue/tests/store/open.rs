//! Opening the store: file settings, reopening, time format, readiness.

use so_queue::{now_ms, Durability, Store, StoreError, StoreOptions};

use crate::helpers::{claim_at, enqueue, fresh_store, T0};

#[tokio::test]
async fn store_runs_wal_with_full_sync_busy_timeout_and_foreign_keys() {
    let t = fresh_store().await;

    let settings = t.store.settings().await.unwrap();

    assert_eq!(settings.journal_mode, "wal");
    assert_eq!(settings.synchronous, 2, "2 is FULL");
    assert_eq!(settings.busy_timeout_ms, 10_000);
    assert!(settings.foreign_keys);
}

#[tokio::test]
async fn reopening_a_store_keeps_its_jobs() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    t.store.close().await;

    let reopened = t.open_again().await;

    assert!(reopened.job(job_id).await.unwrap().is_some());
}

#[tokio::test]
async fn a_missing_directory_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();

    let opened = Store::open(
        dir.path().join("no/such/dir/jobs.db"),
        StoreOptions::default(),
    )
    .await;

    assert!(
        matches!(opened, Err(StoreError::MigrationLock { .. })),
        "{opened:?}"
    );
}

#[tokio::test]
async fn open_creating_dir_makes_a_missing_directory_as_on_a_fresh_install() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("var/state/jobs.db");

    let store = Store::open_creating_dir(&path, StoreOptions::default())
        .await
        .unwrap();
    store.close().await;

    assert!(path.exists());
}

#[tokio::test]
async fn timestamps_are_integer_milliseconds_since_the_epoch() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let claimed = claim_at(&t.store, "w1", T0 + 1).await;
    t.store
        .skip(&claimed.lease, "test", "test", 0, T0 + 2)
        .await
        .unwrap();

    let mut raw = t.raw().await;
    let kinds: (String, String, String, String, String) = sqlx::query_as(
        "SELECT typeof(j.created_at), typeof(j.started_at), typeof(j.finished_at),
                typeof(d.received_at), typeof(a.started_at)
         FROM jobs j JOIN deliveries d ON d.job_id = j.id JOIN job_attempts a ON a.job_id = j.id
         WHERE j.id = ?",
    )
    .bind(job_id)
    .fetch_one(&mut raw)
    .await
    .unwrap();

    assert_eq!(
        kinds,
        (
            "integer".into(),
            "integer".into(),
            "integer".into(),
            "integer".into(),
            "integer".into()
        )
    );
    let job = t.store.job(job_id).await.unwrap().unwrap().job;
    assert_eq!(
        (job.created_at, job.started_at, job.finished_at),
        (T0, Some(T0 + 1), Some(T0 + 2))
    );
}

#[tokio::test]
async fn now_ms_counts_milliseconds_since_the_epoch() {
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;

    let now = now_ms();

    // Between 2023 and 2100, and not in seconds or microseconds.
    assert!(
        now >= before && now > T0 && now < 4_102_444_800_000,
        "{now}"
    );
}

#[tokio::test]
async fn ping_writable_succeeds_on_an_open_store_and_fails_once_closed() {
    let t = fresh_store().await;

    let open = t.store.ping_writable().await;
    t.store.close().await;
    let closed = t.store.ping_writable().await;

    assert!(open.is_ok(), "{open:?}");
    let error = closed.unwrap_err();
    assert!(matches!(error, StoreError::Unavailable(_)), "{error:?}");
    assert!(error.is_transient());
}

#[tokio::test]
async fn a_relaxed_store_writes_with_normal_sync_and_records_deliveries_durably() {
    let options = StoreOptions {
        durability: Durability::Relaxed,
        ..StoreOptions::default()
    };
    let t = crate::helpers::fresh_store_with(options).await;
    let full = t.open_again().await;

    let before = t.store.settings().await.unwrap().synchronous;
    enqueue(&t.store, "ev-1", 42).await;
    let after = t.store.settings().await.unwrap().synchronous;

    assert_eq!(before, 1, "1 is NORMAL");
    assert_eq!(after, 1, "back to NORMAL after a delivery batch");
    assert_eq!(full.settings().await.unwrap().synchronous, 2, "2 is FULL");
}
