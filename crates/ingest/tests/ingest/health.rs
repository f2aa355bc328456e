//! `/healthz` and `/readyz`.

use crate::helpers::*;

#[tokio::test]
async fn healthz_answers_200() {
    let app = spawn_app().await;

    let response = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn readyz_answers_200_when_the_store_is_writable() {
    let app = spawn_app().await;

    let response = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(json_of(response).await["status"], "ready");
}

#[tokio::test]
async fn readyz_answers_503_when_the_store_is_closed() {
    let app = spawn_app().await;
    app.app_store.close().await;

    let response = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 503);
}
