//! The token endpoint, expiry, revocation and tenant status.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::Value;
use so_sandbox::SandboxConfig;

use crate::helpers::{spawn, spawn_with};

fn grant(config: &SandboxConfig) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "refresh_token".to_owned()),
        ("client_id", config.client_id.clone()),
        ("client_secret", config.client_secret.clone()),
        ("refresh_token", config.refresh_token.clone()),
    ]
}

#[tokio::test]
async fn refresh_grant_in_a_form_body_issues_a_bearer_token_without_refresh_token() {
    let tenant = spawn().await;

    let response = tenant
        .http
        .post(tenant.sandbox.token_url())
        .form(&grant(tenant.sandbox.config()))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["access_token"]
        .as_str()
        .unwrap()
        .starts_with("8A:Cust12345."));
    assert_eq!(body["expires_in"], 3600);
    assert!(body.get("refresh_token").is_none());
}

#[tokio::test]
async fn refresh_grant_in_the_query_string_is_accepted_too() {
    let tenant = spawn().await;
    let mut url = tenant.sandbox.token_url();
    url.query_pairs_mut()
        .extend_pairs(grant(tenant.sandbox.config()));

    let response = tenant.http.post(url).send().await.unwrap();

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn id_token_carries_the_identity_claims() {
    let tenant = spawn().await;
    let response = tenant
        .http
        .post(tenant.sandbox.token_url())
        .form(&grant(tenant.sandbox.config()))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();

    let id_token = body["id_token"].as_str().unwrap();
    let claims = id_token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();

    let claim =
        |name: &str| claims[format!("http://schemes.superoffice.net/identity/{name}")].clone();
    assert_eq!(claim("ctx"), "Cust12345");
    assert_eq!(claim("associateid"), "17");
    assert_eq!(
        claim("webapi_url"),
        format!("{}/", tenant.sandbox.api_base())
    );
}

#[tokio::test]
async fn wrong_client_secret_is_invalid_client() {
    let tenant = spawn().await;
    let mut form = grant(tenant.sandbox.config());
    form[2].1 = "wrong".to_owned();

    let response = tenant
        .http
        .post(tenant.sandbox.token_url())
        .form(&form)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
}

#[tokio::test]
async fn revoked_refresh_token_is_invalid_grant() {
    let tenant = spawn().await;
    tenant.sandbox.faults().revoke_refresh_token();

    let response = tenant
        .http
        .post(tenant.sandbox.token_url())
        .form(&grant(tenant.sandbox.config()))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

#[tokio::test]
async fn an_expired_access_token_answers_401() {
    let config = SandboxConfig {
        access_token_ttl: Duration::ZERO,
        ..SandboxConfig::default()
    };
    let tenant = spawn_with(config).await;

    let response = tenant.get("Contact/1001").await;

    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn expiring_all_tokens_makes_a_valid_token_answer_401() {
    let tenant = spawn().await;
    let token = tenant.token().await;
    let url = tenant.api("Contact/1001");
    let before = tenant
        .http
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();

    tenant.sandbox.faults().expire_access_tokens();
    let after = tenant
        .http
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();

    assert_eq!(before.status(), 200);
    assert_eq!(after.status(), 401);
}

#[tokio::test]
async fn a_request_without_bearer_token_answers_401() {
    let tenant = spawn().await;

    let response = tenant
        .http
        .get(tenant.api("Contact/1001"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn tenant_status_names_the_endpoint_and_needs_no_auth() {
    let tenant = spawn().await;

    let status: Value = tenant
        .http
        .get(tenant.sandbox.status_url())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(status["ContextIdentifier"], "Cust12345");
    assert_eq!(status["State"], "Running");
    assert_eq!(status["IsRunning"], true);
    assert_eq!(status["Endpoint"], tenant.sandbox.endpoint().as_str());
    assert_eq!(status["Api"], tenant.sandbox.api_base().as_str());
}
