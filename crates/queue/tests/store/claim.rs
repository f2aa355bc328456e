//! Claiming: due order, one worker per record, lease expiry, poison pill,
//! and index use.

use so_queue::{JobStatus, NewDelivery, StoreOptions};

use crate::helpers::{
    claim_at, delivery, enqueue, fresh_store, fresh_store_with, LEASE, LEASE_MS, T0,
};

#[tokio::test]
async fn claim_returns_none_when_nothing_is_due() {
    let t = fresh_store().await;
    let mut later = delivery("ev-1", 42);
    later.received_at = T0 + 60_000;
    t.store.record_delivery(&later).await.unwrap();

    let claimed = t.store.claim("w1", LEASE, T0).await.unwrap();

    assert!(claimed.is_none());
}

#[tokio::test]
async fn claim_takes_the_job_due_earliest_and_sets_a_lease() {
    let t = fresh_store().await;
    let at = |event_id: &str, entity_id, received_at| NewDelivery {
        received_at,
        ..delivery(event_id, entity_id)
    };
    t.store
        .record_deliveries(&[at("ev-1", 1, T0 + 20), at("ev-2", 2, T0 + 10)])
        .await
        .unwrap();

    let claimed = claim_at(&t.store, "w1", T0 + 100).await;

    assert_eq!(claimed.job.entity_id, 2);
    assert_eq!(claimed.job.status, JobStatus::Processing);
    assert_eq!(claimed.job.attempts, 1);
    assert_eq!(claimed.job.lease_holder.as_deref(), Some("w1"));
    assert_eq!(claimed.job.lease_expires_at, Some(T0 + 100 + LEASE_MS));
    assert_eq!(claimed.job.started_at, Some(T0 + 100));
    assert_eq!(claimed.lease.token.len(), 32);
}

#[tokio::test]
async fn each_claim_gets_a_fresh_token() {
    let t = fresh_store().await;
    enqueue(&t.store, "ev-1", 42).await;
    let first = claim_at(&t.store, "w1", T0).await;

    let second = claim_at(&t.store, "w2", T0 + LEASE_MS).await;

    assert_eq!(first.job.id, second.job.id);
    assert_ne!(first.lease.token, second.lease.token);
}

#[tokio::test]
async fn a_record_being_worked_on_is_not_claimed_twice() {
    let t = fresh_store().await;
    let first = enqueue(&t.store, "ev-1", 42).await;
    let working = claim_at(&t.store, "w1", T0).await;
    let follow_up = enqueue(&t.store, "ev-2", 42).await;
    let other = enqueue(&t.store, "ev-3", 43).await;

    let next = claim_at(&t.store, "w2", T0).await;
    let none_left = t.store.claim("w3", LEASE, T0).await.unwrap();

    assert_eq!(working.job.id, first);
    assert_eq!(next.job.id, other);
    assert!(
        none_left.is_none(),
        "job {follow_up} must wait for job {first}"
    );

    // Once the first job is finished, its follow-up becomes claimable.
    t.store
        .skip(&working.lease, "test", "done", 0, T0)
        .await
        .unwrap();
    assert_eq!(claim_at(&t.store, "w3", T0).await.job.id, follow_up);
}

#[tokio::test]
async fn expired_lease_makes_the_job_claimable_again_and_counts_an_attempt() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    claim_at(&t.store, "w1", T0).await;
    assert!(t
        .store
        .claim("w2", LEASE, T0 + LEASE_MS - 1)
        .await
        .unwrap()
        .is_none());

    let taken_over = claim_at(&t.store, "w2", T0 + LEASE_MS).await;

    assert_eq!(taken_over.job.id, job_id);
    assert_eq!(taken_over.job.attempts, 2);
    assert_eq!(taken_over.job.lease_losses, 1);
    assert_eq!(taken_over.job.lease_holder.as_deref(), Some("w2"));
    let attempts = t.store.job(job_id).await.unwrap().unwrap().attempts;
    assert_eq!(attempts[0].outcome.as_deref(), Some("lease_lost"));
    assert_eq!(attempts[1].outcome, None);
}

#[tokio::test]
async fn job_that_loses_its_lease_every_time_fails_at_the_attempt_limit() {
    let options = StoreOptions {
        max_attempts: 3,
        ..StoreOptions::default()
    };
    let t = fresh_store_with(options).await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;

    // Three claims, each lease left to run out.
    let mut now = T0;
    for attempt in 1..=3 {
        let claimed = claim_at(&t.store, "crashy", now).await;
        assert_eq!(claimed.job.attempts, attempt);
        now += LEASE_MS;
    }
    let fourth = t.store.claim("crashy", LEASE, now).await.unwrap();

    assert!(fourth.is_none());
    let detail = t.store.job(job_id).await.unwrap().unwrap();
    assert_eq!(detail.job.status, JobStatus::Failed);
    assert_eq!(detail.job.rule.as_deref(), Some("lease_lost"));
    assert_eq!(
        detail.job.reason.as_deref(),
        Some("worker lost its lease 3 times")
    );
    assert_eq!(detail.job.attempts, 3);
    assert_eq!(detail.job.finished_at, Some(now));
    assert!(detail
        .attempts
        .iter()
        .all(|a| a.outcome.as_deref() == Some("lease_lost")));
}

#[tokio::test]
async fn claim_reads_indexes_not_whole_tables() {
    let t = fresh_store().await;

    let plan = t.store.claim_query_plan().await.unwrap();

    assert!(
        plan.iter().any(|step| step.contains("jobs_pending_due")),
        "{plan:#?}"
    );
    assert!(
        plan.iter()
            .any(|step| step.contains("jobs_processing_lease")),
        "{plan:#?}"
    );
    assert!(
        plan.iter()
            .any(|step| step.contains("jobs_processing_record")),
        "{plan:#?}"
    );
    assert!(
        plan.iter().all(|step| !step.starts_with("SCAN")),
        "{plan:#?}"
    );
}
