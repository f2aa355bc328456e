//! The attempt list: every way an attempt ends is recorded once, with its
//! outcome, error and API requests.

use serde_json::json;
use so_queue::{AttemptRecord, CompleteInfo, Lease, Store, StoreOptions};

use crate::helpers::{claim_at, enqueue, fresh_store, fresh_store_with, LEASE_MS, T0};

/// Claims a fresh job for contact 42, ends its attempt with `end`, and
/// returns the job's attempts.
async fn attempt_ending<F>(store: &Store, end: F) -> Vec<AttemptRecord>
where
    F: AsyncFnOnce(&Store, &Lease),
{
    let job_id = enqueue(store, "ev-1", 42).await;
    let claimed = claim_at(store, "w1", T0).await;
    end(store, &claimed.lease).await;
    store.job(job_id).await.unwrap().unwrap().attempts
}

/// (outcome, error, api calls, finished at) of the only attempt.
fn summary(attempts: &[AttemptRecord]) -> (Option<&str>, Option<&str>, u32, Option<i64>) {
    assert_eq!(attempts.len(), 1, "{attempts:#?}");
    let attempt = &attempts[0];
    (
        attempt.outcome.as_deref(),
        attempt.error.as_deref(),
        attempt.api_calls,
        attempt.finished_at,
    )
}

#[tokio::test]
async fn finishing_calls_close_the_attempt_with_their_outcome() {
    let complete = async |store: &Store, lease: &Lease| {
        let info = CompleteInfo {
            result: json!({}),
            api_calls: 3,
        };
        store.complete(lease, info, T0 + 1).await.unwrap();
    };
    let skip = async |store: &Store, lease: &Lease| {
        store
            .skip(lease, "echo", "our own write", 2, T0 + 1)
            .await
            .unwrap();
    };
    let fail = async |store: &Store, lease: &Lease| {
        store.fail(lease, "boom", 1, T0 + 1).await.unwrap();
    };
    let fail_coded = async |store: &Store, lease: &Lease| {
        store
            .fail_with_rule(lease, "auth_failed", "renew the consent", 4, T0 + 1)
            .await
            .unwrap();
    };

    let expected = [
        (Some("completed"), None, 3, Some(T0 + 1)),
        (Some("skipped"), None, 2, Some(T0 + 1)),
        (Some("failed"), Some("boom"), 1, Some(T0 + 1)),
        (Some("failed"), Some("renew the consent"), 4, Some(T0 + 1)),
    ];
    assert_eq!(
        summary(&attempt_ending(&fresh_store().await.store, complete).await),
        expected[0]
    );
    assert_eq!(
        summary(&attempt_ending(&fresh_store().await.store, skip).await),
        expected[1]
    );
    assert_eq!(
        summary(&attempt_ending(&fresh_store().await.store, fail).await),
        expected[2]
    );
    assert_eq!(
        summary(&attempt_ending(&fresh_store().await.store, fail_coded).await),
        expected[3]
    );
}

#[tokio::test]
async fn putting_a_job_back_closes_the_attempt_with_its_reason() {
    let retry = async |store: &Store, lease: &Lease| {
        store
            .retry_later(lease, T0 + 9, "timeout", true, 2, T0 + 1)
            .await
            .unwrap();
    };
    let defer = async |store: &Store, lease: &Lease| {
        store
            .retry_later(lease, T0 + 9, "429", false, 1, T0 + 1)
            .await
            .unwrap();
    };
    let release = async |store: &Store, lease: &Lease| {
        store.release(lease, T0 + 1).await.unwrap();
    };

    let t = fresh_store().await;
    assert_eq!(
        summary(&attempt_ending(&t.store, retry).await),
        (Some("retry"), Some("timeout"), 2, Some(T0 + 1))
    );
    let t = fresh_store().await;
    assert_eq!(
        summary(&attempt_ending(&t.store, defer).await),
        (Some("deferred"), Some("429"), 1, Some(T0 + 1))
    );
    let t = fresh_store().await;
    assert_eq!(
        summary(&attempt_ending(&t.store, release).await),
        (Some("released"), None, 0, Some(T0 + 1))
    );
}

#[tokio::test]
async fn a_retry_at_the_attempt_limit_closes_the_attempt_as_failed() {
    let options = StoreOptions {
        max_attempts: 1,
        ..StoreOptions::default()
    };
    let t = fresh_store_with(options).await;
    let give_up = async |store: &Store, lease: &Lease| {
        store
            .retry_later(lease, T0 + 9, "timeout", true, 2, T0 + 1)
            .await
            .unwrap();
    };

    let attempts = attempt_ending(&t.store, give_up).await;

    assert_eq!(
        summary(&attempts),
        (Some("failed"), Some("timeout"), 2, Some(T0 + 1))
    );
}

#[tokio::test]
async fn each_claim_opens_one_attempt_and_a_take_over_closes_the_lost_one() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    claim_at(&t.store, "w1", T0).await;
    let taken_over = claim_at(&t.store, "w2", T0 + LEASE_MS).await;

    t.store
        .extend_lease(
            &taken_over.lease,
            std::time::Duration::from_secs(5),
            T0 + LEASE_MS + 1,
        )
        .await
        .unwrap();
    t.store
        .set_names(&taken_over.lease, Some("Acme"), Some("acme"), None, None)
        .await
        .unwrap();

    let attempts = t.store.job(job_id).await.unwrap().unwrap().attempts;
    let rows: Vec<_> = attempts
        .iter()
        .map(|a| {
            (
                a.attempt,
                a.holder.as_str(),
                a.outcome.as_deref(),
                a.finished_at,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (1, "w1", Some("lease_lost"), Some(T0 + LEASE_MS)),
            (2, "w2", None, None)
        ]
    );
}
