//! Recording deliveries: dedupe, joining, skipping, all-or-nothing batches.

use so_queue::{Disposition, JobStatus, Recorded, StoreError};

use crate::helpers::{claim_at, delivery, fresh_store, with_changes, T0};

#[tokio::test]
async fn redelivered_event_is_stored_once() {
    let t = fresh_store().await;
    let first = t
        .store
        .record_delivery(&delivery("ev-1", 42))
        .await
        .unwrap();

    let again = t
        .store
        .record_delivery(&delivery("ev-1", 42))
        .await
        .unwrap();

    let job_id = first.job_id().unwrap();
    let detail = t.store.job(job_id).await.unwrap().unwrap();
    assert_eq!(detail.deliveries.len(), 1);
    assert_eq!(
        again,
        Recorded::Duplicate {
            delivery_id: detail.deliveries[0].id
        }
    );
    assert_eq!(detail.job.delivery_count, 1);
}

#[tokio::test]
async fn redelivery_inside_one_batch_is_stored_once() {
    let t = fresh_store().await;

    let recorded = t
        .store
        .record_deliveries(&[delivery("ev-1", 42), delivery("ev-1", 42)])
        .await
        .unwrap();

    assert!(matches!(recorded[0], Recorded::Queued { .. }));
    assert!(matches!(recorded[1], Recorded::Duplicate { .. }));
}

#[tokio::test]
async fn deliveries_for_one_record_join_its_pending_job() {
    let t = fresh_store().await;
    let batch = [
        with_changes(delivery("ev-1", 42), &["name", "updated"]),
        with_changes(delivery("ev-2", 42), &["orgnr", "updated"]),
        with_changes(delivery("ev-3", 42), &["name", "urladdress"]),
    ];

    let recorded = t.store.record_deliveries(&batch).await.unwrap();

    let job_id = recorded[0].job_id().unwrap();
    assert_eq!(recorded[0], Recorded::Queued { job_id });
    assert_eq!(recorded[1], Recorded::Joined { job_id });
    assert_eq!(recorded[2], Recorded::Joined { job_id });
    let detail = t.store.job(job_id).await.unwrap().unwrap();
    assert_eq!(detail.job.delivery_count, 3);
    assert_eq!(
        detail.job.changes,
        ["name", "updated", "orgnr", "urladdress"]
    );
    let decisions: Vec<_> = detail
        .deliveries
        .iter()
        .map(|d| d.decision.as_str())
        .collect();
    assert_eq!(decisions, ["queued", "joined", "joined"]);
}

#[tokio::test]
async fn a_merged_creation_event_wins_over_a_change() {
    let t = fresh_store().await;
    let mut created = delivery("ev-2", 42);
    created.event = "contact.created".to_owned();

    let recorded = t
        .store
        .record_deliveries(&[delivery("ev-1", 42), created])
        .await
        .unwrap();
    t.store
        .record_delivery(&delivery("ev-3", 42))
        .await
        .unwrap();

    let job = t
        .store
        .job(recorded[0].job_id().unwrap())
        .await
        .unwrap()
        .unwrap()
        .job;
    assert_eq!(job.event, "contact.created");
    assert_eq!(job.delivery_count, 3);
}

#[tokio::test]
async fn other_records_get_their_own_jobs() {
    let t = fresh_store().await;
    let mut person = delivery("ev-3", 42);
    person.entity = "person".to_owned();
    person.event = "person.changed".to_owned();

    let recorded = t
        .store
        .record_deliveries(&[delivery("ev-1", 42), delivery("ev-2", 43), person])
        .await
        .unwrap();

    assert!(recorded
        .iter()
        .all(|r| matches!(r, Recorded::Queued { .. })));
}

#[tokio::test]
async fn processing_job_does_not_absorb_new_deliveries() {
    let t = fresh_store().await;
    let first = t
        .store
        .record_delivery(&delivery("ev-1", 42))
        .await
        .unwrap();
    let claimed = claim_at(&t.store, "w1", T0).await;

    let second = t
        .store
        .record_delivery(&delivery("ev-2", 42))
        .await
        .unwrap();

    assert_eq!(claimed.job.id, first.job_id().unwrap());
    let Recorded::Queued { job_id } = second else {
        panic!("expected a new job: {second:?}")
    };
    assert_ne!(job_id, claimed.job.id);
    let claimed_now = t.store.job(claimed.job.id).await.unwrap().unwrap().job;
    assert_eq!(claimed_now.delivery_count, 1);
    assert_eq!(claimed_now.status, JobStatus::Processing);
}

#[tokio::test]
async fn skipped_delivery_makes_a_skipped_job_with_its_reason() {
    let t = fresh_store().await;
    let mut echo = delivery("ev-1", 42);
    echo.disposition = Disposition::Skip {
        rule: "echo".to_owned(),
        reason: "changed by our API user".to_owned(),
    };

    let recorded = t.store.record_delivery(&echo).await.unwrap();

    let Recorded::Skipped { job_id } = recorded else {
        panic!("expected a skip: {recorded:?}")
    };
    let detail = t.store.job(job_id).await.unwrap().unwrap();
    assert_eq!(detail.job.status, JobStatus::Skipped);
    assert_eq!(detail.job.rule.as_deref(), Some("echo"));
    assert_eq!(
        detail.job.reason.as_deref(),
        Some("changed by our API user")
    );
    assert_eq!(detail.job.finished_at, Some(T0));
    assert_eq!(detail.deliveries[0].decision, "skipped");
    assert!(t
        .store
        .claim("w1", crate::helpers::LEASE, T0)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn ignored_delivery_keeps_only_the_delivery_row() {
    let t = fresh_store().await;
    let mut test_event = delivery("ev-1", 0);
    test_event.entity = "test".to_owned();
    test_event.disposition = Disposition::Ignore {
        reason: "webhook test event".to_owned(),
    };

    let recorded = t.store.record_delivery(&test_event).await.unwrap();

    assert!(matches!(recorded, Recorded::Ignored { .. }));
    assert!(t.store.delivery_exists("ev-1").await.unwrap());
    assert_eq!(
        t.store.counts_by_status(None).await.unwrap(),
        Default::default()
    );
}

#[tokio::test]
async fn a_failing_row_fails_the_whole_batch() {
    let t = fresh_store().await;
    // The schema allows jobs for contacts and persons only.
    let mut bad = delivery("ev-2", 7);
    bad.entity = "sale".to_owned();

    let result = t
        .store
        .record_deliveries(&[delivery("ev-1", 42), bad, delivery("ev-3", 43)])
        .await;

    assert!(matches!(result, Err(StoreError::Rejected(_))), "{result:?}");
    assert!(!t.store.delivery_exists("ev-1").await.unwrap());
    assert!(!t.store.delivery_exists("ev-3").await.unwrap());
    assert_eq!(
        t.store.counts_by_status(None).await.unwrap(),
        Default::default()
    );
}

#[tokio::test]
async fn empty_batch_records_nothing() {
    let t = fresh_store().await;

    let recorded = t.store.record_deliveries(&[]).await.unwrap();

    assert!(recorded.is_empty());
}
