//! Signed webhooks, the echo of the connector's own writes, and the
//! delivery cycle up to TooManyErrors.

use serde_json::{json, Value};
use so_sandbox::{sign, Contact, DeliveryOutcome, UdfChanges, WebhookState};

use crate::helpers::{spawn_with_webhooks, wait_for_deliveries, Receiver, SECRET};

#[tokio::test]
async fn a_patch_sends_a_signed_echo_by_the_connector() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;

    tenant
        .patch(
            "Contact/1002",
            json!({ "CustomFields": { "SuperOffice:1": "Summary" } }),
        )
        .await;

    let received = receiver.wait_for(1).await;
    let hook = &received[0];
    let payload = hook.json();
    assert_eq!(payload["Event"], "contact.changed");
    assert_eq!(payload["PrimaryKey"], 1002);
    assert_eq!(payload["ChangedByAssociateId"], 17);
    assert_eq!(
        payload["Changes"],
        json!(["updated", "updated_associate_id", "updatedCount"])
    );
    assert_eq!(
        hook.header("X-SuperOffice-Signature"),
        Some(sign(SECRET, &hook.body).as_str())
    );
    assert_eq!(
        hook.header("X-SuperOffice-EventId"),
        payload["EventId"].as_str()
    );
    assert_eq!(hook.header("X-SuperOffice-Event"), Some("contact.changed"));
    assert!(hook
        .header("User-Agent")
        .unwrap()
        .starts_with("NetServer-Webhook/"));
    assert_eq!(
        hook.header("Content-Type"),
        Some("application/json; charset=utf-8")
    );
    assert!(payload["FieldValues"]["updated"].is_string());
}

#[tokio::test]
async fn a_name_change_by_a_salesperson_lists_the_name_column() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;

    tenant
        .sandbox
        .tenant()
        .change_contact(1003, 24, |c| c.name = "Umbenannt AG".into())
        .unwrap();

    let payload = receiver.wait_for(1).await[0].json();
    assert_eq!(payload["ChangedByAssociateId"], 24);
    assert_eq!(
        payload["Changes"],
        json!([
            "contact_id",
            "name",
            "updated",
            "updated_associate_id",
            "updatedCount"
        ])
    );
}

#[tokio::test]
async fn udf_writes_can_list_userdef_columns_or_raise_nothing() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;
    let udf = |value: &str| json!({ "CustomFields": { "SuperOffice:2": value } });

    tenant
        .sandbox
        .faults()
        .set_udf_changes(UdfChanges::UserdefColumns);
    tenant.patch("Contact/1004", udf("7")).await;
    let first = receiver.wait_for(1).await[0].json();
    tenant.sandbox.faults().set_udf_changes(UdfChanges::NoEvent);
    tenant.patch("Contact/1004", udf("8")).await;
    tenant
        .sandbox
        .tenant()
        .change_contact(1005, 23, |c| c.department = "marker".into())
        .unwrap();
    let received = receiver.wait_for(2).await;

    assert!(first["Changes"]
        .as_array()
        .unwrap()
        .contains(&json!("userdef_id")));
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].json()["PrimaryKey"], 1005);
}

#[tokio::test]
async fn a_created_contact_and_person_raise_created_events_with_field_values() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;

    let contact = tenant
        .sandbox
        .tenant()
        .create_contact(Contact::new("Neu GmbH", 23), 23)
        .unwrap();
    let person = so_sandbox::Person::new(contact.id, "Jörg", "Groß");
    tenant.sandbox.tenant().create_person(person, 23).unwrap();

    let received = receiver.wait_for(2).await;
    let (created, person) = (received[0].json(), received[1].json());
    assert_eq!(created["Event"], "contact.created");
    assert_eq!(created["FieldValues"]["associate_id"], 23);
    assert_eq!(person["Event"], "person.created");
    assert_eq!(person["FieldValues"]["contact_id"], contact.id);
}

#[tokio::test]
async fn field_values_can_be_left_out() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;
    tenant.sandbox.faults().set_webhook_field_values(false);

    tenant
        .sandbox
        .tenant()
        .change_contact(1003, 23, |c| c.org_nr = "1".into())
        .unwrap();

    let payload: Value = receiver.wait_for(1).await[0].json();
    assert!(payload.get("FieldValues").is_none());
}

#[tokio::test]
async fn duplicate_copies_share_one_event_id() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;
    tenant.sandbox.faults().set_webhook_copies(2);

    tenant
        .sandbox
        .tenant()
        .change_contact(1003, 23, |c| c.org_nr = "2".into())
        .unwrap();

    let received = receiver.wait_for(2).await;
    assert_eq!(received[0].json()["EventId"], received[1].json()["EventId"]);
}

