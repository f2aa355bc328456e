//! OAuth: the refresh-token grant of the token endpoint, access tokens and
//! their expiry, and the bearer check of the tenant API.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::json;

use crate::respond::ApiError;
use crate::state::Shared;

/// Issued tokens and the refresh token's state.
#[derive(Debug, Default)]
pub struct AuthState {
    /// Access token → when it stops working.
    tokens: HashMap<String, Instant>,
    /// The refresh token was revoked (consent withdrawn).
    pub refresh_revoked: bool,
}

impl AuthState {
    /// Makes every issued access token invalid at once.
    pub fn expire_all(&mut self) {
        self.tokens.clear();
    }

    fn issue(&mut self, context_identifier: &str, ttl: Duration) -> String {
        let token = format!("8A:{context_identifier}.{}", uuid::Uuid::new_v4().simple());
        self.tokens.insert(token.clone(), Instant::now() + ttl);
        token
    }

    /// Whether `token` was issued and has not expired.
    pub fn is_valid(&self, token: &str) -> bool {
        self.tokens
            .get(token)
            .is_some_and(|expiry| Instant::now() < *expiry)
    }
}

/// `POST /login/common/oauth/tokens`.
///
/// Parameters may come in a form body or in the query string (the live
/// server's requirement is unconfirmed, so both are accepted; the body wins).
/// Client credentials may also come as HTTP Basic (`client_secret_basic`).
pub async fn token(
    shared: web::Data<Shared>,
    request: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    crate::gate::pause(&shared).await;
    let mut params: HashMap<String, String> =
        url::form_urlencoded::parse(request.query_string().as_bytes())
            .into_owned()
            .collect();
    params.extend(url::form_urlencoded::parse(&body).into_owned());
    if let Some((id, secret)) = basic_credentials(&request) {
        params.entry("client_id".to_owned()).or_insert(id);
        params.entry("client_secret".to_owned()).or_insert(secret);
    }
    let param = |name: &str| params.get(name).map(String::as_str).unwrap_or("");

    // Checked in the order an OAuth server would: grant type, client, grant.
    let config = &shared.config;
    if param("grant_type") != "refresh_token" {
        return oauth_error(
            400,
            "unsupported_grant_type",
            "only refresh_token is supported",
        );
    }
    if param("client_id") != config.client_id || param("client_secret") != config.client_secret {
        return oauth_error(
            401,
            "invalid_client",
            "unknown client or wrong client secret",
        );
    }
    let mut auth = shared.auth();
    if param("refresh_token") != config.refresh_token || auth.refresh_revoked {
        return oauth_error(
            400,
            "invalid_grant",
            "the refresh token is invalid or revoked",
        );
    }

    let access_token = auth.issue(&config.context_identifier, config.access_token_ttl);
    drop(auth);
    HttpResponse::Ok().json(json!({
        "token_type": "Bearer",
        "access_token": access_token,
        "expires_in": config.access_token_ttl.as_secs(),
        "id_token": id_token(&shared),
    }))
}

fn basic_credentials(request: &HttpRequest) -> Option<(String, String)> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn oauth_error(status: u16, error: &str, description: &str) -> HttpResponse {
    let status = actix_web::http::StatusCode::from_u16(status).expect("a valid status code");
    HttpResponse::build(status).json(json!({ "error": error, "error_description": description }))
}

/// A JWT-shaped id_token with the claims the connector reads. Its signature
/// is a placeholder: the sandbox has no key pair, and clients take the
/// claims without verifying (they came over TLS from the token endpoint).
fn id_token(shared: &Shared) -> String {
    const PREFIX: &str = "http://schemes.superoffice.net/identity/";
    let config = &shared.config;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let data = shared.data();
    let user = data.associates.get(&config.connector_associate_id);
    let user_name = user.map(|a| a.user_name.clone()).unwrap_or_default();
    let person_id = user.map(|a| a.person_id).unwrap_or_default();
    drop(data);

    let claims = json!({
        "iss": format!("{}login", shared.base_url),
        "aud": config.client_id,
        "sub": user_name,
        "iat": now,
        "exp": now + config.access_token_ttl.as_secs(),
        format!("{PREFIX}ctx"): config.context_identifier,
        format!("{PREFIX}webapi_url"): format!("{}/api/", shared.endpoint()),
        format!("{PREFIX}netserver_url"): format!("{}/Remote/Services88/", shared.endpoint()),
        format!("{PREFIX}associateid"): config.connector_associate_id.to_string(),
        format!("{PREFIX}personid"): person_id.to_string(),
        format!("{PREFIX}email"): user_name,
        format!("{PREFIX}upn"): user_name,
        format!("{PREFIX}ticket"): format!("7T:{}", uuid::Uuid::new_v4().simple()),
    });
    let header = json!({ "alg": "RS256", "typ": "JWT", "kid": "sandbox" });
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode("sandbox-signature-not-verifiable"),
    )
}

/// The bearer check of every tenant API request.
pub fn check_bearer(
    shared: &Shared,
    request: &actix_web::dev::ServiceRequest,
) -> Result<(), ApiError> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Some(token) = value.and_then(|v| v.strip_prefix("Bearer ")) else {
        return Err(ApiError::unauthorized("missing bearer token"));
    };
    if shared.auth().is_valid(token.trim()) {
        Ok(())
    } else {
        Err(ApiError::unauthorized("access token unknown or expired"))
    }
}
