//! The Webhook endpoints, `webhook_usage` in `Archive/dynamic`, the hard
//! deletes, and the `[TEST]` marker.

use reqwest::Method;
use serde_json::{json, Value};
use so_sandbox::{sign, WebhookState};

use crate::helpers::{spawn, spawn_with_webhooks, Receiver, SECRET};

#[tokio::test]
async fn the_configured_target_is_webhook_1() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;

    let hooks = tenant.get_json("Webhook").await;

    assert_eq!(hooks[0]["WebhookId"], 1);
    assert_eq!(hooks[0]["Name"], "enrichment-connector");
    assert_eq!(hooks[0]["TargetUrl"], receiver.url.as_str());
    assert_eq!(hooks[0]["State"], "Active");
    assert_eq!(hooks[0]["Secret"], "", "the secret is never shown");
}

#[tokio::test]
async fn registering_sends_a_signed_test_event_and_moves_the_deliveries() {
    let old = Receiver::start().await;
    let tenant = spawn_with_webhooks(&old).await;
    let new = Receiver::start().await;
    let body = json!({
        "Name": "second", "Events": ["contact.changed"],
        "TargetUrl": new.url.as_str(), "Secret": "s2",
    });

    let response = tenant
        .request(Method::POST, "Webhook")
        .await
        .json(&body)
        .send()
        .await
        .unwrap();
    let created: Value = response.json().await.unwrap();
    tenant
        .sandbox
        .tenant()
        .change_contact(1001, 23, |c| c.name.push('!'))
        .unwrap();

    let received = new.wait_for(2).await;
    assert_eq!(created["WebhookId"], 2);
    assert_eq!(received[0].header("X-Hook-Test"), Some("true"));
    assert_eq!(
        received[0].header("X-SuperOffice-Signature"),
        Some(sign("s2", &received[0].body).as_str())
    );
    assert_eq!(received[1].json()["WebhookName"], "second");
    assert!(old.received().is_empty());
}

#[tokio::test]
async fn a_target_that_refuses_the_test_event_is_not_registered() {
    let tenant = spawn().await;
    let target = Receiver::start().await;
    target.answer(500);
    let body = json!({ "Name": "x", "TargetUrl": target.url.as_str(), "Secret": SECRET });

    let response = tenant
        .request(Method::POST, "Webhook")
        .await
        .json(&body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 400);
    assert_eq!(tenant.get_json("Webhook").await, json!([]));
}

#[tokio::test]
async fn patching_the_state_reactivates_and_usage_counts_the_attempts() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;
    receiver.answer(503);
    let sandbox = &tenant.sandbox;
    for id in [1001, 1002, 1003] {
        sandbox
            .tenant()
            .change_contact(id, 23, |c| c.name.push('!'))
            .unwrap();
    }
    receiver.wait_for(9).await;

    let usage = tenant
        .get_json(
            "Archive/dynamic?$select=webhook_usage.webhook_usage_id,webhook_usage.total_calls,\
             webhook_usage.total_errors,webhook_usage.consecutive_errors,webhook_usage.last_error",
        )
        .await;
    let patch = json!([{ "op": "replace", "path": "State", "value": "Active" }]);
    let patched: Value = tenant.patch("Webhook/1", patch).await.json().await.unwrap();

    let row = &usage["value"][0];
    assert_eq!(row["webhook_usage.webhook_usage_id"], 1);
    assert_eq!(row["webhook_usage.total_calls"], 9);
    assert_eq!(row["webhook_usage.total_errors"], 9);
    assert_eq!(row["webhook_usage.consecutive_errors"], 9);
    assert_eq!(row["webhook_usage.last_error"], "target answered HTTP 503");
    assert_eq!(patched["State"], "Active");
    assert_eq!(sandbox.faults().webhook_state(), WebhookState::Active);
}

#[tokio::test]
async fn deleting_a_webhook_stops_deliveries() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;
    let later = Receiver::start().await;
    let handle = tenant.sandbox.tenant();

    let deleted = tenant
        .request(Method::DELETE, "Webhook/1")
        .await
        .send()
        .await
        .unwrap();
    handle
        .change_contact(1001, 23, |c| c.name.push('!'))
        .unwrap();
    let missing = tenant.get("Webhook/1").await;
    // Events go out in order: once a later registration receives the next
    // change, the one made without a subscription has been passed over.
    let body = json!({ "Name": "later", "TargetUrl": later.url.as_str() });
    tenant
        .request(Method::POST, "Webhook")
        .await
        .json(&body)
        .send()
        .await
        .unwrap();
    handle
        .change_contact(1002, 23, |c| c.name.push('!'))
        .unwrap();

    assert_eq!(deleted.status(), 204);
    assert_eq!(missing.status(), 404);
    let received = later.wait_for(2).await;
    assert_eq!(received[1].json()["PrimaryKey"], 1002);
    assert!(receiver.received().is_empty());
}

#[tokio::test]
async fn hard_deletes_remove_records_and_raise_deleted_events() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;
    let handle = tenant.sandbox.tenant();
    let contact = handle.create_test_contact("Gone GmbH", 23).unwrap();
    let person = handle
        .create_test_person(1001, "Weg", "Person", 23)
        .unwrap();
    receiver.wait_for(2).await;

    let person_path = format!("Person/{}", person.id);
    let contact_path = format!("Contact/{}", contact.id);
    let person_gone = tenant
        .request(Method::DELETE, &person_path)
        .await
        .send()
        .await
        .unwrap();
    let contact_gone = tenant
        .request(Method::DELETE, &contact_path)
        .await
        .send()
        .await
        .unwrap();
    let again = tenant
        .request(Method::DELETE, &contact_path)
        .await
        .send()
        .await
        .unwrap();

    assert_eq!(contact.name, "[TEST] Gone GmbH");
    assert_eq!(person.last_name, "[TEST] Person");
    assert_eq!(person_gone.status(), 204);
    assert_eq!(contact_gone.status(), 204);
    assert_eq!(again.status(), 404);
    assert!(handle.contact(contact.id).is_none() && handle.person(person.id).is_none());
    let events: Vec<String> = receiver
        .wait_for(4)
        .await
        .iter()
        .map(|r| r.json()["Event"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(&events[2..], ["person.deleted", "contact.deleted"]);
}
