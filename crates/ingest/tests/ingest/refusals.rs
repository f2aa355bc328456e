//! Requests refused with a 4xx: what the caller is told, and that nothing
//! is stored.

use so_ingest::verify::sign;

use crate::helpers::*;

/// Posts `body` with the token, this content type and signature header.
async fn post(
    app: &TestApp,
    body: &str,
    content_type: &str,
    signature: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .post()
        .query(&[("token", TOKEN)])
        .header("Content-Type", content_type);
    if let Some(signature) = signature {
        request = request.header("X-SuperOffice-Signature", signature);
    }
    request.body(body.to_owned()).send().await.unwrap()
}

#[tokio::test]
async fn missing_signature_is_401_and_nothing_is_stored() {
    let app = spawn_app().await;
    let event_id = new_event_id();

    let response = post(
        &app,
        &contact_changed(&event_id, 1),
        "application/json",
        None,
    )
    .await;

    assert_eq!(response.status(), 401);
    let body = json_of(response).await;
    assert_eq!(body["error"], "unauthorized");
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("X-SuperOffice-Signature"));
    assert!(!app.is_stored(&event_id).await);
}

#[tokio::test]
async fn signature_of_another_body_is_401_and_nothing_is_stored() {
    let app = spawn_app().await;
    let event_id = new_event_id();
    let body = contact_changed(&event_id, 1);
    let signature = sign(SECRET, format!("{body}\n").as_bytes());

    let response = post(&app, &body, "application/json", Some(&signature)).await;

    assert_eq!(response.status(), 401);
    assert!(!app.is_stored(&event_id).await);
}

#[tokio::test]
async fn wrong_token_is_401_and_nothing_is_stored() {
    let app = spawn_app().await;
    let event_id = new_event_id();
    let body = contact_changed(&event_id, 1);

    let response = app
        .post()
        .query(&[("token", "not-the-token")])
        .header("Content-Type", "application/json")
        .header("X-SuperOffice-Signature", sign(SECRET, body.as_bytes()))
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    assert!(!app.is_stored(&event_id).await);
}

#[tokio::test]
async fn missing_token_is_401() {
    let app = spawn_app().await;
    let body = contact_changed(&new_event_id(), 1);

    let response = app
        .post()
        .header("Content-Type", "application/json")
        .header("X-SuperOffice-Signature", sign(SECRET, body.as_bytes()))
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    assert!(json_of(response).await["message"]
        .as_str()
        .unwrap()
        .contains("token"));
}

#[tokio::test]
async fn body_over_the_limit_is_413() {
    let app = spawn_app_with(|settings| settings.ingest.max_body_bytes = 1024).await;
    let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(2048));

    let response = post(
        &app,
        &body,
        "application/json",
        Some(&sign(SECRET, body.as_bytes())),
    )
    .await;

    assert_eq!(response.status(), 413);
    assert_eq!(json_of(response).await["error"], "payload_too_large");
}

#[tokio::test]
async fn body_that_is_not_json_is_400() {
    let app = spawn_app().await;
    let body = "EventId=1&Event=contact.changed";

    let response = post(
        &app,
        body,
        "application/json",
        Some(&sign(SECRET, body.as_bytes())),
    )
    .await;

    assert_eq!(response.status(), 400);
    assert_eq!(json_of(response).await["error"], "invalid_payload");
}

#[tokio::test]
async fn primary_key_of_the_wrong_type_is_400_naming_the_field() {
    let app = spawn_app().await;
    let body =
        contact_changed(&new_event_id(), 1).replace("\"PrimaryKey\":1", "\"PrimaryKey\":[1]");

    let response = post(
        &app,
        &body,
        "application/json",
        Some(&sign(SECRET, body.as_bytes())),
    )
    .await;

    assert_eq!(response.status(), 400);
    let answer = json_of(response).await;
    assert_eq!(answer["field"], "PrimaryKey");
    assert!(
        answer["message"].as_str().unwrap().contains("PrimaryKey"),
        "{answer}"
    );
}

#[tokio::test]
async fn content_type_other_than_json_is_415() {
    let app = spawn_app().await;
    let body = contact_changed(&new_event_id(), 1);

    let response = post(
        &app,
        &body,
        "text/plain",
        Some(&sign(SECRET, body.as_bytes())),
    )
    .await;

    assert_eq!(response.status(), 415);
    assert_eq!(json_of(response).await["error"], "unsupported_media_type");
}

#[tokio::test]
async fn unknown_path_is_404_json() {
    let app = spawn_app().await;

    let response = app
        .client
        .get(format!("{}/nowhere", app.address))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
    assert_eq!(json_of(response).await["error"], "not_found");
}

#[tokio::test]
async fn wrong_method_on_the_webhook_is_405_naming_post() {
    let app = spawn_app().await;

    let response = app.client.get(&app.webhook_url).send().await.unwrap();

    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    assert_eq!(json_of(response).await["error"], "method_not_allowed");
}

#[tokio::test]
async fn delivery_without_context_identifier_is_400_naming_it_and_not_stored() {
    let app = spawn_app().await;
    let event_id = new_event_id();
    let body = contact_changed(&event_id, 4711).replace("\"ContextIdentifier\":\"Cust12345\",", "");
    assert!(!body.contains("ContextIdentifier"), "{body}");

    let response = app.deliver(&body).await;

    assert_eq!(response.status(), 400);
    assert_eq!(json_of(response).await["field"], "ContextIdentifier");
    assert!(!app.is_stored(&event_id).await);
}

#[tokio::test]
async fn primary_key_0_outside_the_test_event_is_400() {
    let app = spawn_app().await;
    let event_id = new_event_id();

    let response = app.deliver(&contact_changed(&event_id, 0)).await;

    assert_eq!(response.status(), 400);
    let answer = json_of(response).await;
    assert_eq!(answer["field"], "PrimaryKey");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("PrimaryKey: must be a positive integer"),
        "{answer}"
    );
    assert!(!app.is_stored(&event_id).await);
}
