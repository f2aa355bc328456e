//! Starting a sandbox tenant and a client pointed at it.

use secrecy::SecretString;
use so_sandbox::{RunningSandbox, SandboxConfig};
use so_superoffice::{Client, ClientOptions, Environment, TenantConfig};

/// A running sandbox and a client for it.
pub struct TestTenant {
    pub sandbox: RunningSandbox,
    pub client: Client,
}

/// A sandbox with the shipped seed and a client with test options.
pub async fn tenant() -> TestTenant {
    tenant_with(SandboxConfig::default()).await
}

/// A sandbox started from `config` and a client with test options.
pub async fn tenant_with(config: SandboxConfig) -> TestTenant {
    let sandbox = so_sandbox::start(config).await.expect("the sandbox starts");
    let client = client_for(&sandbox, test_options());
    TestTenant { sandbox, client }
}

/// Options for tests: a generous rate so pacing never dominates a test.
pub fn test_options() -> ClientOptions {
    ClientOptions {
        requests_per_second: 1000,
        max_concurrency: 16,
        ..ClientOptions::default()
    }
}

/// A client configured with the sandbox's credentials, finding the API
/// through the sandbox's tenant-status endpoint.
pub fn client_for(sandbox: &RunningSandbox, options: ClientOptions) -> Client {
    Client::new(tenant_config(sandbox), options).expect("a valid configuration")
}

/// The tenant configuration a connector would use for the sandbox.
pub fn tenant_config(sandbox: &RunningSandbox) -> TenantConfig {
    let settings = sandbox.config();
    let mut config = TenantConfig::new(
        Environment::Sod,
        settings.context_identifier.clone(),
        settings.client_id.clone(),
        SecretString::from(settings.client_secret.clone()),
        SecretString::from(settings.refresh_token.clone()),
    );
    config.auth_base = Some(sandbox.auth_base());
    config
}

/// How many requests reached the token endpoint.
pub fn token_requests(sandbox: &RunningSandbox) -> usize {
    requests_to(sandbox, "/login/common/oauth/tokens")
}

/// How many requests reached a path ending in `suffix`.
pub fn requests_to(sandbox: &RunningSandbox, suffix: &str) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|request| request.path.ends_with(suffix))
        .count()
}

/// The statuses answered on paths ending in `suffix`, oldest first.
pub fn statuses_of(sandbox: &RunningSandbox, suffix: &str) -> Vec<u16> {
    let requests = sandbox.requests();
    requests
        .iter()
        .filter(|r| r.path.ends_with(suffix))
        .map(|r| r.status)
        .collect()
}
