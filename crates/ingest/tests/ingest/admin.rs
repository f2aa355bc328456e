//! The admin listener: dashboard, JSON API and metrics on their own
//! address, loopback unless a credential is set.

use std::process::Command;

use so_ingest::settings::InvalidSettings;
use so_ingest::{Application, StartupError};
use so_metrics::InvalidAdmin;

use crate::helpers::{contact_changed, new_event_id, spawn_app_with, test_settings, TOKEN};

#[tokio::test]
async fn the_admin_listener_serves_the_dashboard_api_and_metrics() {
    let app = spawn_app_with(|_| {}).await;
    let admin = app.admin_address.clone().expect("an admin listener");
    app.deliver(&contact_changed(&new_event_id(), 4711)).await;

    let page = app.client.get(format!("{admin}/")).send().await.unwrap();
    let runs: serde_json::Value = app
        .client
        .get(format!("{admin}/api/runs"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let metrics = app
        .client
        .get(format!("{admin}/metrics"))
        .send()
        .await
        .unwrap();

    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("contact 4711"));
    assert_eq!(runs["runs"][0]["name"], "contact 4711");
    assert_eq!(runs["runs"][0]["status"], "pending");
    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics.contains(r#"so_ingest_deliveries_total{outcome="queued",rule="accepted"} 1"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"so_queue_jobs{status="pending"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn refused_webhooks_are_counted_by_reason() {
    let app = spawn_app_with(|_| {}).await;
    let admin = app.admin_address.clone().unwrap();

    app.post()
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    let metrics = app
        .client
        .get(format!("{admin}/metrics"))
        .send()
        .await
        .unwrap();

    let metrics = metrics.text().await.unwrap();
    assert!(
        metrics.contains(r#"so_ingest_verification_failures_total{reason="token_missing"} 1"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn the_webhook_listener_does_not_serve_the_dashboard() {
    let app = spawn_app_with(|_| {}).await;

    let page = app
        .client
        .get(format!("{}/", app.address))
        .send()
        .await
        .unwrap();
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();

    assert_eq!(page.status(), 404);
    assert_eq!(metrics.status(), 404);
}

#[tokio::test]
async fn with_a_token_the_admin_listener_refuses_requests_without_it() {
    let app = spawn_app_with(|settings| {
        settings.ingest.admin.token = Some("admin-secret".into());
    })
    .await;
    let admin = app.admin_address.clone().unwrap();

    let without = app
        .client
        .get(format!("{admin}/metrics"))
        .send()
        .await
        .unwrap();
    let wrong = app
        .client
        .get(format!("{admin}/"))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    let with = app
        .client
        .get(format!("{admin}/"))
        .bearer_auth("admin-secret")
        .send()
        .await
        .unwrap();
    let browser = app
        .client
        .get(format!("{admin}/"))
        .basic_auth("operator", Some("admin-secret"))
        .send()
        .await
        .unwrap();

    assert_eq!(without.status(), 401);
    assert!(without.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Basic"));
    assert_eq!(wrong.status(), 401);
    assert_eq!(with.status(), 200);
    assert_eq!(browser.status(), 200);
}

#[tokio::test]
async fn the_admin_listener_can_be_turned_off() {
    let app = spawn_app_with(|settings| settings.ingest.admin.listen = "off".into()).await;

    assert!(app.admin_address.is_none());
}

#[tokio::test]
async fn a_non_loopback_admin_listener_without_a_credential_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir);
    settings.ingest.admin.listen = "0.0.0.0:0".into();

    let refused = Application::build(&settings).await;

    let Err(StartupError::Settings(problems)) = &refused else {
        panic!("expected a refusal for want of a credential, got {refused:?}");
    };
    let [InvalidSettings::Admin(InvalidAdmin::NoCredential { address, .. })] = problems.list()
    else {
        panic!("expected a refusal for want of a credential, got {problems:?}");
    };
    assert!(!address.ip().is_loopback());
}

#[test]
fn the_binary_says_why_and_exits_78_for_a_non_loopback_admin_listener_without_a_credential() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join(".env");
    std::fs::write(&env_file, "").unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_so-ingest"))
        .arg("--env-file")
        .arg(&env_file)
        .arg("--check")
        .current_dir(dir.path())
        .env_clear()
        .env("SO__INGEST__WEBHOOK__TOKEN", TOKEN)
        .env("SO__INGEST__ADMIN__LISTEN", "0.0.0.0:8701")
        .output()
        .expect("so-ingest runs");

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(78), "{stderr}");
    assert!(
        stderr.contains("0.0.0.0:8701 is reachable from other hosts"),
        "{stderr}"
    );
    assert!(stderr.contains("SO__INGEST__ADMIN__TOKEN"), "{stderr}");
}
