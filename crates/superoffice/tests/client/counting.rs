//! Counting calls per job and telling an observer of each.

use std::sync::{Arc, Mutex};

use so_superoffice::{CallCounter, CallObserver, CallRecord, Client};

use crate::harness::{tenant, tenant_config, test_options};

#[tokio::test]
async fn calls_are_counted_per_job_and_in_total() {
    let tenant = tenant().await;
    let job = CallCounter::new();
    let scoped = tenant.client.scoped(job.clone());

    scoped.get_contact(1).await.expect("read");
    tenant.client.get_contact(1).await.expect("unscoped read");

    // The scoped read needed a tenant-status read, a token and the call.
    assert_eq!(job.get(), 3);
    assert_eq!(tenant.client.calls(), 4);
}

/// Keeps what it is told: (method, endpoint, status).
#[derive(Default)]
struct Recorder(Mutex<Vec<(String, &'static str, Option<u16>)>>);

impl CallObserver for Recorder {
    fn on_call(&self, call: &CallRecord<'_>) {
        let entry = (call.method.to_owned(), call.endpoint, call.status);
        self.0.lock().unwrap().push(entry);
    }
}

#[tokio::test]
async fn the_observer_hears_every_call_by_endpoint_and_status() {
    let tenant = tenant().await;
    let recorder = Arc::new(Recorder::default());
    let config = tenant_config(&tenant.sandbox);
    let client = Client::with_observer(config, test_options(), recorder.clone()).expect("client");

    client.get_contact(1).await.expect("read");
    client.get_contact(999_999).await.expect_err("not found");

    let calls = recorder.0.lock().unwrap().clone();
    assert_eq!(
        calls,
        [
            ("GET".to_owned(), "api/state", Some(200)),
            ("POST".to_owned(), "oauth/tokens", Some(200)),
            ("GET".to_owned(), "Contact/{id}", Some(200)),
            ("GET".to_owned(), "Contact/{id}", Some(404)),
        ]
    );
}
