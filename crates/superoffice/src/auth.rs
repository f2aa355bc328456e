//! Access tokens from the OAuth2 refresh-token flow, shared by all callers.
//!
//! One tokio mutex guards the token state and is held across a refresh, so
//! callers that need a token while one is being fetched wait for it instead of
//! fetching their own. Each token carries a *generation*; a caller whose
//! request was refused with 401 reports the generation it used, and the token
//! is dropped only if it is still that one. Fifty requests refused at once
//! thus cause one refresh, not fifty.
//!
//! The refresh is sent as a form body, the OAuth norm. The documentation
//! shows the parameters in the query string instead and which the live server
//! insists on is unconfirmed; should it refuse the form, a query-string
//! fallback belongs in [`Auth::refresh`].

use std::time::Duration;

use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::error::{error_message, oauth_error_code};
use crate::http::{retry_after, Http, Pacing};
use crate::observe::CallCounter;
use crate::{Error, Result};

/// Lifetime assumed when a token answer has no `expires_in`: the shorter of
/// the two documented lifetimes.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(20 * 60);

/// The id_token claim that names the user's associate id.
const ASSOCIATE_CLAIM: &str = "http://schemes.superoffice.net/identity/associateid";

/// A token to send, with the generation to report if it is refused.
#[derive(Debug, Clone)]
pub(crate) struct Bearer {
    pub token: SecretString,
    pub generation: u64,
}

/// Refreshes and caches the access token of one tenant.
#[derive(Debug)]
pub(crate) struct Auth {
    /// `{auth}/login/common/oauth/tokens`.
    token_url: Url,
    client_id: String,
    client_secret: SecretString,
    redirect_uri: Option<String>,
    /// How long before expiry a token is renewed.
    margin: Duration,
    state: Mutex<TokenState>,
}

#[derive(Debug)]
struct TokenState {
    /// The long-lived token; replaced when a refresh answer carries one.
    refresh_token: SecretString,
    /// The current access token and when to stop using it.
    access: Option<(SecretString, Instant)>,
    /// Bumped on every refresh; see the module documentation.
    generation: u64,
    /// The `associateid` claim of the last id_token, for `who_am_i`.
    id_token_associate: Option<i64>,
    /// Why the token endpoint refused us for good. Remembered so callers do
    /// not hammer it; cleared only by a new refresh token.
    failure: Option<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    #[serde(rename = "accesstoken")]
    access_token: String,
    #[serde(
        rename = "expiresin",
        default,
        deserialize_with = "crate::lenient::opt_i64"
    )]
    expires_in: Option<i64>,
    #[serde(rename = "refreshtoken", default)]
    refresh_token: Option<String>,
    #[serde(rename = "idtoken", default)]
    id_token: Option<String>,
}

impl Auth {
    pub fn new(config: &crate::TenantConfig, margin: Duration) -> Result<Self> {
        let token_url = config
            .effective_auth_base()
            .join("login/common/oauth/tokens")
            .map_err(|err| Error::Config {
                what: format!("token url: {err}"),
            })?;
        Ok(Self {
            token_url,
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            redirect_uri: config.redirect_uri.clone(),
            margin,
            state: Mutex::new(TokenState {
                refresh_token: config.refresh_token.clone(),
                access: None,
                generation: 0,
                id_token_associate: None,
                failure: None,
            }),
        })
    }

    /// A valid access token, refreshed first when there is none or it is
    /// about to expire.
    pub async fn bearer(&self, http: &Http, job: Option<&CallCounter>) -> Result<Bearer> {
        let mut state = self.state.lock().await;
        if let Some(cause) = &state.failure {
            return Err(Error::Auth {
                cause: cause.clone(),
            });
        }
        if let Some((token, until)) = &state.access {
            if Instant::now() < *until {
                return Ok(Bearer {
                    token: token.clone(),
                    generation: state.generation,
                });
            }
        }

        self.refresh(&mut state, http, job).await?;
        let (token, _) = state.access.as_ref().expect("a refresh sets the token");
        Ok(Bearer {
            token: token.clone(),
            generation: state.generation,
        })
    }

    /// The token of `generation` was refused; drop it unless a newer one
    /// already replaced it.
    pub async fn reject(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state.generation == generation {
            state.access = None;
        }
    }

