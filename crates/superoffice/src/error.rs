//! The one error type of the client, and the parsing of what a failed
//! response tells us: the error body and the `Retry-After` header.
//!
//! Every variant says when it happens. The worker decides what to do with a
//! job from [`Error::is_retryable`] and [`Error::retry_after`]; the client
//! itself never sleeps longer than a second (see `http.rs`).

use std::time::{Duration, SystemTime};

use serde_json::Value;

/// Result alias for the client.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong talking to SuperOffice.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The tenant will not let us in and trying again will not help: the
    /// token endpoint refused the refresh token or the client credentials
    /// (any 4xx), or a call was refused with 401 even after a fresh token.
    /// An operator has to act (usually: re-run the consent flow).
    #[error("authentication failed: {cause}")]
    Auth {
        /// What was refused and what to do about it.
        cause: String,
    },

    /// The API user lacks the rights for this call: 403 even after a fresh
    /// token. Retrying will not help until someone changes the user's rights.
    #[error("forbidden: {message}")]
    Forbidden {
        /// The server's explanation.
        message: String,
    },

    /// 404: the entity does not exist (any more). A job about it can be
    /// skipped.
    #[error("not found: {message}")]
    NotFound {
        /// The server's explanation, e.g. "Contact id 99999 not found".
        message: String,
    },

    /// 409 (a JSON Patch `test` failed) or 412 (changed since
    /// `If-Unmodified-Since`): someone else wrote first. Re-fetch and re-plan;
    /// do not resend the same request.
    #[error("conflict ({status}): {message}")]
    Conflict {
        /// 409 or 412.
        status: u16,
        /// The server's explanation.
        message: String,
    },

    /// 429: SuperOffice throttles us. `retry_after` is the server's hint when
    /// it sent one (seconds or an HTTP date, both understood).
    #[error("rate limited by superoffice{}", wait_suffix(*retry_after))]
    RateLimited {
        /// How long the server asked us to wait.
        retry_after: Option<Duration>,
    },

    /// The tenant cannot serve us right now: 503, a 421 that persisted after
    /// re-reading the tenant status, or a tenant whose state is not running
    /// (maintenance, provisioning, suspended).
    #[error("superoffice unavailable: {reason}{}", wait_suffix(*retry_after))]
    Unavailable {
        /// Why, in words.
        reason: String,
        /// How long to wait before the next try, when known.
        retry_after: Option<Duration>,
    },

    /// Any other 5xx answer.
    #[error("server error {status}: {message}")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The server's explanation, from a JSON or text body.
        message: String,
    },

    /// The request did not complete: timeout, refused connection, TLS or a
    /// broken body.
    #[error("transport: {what}")]
    Transport {
        /// Which call failed.
        what: String,
        /// The underlying HTTP client error.
        #[source]
        source: reqwest::Error,
    },

    /// The answer was not what the documented shapes promise.
    #[error("decode {what}")]
    Decode {
        /// What we tried to read.
        what: String,
        /// Why it did not parse.
        #[source]
        source: serde_json::Error,
    },

    /// 400 or another 4xx not named above: our request was wrong. Retrying
    /// the same request will not help.
    #[error("bad request ({status}): {message}")]
    BadRequest {
        /// The HTTP status.
        status: u16,
        /// The server's explanation.
        message: String,
    },

    /// The client was configured with something unusable (a URL that does
    /// not parse, for instance).
    #[error("configuration: {what}")]
    Config {
        /// What is wrong.
        what: String,
    },
}

fn wait_suffix(wait: Option<Duration>) -> String {
    match wait {
        Some(wait) => format!(" (retry after {}s)", wait.as_secs_f64().ceil()),
        None => String::new(),
    }
}

impl Error {
    /// Whether running the job again later can succeed.
    ///
    /// True for throttling, unavailability, 5xx and transport failures. Also
    /// true for [`Error::Conflict`]: the *same request* must not be resent,
    /// but a fresh run of the job re-fetches the entity and plans again, which
    /// is exactly what a conflict calls for.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::RateLimited { .. }
                | Error::Unavailable { .. }
                | Error::Server { .. }
                | Error::Transport { .. }
                | Error::Conflict { .. }
        )
    }

    /// The wait the server asked for (429, 503, tenant not running), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after } | Error::Unavailable { retry_after, .. } => {
                *retry_after
            }
            _ => None,
        }
    }

    /// A short fixed label for metrics and logs (`auth`, `not_found`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Auth { .. } => "auth",
            Error::Forbidden { .. } => "forbidden",
            Error::NotFound { .. } => "not_found",
            Error::Conflict { .. } => "conflict",
            Error::RateLimited { .. } => "rate_limited",
            Error::Unavailable { .. } => "unavailable",
            Error::Server { .. } => "server",
            Error::Transport { .. } => "transport",
            Error::Decode { .. } => "decode",
            Error::BadRequest { .. } => "bad_request",
            Error::Config { .. } => "config",
        }
    }
}

/// Reads a `Retry-After` value: delay seconds (`"120"`) or an HTTP date
/// (`"Wed, 21 Oct 2015 07:28:00 GMT"`), measured from `now`. A date in the
/// past means "now" (zero). Anything else is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }

    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The longest message we keep from an error body; HTML error pages can be
/// kilobytes of markup.
const MAX_MESSAGE_CHARS: usize = 300;