#[tokio::test]
async fn a_failing_receiver_gets_three_attempts_with_one_event_id() {
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let tenant = spawn_with_webhooks(&receiver).await;

    tenant
        .sandbox
        .tenant()
        .change_contact(1003, 23, |c| c.org_nr = "3".into())
        .unwrap();

    let received = receiver.wait_for(3).await;
    let ids: Vec<Value> = received
        .iter()
        .map(|r| r.json()["EventId"].clone())
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]));
    assert_eq!(received[2].header("X-SuperOffice-Retry"), Some("2"));
    let attempts: Vec<u32> = wait_for_deliveries(&tenant, 3)
        .await
        .iter()
        .map(|d| d.attempt)
        .collect();
    assert_eq!(attempts, [1, 2, 3]);
    assert_eq!(
        tenant.sandbox.faults().webhook_state(),
        WebhookState::Active
    );
}

#[tokio::test]
async fn nine_failed_attempts_switch_the_webhook_off_until_reactivated() {
    let receiver = Receiver::start().await;
    receiver.answer(503);
    let tenant = spawn_with_webhooks(&receiver).await;
    let handle = tenant.sandbox.tenant();

    for n in 0..4 {
        handle
            .change_contact(1003, 23, |c| c.org_nr = format!("n{n}"))
            .unwrap();
    }
    let deliveries = wait_for_deliveries(&tenant, 10).await;

    assert_eq!(receiver.received().len(), 9);
    assert_eq!(deliveries[9].outcome, DeliveryOutcome::Dropped);
    assert_eq!(
        tenant.sandbox.faults().webhook_state(),
        WebhookState::TooManyErrors
    );

    receiver.answer(200);
    tenant
        .sandbox
        .faults()
        .set_webhook_state(WebhookState::Active);
    handle
        .change_contact(1003, 23, |c| c.org_nr = "after".into())
        .unwrap();
    let received = receiver.wait_for(10).await;
    assert_eq!(received[9].json()["PrimaryKey"], 1003);
}

#[tokio::test]
async fn scripted_events_arrive_in_the_order_listed() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;
    let script = json!([
        { "event": "contact.changed", "primary_key": 1001, "changes": ["name"] },
        { "event": "contact.created", "primary_key": 1001, "copies": 2 },
    ]);

    let response = tenant.admin_post("webhook/send", script).await;

    assert_eq!(response.status(), 202);
    let received = receiver.wait_for(3).await;
    let events: Vec<Value> = received.iter().map(|r| r.json()["Event"].clone()).collect();
    assert_eq!(
        events,
        [
            json!("contact.changed"),
            json!("contact.created"),
            json!("contact.created")
        ]
    );
}

#[tokio::test]
async fn the_registration_test_event_is_marked() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;

    tenant.sandbox.tenant().send_test_event();

    let hook = &receiver.wait_for(1).await[0];
    assert_eq!(hook.header("X-Hook-Test"), Some("true"));
    assert_eq!(hook.json()["ContextIdentifier"], "Default");
}

#[tokio::test]
async fn a_410_gone_switches_the_webhook_off_at_once() {
    let receiver = Receiver::start().await;
    receiver.answer(410);
    let tenant = spawn_with_webhooks(&receiver).await;

    tenant
        .sandbox
        .tenant()
        .change_contact(1003, 23, |c| c.org_nr = "gone".into())
        .unwrap();

    let deliveries = wait_for_deliveries(&tenant, 1).await;
    assert_eq!(deliveries[0].status, Some(410));
    assert_eq!(
        tenant.sandbox.faults().webhook_state(),
        WebhookState::TooManyErrors
    );
}

#[tokio::test]
async fn a_failed_event_can_come_again_under_a_new_event_id() {
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let mut target = so_sandbox::WebhookTarget::new(receiver.url.clone(), None);
    target.retry_delays = vec![std::time::Duration::from_millis(5)];
    target.after_failed_cycle = so_sandbox::AfterFailedCycle::Requeue;
    let config = so_sandbox::SandboxConfig {
        webhook: Some(target),
        ..Default::default()
    };
    let tenant = crate::helpers::spawn_with(config).await;

    tenant
        .sandbox
        .tenant()
        .change_contact(1003, 23, |c| c.org_nr = "again".into())
        .unwrap();

    let received = receiver.wait_for(3).await;
    let ids: Vec<Value> = received
        .iter()
        .map(|r| r.json()["EventId"].clone())
        .collect();
    assert_eq!(ids[0], ids[1]);
    assert_ne!(ids[1], ids[2]);
    assert_eq!(received[2].json()["PrimaryKey"], 1003);
}

#[tokio::test]
async fn soft_and_hard_deletes_raise_their_events() {
    let receiver = Receiver::start().await;
    let tenant = spawn_with_webhooks(&receiver).await;

    tenant
        .sandbox
        .tenant()
        .soft_delete_person(5001, 23)
        .unwrap();
    tenant.sandbox.tenant().delete_contact(1003, 23).unwrap();

    let received = receiver.wait_for(2).await;
    let (soft, hard) = (received[0].json(), received[1].json());
    assert_eq!(soft["Event"], "person.softdeleted");
    assert_eq!(hard["Event"], "contact.deleted");
    assert_eq!(hard["Values"]["contact_id"], 1003);
    assert_eq!(hard["Changes"], json!([]));
}