    /// The associate id claimed by the last id_token, if one was received.
    pub async fn id_token_associate(&self) -> Option<i64> {
        self.state.lock().await.id_token_associate
    }

    /// Installs a new refresh token (after a new consent) and forgets any
    /// remembered failure and access token.
    pub async fn replace_refresh_token(&self, refresh_token: SecretString) {
        let mut state = self.state.lock().await;
        state.refresh_token = refresh_token;
        state.access = None;
        state.failure = None;
    }

    async fn refresh(
        &self,
        state: &mut TokenState,
        http: &Http,
        job: Option<&CallCounter>,
    ) -> Result<()> {
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.expose_secret()),
            ("refresh_token", state.refresh_token.expose_secret()),
        ];
        if let Some(redirect_uri) = &self.redirect_uri {
            form.push(("redirect_uri", redirect_uri));
        }
        let request = http
            .client()
            .post(self.token_url.clone())
            .form(&form)
            .build()
            .map_err(|source| Error::Transport {
                what: "POST oauth/tokens".into(),
                source,
            })?;

        let answer = http
            .execute(request, "oauth/tokens", Pacing::Login, job)
            .await?;
        if !answer.status.is_success() {
            let error = token_error(answer.status.as_u16(), &answer.body, &answer.headers);
            if let Error::Auth { cause } = &error {
                tracing::error!(cause = %cause, "token refresh refused; calls stop until fixed");
                state.failure = Some(cause.clone());
            }
            return Err(error);
        }

        let token: TokenAnswer = crate::keys::from_slice(&answer.body, "token answer")?;
        self.install(state, token);
        Ok(())
    }

    fn install(&self, state: &mut TokenState, token: TokenAnswer) {
        let lifetime = token
            .expires_in
            .filter(|seconds| *seconds > 0)
            .map_or(DEFAULT_LIFETIME, |seconds| {
                Duration::from_secs(seconds as u64)
            });
        // Renew a margin early, but never spend more than a fifth of a short
        // token's life on the margin.
        let margin = self.margin.min(lifetime / 5);

        state.access = Some((
            SecretString::from(token.access_token),
            Instant::now() + lifetime - margin,
        ));
        state.generation += 1;
        if let Some(refresh_token) = token.refresh_token.filter(|t| !t.is_empty()) {
            state.refresh_token = SecretString::from(refresh_token);
        }
        if let Some(associate) = token.id_token.as_deref().and_then(associate_claim) {
            state.id_token_associate = Some(associate);
        }
        tracing::debug!(
            generation = state.generation,
            lifetime_s = lifetime.as_secs(),
            "access token refreshed"
        );
    }
}

/// The error for a refused refresh. Any 4xx but 429 is permanent: the consent
/// was revoked or the credentials are wrong, and retrying cannot fix that.
fn token_error(status: u16, body: &[u8], headers: &reqwest::header::HeaderMap) -> Error {
    let text = String::from_utf8_lossy(body);
    let message = error_message(&text);
    let cause = match oauth_error_code(&text).as_deref() {
        Some("invalid_grant") => "refresh token rejected (invalid_grant): the consent was \
            revoked or the token is wrong; re-run the consent flow"
            .to_owned(),
        Some("invalid_client") => "client credentials rejected (invalid_client): check the \
            client id and secret"
            .to_owned(),
        _ => format!("token endpoint refused the refresh ({status}): {message}"),
    };

    match status {
        429 => Error::RateLimited {
            retry_after: retry_after(headers),
        },
        400..=499 => Error::Auth { cause },
        503 => Error::Unavailable {
            reason: format!("token endpoint: {message}"),
            retry_after: retry_after(headers),
        },
        _ => Error::Server {
            status,
            message: format!("token endpoint: {message}"),
        },
    }
}

