//! Protection of the retry action against cross-site requests.
//!
//! Two checks, both required for a POST:
//!
//! 1. **A per-session token.** Every page sets a random session cookie
//!    (`HttpOnly`, `SameSite=Strict`) when the browser has none, and puts
//!    `HMAC(key, session)` in a hidden field of each form. Another site can
//!    make the browser send the cookie, but cannot read the page to learn
//!    the token.
//! 2. **Where the request comes from.** When the browser says
//!    (`Sec-Fetch-Site`, `Origin`), it must be this site: `same-origin` or
//!    `none`, and an `Origin` whose host and port are the request's `Host`
//!    (or `X-Forwarded-Host` behind a proxy).
//!
//! The key is random per process, so nothing is stored: after a restart,
//! old pages' tokens no longer match and the form answers 403 asking to
//! reload the page.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header::HeaderMap;
use actix_web::HttpRequest;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "so_admin_session";

type HmacSha256 = Hmac<Sha256>;

/// The process's key for form tokens.
#[derive(Clone)]
pub struct CsrfKey([u8; 32]);

impl std::fmt::Debug for CsrfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CsrfKey(..)")
    }
}

/// Why a POST was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CsrfRefusal {
    /// The browser says the request comes from another site.
    #[error("the request comes from another site")]
    CrossSite,
    /// No session cookie, or the form's token does not belong to it.
    #[error(
        "the form is stale or was not sent from this dashboard; reload the page and try again"
    )]
    BadToken,
}

impl CsrfKey {
    /// A fresh random key.
    pub fn random() -> Self {
        let mut key = [0; 32];
        key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        CsrfKey(key)
    }

    /// The form token of `session`.
    pub fn token(&self, session: &str) -> String {
        let tag = self.mac(session).finalize().into_bytes();
        tag.iter().map(|byte| format!("{byte:02x}")).collect()
    }

    /// Checks a POST: its origin, then the token against its cookie.
    pub fn check(&self, request: &HttpRequest, token: &str) -> Result<(), CsrfRefusal> {
        if !same_site(request.headers()) {
            return Err(CsrfRefusal::CrossSite);
        }
        let session = request
            .cookie(SESSION_COOKIE)
            .ok_or(CsrfRefusal::BadToken)?;
        let Some(sent) = decode_hex(token) else {
            return Err(CsrfRefusal::BadToken);
        };
        // verify_slice compares in constant time.
        self.mac(session.value())
            .verify_slice(&sent)
            .map_err(|_| CsrfRefusal::BadToken)
    }

    fn mac(&self, session: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(session.as_bytes());
        mac
    }
}

/// The session of `request`, and the cookie to set when it had none.
pub fn session(request: &HttpRequest) -> (String, Option<Cookie<'static>>) {
    if let Some(cookie) = request.cookie(SESSION_COOKIE) {
        if !cookie.value().is_empty() {
            return (cookie.value().to_owned(), None);
        }
    }
    let session = uuid::Uuid::new_v4().simple().to_string();
    let cookie = Cookie::build(SESSION_COOKIE, session.clone())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    (session, Some(cookie))
}

/// Whether the browser's own headers place the request on this site.
/// Clients that send neither header (curl, scripts) pass this check and
/// still need the token.
fn same_site(headers: &HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());

    if let Some(site) = header("sec-fetch-site") {
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
    }
    let Some(origin) = header("origin") else {
        return true;
    };
    let origin_host = origin
        .split_once("://")
        .map_or(origin, |(_, rest)| rest)
        .trim_end_matches('/');
    let hosts = [header("x-forwarded-host"), header("host")];
    hosts
        .into_iter()
        .flatten()
        .any(|host| host.eq_ignore_ascii_case(origin_host))
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn post(session: Option<&str>, headers: &[(&str, &str)]) -> HttpRequest {
        let mut request = TestRequest::post().insert_header(("host", "127.0.0.1:8701"));
        for header in headers {
            request = request.insert_header(*header);
        }
        if let Some(session) = session {
            request = request.cookie(Cookie::new(SESSION_COOKIE, session.to_owned()));
        }
        request.to_http_request()
    }

    #[test]
    fn the_token_of_the_session_passes() {
        let key = CsrfKey::random();
        let token = key.token("abc");
        let request = post(Some("abc"), &[("origin", "http://127.0.0.1:8701")]);

        assert_eq!(key.check(&request, &token), Ok(()));
    }

    #[test]
    fn another_sessions_token_or_no_cookie_is_refused() {
        let key = CsrfKey::random();
        let token = key.token("abc");

        let other = post(Some("xyz"), &[]);
        let none = post(None, &[]);

        assert_eq!(key.check(&other, &token), Err(CsrfRefusal::BadToken));
        assert_eq!(key.check(&none, &token), Err(CsrfRefusal::BadToken));
        assert_eq!(key.check(&other, "zz"), Err(CsrfRefusal::BadToken));
    }

    #[test]
    fn cross_site_requests_are_refused_even_with_the_token() {
        let key = CsrfKey::random();
        let token = key.token("abc");

        let foreign_origin = post(Some("abc"), &[("origin", "https://evil.example")]);
        let cross_site = post(Some("abc"), &[("sec-fetch-site", "cross-site")]);

        assert_eq!(
            key.check(&foreign_origin, &token),
            Err(CsrfRefusal::CrossSite)
        );
        assert_eq!(key.check(&cross_site, &token), Err(CsrfRefusal::CrossSite));
    }
}
