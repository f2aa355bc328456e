//! The operator's methods: retention, reconcile coverage, backfill cursors.

use so_queue::{BatchProgress, CompleteInfo, JobStatus, RetentionPolicy};

use crate::helpers::{claim_at, enqueue, fresh_store, T0};

const DAY_MS: i64 = 86_400_000;

fn done() -> CompleteInfo {
    CompleteInfo {
        result: serde_json::json!({}),
        api_calls: 0,
    }
}

#[tokio::test]
async fn retention_purges_old_finished_jobs_per_status_and_keeps_failed_ones() {
    let test = fresh_store().await;
    let store = &test.store;
    enqueue(store, "a", 1).await;
    enqueue(store, "b", 2).await;
    let completed = claim_at(store, "w", T0).await;
    store.complete(&completed.lease, done(), T0).await.unwrap();
    let failed = claim_at(store, "w", T0).await;
    store.fail(&failed.lease, "boom", 0, T0).await.unwrap();

    let policy = RetentionPolicy {
        completed_days: Some(30),
        skipped_days: Some(14),
        failed_days: None,
    };
    let early = store
        .apply_retention(&policy, T0 + 29 * DAY_MS)
        .await
        .unwrap();
    let late = store
        .apply_retention(&policy, T0 + 31 * DAY_MS)
        .await
        .unwrap();

    assert_eq!(early.jobs, 0);
    assert_eq!((late.jobs, late.deliveries, late.attempts), (1, 1, 1));
    assert!(store.job(completed.lease.job_id).await.unwrap().is_none());
    assert!(store.job(failed.lease.job_id).await.unwrap().is_some());
}

#[tokio::test]
async fn pending_jobs_are_never_purged() {
    let test = fresh_store().await;
    enqueue(&test.store, "a", 1).await;

    let report = test
        .store
        .purge_finished(JobStatus::Pending, i64::MAX, false)
        .await
        .unwrap();

    assert_eq!(report.jobs, 0);
}

#[tokio::test]
async fn a_record_is_covered_by_a_pending_job_or_one_finished_after_its_update() {
    let test = fresh_store().await;
    let store = &test.store;
    enqueue(store, "a", 1).await;
    let finished = claim_at(store, "w", T0).await;
    store.complete(&finished.lease, done(), T0).await.unwrap();
    enqueue(store, "b", 2).await;

    let records = [(1, T0 - 1), (1, T0 + 1), (2, T0 + 1_000), (3, T0)];
    let mut uncovered = Vec::new();
    for record in records {
        uncovered.push(store.uncovered("contact", &[record]).await.unwrap());
    }

    assert_eq!(uncovered[0], Vec::<i64>::new(), "finished after the update");
    assert_eq!(uncovered[1], vec![1], "finished before the update");
    assert_eq!(uncovered[2], Vec::<i64>::new(), "a pending job covers it");
    assert_eq!(uncovered[3], vec![3], "no job at all");
}

#[tokio::test]
async fn a_backfill_cursor_only_moves_forward_until_the_run_finishes() {
    let test = fresh_store().await;
    let store = &test.store;
    let run = store
        .start_backfill("contact", "name begins 'A'", T0)
        .await
        .unwrap();
    let batch = |last_id| BatchProgress {
        last_id,
        seen: 10,
        queued: 4,
        not_ours: 6,
    };

    store
        .advance_backfill(run.id, batch(1050), T0)
        .await
        .unwrap();
    store
        .advance_backfill(run.id, batch(1020), T0)
        .await
        .unwrap();
    let open = store.open_backfill(Some("name begins 'A'")).await.unwrap();
    store.finish_backfill(run.id, T0).await.unwrap();

    let open = open.expect("the run is open");
    assert_eq!((open.last_id, open.seen, open.queued), (1050, 20, 8));
    assert!(store.open_backfill(None).await.unwrap().is_none());
}