/// Reads the associate id claim of an id_token without verifying it: it is
/// only a fallback answer to "who am I", never a grant of anything.
fn associate_claim(id_token: &str) -> Option<i64> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Map<String, Value> = serde_json::from_slice(&bytes).ok()?;

    let value = claims.get(ASSOCIATE_CLAIM).or_else(|| {
        claims
            .iter()
            .find(|(name, _)| name.to_ascii_lowercase().ends_with("associateid"))
            .map(|(_, v)| v)
    })?;
    crate::lenient::value_to_i64(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        format!(
            "{}.{}.sig",
            engine.encode(r#"{"alg":"RS256"}"#),
            engine.encode(claims)
        )
    }

    #[test]
    fn associate_claim_is_read_as_string_or_number() {
        let claims = format!(r#"{{"{ASSOCIATE_CLAIM}":"17","ctx":"Cust1"}}"#);
        assert_eq!(associate_claim(&jwt(&claims)), Some(17));
        assert_eq!(associate_claim(&jwt(r#"{"associateid":23}"#)), Some(23));
    }

    #[test]
    fn tokens_without_the_claim_give_nothing() {
        assert_eq!(associate_claim("eyJhbGciOiJSUzI1NiJ9.e30.sig"), None);
        assert_eq!(associate_claim("not a jwt"), None);
    }

    fn auth() -> (Auth, TokenState) {
        let secret = |text: &str| SecretString::from(text.to_owned());
        let config = crate::TenantConfig::new(
            crate::Environment::Sod,
            "Cust1",
            "client",
            secret("secret"),
            secret("stored-refresh"),
        );
        let auth = Auth::new(&config, Duration::from_secs(60)).unwrap();
        let state = TokenState {
            refresh_token: secret("stored-refresh"),
            access: None,
            generation: 0,
            id_token_associate: None,
            failure: None,
        };
        (auth, state)
    }

    fn answer(body: serde_json::Value) -> TokenAnswer {
        crate::keys::from_value(body, "token answer").unwrap()
    }

    #[test]
    fn a_refresh_without_a_new_refresh_token_keeps_the_stored_one() {
        let (auth, mut state) = auth();
        auth.install(
            &mut state,
            answer(serde_json::json!({"access_token": "a", "expires_in": 3600})),
        );
        assert_eq!(state.refresh_token.expose_secret(), "stored-refresh");
        assert_eq!(state.generation, 1);

        let rotated = serde_json::json!({"access_token": "b", "refresh_token": "new-refresh"});
        auth.install(&mut state, answer(rotated));
        assert_eq!(state.refresh_token.expose_secret(), "new-refresh");
        assert_eq!(state.generation, 2);
    }

    #[test]
    fn expires_in_is_read_as_a_string_and_renewed_a_margin_early() {
        let (auth, mut state) = auth();
        let before = Instant::now();
        auth.install(
            &mut state,
            answer(serde_json::json!({"access_token": "a", "expires_in": "3600"})),
        );
        let (_, until) = state.access.as_ref().unwrap();
        let expected = before + Duration::from_secs(3600 - 60);
        assert!(*until >= expected && *until - expected < Duration::from_secs(60));
    }

    #[test]
    fn a_short_lived_token_spends_at_most_a_fifth_of_its_life_on_the_margin() {
        let (auth, mut state) = auth();
        let before = Instant::now();
        auth.install(
            &mut state,
            answer(serde_json::json!({"access_token": "a", "expires_in": 10})),
        );
        let (_, until) = state.access.as_ref().unwrap();
        assert!(*until >= before + Duration::from_secs(8));
    }

    #[test]
    fn the_id_token_claim_is_kept_for_who_am_i() {
        let (auth, mut state) = auth();
        let id_token = jwt(&format!(r#"{{"{ASSOCIATE_CLAIM}":"17"}}"#));
        auth.install(
            &mut state,
            answer(serde_json::json!({"access_token": "a", "id_token": id_token})),
        );
        assert_eq!(state.id_token_associate, Some(17));
    }

    #[test]
    fn invalid_grant_is_a_permanent_auth_error_naming_the_cause() {
        let body = br#"{"error":"invalid_grant","error_description":"revoked"}"#;
        let error = token_error(400, body, &Default::default());
        assert!(!error.is_retryable());
        assert!(
            error.to_string().contains("re-run the consent flow"),
            "{error}"
        );
    }

    #[test]
    fn token_endpoint_outages_are_retryable() {
        let error = token_error(502, b"<html>bad gateway</html>", &Default::default());
        assert!(error.is_retryable());
        assert!(matches!(
            token_error(429, b"", &Default::default()),
            Error::RateLimited { .. }
        ));
    }
}
