//! The `superoffice` section: which tenant, with which credentials, and how
//! fast; and the client built from it.
//!
//! The section is meant to be shared with `soctl`, which talks to the same
//! tenant, so unknown keys are tolerated here.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use so_superoffice::{Client, ClientOptions, Environment, TenantConfig};
use url::Url;

use crate::validate::InvalidSettings;

/// The `superoffice` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct SuperOfficeSettings {
    /// `sod`, `stage` or `online` (default): picks the login host.
    pub environment: Environment,
    /// The tenant, `Cust12345`.
    pub context_id: String,
    /// The application's client id.
    pub client_id: String,
    /// The application's client secret.
    pub client_secret: Option<SecretString>,
    /// The refresh token from the one-off consent.
    pub refresh_token: Option<SecretString>,
    /// Sent with token refreshes when set; must equal a registered one.
    pub redirect_uri: Option<String>,
    /// Overrides the environment's login host (the sandbox's URL, or a
    /// stage host other than `qaonline`).
    pub auth_base: Option<String>,
    /// A fixed API base (`https://online3.superoffice.com/Cust12345/api`);
    /// when set, tenant status is never asked. Leave unset in production:
    /// the host moves.
    pub api_base: Option<String>,
    /// Requests per second to the tenant (default 10; SuperOffice publishes
    /// no limit and 10/s is what other clients keep to).
    pub requests_per_second: u32,
    /// Requests in flight at once (default 8).
    pub max_concurrency: usize,
    /// Time allowed for one request, answer included, in milliseconds
    /// (default 30 s).
    pub request_timeout_ms: u64,
    /// The longest `Retry-After` the client waits out itself, in
    /// milliseconds (default 1 s); longer waits put the job back in the
    /// queue instead.
    pub max_in_place_wait_ms: u64,
    /// How long UDF layouts (field types and lengths) are kept, in
    /// milliseconds (default 15 min).
    pub layout_cache_ms: u64,
}

impl Default for SuperOfficeSettings {
    fn default() -> Self {
        let client = ClientOptions::default();
        Self {
            environment: Environment::Online,
            context_id: String::new(),
            client_id: String::new(),
            client_secret: None,
            refresh_token: None,
            redirect_uri: None,
            auth_base: None,
            api_base: None,
            requests_per_second: client.requests_per_second,
            max_concurrency: client.max_concurrency,
            request_timeout_ms: millis(client.request_timeout),
            max_in_place_wait_ms: millis(client.max_in_place_wait),
            layout_cache_ms: millis(client.layout_cache_ttl),
        }
    }
}

impl SuperOfficeSettings {
    /// The tenant configuration, or what is missing from it.
    pub fn tenant_config(&self) -> Result<TenantConfig, InvalidSettings> {
        let required = |value: &str, key: &'static str| {
            if value.trim().is_empty() {
                Err(InvalidSettings::Missing(key))
            } else {
                Ok(())
            }
        };
        let secret = |value: &Option<SecretString>, key: &'static str| match value {
            Some(secret) if !secret.expose_secret().trim().is_empty() => Ok(secret.clone()),
            _ => Err(InvalidSettings::Missing(key)),
        };
        required(&self.context_id, "superoffice.context_id")?;
        required(&self.client_id, "superoffice.client_id")?;

        let mut config = TenantConfig::new(
            self.environment,
            self.context_id.trim(),
            self.client_id.trim(),
            secret(&self.client_secret, "superoffice.client_secret")?,
            secret(&self.refresh_token, "superoffice.refresh_token")?,
        );
        config.redirect_uri = self.redirect_uri.clone().filter(|uri| !uri.is_empty());
        config.auth_base = parse_url(&self.auth_base, "superoffice.auth_base")?;
        config.api_base = parse_url(&self.api_base, "superoffice.api_base")?;
        Ok(config)
    }

    /// How the client paces and times its calls.
    pub fn client_options(&self) -> ClientOptions {
        ClientOptions {
            requests_per_second: self.requests_per_second.max(1),
            max_concurrency: self.max_concurrency.max(1),
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            max_in_place_wait: Duration::from_millis(self.max_in_place_wait_ms),
            layout_cache_ttl: Duration::from_millis(self.layout_cache_ms),
            ..ClientOptions::default()
        }
    }

    /// The client for the configured tenant. Makes no request.
    pub fn client(&self) -> Result<Client, InvalidSettings> {
        Client::new(self.tenant_config()?, self.client_options())
            .map_err(|error| InvalidSettings::Client(error.to_string()))
    }
}

/// An optional URL setting; empty counts as unset.
fn parse_url(value: &Option<String>, key: &'static str) -> Result<Option<Url>, InvalidSettings> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Url::parse(text)
            .map(Some)
            .map_err(|_| InvalidSettings::Url {
                key,
                value: text.to_owned(),
            }),
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