/// Pulls a human message out of an error body, whatever its shape:
///
/// - the WebAPI's `{"Error":true,"ErrorType":…,"ErrorMessage":…}`;
/// - OAuth's `{"error":"invalid_grant","error_description":…}`;
/// - any other JSON (shown compactly);
/// - plain text or an HTML page from a proxy (tags dropped, spaces folded).
///
/// Keys are compared case-insensitively. Empty bodies give an empty string.
pub fn error_message(body: &str) -> String {
    let message = match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(map)) => json_message(&map).unwrap_or_else(|| compact(body)),
        Ok(other) => match other.as_str() {
            Some(text) => compact(text),
            None => compact(&other.to_string()),
        },
        Err(_) => compact(&strip_tags(body)),
    };
    crate::patch::truncate_chars(&message, MAX_MESSAGE_CHARS).to_owned()
}

/// The OAuth `error` code of a token-endpoint answer (`invalid_grant`), if
/// the body is OAuth-shaped.
pub(crate) fn oauth_error_code(body: &str) -> Option<String> {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(body) else {
        return None;
    };
    lookup(&map, "error")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn json_message(map: &serde_json::Map<String, Value>) -> Option<String> {
    // The WebAPI shape: type and message, e.g.
    // "SoNotFoundException: Contact id 99999 not found".
    if let Some(message) = lookup(map, "errormessage").and_then(Value::as_str) {
        return Some(match lookup(map, "errortype").and_then(Value::as_str) {
            Some(kind) if !kind.is_empty() => format!("{kind}: {message}"),
            _ => message.to_owned(),
        });
    }

    // The OAuth shape: code and optional description.
    if let Some(code) = lookup(map, "error").and_then(Value::as_str) {
        return Some(
            match lookup(map, "errordescription").and_then(Value::as_str) {
                Some(text) if !text.is_empty() => format!("{code}: {text}"),
                _ => code.to_owned(),
            },
        );
    }

    lookup(map, "message")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn lookup<'a>(map: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(name, _)| crate::keys::normalize_key(name) == key)
        .map(|(_, value)| value)
}

fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn compact(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_delay_seconds() {
        let now = SystemTime::now();
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
    }

    #[test]
    fn retry_after_reads_an_http_date() {
        let now = httpdate::parse_http_date("Tue, 11 Mar 2025 10:00:00 GMT").unwrap();
        let wait = parse_retry_after("Tue, 11 Mar 2025 10:00:30 GMT", now);
        assert_eq!(wait, Some(Duration::from_secs(30)));
    }

    #[test]
    fn retry_after_in_the_past_means_now() {
        let now = httpdate::parse_http_date("Tue, 11 Mar 2025 10:00:00 GMT").unwrap();
        let wait = parse_retry_after("Tue, 11 Mar 2025 09:00:00 GMT", now);
        assert_eq!(wait, Some(Duration::ZERO));
    }

    #[test]
    fn retry_after_ignores_garbage() {
        assert_eq!(parse_retry_after("soon", SystemTime::now()), None);
        assert_eq!(parse_retry_after("-5", SystemTime::now()), None);
    }

    #[test]
    fn webapi_error_body_gives_type_and_message() {
        let body = r#"{"Error": true, "ErrorType": "SoNotFoundException",
            "ErrorMessage": "Contact id 99999 not found", "ErrorSource": "x"}"#;
        assert_eq!(
            error_message(body),
            "SoNotFoundException: Contact id 99999 not found"
        );
    }

    #[test]
    fn error_body_keys_are_read_in_any_case() {
        let body = r#"{"error": true, "errorMessage": "boom"}"#;
        assert_eq!(error_message(body), "boom");
    }

    #[test]
    fn oauth_error_body_gives_code_and_description() {
        let body = r#"{"error":"invalid_grant","error_description":"token revoked"}"#;
        assert_eq!(error_message(body), "invalid_grant: token revoked");
        assert_eq!(oauth_error_code(body).as_deref(), Some("invalid_grant"));
    }

    #[test]
    fn html_error_page_is_reduced_to_its_text() {
        let body = "<html><head><title>421</title></head>\n<body><h1>Misdirected \
                    Request</h1><p>Wrong subdomain used to access tenant</p></body></html>";
        assert_eq!(
            error_message(body),
            "421 Misdirected Request Wrong subdomain used to access tenant"
        );
    }

    #[test]
    fn plain_text_body_is_kept_and_long_ones_are_cut() {
        assert_eq!(error_message("Bad   gateway\n"), "Bad gateway");
        assert_eq!(
            error_message(&"x".repeat(1000)).chars().count(),
            MAX_MESSAGE_CHARS
        );
    }

    #[test]
    fn retryable_errors_are_the_transient_ones() {
        let limited = Error::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
        };
        assert!(limited.is_retryable());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(3)));
        assert!(!Error::Auth { cause: "x".into() }.is_retryable());
        assert!(!Error::NotFound {
            message: "x".into()
        }
        .is_retryable());
        assert!(Error::Server {
            status: 500,
            message: "x".into()
        }
        .is_retryable());
    }

    #[test]
    fn messages_name_the_wait() {
        let limited = Error::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
        };
        assert_eq!(
            limited.to_string(),
            "rate limited by superoffice (retry after 3s)"
        );
    }
}
