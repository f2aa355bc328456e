//! A store that cannot take the delivery: 503, so SuperOffice delivers again.

use sqlx::Connection as _;

use crate::helpers::*;

#[tokio::test]
async fn store_locked_by_another_process_answers_503() {
    let app = spawn_app_with(|settings| settings.store.busy_timeout_ms = 50).await;
    let event_id = new_event_id();

    // Another writer holds the lock, as a stuck process would.
    let url = format!("sqlite://{}", app.db_path.display());
    let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let response = app.deliver(&contact_changed(&event_id, 1)).await;
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();

    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    assert_eq!(json_of(response).await["error"], "unavailable");
    assert!(!app.is_stored(&event_id).await);
}

#[tokio::test]
async fn closed_store_answers_503() {
    let app = spawn_app().await;
    app.app_store.close().await;

    let response = app.deliver(&contact_changed(&new_event_id(), 1)).await;

    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn store_answers_again_once_the_lock_is_released() {
    let app = spawn_app_with(|settings| settings.store.busy_timeout_ms = 50).await;
    let url = format!("sqlite://{}", app.db_path.display());
    let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let refused = app.deliver(&contact_changed(&new_event_id(), 1)).await;
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();

    let accepted = app.deliver(&contact_changed(&new_event_id(), 1)).await;

    assert_eq!(refused.status(), 503);
    assert_eq!(accepted.status(), 200);
}
