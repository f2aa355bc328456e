//! Putting jobs back: counted and refunded attempts, the attempt limit, and
//! the merge with a newer pending job.

use so_queue::{JobStatus, Requeued, StoreOptions};

use crate::helpers::{
    claim_at, delivery, enqueue, fresh_store, fresh_store_with, with_changes, LEASE, T0,
};

#[tokio::test]
async fn counted_retry_is_due_later_and_keeps_the_attempt() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let claimed = claim_at(&t.store, "w1", T0).await;

    let requeued = t
        .store
        .retry_later(&claimed.lease, T0 + 8_000, "500 from API", true, 2, T0)
        .await
        .unwrap();

    assert_eq!(
        requeued,
        Requeued::Pending {
            job_id,
            run_at: T0 + 8_000
        }
    );
    assert!(t
        .store
        .claim("w1", LEASE, T0 + 7_999)
        .await
        .unwrap()
        .is_none());
    let again = claim_at(&t.store, "w1", T0 + 8_000).await;
    assert_eq!(again.job.attempts, 2);
    assert_eq!(again.job.last_error.as_deref(), Some("500 from API"));
    assert_eq!(again.job.api_calls, 2);
}

#[tokio::test]
async fn rate_limited_retry_does_not_count_an_attempt() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let claimed = claim_at(&t.store, "w1", T0).await;

    t.store
        .retry_later(&claimed.lease, T0 + 60_000, "429", false, 1, T0)
        .await
        .unwrap();

    let detail = t.store.job(job_id).await.unwrap().unwrap();
    assert_eq!(detail.job.status, JobStatus::Pending);
    assert_eq!(detail.job.attempts, 0);
    assert_eq!(detail.attempts[0].outcome.as_deref(), Some("deferred"));
    assert_eq!(claim_at(&t.store, "w1", T0 + 60_000).await.job.attempts, 1);
}

#[tokio::test]
async fn counted_retry_after_the_last_attempt_fails_the_job() {
    let options = StoreOptions {
        max_attempts: 2,
        ..StoreOptions::default()
    };
    let t = fresh_store_with(options).await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let first = claim_at(&t.store, "w1", T0).await;
    t.store
        .retry_later(&first.lease, T0, "timeout", true, 0, T0)
        .await
        .unwrap();
    let second = claim_at(&t.store, "w1", T0).await;

    let requeued = t
        .store
        .retry_later(&second.lease, T0, "timeout", true, 0, T0)
        .await
        .unwrap();

    assert_eq!(requeued, Requeued::GaveUp { attempts: 2 });
    let job = t.store.job(job_id).await.unwrap().unwrap().job;
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.rule.as_deref(), Some("max_attempts"));
    assert_eq!(
        job.reason.as_deref(),
        Some("gave up after 2 attempts: timeout")
    );
    assert!(t.store.claim("w1", LEASE, T0).await.unwrap().is_none());
}

#[tokio::test]
async fn release_puts_the_job_back_due_now_without_an_attempt() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let claimed = claim_at(&t.store, "w1", T0).await;

    let requeued = t.store.release(&claimed.lease, T0 + 5).await.unwrap();

    assert_eq!(
        requeued,
        Requeued::Pending {
            job_id,
            run_at: T0 + 5
        }
    );
    let again = claim_at(&t.store, "w2", T0 + 5).await;
    assert_eq!(again.job.attempts, 1);
}

#[tokio::test]
async fn retry_merges_into_a_newer_pending_job_of_the_record() {
    let t = fresh_store().await;
    let mut created = with_changes(delivery("ev-1", 42), &["name"]);
    created.event = "contact.created".to_owned();
    let first = t
        .store
        .record_delivery(&created)
        .await
        .unwrap()
        .job_id()
        .unwrap();
    let claimed = claim_at(&t.store, "w1", T0).await;
    t.store
        .set_names(&claimed.lease, Some("Acme GmbH"), None, None, None)
        .await
        .unwrap();
    let mut newer = with_changes(delivery("ev-2", 42), &["orgnr", "name"]);
    newer.received_at = T0 + 100;
    let twin = t
        .store
        .record_delivery(&newer)
        .await
        .unwrap()
        .job_id()
        .unwrap();

    let requeued = t
        .store
        .retry_later(&claimed.lease, T0 + 10_000, "timeout", true, 3, T0 + 200)
        .await;

    assert_eq!(requeued.unwrap(), Requeued::Merged { into_job_id: twin });
    let merged = t.store.job(twin).await.unwrap().unwrap();
    assert_eq!(merged.job.status, JobStatus::Pending);
    assert_eq!(merged.job.changes, ["orgnr", "name"]);
    assert_eq!(merged.job.delivery_count, 2);
    assert_eq!(merged.job.attempts, 1);
    assert_eq!(merged.job.run_at, T0 + 100);
    assert_eq!(merged.job.event, "contact.created");
    assert_eq!(merged.job.company_name.as_deref(), Some("Acme GmbH"));
    assert_eq!(merged.job.last_error.as_deref(), Some("timeout"));
    let events: Vec<_> = merged
        .deliveries
        .iter()
        .map(|d| d.event_id.as_str())
        .collect();
    assert_eq!(events, ["ev-1", "ev-2"]);

    let old = t.store.job(first).await.unwrap().unwrap();
    assert_eq!(old.job.status, JobStatus::Skipped);
    assert_eq!(old.job.rule.as_deref(), Some("merged"));
    assert_eq!(old.job.reason, Some(format!("merged into job {twin}")));
    assert_eq!(old.job.api_calls, 3);
    assert_eq!(old.attempts[0].outcome.as_deref(), Some("retry"));
}

#[tokio::test]
async fn release_merges_into_a_newer_pending_job_and_keeps_its_due_time() {
    let t = fresh_store().await;
    let first = enqueue(&t.store, "ev-1", 42).await;
    let claimed = claim_at(&t.store, "w1", T0).await;
    let twin = enqueue(&t.store, "ev-2", 42).await;

    let requeued = t.store.release(&claimed.lease, T0 + 50).await.unwrap();

    assert_eq!(requeued, Requeued::Merged { into_job_id: twin });
    let merged = t.store.job(twin).await.unwrap().unwrap().job;
    assert_eq!(
        (merged.attempts, merged.run_at, merged.delivery_count),
        (0, T0, 2)
    );
    let next = claim_at(&t.store, "w2", T0 + 50).await;
    assert_eq!(next.job.id, twin);
    assert_ne!(next.job.id, first);
}
