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

#[tokio::test]
async fn repeats_inside_a_batch_and_of_earlier_batches_are_stored_once() {
    let t = fresh_store().await;
    let earlier = t
        .store
        .record_delivery(&delivery("ev-1", 42))
        .await
        .unwrap();
    let job_id = earlier.job_id().unwrap();

    let recorded = t
        .store
        .record_deliveries(&[
            delivery("ev-2", 42),
            delivery("ev-1", 42),
            delivery("ev-2", 42),
            delivery("ev-3", 43),
            delivery("ev-3", 43),
        ])
        .await
        .unwrap();

    let detail = t.store.job(job_id).await.unwrap().unwrap();
    let ids: Vec<i64> = detail.deliveries.iter().map(|d| d.id).collect();
    assert_eq!(ids.len(), 2, "ev-1 and ev-2 once each");
    assert_eq!(recorded[0], Recorded::Joined { job_id });
    assert_eq!(
        recorded[1],
        Recorded::Duplicate {
            delivery_id: ids[0]
        }
    );
    assert_eq!(
        recorded[2],
        Recorded::Duplicate {
            delivery_id: ids[1]
        }
    );
    let Recorded::Queued { job_id: other } = recorded[3] else {
        panic!("expected a new job for contact 43: {recorded:?}")
    };
    let other = t.store.job(other).await.unwrap().unwrap();
    assert_eq!(
        recorded[4],
        Recorded::Duplicate {
            delivery_id: other.deliveries[0].id
        }
    );
    assert_eq!(detail.job.delivery_count, 2);
    assert_eq!(other.job.delivery_count, 1);
}

#[tokio::test]
async fn answers_follow_the_batch_order_across_records_skips_and_ignores() {
    let t = fresh_store().await;
    let skip = |event_id: &str, entity_id| {
        let mut echo = delivery(event_id, entity_id);
        echo.disposition = Disposition::Skip {
            rule: "echo".to_owned(),
            reason: format!("echo of {event_id}"),
        };
        echo
    };
    let mut test_event = delivery("ev-5", 0);
    test_event.disposition = Disposition::Ignore {
        reason: "test".to_owned(),
    };
    let batch = [
        delivery("ev-1", 42),
        skip("ev-2", 42),
        delivery("ev-3", 43),
        delivery("ev-4", 42),
        test_event,
        skip("ev-6", 43),
        delivery("ev-7", 43),
    ];

    let recorded = t.store.record_deliveries(&batch).await.unwrap();

    let (a, b) = (recorded[0].job_id().unwrap(), recorded[2].job_id().unwrap());
    let (s1, s2) = (recorded[1].job_id().unwrap(), recorded[5].job_id().unwrap());
    assert_eq!(recorded[0], Recorded::Queued { job_id: a });
    assert_eq!(recorded[1], Recorded::Skipped { job_id: s1 });
    assert_eq!(recorded[2], Recorded::Queued { job_id: b });
    assert_eq!(recorded[3], Recorded::Joined { job_id: a });
    assert!(matches!(recorded[4], Recorded::Ignored { .. }));
    assert_eq!(recorded[5], Recorded::Skipped { job_id: s2 });
    assert_eq!(recorded[6], Recorded::Joined { job_id: b });
    let mut ids = vec![a, b, s1, s2];
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "four distinct jobs");

    // Each job carries exactly its own deliveries, with their decisions.
    let store = &t.store;
    let linked = |job_id| async move {
        let detail = store.job(job_id).await.unwrap().unwrap();
        let deliveries: Vec<(String, String)> = detail
            .deliveries
            .into_iter()
            .map(|d| (d.event_id, d.decision))
            .collect();
        (detail.job, deliveries)
    };
    let pair = |event_id: &str, decision: &str| (event_id.to_owned(), decision.to_owned());
    let (job_a, of_a) = linked(a).await;
    assert_eq!(of_a, [pair("ev-1", "queued"), pair("ev-4", "joined")]);
    assert_eq!(
        (job_a.status, job_a.delivery_count),
        (JobStatus::Pending, 2)
    );
    let (job_b, of_b) = linked(b).await;
    assert_eq!(of_b, [pair("ev-3", "queued"), pair("ev-7", "joined")]);
    assert_eq!(job_b.entity_id, 43);
    let (skipped, of_s2) = linked(s2).await;
    assert_eq!(of_s2, [pair("ev-6", "skipped")]);
    assert_eq!(
        (skipped.status, skipped.entity_id, skipped.reason.as_deref()),
        (JobStatus::Skipped, 43, Some("echo of ev-6"))
    );
    assert_eq!(linked(s1).await.1, [pair("ev-2", "skipped")]);
}

