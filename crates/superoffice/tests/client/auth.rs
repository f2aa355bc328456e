//! Tokens: refresh on 401, one refresh for many callers, revoked consent.

use so_superoffice::Error;

use crate::harness::{statuses_of, tenant, token_requests};

#[tokio::test]
async fn expired_token_is_refreshed_and_the_call_succeeds() {
    let tenant = tenant().await;
    tenant.client.get_contact(1).await.expect("first read");
    tenant.sandbox.faults().expire_access_tokens();

    let contact = tenant
        .client
        .get_contact(1)
        .await
        .expect("read after expiry");

    assert_eq!(contact.id, 1);
    assert_eq!(token_requests(&tenant.sandbox), 2);
    assert_eq!(
        statuses_of(&tenant.sandbox, "/v1/Contact/1"),
        [200, 401, 200]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_requests_share_one_refresh() {
    let tenant = tenant().await;
    tenant.client.get_contact(1).await.expect("warm-up read");
    tenant.sandbox.faults().expire_access_tokens();
    tenant.sandbox.clear_requests();

    let reads = (0..50).map(|_| {
        let client = tenant.client.clone();
        tokio::spawn(async move { client.get_contact(1).await })
    });
    let results = futures::future::join_all(reads).await;

    for result in results {
        result.expect("the task ran").expect("every read succeeds");
    }
    assert_eq!(token_requests(&tenant.sandbox), 1);
}

#[tokio::test]
async fn revoked_refresh_token_is_a_permanent_auth_error() {
    let tenant = tenant().await;
    tenant.client.get_contact(1).await.expect("first read");
    tenant.sandbox.faults().revoke_refresh_token();
    tenant.sandbox.faults().expire_access_tokens();

    let error = tenant
        .client
        .get_contact(1)
        .await
        .expect_err("the refresh is refused");

    let Error::Auth { cause } = &error else {
        panic!("expected an auth error, got {error:?}")
    };
    assert!(cause.contains("invalid_grant"), "{cause}");
    assert!(cause.contains("re-run the consent flow"), "{cause}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_refused_refresh_is_remembered_instead_of_retried() {
    let tenant = tenant().await;
    tenant.sandbox.faults().revoke_refresh_token();
    tenant
        .client
        .get_contact(1)
        .await
        .expect_err("the refresh is refused");

    for _ in 0..5 {
        let error = tenant
            .client
            .get_contact(2)
            .await
            .expect_err("still refused");
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
    }

    assert_eq!(token_requests(&tenant.sandbox), 1);
}

#[tokio::test]
async fn a_new_refresh_token_clears_the_remembered_failure() {
    let tenant = tenant().await;
    tenant.sandbox.faults().revoke_refresh_token();
    tenant
        .client
        .authenticate()
        .await
        .expect_err("the refresh is refused");

    tenant.sandbox.faults().restore_refresh_token();
    let token = tenant.sandbox.config().refresh_token.clone();
    tenant.client.replace_refresh_token(token.into()).await;

    tenant
        .client
        .authenticate()
        .await
        .expect("a fresh consent works");
}

#[tokio::test]
async fn the_refresh_is_sent_as_a_form_body() {
    let tenant = tenant().await;

    tenant.client.authenticate().await.expect("token");

    let requests = tenant.sandbox.requests();
    let refresh = requests
        .iter()
        .find(|r| r.path.ends_with("/oauth/tokens"))
        .expect("logged");
    let body = refresh.body.as_deref().unwrap_or_default();
    assert!(body.contains("grant_type=refresh_token"), "{body}");
    assert!(refresh.query.is_empty(), "no secrets in the query string");
}
