//! What the client needs to know about a tenant, and how it should behave.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

/// A SuperOffice environment. Each has its own login host, client ids and
/// tenants; the login host is for authentication and tenant status only, API
/// calls go to the tenant's own numbered host (see `tenant.rs`).
///
/// Read from settings as [`FromStr`] reads it (`prod` is `online`), so that
/// a wrong value names the accepted ones rather than serde's variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Environment {
    /// Development ("SOD"): `https://sod.superoffice.com`.
    Sod,
    /// Stage: `https://qaonline.superoffice.com`. Some pages name the host
    /// `stage`; if that is the current one, set [`TenantConfig::auth_base`].
    Stage,
    /// Production: `https://online.superoffice.com`.
    Online,
}

impl Environment {
    /// The environment's login (auth and tenant-status) host.
    pub fn auth_base(self) -> Url {
        let base = match self {
            Environment::Sod => "https://sod.superoffice.com/",
            Environment::Stage => "https://qaonline.superoffice.com/",
            Environment::Online => "https://online.superoffice.com/",
        };
        Url::parse(base).expect("the built-in hosts are valid URLs")
    }
}

impl FromStr for Environment {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name.trim().to_ascii_lowercase().as_str() {
            "sod" | "dev" | "development" => Ok(Environment::Sod),
            "stage" | "qaonline" => Ok(Environment::Stage),
            "online" | "production" | "prod" => Ok(Environment::Online),
            other => Err(format!(
                "environment {other:?}: expected sod, stage or online"
            )),
        }
    }
}

impl TryFrom<String> for Environment {
    type Error = String;

    fn try_from(name: String) -> Result<Self, Self::Error> {
        name.parse()
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Environment::Sod => "sod",
            Environment::Stage => "stage",
            Environment::Online => "online",
        })
    }
}

/// One tenant and the application's credentials for it. Secrets are
/// `SecretString`: they never appear in `Debug` output or logs.
#[derive(Debug, Clone)]
pub struct TenantConfig {
    /// Which SuperOffice environment the tenant lives in.
    pub environment: Environment,
    /// The tenant's context identifier, `Cust12345`.
    pub context_id: String,
    /// The application's client id.
    pub client_id: String,
    /// The application's client secret.
    pub client_secret: SecretString,
    /// The long-lived refresh token from the one-off consent.
    pub refresh_token: SecretString,
    /// Sent with token refreshes when set; must equal a registered one.
    pub redirect_uri: Option<String>,
    /// Overrides the environment's login host (the sandbox in tests, or a
    /// stage host other than `qaonline`).
    pub auth_base: Option<Url>,
    /// The API base (`https://online3.superoffice.com/Cust12345/api`), when
    /// set, is used as is and the tenant-status endpoint is never asked.
    pub api_base: Option<Url>,
    /// The connector's own associate id, the last resort of
    /// [`crate::Client::who_am_i`] when identity look-ups fail.
    pub own_associate_id: Option<i64>,
}

impl TenantConfig {
    /// A configuration with the required parts; the optional ones unset.
    pub fn new(
        environment: Environment,
        context_id: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: SecretString,
        refresh_token: SecretString,
    ) -> Self {
        Self {
            environment,
            context_id: context_id.into(),
            client_id: client_id.into(),
            client_secret,
            refresh_token,
            redirect_uri: None,
            auth_base: None,
            api_base: None,
            own_associate_id: None,
        }
    }

    /// The login host in use: the override, else the environment's.
    pub fn effective_auth_base(&self) -> Url {
        self.auth_base
            .clone()
            .unwrap_or_else(|| self.environment.auth_base())
    }
}

/// How the client paces and times its calls. The defaults suit one worker
/// process against one Online tenant.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Requests per second sent to the tenant (10 by default: SuperOffice
    /// publishes no limit, and 10/s is what other clients keep to).
    pub requests_per_second: u32,
    /// Requests in flight at once.
    pub max_concurrency: usize,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, answer included.
    pub request_timeout: Duration,
    /// How long before `expires_in` a token is refreshed (shortened for
    /// tokens that live less than five times this).
    pub token_refresh_margin: Duration,
    /// The longest `Retry-After` the client waits out itself (once) before
    /// retrying; longer waits surface as [`crate::Error::RateLimited`] for the
    /// caller to schedule.
    pub max_in_place_wait: Duration,
    /// How long UDF layouts (used to truncate text on write) are cached.
    pub layout_cache_ttl: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            requests_per_second: 10,
            max_concurrency: 8,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            token_refresh_margin: Duration::from_secs(60),
            max_in_place_wait: Duration::from_secs(1),
            layout_cache_ttl: Duration::from_secs(15 * 60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environments_parse_from_their_names() {
        assert_eq!("SOD".parse(), Ok(Environment::Sod));
        assert_eq!("qaonline".parse(), Ok(Environment::Stage));
        assert_eq!("online".parse(), Ok(Environment::Online));
        assert!("mars".parse::<Environment>().is_err());
    }

    #[test]
    fn settings_read_environments_like_their_names_and_list_the_valid_ones() {
        let read = |json: &str| serde_json::from_str::<Environment>(json);

        assert_eq!(read(r#""prod""#).unwrap(), Environment::Online);
        assert_eq!(read(r#""SOD""#).unwrap(), Environment::Sod);
        let error = read(r#""mars""#).unwrap_err().to_string();
        assert!(error.contains("expected sod, stage or online"), "{error}");
    }

    #[test]
    fn auth_base_override_wins() {
        let secret = || SecretString::from("s");
        let mut config = TenantConfig::new(Environment::Stage, "Cust1", "id", secret(), secret());
        assert_eq!(
            config.effective_auth_base().as_str(),
            "https://qaonline.superoffice.com/"
        );
        config.auth_base = Some(Url::parse("http://127.0.0.1:9/").unwrap());
        assert_eq!(config.effective_auth_base().as_str(), "http://127.0.0.1:9/");
    }
}
