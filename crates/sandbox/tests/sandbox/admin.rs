//! The admin endpoints over HTTP.

use serde_json::{json, Value};

use crate::helpers::{spawn, spawn_with_webhooks, Receiver};

#[tokio::test]
async fn a_fault_set_over_http_takes_effect() {
    let tenant = spawn().await;

    let response = tenant
        .admin_post(
            "faults/throttle",
            json!({ "count": 1, "retry_after": { "seconds": 3 } }),
        )
        .await;
    let throttled = tenant.get("Contact/1001").await;

    assert_eq!(response.status(), 200);
    assert_eq!(throttled.status(), 429);
    assert_eq!(throttled.headers()["retry-after"], "3");
}

#[tokio::test]
async fn an_unknown_fault_is_refused() {
    let tenant = spawn().await;

    let response = tenant.admin_post("faults/meteor-strike", json!({})).await;

    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn a_contact_created_over_http_raises_its_webhook() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;

    let response = tenant
        .admin_post(
            "contacts?by=24",
            json!({ "name": "Bäckerei Weiß e.K.", "associate_id": 24 }),
        )
        .await;

    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let payload = receiver.wait_for(1).await[0].json();
    assert_eq!(payload["Event"], "contact.created");
    assert_eq!(payload["PrimaryKey"], created["id"]);
    assert_eq!(payload["ChangedByAssociateId"], 24);
}

#[tokio::test]
async fn the_request_log_is_readable_over_http_and_leaves_admin_calls_out() {
    let tenant = spawn().await;
    tenant.get("Contact/1001").await;

    let url = format!("{}_sandbox/requests", tenant.sandbox.base_url());
    let log: Value = tenant
        .http
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let paths: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert!(paths.iter().any(|p| p.ends_with("/api/v1/Contact/1001")));
    assert!(paths.iter().all(|p| !p.starts_with("/_sandbox")));
}

#[tokio::test]
async fn the_webhook_can_be_reactivated_over_http() {
    let tenant = spawn().await;
    tenant
        .sandbox
        .faults()
        .set_webhook_state(so_sandbox::WebhookState::TooManyErrors);

    let url = format!("{}_sandbox/webhook", tenant.sandbox.base_url());
    let response = tenant
        .http
        .put(url)
        .json(&json!({ "state": "Active" }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        tenant.sandbox.faults().webhook_state(),
        so_sandbox::WebhookState::Active
    );
}

#[tokio::test]
async fn admin_json_is_read_whatever_the_declared_content_type() {
    // What `curl -d '{...}'` sends: a JSON body declared as a form.
    let tenant = spawn().await;
    tenant
        .sandbox
        .faults()
        .set_webhook_state(so_sandbox::WebhookState::TooManyErrors);
    let url = format!("{}_sandbox/webhook", tenant.sandbox.base_url());

    let response = tenant
        .http
        .put(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(r#"{"state":"Active"}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(
        tenant.sandbox.faults().webhook_state(),
        so_sandbox::WebhookState::Active
    );
}

#[tokio::test]
async fn a_contact_made_with_a_form_declared_json_body_is_created() {
    let tenant = spawn().await;
    let url = format!("{}_sandbox/contacts", tenant.sandbox.base_url());

    let response = tenant
        .http
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(r#"{"name":"Neue Kunde GmbH","associate_id":23}"#)
        .send()
        .await
        .unwrap();

    assert!(response.status().is_success(), "{}", response.status());
}
