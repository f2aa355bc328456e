//! `soctl auth check`: can the connector get in, as whom, and where.
//!
//! Three steps, each failure worded for the operator who has to fix it:
//! the tenant status (is the context id known in this environment, is the
//! tenant running), the token refresh (client secret, consent), and who the
//! API user is.

use serde_json::json;
use so_superoffice::{Client, Error, IdentitySource};

use crate::context::Ctx;
use crate::exit::{fail, Code};
use crate::output::pairs;

/// `soctl auth check`.
pub async fn check(ctx: &Ctx) -> anyhow::Result<Code> {
    let client = ctx.client()?;
    let config = client.config();
    let auth_base = config.effective_auth_base();

    // Step 1: where the tenant lives (skipped when the API base is fixed).
    let (endpoint, state) = match &config.api_base {
        Some(api) => (api.to_string(), "not asked (api_base is set)".to_owned()),
        None => {
            let status = client
                .tenant_status()
                .await
                .map_err(|error| tenant_failure(&client, error))?;
            (status.endpoint.clone(), status.state.clone())
        }
    };

    // Step 2: a fresh token.
    client.authenticate().await.map_err(auth_failure)?;

    // Step 3: who the API user is.
    let identity = client.who_am_i().await.map_err(auth_failure)?;
    let principal = identity.principal.clone().unwrap_or_default();
    let source = match identity.source {
        IdentitySource::Principal => "User/currentPrincipal",
        IdentitySource::IdTokenClaim => "id_token claim",
        IdentitySource::Configured => "configured (rules.own_associate_ids)",
    };

    let document = json!({
        "ok": true,
        "tenant": client.context_id(),
        "environment": config.environment.to_string(),
        "auth_base": auth_base.as_str(),
        "endpoint": endpoint,
        "state": state,
        "associate_id": identity.associate_id,
        "associate": principal.associate_name,
        "full_name": principal.full_name,
        "identity_source": source,
    });
    ctx.out.print(&document, || {
        format!(
            "{}\ncredentials ok",
            pairs(&[
                ("tenant", client.context_id().to_owned()),
                ("environment", config.environment.to_string()),
                ("login host", auth_base.to_string()),
                ("api endpoint", endpoint.clone()),
                ("tenant state", state.clone()),
                ("api user", describe_user(&principal, identity.associate_id)),
                ("identity from", source.to_owned()),
            ])
        )
    });
    Ok(Code::Ok)
}

fn describe_user(principal: &so_superoffice::Principal, associate_id: i64) -> String {
    match (
        principal.associate_name.as_str(),
        principal.full_name.as_str(),
    ) {
        ("", "") => format!("associate {associate_id}"),
        (login, "") => format!("{login} (associate {associate_id})"),
        (login, name) => format!("{name}, {login} (associate {associate_id})"),
    }
}

/// Tenant status failures: unknown tenant, not running, unreachable.
fn tenant_failure(client: &Client, error: Error) -> anyhow::Error {
    let ctx = client.context_id();
    let config = client.config();
    let host = config.effective_auth_base();
    match error {
        Error::NotFound { .. } => fail(
            Code::NotFound,
            format!(
                "tenant {ctx} not found at {host} (environment {}): check \
                 SO__SUPEROFFICE__CONTEXT_ID and SO__SUPEROFFICE__ENVIRONMENT (sod, stage, \
                 online)",
                config.environment
            ),
        ),
        Error::Unavailable { reason, .. } => fail(
            Code::Unavailable,
            format!("{reason}; the API is unavailable until it runs again (maintenance?)"),
        ),
        other => anyhow::Error::new(other)
            .context(format!("cannot read the tenant status of {ctx} at {host}")),
    }
}

/// Token and identity failures: the client's messages already name the
/// cause (invalid_client, invalid_grant, a 401 after a fresh token).
fn auth_failure(error: Error) -> anyhow::Error {
    match error {
        Error::Auth { cause } => fail(Code::Auth, format!("authentication failed: {cause}")),
        Error::Forbidden { message } => fail(
            Code::Auth,
            format!("the API user lacks the rights: {message}"),
        ),
        other => anyhow::Error::new(other),
    }
}