#[tokio::test]
async fn a_batch_joining_a_stored_pending_job_merges_into_it() {
    let t = fresh_store().await;
    let job_id = crate::helpers::enqueue(&t.store, "ev-1", 42).await;
    let mut created = with_changes(delivery("ev-2", 42), &["orgnr", "name"]);
    created.event = "contact.created".to_owned();
    created.received_at = T0 + 5;
    let mut later = with_changes(delivery("ev-3", 42), &["urladdress"]);
    later.received_at = T0 + 3;

    let recorded = t.store.record_deliveries(&[created, later]).await.unwrap();

    assert_eq!(
        recorded,
        [Recorded::Joined { job_id }, Recorded::Joined { job_id }]
    );
    let job = t.store.job(job_id).await.unwrap().unwrap().job;
    assert_eq!(job.event, "contact.created");
    assert_eq!(job.delivery_count, 3);
    assert_eq!(job.changes, ["name", "updated", "orgnr", "urladdress"]);
    assert_eq!(
        (job.created_at, job.run_at, job.updated_at),
        (T0, T0, T0 + 5)
    );
}

#[tokio::test]
async fn a_new_job_takes_the_first_delivery_and_a_later_creation() {
    let t = fresh_store().await;
    let mut first = with_changes(delivery("ev-1", 42), &["name", "name"]);
    first.received_at = T0 + 1;
    let mut created = with_changes(delivery("ev-2", 42), &["orgnr"]);
    created.event = "contact.CREATED".to_owned();
    created.received_at = T0 + 9;

    let recorded = t
        .store
        .record_deliveries(&[first, created, delivery("ev-3", 42)])
        .await
        .unwrap();

    let job = t
        .store
        .job(recorded[0].job_id().unwrap())
        .await
        .unwrap()
        .unwrap()
        .job;
    assert_eq!(job.event, "contact.CREATED");
    assert_eq!(job.changes, ["name", "orgnr", "updated"]);
    assert_eq!(
        (job.created_at, job.run_at, job.updated_at),
        (T0 + 1, T0 + 1, T0 + 9)
    );
}

#[tokio::test]
async fn delivery_fields_are_stored_exactly_as_given() {
    let t = fresh_store().await;
    let mut odd = with_changes(delivery("ev-\"1\"", 42), &["a\"b", "c\\d", "é"]);
    odd.payload =
        "{\"quote\":\"\\\"\",\n\t\"emoji\":\"🦀\", \"nul\":\"\\u0000\"}\r\n\u{0}".to_owned();
    odd.changed_by = None;
    odd.tenant = "Cust 123 'x'".to_owned();

    let recorded = t.store.record_delivery(&odd).await.unwrap();

    let stored = &t
        .store
        .job(recorded.job_id().unwrap())
        .await
        .unwrap()
        .unwrap()
        .deliveries[0];
    assert_eq!(stored.event_id, odd.event_id);
    assert_eq!(stored.payload, odd.payload);
    assert_eq!(stored.tenant, odd.tenant);
    assert_eq!(stored.changed_by, None);
    assert_eq!(stored.received_at, T0);
    let changes: Vec<String> = serde_json::from_str(&stored.changes).unwrap();
    assert_eq!(changes, ["a\"b", "c\\d", "é"]);
}

#[tokio::test]
async fn a_batch_of_many_statements_worth_is_recorded_whole() {
    let t = fresh_store().await;
    // 150 deliveries for 100 records: among the first 100, every third a
    // skip; the last 50 come again for records 0 to 49, joining the job of
    // each record made earlier in the batch, or making the first job of a
    // record whose first delivery was a skip (every third).
    let batch: Vec<_> = (0..150)
        .map(|i| {
            let mut d = delivery(&format!("ev-{i}"), i % 100);
            if i % 3 == 0 && i < 100 {
                d.disposition = Disposition::Skip {
                    rule: "echo".to_owned(),
                    reason: "ours".to_owned(),
                };
            }
            d
        })
        .collect();

    let recorded = t.store.record_deliveries(&batch).await.unwrap();

    let count = |want: fn(&Recorded) -> bool| recorded.iter().filter(|r| want(r)).count();
    let skipped = count(|r| matches!(r, Recorded::Skipped { .. }));
    let queued = count(|r| matches!(r, Recorded::Queued { .. }));
    let joined = count(|r| matches!(r, Recorded::Joined { .. }));
    assert_eq!((skipped, queued, joined), (34, 66 + 17, 50 - 17));
    let counts = t.store.counts_by_status(None).await.unwrap();
    assert_eq!((counts.pending, counts.skipped), (83, 34));
    for (i, answer) in recorded.iter().enumerate() {
        let detail = t
            .store
            .job(answer.job_id().unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(detail.job.entity_id, i as i64 % 100, "delivery {i}");
        assert!(detail
            .deliveries
            .iter()
            .any(|d| d.event_id == format!("ev-{i}")));
    }
}
