//! The admin listener's credential check: a bearer token or basic auth,
//! compared in constant time, as an actix-web middleware.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use base64::Engine as _;
use secrecy::ExposeSecret;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::admin::AdminSettings;

/// What the admin listener accepts. Without any credential configured
/// (allowed on loopback only, see [`AdminSettings::validate`]) every
/// request passes.
///
/// Both sides are hashed with SHA-256 before they are compared, so the
/// comparison takes the same time whatever the length of what was sent.
#[derive(Clone, Default)]
pub struct AdminAuth {
    /// Digest of the bearer token, also accepted as a basic-auth password.
    token: Option<[u8; 32]>,
    /// Digests of the basic-auth user and password.
    basic: Option<([u8; 32], [u8; 32])>,
}

impl std::fmt::Debug for AdminAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminAuth")
            .field("token", &self.token.is_some())
            .field("basic", &self.basic.is_some())
            .finish()
    }
}

impl AdminAuth {
    /// The credentials of `settings`; empty values count as unset.
    pub fn from_settings(settings: &AdminSettings) -> Self {
        let token = settings
            .token
            .as_ref()
            .map(|token| token.expose_secret())
            .filter(|token| !token.is_empty())
            .map(digest);
        let user = settings.user.as_deref().filter(|user| !user.is_empty());
        let password = settings
            .password
            .as_ref()
            .map(|password| password.expose_secret())
            .filter(|password| !password.is_empty());
        let basic = user.zip(password).map(|(u, p)| (digest(u), digest(p)));
        Self { token, basic }
    }

    /// Whether any credential is required.
    pub fn is_required(&self) -> bool {
        self.token.is_some() || self.basic.is_some()
    }

    /// Whether a request with this `Authorization` header may pass.
    pub fn allows(&self, authorization: Option<&[u8]>) -> bool {
        if !self.is_required() {
            return true;
        }
        let Some(value) = authorization.and_then(|value| std::str::from_utf8(value).ok()) else {
            return false;
        };

        let (scheme, rest) = value.trim().split_once(' ').unwrap_or((value, ""));
        if scheme.eq_ignore_ascii_case("bearer") {
            return self.token_matches(rest.trim());
        }
        if scheme.eq_ignore_ascii_case("basic") {
            let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(rest.trim()) else {
                return false;
            };
            let decoded = String::from_utf8_lossy(&decoded);
            let (user, password) = decoded.split_once(':').unwrap_or((&decoded, ""));
            return self.basic_matches(user, password) || self.token_matches(password);
        }
        false
    }

    fn token_matches(&self, token: &str) -> bool {
        self.token
            .is_some_and(|expected| bool::from(expected.ct_eq(&digest(token))))
    }

    fn basic_matches(&self, user: &str, password: &str) -> bool {
        let Some((expected_user, expected_password)) = self.basic else {
            return false;
        };
        // Both compared every time: `&` on Choice does not short-circuit.
        let same = expected_user.ct_eq(&digest(user)) & expected_password.ct_eq(&digest(password));
        bool::from(same)
    }
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Middleware (for `actix_web::middleware::from_fn`) that answers 401 with
/// a basic-auth challenge unless the request carries an accepted
/// credential. Reads the [`AdminAuth`] from the app's `web::Data`; without
/// one, every request passes.
pub async fn require_credentials<B: MessageBody>(
    request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let allowed = match request.app_data::<web::Data<AdminAuth>>() {
        Some(auth) => {
            let sent = request.headers().get(header::AUTHORIZATION);
            auth.allows(sent.map(|value| value.as_bytes()))
        }
        None => true,
    };
    if allowed {
        return Ok(next.call(request).await?.map_into_left_body());
    }

    tracing::debug!(
        path = request.path(),
        "admin request without a valid credential"
    );
    let refusal = HttpResponse::Unauthorized()
        .insert_header((
            header::WWW_AUTHENTICATE,
            r#"Basic realm="SuperOffice connector admin", charset="UTF-8""#,
        ))
        .json(refusal_body());
    Ok(request.into_response(refusal).map_into_right_body())
}

/// The body of a 401, the same shape as the ingest's errors.
fn refusal_body() -> std::collections::BTreeMap<&'static str, &'static str> {
    [
        ("error", "unauthorized"),
        (
            "message",
            "send the admin token as a bearer token, or log in with basic auth",
        ),
    ]
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(user: &str, password: &str) -> Vec<u8> {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        format!("Basic {encoded}").into_bytes()
    }

    fn auth(token: Option<&str>, basic: Option<(&str, &str)>) -> AdminAuth {
        let settings = AdminSettings {
            token: token.map(Into::into),
            user: basic.map(|(user, _)| user.to_owned()),
            password: basic.map(|(_, password)| password.into()),
            ..AdminSettings::default()
        };
        AdminAuth::from_settings(&settings)
    }

    #[test]
    fn without_credentials_everything_passes() {
        assert!(auth(None, None).allows(None));
    }

    #[test]
    fn a_token_passes_as_bearer_or_as_a_basic_password() {
        let auth = auth(Some("s3cret"), None);

        assert!(auth.allows(Some(b"Bearer s3cret")));
        assert!(auth.allows(Some(&basic("anyone", "s3cret"))));
        assert!(!auth.allows(Some(b"Bearer s3cre")));
        assert!(!auth.allows(None));
    }

    #[test]
    fn basic_auth_needs_both_user_and_password() {
        let auth = auth(None, Some(("ops", "pw")));

        assert!(auth.allows(Some(&basic("ops", "pw"))));
        assert!(!auth.allows(Some(&basic("ops", "wrong"))));
        assert!(!auth.allows(Some(&basic("other", "pw"))));
        assert!(!auth.allows(Some(b"Basic not-base64!")));
    }

    #[test]
    fn debug_output_shows_no_secret() {
        let text = format!("{:?}", auth(Some("s3cret"), Some(("ops", "pw"))));

        assert!(!text.contains("s3cret") && !text.contains("pw\""), "{text}");
    }
}
