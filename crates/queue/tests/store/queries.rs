//! Views for the duplicate rule, the dashboard and soctl.

use std::time::Duration;

use serde_json::json;
use so_queue::{CompleteInfo, Disposition, JobFilter, JobStatus, StatusCounts};

use crate::helpers::{claim_at, delivery, enqueue, fresh_store, LEASE, T0};

#[tokio::test]
async fn counts_by_status_counts_every_status_and_can_start_at_a_moment() {
    let t = fresh_store().await;
    for entity_id in 1..=4 {
        enqueue(&t.store, &format!("ev-{entity_id}"), entity_id).await;
    }
    let done = claim_at(&t.store, "w1", T0 + 10).await;
    t.store
        .complete(
            &done.lease,
            CompleteInfo {
                result: json!({}),
                api_calls: 0,
            },
            T0 + 20,
        )
        .await
        .unwrap();
    claim_at(&t.store, "w1", T0 + 30).await;
    let mut skipped = delivery("ev-9", 9);
    skipped.disposition = Disposition::Skip {
        rule: "echo".into(),
        reason: "echo".into(),
    };
    t.store.record_delivery(&skipped).await.unwrap();

    let all = t.store.counts_by_status(None).await.unwrap();
    let recent = t.store.counts_by_status(Some(T0 + 20)).await.unwrap();

    let expected = StatusCounts {
        pending: 2,
        processing: 1,
        completed: 1,
        skipped: 1,
        failed: 0,
    };
    assert_eq!(all, expected);
    assert_eq!(
        recent,
        StatusCounts {
            processing: 1,
            completed: 1,
            ..Default::default()
        }
    );
    assert_eq!(all.get(JobStatus::Pending), 2);
}

#[tokio::test]
async fn list_jobs_filters_and_pages_newest_first() {
    let t = fresh_store().await;
    let ids: Vec<i64> = {
        let mut ids = Vec::new();
        for entity_id in 1..=5 {
            ids.push(enqueue(&t.store, &format!("ev-{entity_id}"), entity_id).await);
        }
        ids
    };
    let claimed = claim_at(&t.store, "w1", T0).await;
    t.store
        .set_names(&claimed.lease, Some("Acme GmbH"), None, None, Some("RKAB"))
        .await
        .unwrap();

    let page = |filter: JobFilter| {
        let store = t.store.clone();
        async move {
            store
                .list_jobs(&filter)
                .await
                .unwrap()
                .iter()
                .map(|j| j.id)
                .collect::<Vec<_>>()
        }
    };
    let first_page = page(JobFilter {
        limit: 2,
        ..Default::default()
    })
    .await;
    let second_page = page(JobFilter {
        limit: 2,
        before_id: Some(ids[3]),
        ..Default::default()
    })
    .await;
    let processing = page(JobFilter {
        status: Some(JobStatus::Processing),
        ..Default::default()
    })
    .await;
    let by_name = page(JobFilter {
        search: Some("acme".into()),
        ..Default::default()
    })
    .await;
    let by_owner = page(JobFilter {
        search: Some("rkab".into()),
        ..Default::default()
    })
    .await;
    let by_id = page(JobFilter {
        search: Some(" 3 ".into()),
        ..Default::default()
    })
    .await;
    let persons = page(JobFilter {
        entity: Some("person".into()),
        ..Default::default()
    })
    .await;

    assert_eq!(first_page, [ids[4], ids[3]]);
    assert_eq!(second_page, [ids[2], ids[1]]);
    assert_eq!(processing, [claimed.job.id]);
    assert_eq!(by_name, [claimed.job.id]);
    assert_eq!(by_owner, [claimed.job.id]);
    assert_eq!(by_id, [ids[2]]);
    assert!(persons.is_empty());
}

#[tokio::test]
async fn job_detail_shows_deliveries_and_attempts_and_unknown_ids_are_none() {
    let t = fresh_store().await;
    let job_id = enqueue(&t.store, "ev-1", 42).await;
    enqueue(&t.store, "ev-2", 42).await;
    let claimed = claim_at(&t.store, "w1", T0).await;
    t.store
        .retry_later(&claimed.lease, T0, "timeout", true, 1, T0 + 5)
        .await
        .unwrap();
    claim_at(&t.store, "w2", T0 + 6).await;

    let detail = t.store.job(job_id).await.unwrap().unwrap();
    let unknown = t.store.job(job_id + 1000).await.unwrap();

    assert_eq!(detail.deliveries.len(), 2);
    assert!(detail.deliveries[0].payload.contains("ev-1"));
    assert_eq!(detail.attempts.len(), 2);
    assert_eq!(detail.attempts[0].holder, "w1");
    assert_eq!(detail.attempts[0].error.as_deref(), Some("timeout"));
    assert_eq!(detail.attempts[0].api_calls, 1);
    assert_eq!(detail.attempts[1].holder, "w2");
    assert_eq!(detail.attempts[1].finished_at, None);
    assert!(unknown.is_none());
}

#[tokio::test]
async fn oldest_pending_age_is_how_long_the_most_overdue_job_waited() {
    let t = fresh_store().await;
    assert_eq!(t.store.oldest_pending_age(T0).await.unwrap(), None);
    enqueue(&t.store, "ev-1", 1).await;
    let mut later = delivery("ev-2", 2);
    later.received_at = T0 + 4_000;
    t.store.record_delivery(&later).await.unwrap();

    let age = t.store.oldest_pending_age(T0 + 5_000).await.unwrap();

    assert_eq!(age, Some(Duration::from_millis(5_000)));
}

#[tokio::test]
async fn recent_jobs_for_company_lists_processing_and_recently_completed_others() {
    let t = fresh_store().await;
    for entity_id in 1..=4 {
        enqueue(&t.store, &format!("ev-{entity_id}"), entity_id).await;
    }
    let mut claims = Vec::new();
    for _ in 1..=4 {
        let claimed = t.store.claim("w", LEASE, T0).await.unwrap().unwrap();
        t.store
            .set_names(&claimed.lease, Some("Acme"), Some("acme"), None, None)
            .await
            .unwrap();
        claims.push(claimed);
    }
    let result = || CompleteInfo {
        result: json!({}),
        api_calls: 0,
    };
    t.store
        .complete(&claims[0].lease, result(), T0 + 1_000)
        .await
        .unwrap();
    t.store
        .complete(&claims[1].lease, result(), T0 + 9_000)
        .await
        .unwrap();
    t.store
        .fail(&claims[2].lease, "boom", 0, T0 + 9_000)
        .await
        .unwrap();
    let asking = &claims[3];

    let facts = t
        .store
        .recent_jobs_for_company("acme", T0 + 5_000, asking.job.id)
        .await
        .unwrap();

    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0].job_id, claims[1].job.id);
    assert_eq!(facts[0].status, JobStatus::Completed);
    assert_eq!(facts[0].finished_at, Some(T0 + 9_000));
    let others = t
        .store
        .recent_jobs_for_company("acme", T0 + 5_000, 0)
        .await
        .unwrap();
    assert_eq!(others.len(), 2, "the processing job counts for others");
    assert!(t
        .store
        .recent_jobs_for_company("other", 0, 0)
        .await
        .unwrap()
        .is_empty());
}
