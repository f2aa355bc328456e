//! Credentials and tenant failures: each with its exit code and a message
//! that says what to fix.

use so_sandbox::TenantState;

use crate::harness::Env;

#[tokio::test]
async fn a_wrong_client_secret_exits_3_and_says_so() {
    let mut env = Env::start().await;
    env.set("SO__SUPEROFFICE__CLIENT_SECRET", "wrong");

    let run = env.soctl(&["auth", "check"]).await.expect_code(3);

    assert!(run.stderr.contains("invalid_client"), "{}", run.stderr);
    assert!(
        run.stderr.contains("client id and secret"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn a_wrong_client_secret_fails_every_api_command_with_3() {
    let mut env = Env::start().await;
    env.set("SO__SUPEROFFICE__CLIENT_SECRET", "wrong");

    let run = env
        .soctl(&["lists", "Vertical", "--json"])
        .await
        .expect_code(3);

    assert_eq!(run.json()["exit_code"], 3);
}

#[tokio::test]
async fn a_revoked_consent_exits_3_and_asks_for_a_new_consent() {
    let env = Env::start().await;
    env.sandbox.faults().revoke_refresh_token();

    let run = env.soctl(&["auth", "check"]).await.expect_code(3);

    assert!(run.stderr.contains("invalid_grant"), "{}", run.stderr);
    assert!(run.stderr.contains("consent"), "{}", run.stderr);
}

#[tokio::test]
async fn an_unknown_tenant_exits_4_and_names_the_settings_to_check() {
    let mut env = Env::start().await;
    env.set("SO__SUPEROFFICE__CONTEXT_ID", "Cust99999");

    let run = env.soctl(&["auth", "check"]).await.expect_code(4);

    assert!(
        run.stderr.contains("tenant Cust99999 not found"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("SO__SUPEROFFICE__ENVIRONMENT"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn a_tenant_in_maintenance_exits_6() {
    let env = Env::start().await;
    env.sandbox
        .faults()
        .set_tenant_state(TenantState::OfflineMaintenance);

    let run = env.soctl(&["auth", "check"]).await.expect_code(6);

    assert!(run.stderr.contains("not running"), "{}", run.stderr);
}

#[tokio::test]
async fn a_missing_credential_is_a_settings_error() {
    let mut env = Env::start().await;
    env.set("SO__SUPEROFFICE__CLIENT_SECRET", "");

    let run = env.soctl(&["auth", "check"]).await.expect_code(2);

    assert!(
        run.stderr.contains("SO__SUPEROFFICE__CLIENT_SECRET"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn a_good_check_names_the_api_user_and_the_endpoint() {
    let env = Env::start().await;

    let check = env.json(&["auth", "check"]).await;

    assert_eq!(check["associate_id"], 17);
    assert_eq!(check["state"], "Running");
    assert_eq!(
        check["endpoint"].as_str().unwrap(),
        env.sandbox.endpoint().as_str().trim_end_matches('/')
    );
}
