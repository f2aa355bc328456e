//! The `superoffice` section of the connector's settings, as every binary
//! that talks to the tenant reads it (`SO__SUPEROFFICE__CONTEXT_ID`, …), and
//! the client built from it.
//!
//! The keys are the ones `so-worker` documents in `.env.example`; unknown
//! keys are tolerated, so a binary can read the section another one owns.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use crate::{Client, ClientOptions, Environment, Error, Result, TenantConfig};

/// The `superoffice` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ClientSettings {
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
    /// A fixed API base; when set, tenant status is never asked.
    pub api_base: Option<String>,
    /// Requests per second to the tenant (default 10).
    pub requests_per_second: u32,
    /// Requests in flight at once (default 8).
    pub max_concurrency: usize,
    /// Time allowed for one request, in milliseconds (default 30 s).
    pub request_timeout_ms: u64,
    /// The longest `Retry-After` waited out in place, in milliseconds
    /// (default 1 s).
    pub max_in_place_wait_ms: u64,
    /// How long UDF layouts are kept, in milliseconds (default 15 min).
    pub layout_cache_ms: u64,
}

impl Default for ClientSettings {
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

impl ClientSettings {
    /// The tenant configuration; [`Error::Config`] names the first key that
    /// is missing or unusable.
    pub fn tenant_config(&self) -> Result<TenantConfig> {
        let required = |value: &str, key: &str| {
            if value.trim().is_empty() {
                Err(missing(key))
            } else {
                Ok(value.trim().to_owned())
            }
        };
        let secret = |value: &Option<SecretString>, key: &str| match value {
            Some(secret) if !secret.expose_secret().trim().is_empty() => Ok(secret.clone()),
            _ => Err(missing(key)),
        };

        let mut config = TenantConfig::new(
            self.environment,
            required(&self.context_id, "context_id")?,
            required(&self.client_id, "client_id")?,
            secret(&self.client_secret, "client_secret")?,
            secret(&self.refresh_token, "refresh_token")?,
        );
        config.redirect_uri = self.redirect_uri.clone().filter(|uri| !uri.is_empty());
        config.auth_base = url_setting(&self.auth_base, "auth_base")?;
        config.api_base = url_setting(&self.api_base, "api_base")?;
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

    /// The client for the configured tenant, with `own_associate_id` as the
    /// last resort of [`Client::who_am_i`]. Makes no request.
    pub fn client(&self, own_associate_id: Option<i64>) -> Result<Client> {
        let mut config = self.tenant_config()?;
        config.own_associate_id = own_associate_id;
        Client::new(config, self.client_options())
    }
}

fn missing(key: &str) -> Error {
    Error::Config {
        what: format!(
            "superoffice.{key} is not set (SO__SUPEROFFICE__{})",
            key.to_uppercase()
        ),
    }
}

/// An optional URL setting; empty counts as unset.
fn url_setting(value: &Option<String>, key: &str) -> Result<Option<Url>> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => Url::parse(text).map(Some).map_err(|error| Error::Config {
            what: format!("superoffice.{key} {text:?} is not a URL: {error}"),
        }),
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_secret_names_its_variable() {
        let settings = ClientSettings {
            context_id: "Cust1".into(),
            client_id: "id".into(),
            ..ClientSettings::default()
        };
        let error = settings.tenant_config().unwrap_err();
        assert!(
            error.to_string().contains("SO__SUPEROFFICE__CLIENT_SECRET"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_url_is_a_configuration_error() {
        let secret = Some(SecretString::from("s"));
        let settings = ClientSettings {
            context_id: "Cust1".into(),
            client_id: "id".into(),
            client_secret: secret.clone(),
            refresh_token: secret,
            auth_base: Some("not a url".into()),
            ..ClientSettings::default()
        };
        assert!(matches!(
            settings.tenant_config(),
            Err(Error::Config { .. })
        ));
    }
}
