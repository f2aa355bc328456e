//! Holders of processing jobs, and ending the leases of one that is gone.

use so_queue::JobStatus;

use crate::helpers::{claim_at, enqueue, fresh_store, LEASE_MS, T0};

#[tokio::test]
async fn the_holders_of_processing_jobs_are_listed_once_each() {
    let t = fresh_store().await;
    for (event, record) in [("ev-1", 1), ("ev-2", 2), ("ev-3", 3)] {
        enqueue(&t.store, event, record).await;
    }
    claim_at(&t.store, "vm/12/0", T0).await;
    claim_at(&t.store, "vm/12/1", T0).await;
    claim_at(&t.store, "vm/7/0", T0).await;

    let holders = t.store.processing_holders().await.unwrap();

    assert_eq!(holders, ["vm/12/0", "vm/12/1", "vm/7/0"]);
}

#[tokio::test]
async fn ending_a_holders_leases_lets_the_next_claim_take_its_jobs_over() {
    let t = fresh_store().await;
    let first = enqueue(&t.store, "ev-1", 1).await;
    let second = enqueue(&t.store, "ev-2", 2).await;
    claim_at(&t.store, "vm/12/0", T0).await;
    claim_at(&t.store, "vm/123/0", T0).await;

    // vm/12 is gone; vm/123 shares its prefix but not its name.
    let ended = t.store.end_leases_of("vm/12", T0 + 10).await.unwrap();
    let taken = claim_at(&t.store, "vm/99/0", T0 + 10).await;

    assert_eq!(ended, 1);
    assert_eq!(taken.job.id, first);
    assert_eq!(taken.job.lease_losses, 1, "counted as a lost lease");
    assert_eq!(taken.job.attempts, 2);
    let attempts = t.store.job(first).await.unwrap().unwrap().attempts;
    assert_eq!(attempts[0].outcome.as_deref(), Some("lease_lost"));
    assert_eq!(attempts[0].error.as_deref(), Some("worker process gone"));
    assert_eq!(
        attempts[0].finished_at,
        Some(T0 + 10),
        "closed by the takeover"
    );
    let other = t.store.job(second).await.unwrap().unwrap().job;
    assert_eq!(other.status, JobStatus::Processing);
    assert_eq!(other.lease_holder.as_deref(), Some("vm/123/0"));
    assert_eq!(other.lease_expires_at, Some(T0 + LEASE_MS));
}

#[tokio::test]
async fn a_host_name_with_a_like_wildcard_matches_only_itself() {
    let t = fresh_store().await;
    enqueue(&t.store, "ev-1", 1).await;
    claim_at(&t.store, "web-a/5/0", T0).await;

    let ended = t.store.end_leases_of("web_a/5", T0 + 10).await.unwrap();

    assert_eq!(ended, 0);
}
