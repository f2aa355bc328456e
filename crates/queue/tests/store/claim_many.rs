//! Claiming several jobs at once: the rules of a single claim, one job per
//! record, a lease per job.

use std::collections::HashSet;

use serde_json::json;
use so_queue::{CompleteInfo, JobStatus, NewDelivery, StoreError, StoreOptions};

use crate::helpers::{
    claim_at, delivery, enqueue, fresh_store, fresh_store_with, LEASE, LEASE_MS, T0,
};

#[tokio::test]
async fn claim_many_takes_due_jobs_in_order_each_under_its_own_lease() {
    let t = fresh_store().await;
    let at = |event_id: &str, entity_id, received_at| NewDelivery {
        received_at,
        ..delivery(event_id, entity_id)
    };
    t.store
        .record_deliveries(&[
            at("ev-1", 1, T0 + 30),
            at("ev-2", 2, T0 + 10),
            at("ev-3", 3, T0 + 20),
            at("ev-4", 4, T0 + 500),
        ])
        .await
        .unwrap();

    let claimed = t.store.claim_many("w1", 10, LEASE, T0 + 100).await.unwrap();

    let records: Vec<i64> = claimed.iter().map(|c| c.job.entity_id).collect();
    assert_eq!(records, [2, 3, 1], "due ones only, earliest first");
    let tokens: HashSet<&str> = claimed.iter().map(|c| c.lease.token.as_str()).collect();
    assert_eq!(tokens.len(), 3);
    for job in claimed.iter().map(|c| &c.job) {
        assert_eq!(job.status, JobStatus::Processing);
        assert_eq!(job.attempts, 1);
        assert_eq!(job.lease_expires_at, Some(T0 + 100 + LEASE_MS));
        let attempts = t.store.job(job.id).await.unwrap().unwrap().attempts;
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].holder, "w1");
    }
}

#[tokio::test]
async fn claim_many_stops_at_its_limit() {
    let t = fresh_store().await;
    for entity_id in 1..=5 {
        enqueue(&t.store, &format!("ev-{entity_id}"), entity_id).await;
    }

    let first = t.store.claim_many("w1", 2, LEASE, T0).await.unwrap();
    let rest = t.store.claim_many("w2", 10, LEASE, T0).await.unwrap();
    let none = t.store.claim_many("w3", 0, LEASE, T0).await.unwrap();

    assert_eq!(first.len(), 2);
    assert_eq!(rest.len(), 3);
    assert!(none.is_empty());
}

#[tokio::test]
async fn claim_many_never_takes_two_jobs_of_one_record() {
    let t = fresh_store().await;
    // Record 42: a job whose lease ran out and a newer pending job.
    let expired = enqueue(&t.store, "ev-1", 42).await;
    claim_at(&t.store, "crashed", T0).await;
    enqueue(&t.store, "ev-2", 42).await;
    let other = enqueue(&t.store, "ev-3", 43).await;

    let claimed = t
        .store
        .claim_many("w1", 10, LEASE, T0 + LEASE_MS)
        .await
        .unwrap();

    let ids: Vec<i64> = claimed.iter().map(|c| c.job.id).collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(
        ids.contains(&expired),
        "the expired lease is taken over first"
    );
    assert!(ids.contains(&other));
    let taken_over = claimed.iter().find(|c| c.job.id == expired).unwrap();
    assert_eq!(taken_over.job.lease_losses, 1);
    let attempts = t.store.job(expired).await.unwrap().unwrap().attempts;
    assert_eq!(attempts[0].outcome.as_deref(), Some("lease_lost"));
}

#[tokio::test]
async fn a_lease_taken_over_by_claim_many_fences_the_first_holder() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let stale = claim_at(&t.store, "w1", T0).await.lease;
    let fresh = t
        .store
        .claim_many("w2", 4, LEASE, T0 + LEASE_MS)
        .await
        .unwrap()
        .remove(0)
        .lease;
    let done = |by: &str| CompleteInfo {
        result: json!({ "by": by }),
        api_calls: 1,
    };

    let late = t
        .store
        .complete(&stale, done("w1"), T0 + LEASE_MS + 1)
        .await;
    t.store
        .complete(&fresh, done("w2"), T0 + LEASE_MS + 2)
        .await
        .unwrap();

    assert!(
        matches!(late, Err(StoreError::LeaseLost { job_id: id }) if id == job_id),
        "{late:?}"
    );
    let job = t.store.job(job_id).await.unwrap().unwrap().job;
    assert_eq!(job.result, Some(json!({ "by": "w2" })));
}

#[tokio::test]
async fn claim_many_fails_a_job_at_the_attempt_limit_instead_of_taking_it() {
    let options = StoreOptions {
        max_attempts: 1,
        ..StoreOptions::default()
    };
    let t = fresh_store_with(options).await;
    let poison = enqueue(&t.store, "ev-1", 42).await;
    claim_at(&t.store, "crashy", T0).await;
    let healthy = enqueue(&t.store, "ev-2", 43).await;

    let claimed = t
        .store
        .claim_many("w1", 10, LEASE, T0 + LEASE_MS)
        .await
        .unwrap();

    let ids: Vec<i64> = claimed.iter().map(|c| c.job.id).collect();
    assert_eq!(ids, [healthy]);
    let detail = t.store.job(poison).await.unwrap().unwrap();
    assert_eq!(detail.job.status, JobStatus::Failed);
    assert_eq!(detail.job.rule.as_deref(), Some("lease_lost"));
    assert_eq!(detail.attempts[0].outcome.as_deref(), Some("lease_lost"));
}
