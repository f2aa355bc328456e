//! Finishing under a lease: outcomes are recorded, and a stale lease changes
//! nothing.

use std::time::Duration;

use serde_json::json;
use so_queue::{CompleteInfo, JobStatus, StoreError};

use crate::helpers::{claim_at, enqueue, fresh_store, LEASE_MS, T0};

fn done(api_calls: u32) -> CompleteInfo {
    CompleteInfo {
        result: json!({"vertical": "hotels"}),
        api_calls,
    }
}

#[tokio::test]
async fn complete_records_the_result_and_closes_the_attempt() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let claimed = claim_at(&t.store, "w1", T0).await;

    t.store
        .complete(&claimed.lease, done(4), T0 + 500)
        .await
        .unwrap();

    let detail = t.store.job(job_id).await.unwrap().unwrap();
    assert_eq!(detail.job.status, JobStatus::Completed);
    assert_eq!(detail.job.result, Some(json!({"vertical": "hotels"})));
    assert_eq!(detail.job.api_calls, 4);
    assert_eq!(detail.job.finished_at, Some(T0 + 500));
    assert_eq!(detail.job.lease_holder, None);
    let attempt = &detail.attempts[0];
    assert_eq!(
        (attempt.started_at, attempt.finished_at),
        (T0, Some(T0 + 500))
    );
    assert_eq!(attempt.outcome.as_deref(), Some("completed"));
}

#[tokio::test]
async fn fail_keeps_the_error() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let claimed = claim_at(&t.store, "w1", T0).await;

    t.store
        .fail(&claimed.lease, "contact 42: not found", 1, T0)
        .await
        .unwrap();

    let detail = t.store.job(job_id).await.unwrap().unwrap();
    assert_eq!(detail.job.status, JobStatus::Failed);
    assert_eq!(
        detail.job.last_error.as_deref(),
        Some("contact 42: not found")
    );
    assert_eq!(
        detail.attempts[0].error.as_deref(),
        Some("contact 42: not found")
    );
}

#[tokio::test]
async fn stale_lease_cannot_overwrite_the_newer_outcome() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let stale = claim_at(&t.store, "w1", T0).await.lease;
    let fresh = claim_at(&t.store, "w2", T0 + LEASE_MS).await.lease;
    t.store
        .complete(&fresh, done(2), T0 + LEASE_MS + 1)
        .await
        .unwrap();
    let later = T0 + LEASE_MS + 2;

    let lost = |result: Result<(), StoreError>| match result {
        Err(StoreError::LeaseLost { job_id: id }) => id == job_id,
        _ => false,
    };
    assert!(lost(t.store.complete(&stale, done(9), later).await));
    assert!(lost(t.store.skip(&stale, "late", "late", 0, later).await));
    assert!(lost(t.store.fail(&stale, "late", 0, later).await));
    assert!(lost(
        t.store
            .set_names(&stale, Some("Late AS"), None, None, None)
            .await
    ));
    assert!(lost(
        t.store
            .retry_later(&stale, later, "late", true, 0, later)
            .await
            .map(drop)
    ));
    assert!(lost(t.store.release(&stale, later).await.map(drop)));
    assert!(lost(
        t.store
            .extend_lease(&stale, Duration::from_secs(5), later)
            .await
            .map(drop)
    ));

    let job = t.store.job(job_id).await.unwrap().unwrap().job;
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(job.result, Some(json!({"vertical": "hotels"})));
    assert_eq!(job.api_calls, 2);
    assert_eq!(job.company_name, None);
}

#[tokio::test]
async fn the_current_holder_finishes_even_after_its_lease_ran_out() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let claimed = claim_at(&t.store, "w1", T0).await;

    t.store
        .complete(&claimed.lease, done(1), T0 + 2 * LEASE_MS)
        .await
        .unwrap();

    let job = t.store.job(job_id).await.unwrap().unwrap().job;
    assert_eq!(job.status, JobStatus::Completed);
}

#[tokio::test]
async fn extending_a_lease_moves_its_expiry_until_it_has_run_out() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let claimed = claim_at(&t.store, "w1", T0).await;

    let extended = t
        .store
        .extend_lease(&claimed.lease, Duration::from_secs(60), T0 + 1_000)
        .await;
    let too_late = t
        .store
        .extend_lease(&claimed.lease, Duration::from_secs(60), T0 + 61_000)
        .await;

    assert_eq!(extended.unwrap(), T0 + 61_000);
    assert!(matches!(too_late, Err(StoreError::LeaseLost { .. })));
    assert!(t
        .store
        .claim("w2", crate::helpers::LEASE, T0 + 60_999)
        .await
        .unwrap()
        .is_none());
    assert_eq!(claim_at(&t.store, "w2", T0 + 61_000).await.job.id, job_id);
}

#[tokio::test]
async fn names_are_stored_at_once_and_survive_a_failure() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    let claimed = claim_at(&t.store, "w1", T0).await;

    t.store
        .set_names(
            &claimed.lease,
            Some("Acme GmbH"),
            Some("acme"),
            Some(17),
            Some("RKAB"),
        )
        .await
        .unwrap();
    t.store
        .set_names(&claimed.lease, None, None, None, None)
        .await
        .unwrap();
    t.store.fail(&claimed.lease, "boom", 0, T0).await.unwrap();

    let job = t.store.job(job_id).await.unwrap().unwrap().job;
    assert_eq!(job.company_name.as_deref(), Some("Acme GmbH"));
    assert_eq!(job.company_key.as_deref(), Some("acme"));
    assert_eq!(job.owner_id, Some(17));
    assert_eq!(job.owner_short_name.as_deref(), Some("RKAB"));
}

#[tokio::test]
async fn finishes_made_at_once_each_get_their_own_answer() {
    let t = fresh_store().await;
    for entity_id in 1..=12 {
        enqueue(&t.store, &format!("ev-{entity_id}"), entity_id).await;
    }
    let claimed = t
        .store
        .claim_many("w1", 12, crate::helpers::LEASE, T0)
        .await
        .unwrap();
    // The first job was taken over: its first lease is stale.
    let stale = claimed[0].lease.clone();
    let taken_over = t
        .store
        .claim("w2", crate::helpers::LEASE, T0 + LEASE_MS)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(taken_over.job.id, stale.job_id);

    // Every lease finished at once, the stale one and one job twice.
    let mut leases: Vec<_> = claimed.iter().map(|c| c.lease.clone()).collect();
    leases.push(claimed[1].lease.clone());
    let finishing: Vec<_> = leases
        .into_iter()
        .map(|lease| {
            let store = t.store.clone();
            tokio::spawn(async move {
                let result = store.complete(&lease, done(1), T0 + LEASE_MS + 1).await;
                (lease.job_id, result)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in finishing {
        answers.push(task.await.unwrap());
    }

    let lost: Vec<i64> = answers
        .iter()
        .filter(|(_, result)| matches!(result, Err(StoreError::LeaseLost { .. })))
        .map(|(job_id, _)| *job_id)
        .collect();
    let mut expected_lost = vec![claimed[0].job.id, claimed[1].job.id];
    let mut lost_sorted = lost.clone();
    lost_sorted.sort();
    expected_lost.sort();
    assert_eq!(lost_sorted, expected_lost, "{answers:?}");
    assert_eq!(answers.iter().filter(|(_, r)| r.is_ok()).count(), 11);
    let counts = t.store.counts_by_status(None).await.unwrap();
    assert_eq!((counts.completed, counts.processing), (11, 1));
    let kept = t.store.job(stale.job_id).await.unwrap().unwrap().job;
    assert_eq!(kept.lease_holder.as_deref(), Some("w2"));
}
