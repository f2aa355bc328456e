//! The text a scrape gets: names, labels and the queue read from a real
//! store.

use std::time::Duration;

use so_metrics::{Exporter, IngestMetrics, JobOutcome, VerificationFailure, WorkerMetrics};
use so_queue::{Disposition, NewDelivery, Store, StoreOptions};

async fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path().join("jobs.db"), StoreOptions::default())
        .await
        .expect("store opens");
    (store, dir)
}

fn delivery(event_id: &str, entity_id: i64, received_at: i64) -> NewDelivery {
    NewDelivery {
        event_id: event_id.to_owned(),
        received_at,
        tenant: "Cust1".to_owned(),
        event: "contact.changed".to_owned(),
        entity: "contact".to_owned(),
        entity_id,
        changed_by: None,
        changes: vec!["name".to_owned()],
        payload: "{}".to_owned(),
        disposition: Disposition::Enqueue,
    }
}

#[tokio::test]
async fn ingest_counters_use_prometheus_names_and_labels() {
    let (store, _dir) = store().await;
    let (exporter, ingest) = Exporter::with_queue(store, IngestMetrics::register);

    ingest.delivery("skipped", "echo_of_own_write");
    ingest.delivery("skipped", "echo_of_own_write");
    ingest.verification_failed(VerificationFailure::SignatureWrong);
    let text = exporter.render().await;

    assert!(
        text.contains(
            r#"so_ingest_deliveries_total{outcome="skipped",rule="echo_of_own_write"} 2"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"so_ingest_verification_failures_total{reason="signature_wrong"} 1"#),
        "{text}"
    );
}

#[tokio::test]
async fn queue_gauges_are_read_from_the_store_at_each_scrape() {
    let (store, _dir) = store().await;
    let (exporter, ()) = Exporter::with_queue(store.clone(), |_| ());
    let long_ago = so_queue::now_ms() - 90_000;

    let empty = exporter.render().await;
    store
        .record_deliveries(&[delivery("a", 1, long_ago), delivery("b", 2, long_ago)])
        .await
        .expect("recorded");
    let later = exporter.render().await;

    assert!(
        empty.contains(r#"so_queue_jobs{status="pending"} 0"#),
        "{empty}"
    );
    assert!(
        later.contains(r#"so_queue_jobs{status="pending"} 2"#),
        "{later}"
    );
    assert!(later.contains("so_queue_due_jobs 2"), "{later}");
    assert!(later.contains("so_queue_readable 1"), "{later}");
    let age_line = later
        .lines()
        .find(|line| line.starts_with("so_queue_oldest_pending_age_seconds "))
        .expect("age line");
    let age: f64 = age_line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(age >= 90.0, "{age_line}");
}

#[tokio::test]
async fn a_closed_store_shows_as_unreadable_and_the_rest_still_renders() {
    let (store, _dir) = store().await;
    let (exporter, ingest) = Exporter::with_queue(store.clone(), IngestMetrics::register);
    ingest.delivery("queued", "accepted");

    store.close().await;
    let text = exporter.render().await;

    assert!(text.contains("so_queue_readable 0"), "{text}");
    assert!(text.contains("so_ingest_deliveries_total"), "{text}");
}

#[tokio::test]
async fn worker_series_carry_units_in_their_names() {
    let (store, _dir) = store().await;
    let (exporter, worker) = Exporter::with_queue(store, WorkerMetrics::register);

    worker.job_finished(JobOutcome::Completed, Duration::from_millis(300));
    worker.superoffice_call("Contact/{id}", "get", Some(200), Duration::from_millis(80));
    worker.superoffice_call("Contact/{id}", "PATCH", None, Duration::from_secs(30));
    worker.retry("rate_limited");
    worker.rate_limit_wait(Duration::from_secs(2));
    worker.analysis("builtin", "fresh", Duration::from_millis(5));
    let text = exporter.render().await;

    for expected in [
        r#"so_worker_job_duration_seconds_count{outcome="completed"} 1"#,
        r#"so_worker_superoffice_calls_total{endpoint="Contact/{id}",method="GET",status="200"} 1"#,
        concat!(
            r#"so_worker_superoffice_calls_total{endpoint="Contact/{id}",method="PATCH","#,
            r#"status="none"} 1"#
        ),
        r#"so_worker_superoffice_call_duration_seconds_count{endpoint="Contact/{id}"} 2"#,
        r#"so_worker_retries_total{rule="rate_limited"} 1"#,
        "so_worker_rate_limit_wait_seconds_count 1",
        r#"so_worker_analysis_duration_seconds_count{backend="builtin",source="fresh"} 1"#,
        "so_queue_lease_takeovers_total 0",
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }
}
