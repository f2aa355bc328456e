//! The job store commands: migrate, retry, purge, replay.

use std::time::Duration;

use serde_json::json;
use so_queue::{CompleteInfo, Disposition, JobStatus, NewDelivery, Store};

use crate::harness::Env;

const DAY_MS: i64 = 86_400_000;

/// Records a webhook for a contact received at `at`, as the ingest would.
async fn deliver(store: &Store, event_id: &str, contact: i64, at: i64) -> i64 {
    let delivery = NewDelivery {
        event_id: event_id.to_owned(),
        received_at: at,
        tenant: "Cust12345".into(),
        event: "contact.changed".into(),
        entity: "contact".into(),
        entity_id: contact,
        changed_by: Some(23),
        changes: vec!["name".into()],
        payload: json!({ "EventId": event_id, "PrimaryKey": contact }).to_string(),
        disposition: Disposition::Enqueue,
    };
    store
        .record_delivery(&delivery)
        .await
        .unwrap()
        .job_id()
        .unwrap()
}

/// Claims the next due job at `at` and fails it.
async fn fail_next(store: &Store, at: i64) -> i64 {
    let claimed = store
        .claim("test", Duration::from_secs(30), at)
        .await
        .unwrap()
        .unwrap();
    store.fail(&claimed.lease, "boom", 1, at).await.unwrap();
    claimed.lease.job_id
}

/// Claims the next due job at `at` and completes it.
async fn complete_next(store: &Store, at: i64) -> i64 {
    let claimed = store
        .claim("test", Duration::from_secs(30), at)
        .await
        .unwrap()
        .unwrap();
    let info = CompleteInfo {
        result: json!({ "changes": [] }),
        api_calls: 1,
    };
    store.complete(&claimed.lease, info, at).await.unwrap();
    claimed.lease.job_id
}

#[tokio::test]
async fn migrate_reports_the_schema_version_and_the_operator_tables() {
    let env = Env::start().await;

    let schema = env.json(&["migrate"]).await;

    assert!(schema["schema_version"].as_i64().unwrap() >= 3);
    let operator = schema["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["version"] == 3)
        .expect("migration 3");
    assert_eq!(operator["applied"], true);
}

#[tokio::test]
async fn a_missing_store_is_not_created_behind_the_operators_back() {
    let mut env = Env::start().await;
    let elsewhere = env.dir.path().join("typo").join("jobs.sqlite");
    env.set("SO__STORE__PATH", elsewhere.to_str().unwrap());

    let run = env.soctl(&["queue", "stats"]).await.expect_code(4);
    env.json(&["migrate"]).await;

    assert!(run.stderr.contains("SO__STORE__PATH"), "{}", run.stderr);
    assert!(elsewhere.exists(), "migrate creates it");
}

#[tokio::test]
async fn retry_puts_a_failed_job_back_with_fresh_attempts() {
    let env = Env::start().await;
    let store = env.store().await;
    let now = so_queue::now_ms();
    deliver(&store, "e1", 1001, now).await;
    let job = fail_next(&store, now).await;

    let outcome = env.json(&["queue", "retry", &job.to_string()]).await;

    assert_eq!(outcome, json!({ "outcome": "requeued", "job_id": job }));
    let detail = store.job(job).await.unwrap().unwrap();
    assert_eq!(detail.job.status, JobStatus::Pending);
    assert_eq!(detail.job.attempts, 0);
}

#[tokio::test]
async fn retry_of_an_unknown_job_exits_4_and_of_a_pending_one_exits_2() {
    let env = Env::start().await;
    let store = env.store().await;
    let pending = deliver(&store, "e1", 1001, so_queue::now_ms()).await;

    env.soctl(&["queue", "retry", "999"]).await.expect_code(4);
    let run = env
        .soctl(&["queue", "retry", &pending.to_string()])
        .await
        .expect_code(2);

    let expected = format!("job {pending} is pending; only failed jobs can be retried");
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
}

#[tokio::test]
async fn retry_of_a_completed_job_exits_2_and_points_at_replay() {
    let env = Env::start().await;
    let store = env.store().await;
    let now = so_queue::now_ms();
    deliver(&store, "e1", 1001, now).await;
    let completed = complete_next(&store, now).await;

    let run = env
        .soctl(&["queue", "retry", &completed.to_string(), "--json"])
        .await
        .expect_code(2);

    let expected = format!("job {completed} is completed; only failed jobs can be retried");
    let document = run.json();
    assert!(run.stderr.contains(&expected), "{}", run.stderr);
    assert!(run.stderr.contains("soctl replay --entity contact:1001"));
    assert_eq!(document["exit_code"], 2);
    let detail = store.job(completed).await.unwrap().unwrap();
    assert_eq!(detail.job.status, JobStatus::Completed, "left as it was");
}

#[tokio::test]
async fn retry_failed_requeues_every_failed_job() {
    let env = Env::start().await;
    let store = env.store().await;
    let now = so_queue::now_ms();
    deliver(&store, "e1", 1001, now).await;
    deliver(&store, "e2", 1002, now).await;
    fail_next(&store, now).await;
    fail_next(&store, now).await;

    let outcome = env.json(&["queue", "retry-failed"]).await;

    assert_eq!(outcome["requeued"], 2);
    let counts = store.counts_by_status(None).await.unwrap();
    assert_eq!((counts.pending, counts.failed), (2, 0));
}

#[tokio::test]
async fn purge_counts_without_yes_and_removes_with_it() {
    let env = Env::start().await;
    let store = env.store().await;
    let old = so_queue::now_ms() - 40 * DAY_MS;
    deliver(&store, "old", 1001, old).await;
    let purged_job = complete_next(&store, old).await;
    let now = so_queue::now_ms();
    deliver(&store, "new", 1002, now).await;
    let kept_job = complete_next(&store, now).await;
    let args = [
        "queue",
        "purge",
        "--status",
        "completed",
        "--older-than",
        "30d",
    ];

    let dry = env.json(&args).await;
    let counted_only = store.job(purged_job).await.unwrap().is_some();
    let real = env.json(&[&args[..], &["--yes"]].concat()).await;

    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["total"]["jobs"], 1);
    assert!(counted_only);
    assert_eq!(
        real["total"],
        json!({ "jobs": 1, "deliveries": 1, "attempts": 1 })
    );
    assert!(store.job(purged_job).await.unwrap().is_none());
    assert!(store.job(kept_job).await.unwrap().is_some());
}

#[tokio::test]
async fn replay_queues_a_record_again_under_numbered_event_ids() {
    let env = Env::start().await;
    let store = env.store().await;
    let now = so_queue::now_ms();
    deliver(&store, "orig", 1001, now).await;
    complete_next(&store, now).await;

    let first = env.json(&["replay", "--entity", "contact:1001"]).await;
    let job = first["jobs"][0].as_i64().unwrap();
    complete_next(&store, so_queue::now_ms()).await;
    let second = env.json(&["replay", "--entity", "contact:1001"]).await;

    assert_eq!(first["replayed"][0]["event_id"], "replay:orig:1");
    assert_eq!(second["replayed"][0]["event_id"], "replay:orig:2");
    assert_eq!(second["replayed"][1]["event_id"], "replay:replay:orig:1:1");
    assert_ne!(second["jobs"][0].as_i64().unwrap(), job);
}

#[tokio::test]
async fn replay_of_a_record_without_deliveries_is_not_found() {
    let env = Env::start().await;

    let run = env
        .soctl(&["replay", "--entity", "contact:4711"])
        .await
        .expect_code(4);

    assert!(run.stderr.contains("contact 4711"), "{}", run.stderr);
}
