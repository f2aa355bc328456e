//! Injected faults: throttling, outages, failing records, a moved tenant,
//! maintenance, slow answers and other key cases.

use std::time::Duration;

use serde_json::Value;
use so_sandbox::{KeyCase, RetryAfter, TenantState};

use crate::helpers::spawn;

#[tokio::test]
async fn throttling_answers_429_with_retry_after_seconds_for_n_requests() {
    let tenant = spawn().await;
    tenant
        .sandbox
        .faults()
        .throttle(2, Some(RetryAfter::Seconds(7)));

    let first = tenant.get("Contact/1001").await;
    let second = tenant.get("Contact/1001").await;
    let third = tenant.get("Contact/1001").await;

    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "7");
    assert_eq!(second.status(), 429);
    assert_eq!(third.status(), 200);
}

#[tokio::test]
async fn retry_after_can_be_an_http_date() {
    let tenant = spawn().await;
    tenant
        .sandbox
        .faults()
        .throttle(1, Some(RetryAfter::DateIn(30)));

    let response = tenant.get("Contact/1001").await;

    let value = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(httpdate::parse_http_date(&value).is_ok(), "{value}");
}

#[tokio::test]
async fn an_outage_answers_503_for_n_requests() {
    let tenant = spawn().await;
    tenant.sandbox.faults().unavailable(1, None);

    let first = tenant.get("Contact/1001").await;
    let second = tenant.get("Contact/1001").await;

    assert_eq!(first.status(), 503);
    assert_eq!(second.status(), 200);
}

#[tokio::test]
async fn a_failing_record_answers_500_and_others_do_not() {
    let tenant = spawn().await;
    tenant.sandbox.faults().fail_contact(1001, true);

    let failing = tenant.get("Contact/1001").await;
    let other = tenant.get("Contact/1002").await;
    tenant.sandbox.faults().fail_contact(1001, false);
    let healed = tenant.get("Contact/1001").await;

    assert_eq!(failing.status(), 500);
    assert_eq!(other.status(), 200);
    assert_eq!(healed.status(), 200);
}

#[tokio::test]
async fn a_moved_tenant_answers_421_at_the_old_endpoint() {
    let tenant = spawn().await;
    let old = tenant.api("Contact/1001");
    let token = tenant.token().await;

    let new_endpoint = tenant.sandbox.faults().move_tenant();
    let misdirected = tenant
        .http
        .get(&old)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let status: Value = tenant
        .http
        .get(tenant.sandbox.status_url())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let moved = tenant
        .http
        .get(format!("{new_endpoint}/api/v1/Contact/1001"))
        .bearer_auth(&token);
    let moved = moved.send().await.unwrap();

    assert_eq!(misdirected.status(), 421);
    assert!(misdirected
        .text()
        .await
        .unwrap()
        .contains("Wrong subdomain used to access tenant"));
    assert_eq!(status["Endpoint"], new_endpoint.as_str());
    assert_eq!(moved.status(), 200);
}

#[tokio::test]
async fn a_tenant_in_maintenance_is_not_running_and_answers_503() {
    let tenant = spawn().await;
    tenant
        .sandbox
        .faults()
        .set_tenant_state(TenantState::OfflineMaintenance);

    let status: Value = tenant
        .http
        .get(tenant.sandbox.status_url())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = tenant.get("Contact/1001").await;

    assert_eq!(status["State"], "OfflineMaintenance");
    assert_eq!(status["IsRunning"], false);
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn slow_answers_still_arrive() {
    let tenant = spawn().await;
    tenant
        .sandbox
        .faults()
        .set_delay(Some(Duration::from_millis(20)));

    let response = tenant.get("Contact/1001").await;

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn entity_keys_can_come_in_camel_case() {
    let tenant = spawn().await;
    tenant.sandbox.faults().set_key_case(KeyCase::Camel);

    let contact = tenant.get_json("Contact/1001").await;

    assert_eq!(contact["contactId"], 1001);
    assert!(contact["customFields"].get("SuperOffice:1").is_some());
}

#[tokio::test]
async fn identity_look_ups_can_fail() {
    let tenant = spawn().await;
    tenant.sandbox.faults().fail_identity_lookups(true);

    let principal = tenant.get("User/currentPrincipal").await;
    let contact = tenant.get("Contact/1001").await;

    assert_eq!(principal.status(), 500);
    assert_eq!(contact.status(), 200);
}

#[tokio::test]
async fn reset_clears_every_fault() {
    let tenant = spawn().await;
    tenant.sandbox.faults().unavailable(5, None);
    tenant.sandbox.faults().set_key_case(KeyCase::Lower);

    tenant.sandbox.faults().reset();

    assert_eq!(tenant.get_json("Contact/1001").await["ContactId"], 1001);
}
