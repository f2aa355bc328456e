//! Deliveries that are accepted: what is answered and what is on disk.

use futures::future::join_all;
use so_queue::{JobFilter, JobStatus};

use crate::helpers::*;

#[tokio::test]
async fn valid_signed_delivery_is_queued_and_on_disk() {
    let app = spawn_app().await;
    let event_id = new_event_id();

    let response = app.deliver(&contact_changed(&event_id, 4711)).await;

    assert_eq!(response.status(), 200);
    let body = json_of(response).await;
    assert_eq!(body["status"], "queued");
    assert_eq!(body["event_id"], event_id.as_str());
    let job = app.job(body["job_id"].as_i64().unwrap()).await;
    assert_eq!(job.job.status, JobStatus::Pending);
    assert_eq!(
        (job.job.entity.as_str(), job.job.entity_id),
        ("contact", 4711)
    );
    assert_eq!(job.deliveries[0].event_id, event_id);
}

#[tokio::test]
async fn redelivered_event_is_stored_once() {
    let app = spawn_app().await;
    let body = contact_changed(&new_event_id(), 4711);

    let first = json_of(app.deliver(&body).await).await;
    let again = app.deliver(&body).await;

    assert_eq!(again.status(), 200);
    assert_eq!(json_of(again).await["status"], "duplicate");
    let job = app.job(first["job_id"].as_i64().unwrap()).await;
    assert_eq!(job.deliveries.len(), 1);
    assert_eq!(job.job.delivery_count, 1);
}

#[tokio::test]
async fn concurrent_deliveries_for_one_entity_make_one_pending_job() {
    let app = spawn_app().await;
    let bodies: Vec<String> = (0..50)
        .map(|_| contact_changed(&new_event_id(), 4711))
        .collect();

    let responses = join_all(bodies.iter().map(|body| app.deliver(body))).await;

    let mut job_ids = Vec::new();
    for response in responses {
        assert_eq!(response.status(), 200);
        let body = json_of(response).await;
        assert!(
            ["queued", "joined"].contains(&body["status"].as_str().unwrap()),
            "{body}"
        );
        job_ids.push(body["job_id"].as_i64().unwrap());
    }
    job_ids.dedup();
    assert_eq!(job_ids.len(), 1, "every delivery names the same job");
    let filter = JobFilter {
        status: Some(JobStatus::Pending),
        ..JobFilter::default()
    };
    let pending = app.store.list_jobs(&filter).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].delivery_count, 50);
}

