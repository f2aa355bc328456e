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
#[serde(default, deny_unknown_fields)]
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
    /// The tenant configuration. When keys are missing or unusable, one
    /// [`Error::Config`] names every one of them, so that soctl's operator
    /// fixes them in one go.
    pub fn tenant_config(&self) -> Result<TenantConfig> {
        self.read_tenant().map_err(|problems| Error::Config {
            what: problems.join("; "),
        })
    }

    /// Every key that is missing or unusable, one [`Error::Config`] each, in
    /// the order of the section; empty when [`Self::tenant_config`] works.
    pub fn problems(&self) -> Vec<Error> {
        let problems = self.read_tenant().err().unwrap_or_default();
        problems
            .into_iter()
            .map(|what| Error::Config { what })
            .collect()
    }

    /// The tenant configuration, or a sentence for each unusable key.
    fn read_tenant(&self) -> Result<TenantConfig, Vec<String>> {
        let mut keys = Keys::default();
        let mut config = TenantConfig::new(
            self.environment,
            keys.required(&self.context_id, "context_id"),
            keys.required(&self.client_id, "client_id"),
            keys.secret(&self.client_secret, "client_secret"),
            keys.secret(&self.refresh_token, "refresh_token"),
        );
        config.redirect_uri = self.redirect_uri.clone().filter(|uri| !uri.is_empty());
        config.auth_base = keys.url(&self.auth_base, "auth_base");
        config.api_base = keys.url(&self.api_base, "api_base");

        if keys.problems.is_empty() {
            Ok(config)
        } else {
            Err(keys.problems)
        }
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

/// Reads the keys of the section, noting each one that cannot be used
/// rather than stopping at the first. A value read from a bad key is a
/// placeholder that is never used: the configuration is then refused.
#[derive(Default)]
struct Keys {
    /// One sentence per unusable key, naming its variable.
    problems: Vec<String>,
}

impl Keys {
    /// A text value that must not be blank.
    fn required(&mut self, value: &str, key: &str) -> String {
        if value.trim().is_empty() {
            self.missing(key);
        }
        value.trim().to_owned()
    }

    /// A secret that must be set and not blank.
    fn secret(&mut self, value: &Option<SecretString>, key: &str) -> SecretString {
        match value {
            Some(secret) if !secret.expose_secret().trim().is_empty() => secret.clone(),
            _ => {
                self.missing(key);
                SecretString::from("")
            }
        }
    }

    /// An optional URL; empty counts as unset.
    fn url(&mut self, value: &Option<String>, key: &str) -> Option<Url> {
        let text = value
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())?;
        Url::parse(text)
            .map_err(|error| {
                let problem = format!("superoffice.{key} {text:?} is not a URL: {error}");
                self.problems.push(problem);
            })
            .ok()
    }

    fn missing(&mut self, key: &str) {
        self.problems.push(format!(
            "superoffice.{key} is not set (SO__SUPEROFFICE__{})",
            key.to_uppercase()
        ));
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
    fn every_missing_key_is_named_at_once() {
        let settings = ClientSettings {
            api_base: Some("not a url".into()),
            ..ClientSettings::default()
        };

        let problems = settings.problems();
        let error = settings.tenant_config().unwrap_err().to_string();

        assert_eq!(problems.len(), 5, "{problems:?}");
        for variable in ["CONTEXT_ID", "CLIENT_ID", "CLIENT_SECRET", "REFRESH_TOKEN"] {
            assert!(
                error.contains(&format!("SO__SUPEROFFICE__{variable}")),
                "{error}"
            );
        }
        assert!(error.contains("superoffice.api_base"), "{error}");
    }

    /// A section with every required key.
    fn complete() -> ClientSettings {
        let secret = Some(SecretString::from("s"));
        ClientSettings {
            context_id: "Cust1".into(),
            client_id: "id".into(),
            client_secret: secret.clone(),
            refresh_token: secret,
            ..ClientSettings::default()
        }
    }

    #[test]
    fn a_complete_section_has_no_problems() {
        let settings = complete();

        assert!(settings.problems().is_empty());
        assert_eq!(settings.tenant_config().unwrap().context_id, "Cust1");
    }

    #[test]
    fn a_bad_url_is_a_configuration_error() {
        let settings = ClientSettings {
            auth_base: Some("not a url".into()),
            ..complete()
        };
        assert!(matches!(
            settings.tenant_config(),
            Err(Error::Config { .. })
        ));
    }
}
