//! The echo of our own PATCH: SuperOffice answers a write with a
//! `contact.changed` made by the connector's API user. The payload rules
//! skip it; and should one get through, the write-back finds nothing to
//! change, so there is never a second PATCH.

use std::time::Duration;

use serde_json::Value;
use so_queue::{Disposition, JobStatus, NewDelivery, Recorded};
use so_rules::{judge_delivery, DeliveryFacts, PayloadRules};
use so_sandbox::{SandboxConfig, WebhookTarget};

use crate::harness::{world_with, World, OWN_ASSOCIATE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_echo_of_our_own_patch_causes_no_second_patch() {
    let world = world_with(webhooks_to_nowhere()).await;
    let contact = world.our_contacts(1)[0];
    let worker = world.start_worker().await;
    let first = world.enqueue("contact.changed", contact).await;
    world.finished(first).await;

    // The ingest's rules skip the echo outright.
    let echo = echo_of_write(&world, contact).await;
    let recorded = world.store.record_delivery(&judged(&echo)).await.unwrap();
    let Recorded::Skipped { job_id: skipped } = recorded else {
        panic!("the echo was not skipped: {recorded:?}");
    };
    let skipped = world.store.job(skipped).await.unwrap().unwrap().job;
    assert_eq!(skipped.rule.as_deref(), Some("echo_of_own_write"));

    // The same payload let through anyway: the job finds nothing to change.
    let mut slipped = as_delivery(&echo, Disposition::Enqueue);
    slipped.event_id.push_str("-again");
    let recorded = world.store.record_delivery(&slipped).await.unwrap();
    let detail = world.finished(recorded.job_id().expect("a job")).await;
    worker.stop().await;

    assert_eq!(detail.job.status, JobStatus::Completed);
    assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 1);
}

/// A sandbox that sends webhooks to a port nobody listens on, once each:
/// the deliveries it attempted (with their bodies) are what the test reads.
fn webhooks_to_nowhere() -> SandboxConfig {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/webhook", closed.local_addr().unwrap());
    drop(closed);

    let mut target = WebhookTarget::new(url.parse().unwrap(), None);
    target.retry_delays = Vec::new();
    SandboxConfig {
        webhook: Some(target),
        ..SandboxConfig::default()
    }
}

/// The body of the `contact.changed` the sandbox sent for our write.
async fn echo_of_write(world: &World, contact: i64) -> Value {
    for _ in 0..2_000 {
        let echo = world.sandbox.deliveries().into_iter().find(|delivery| {
            delivery.event == "contact.changed" && i64::from(delivery.primary_key) == contact
        });
        if let Some(echo) = echo {
            return serde_json::from_str(&echo.body).expect("a JSON body");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the sandbox sent no echo for contact {contact}");
}

/// The delivery with the ingest's payload rules applied.
fn judged(body: &Value) -> NewDelivery {
    let rules = PayloadRules {
        own_associate_ids: vec![OWN_ASSOCIATE],
        ..PayloadRules::default()
    };
    let changes = changes(body);
    let facts = DeliveryFacts {
        event: body["Event"].as_str().unwrap(),
        entity: body["Entity"].as_str().unwrap(),
        changes: &changes,
        changed_by: body["ChangedByAssociateId"].as_i64(),
        payload_owner: body["FieldValues"]["associate_id"].as_i64(),
    };
    let verdict = judge_delivery(&rules, &facts);
    let disposition = if verdict.is_process() {
        Disposition::Enqueue
    } else {
        Disposition::Skip {
            rule: verdict.code.code().to_owned(),
            reason: verdict.reason,
        }
    };
    as_delivery(body, disposition)
}

fn as_delivery(body: &Value, disposition: Disposition) -> NewDelivery {
    NewDelivery {
        event_id: body["EventId"].as_str().unwrap().to_owned(),
        received_at: so_queue::now_ms(),
        tenant: body["ContextIdentifier"].as_str().unwrap().to_owned(),
        event: body["Event"].as_str().unwrap().to_owned(),
        entity: body["Entity"].as_str().unwrap().to_owned(),
        entity_id: body["PrimaryKey"].as_i64().unwrap(),
        changed_by: body["ChangedByAssociateId"].as_i64(),
        changes: changes(body),
        payload: body.to_string(),
        disposition,
    }
}

fn changes(body: &Value) -> Vec<String> {
    body["Changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|change| change.as_str().map(str::to_owned))
        .collect()
}