#[tokio::test]
async fn registration_test_event_is_acknowledged_and_not_queued() {
    let app = spawn_app().await;
    let event_id = new_event_id();
    let body = serde_json::json!({
        "EventId": event_id, "Timestamp": "2025-03-11T09:00:00.0000000Z", "Changes": [],
        "Event": "test", "PrimaryKey": 0, "Entity": "test", "ContextIdentifier": "Default",
        "ChangedByAssociateId": 0, "WebhookName": "enrichment-connector"
    })
    .to_string();

    let response = app
        .client
        .post(format!("{}?token={TOKEN}", app.webhook_url))
        .header("Content-Type", "application/json; charset=utf-8")
        .header("X-Hook-Test", "true")
        .header(
            "X-SuperOffice-Signature",
            so_ingest::verify::sign(SECRET, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await["status"], "ignored");
    assert!(
        app.is_stored(&event_id).await,
        "an acknowledged webhook is on disk"
    );
    assert!(app
        .store
        .list_jobs(&JobFilter::default())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn echo_of_own_write_is_stored_as_skipped_with_its_reason() {
    let app = spawn_app().await;
    let body = webhook(
        &new_event_id(),
        "contact.changed",
        4711,
        &["name"],
        OWN_ASSOCIATE,
    );

    let answer = json_of(app.deliver(&body).await).await;

    assert_eq!(answer["status"], "skipped", "{answer}");
    let job = app.job(answer["job_id"].as_i64().unwrap()).await.job;
    assert_eq!(job.status, JobStatus::Skipped);
    assert_eq!(job.rule.as_deref(), answer["rule"].as_str());
    assert!(job.reason.is_some_and(|reason| !reason.is_empty()));
}

#[tokio::test]
async fn change_of_unwatched_fields_is_stored_as_skipped() {
    let app = spawn_app().await;
    let body = webhook(
        &new_event_id(),
        "contact.changed",
        4711,
        &["department", "updated"],
        23,
    );

    let answer = json_of(app.deliver(&body).await).await;

    assert_eq!(answer["status"], "skipped", "{answer}");
    let job = app.job(answer["job_id"].as_i64().unwrap()).await.job;
    assert_eq!(job.status, JobStatus::Skipped);
}

#[tokio::test]
async fn unhandled_event_is_stored_with_its_reason_and_makes_no_job() {
    let app = spawn_app().await;
    let event_id = new_event_id();
    let body = webhook(&event_id, "sale.changed", 12, &["amount"], 23);

    let response = app.deliver(&body).await;

    assert_eq!(response.status(), 200);
    let answer = json_of(response).await;
    assert_eq!(answer["status"], "ignored", "{answer}");
    assert!(
        answer["reason"].as_str().unwrap().contains("sale.changed"),
        "{answer}"
    );
    assert!(app.is_stored(&event_id).await);
    assert!(app
        .store
        .list_jobs(&JobFilter::default())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn keys_in_any_case_are_accepted() {
    let app = spawn_app().await;
    let event_id = new_event_id();
    let body = serde_json::json!({
        "eventId": event_id, "event": "person.changed", "primary_key": "90210",
        "ENTITY": "person", "changes": ["title"], "changedByAssociateId": 23,
        "context_identifier": "Cust12345", "SomethingNew": {"x": 1}
    })
    .to_string();

    let answer = json_of(app.deliver(&body).await).await;

    assert_eq!(answer["status"], "queued", "{answer}");
    let job = app.job(answer["job_id"].as_i64().unwrap()).await.job;
    assert_eq!((job.entity.as_str(), job.entity_id), ("person", 90210));
    assert_eq!(job.tenant, "Cust12345");
}

#[tokio::test]
async fn token_in_header_is_accepted_like_the_query() {
    let app = spawn_app().await;
    let body = contact_changed(&new_event_id(), 1);

    let response = app
        .post()
        .header("Content-Type", "application/json")
        .header("X-Connector-Token", TOKEN)
        .header(
            "X-SuperOffice-Signature",
            so_ingest::verify::sign(SECRET, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn token_alone_is_enough_when_no_secret_is_set() {
    let app = spawn_app_with(|settings| settings.ingest.webhook.secret = None).await;
    let body = contact_changed(&new_event_id(), 1);

    let response = app
        .post()
        .query(&[("token", TOKEN)])
        .header("Content-Type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn delivery_for_another_tenant_is_stored_as_ignored_and_makes_no_job() {
    let app = spawn_app_with(|settings| {
        settings.superoffice.context_id = "Cust12345".into();
    })
    .await;
    let event_id = new_event_id();
    let body = contact_changed(&event_id, 4711).replace("Cust12345", "Cust99999");

    let response = app.deliver(&body).await;

    assert_eq!(response.status(), 200);
    let answer = json_of(response).await;
    assert_eq!(answer["status"], "ignored", "{answer}");
    assert_eq!(answer["rule"], "other_tenant", "{answer}");
    assert!(app.is_stored(&event_id).await);
    assert!(app
        .store
        .list_jobs(&JobFilter::default())
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn served_tenant_is_matched_ignoring_ascii_case() {
    let app = spawn_app_with(|settings| {
        settings.superoffice.context_id = "Cust12345".into();
    })
    .await;
    let body = contact_changed(&new_event_id(), 4711).replace("Cust12345", "CUST12345");

    let answer = json_of(app.deliver(&body).await).await;

    assert_eq!(answer["status"], "queued", "{answer}");
}

#[tokio::test]
async fn test_event_in_the_body_alone_is_ignored_whatever_the_served_tenant() {
    let app = spawn_app_with(|settings| {
        settings.superoffice.context_id = "Cust12345".into();
    })
    .await;
    let body = serde_json::json!({
        "EventId": new_event_id(), "Event": "test", "Entity": "test", "PrimaryKey": 0,
        "ContextIdentifier": "Default", "Changes": []
    })
    .to_string();

    let answer = json_of(app.deliver(&body).await).await;

    assert_eq!(answer["status"], "ignored", "{answer}");
    assert_eq!(answer["rule"], "test_event", "{answer}");
}
