//! The one error type of the HTTP layer.
//!
//! Caller mistakes become 4xx with a JSON body saying what to fix; our own
//! failures become 5xx with a generic body, logged here with the full chain
//! of causes. Nothing maps to 410 Gone: SuperOffice disables a webhook at
//! once when it sees 410.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;
use so_queue::StoreError;

use crate::payload::PayloadError;
use crate::verify::Rejection;

/// Seconds a 503 asks the caller to wait before trying again.
const RETRY_AFTER_SECS: &str = "5";

/// Why a request was not answered 200.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// 401: the token or the signature is missing or wrong.
    #[error("unauthorized: {0}")]
    Unauthorized(#[from] Rejection),

    /// 413: the body is larger than `ingest.max_body_bytes`.
    #[error("body larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },

    /// 415: the body is not declared as `application/json`.
    #[error("content type must be application/json, got {got:?}")]
    UnsupportedMediaType {
        /// The `Content-Type` that came, empty when none.
        got: String,
    },

    /// 400: the body broke off or the connection failed while reading it.
    #[error("could not read the body: {0}")]
    BodyRead(String),

    /// 400: the body is not a usable webhook.
    #[error("invalid webhook: {0}")]
    Payload(#[from] PayloadError),

    /// 503: the writer's queue is full; the disk cannot keep up.
    #[error("too many deliveries waiting for the store")]
    Overloaded,

    /// 503: the writer task has stopped (the process is shutting down).
    #[error("the store writer has stopped")]
    WriterGone,

    /// 503 when transient (busy, disk full, file unwritable), else 500.
    #[error("recording the delivery failed")]
    Store(#[source] Arc<StoreError>),

    /// 404: no such path.
    #[error("no route for {method} {path}")]
    NotFound {
        /// The request's method.
        method: String,
        /// The request's path.
        path: String,
    },

    /// 405: the path exists, the method does not.
    #[error("method {method} not allowed here; use {allow}")]
    MethodNotAllowed {
        /// The request's method.
        method: String,
        /// The methods the path accepts.
        allow: &'static str,
    },
}

impl IngestError {
    /// A short stable code for the `error` field of the body.
    fn code(&self) -> &'static str {
        match self {
            IngestError::Unauthorized(_) => "unauthorized",
            IngestError::TooLarge { .. } => "payload_too_large",
            IngestError::UnsupportedMediaType { .. } => "unsupported_media_type",
            IngestError::BodyRead(_) => "body_unreadable",
            IngestError::Payload(_) => "invalid_payload",
            IngestError::Overloaded | IngestError::WriterGone => "unavailable",
            IngestError::Store(error) if error.is_transient() => "unavailable",
            IngestError::Store(_) => "internal",
            IngestError::NotFound { .. } => "not_found",
            IngestError::MethodNotAllowed { .. } => "method_not_allowed",
        }
    }

    /// The full chain of causes, for the log, each said once.
    fn chain(&self) -> String {
        so_runtime::error_chain(self)
    }
}

impl ResponseError for IngestError {
    fn status_code(&self) -> StatusCode {
        match self {
            IngestError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            IngestError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            IngestError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            IngestError::BodyRead(_) | IngestError::Payload(_) => StatusCode::BAD_REQUEST,
            IngestError::Overloaded | IngestError::WriterGone => StatusCode::SERVICE_UNAVAILABLE,
            IngestError::Store(error) if error.is_transient() => StatusCode::SERVICE_UNAVAILABLE,
            IngestError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
            IngestError::NotFound { .. } => StatusCode::NOT_FOUND,
            IngestError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut response = HttpResponse::build(status);

        // Our failures: the log gets the causes, the caller a generic line
        // (a 503 tells SuperOffice to deliver again, which is all it needs).
        let body = if status.is_server_error() {
            if let IngestError::Overloaded = self {
                warn_overloaded();
            } else {
                tracing::error!(status = status.as_u16(), error = %self.chain(), "request failed");
            }
            response.insert_header((
                header::RETRY_AFTER,
                HeaderValue::from_static(RETRY_AFTER_SECS),
            ));
            json!({ "error": self.code(), "message": "temporarily unable to record the webhook" })
        } else {
            // A refused credential is the only trace of a misconfigured token
            // or secret, while SuperOffice counts the failures and switches
            // the webhook off. The message names what failed, never a value.
            if let IngestError::Unauthorized(_) = self {
                tracing::warn!(status = status.as_u16(), error = %self, "request refused");
            } else {
                tracing::debug!(status = status.as_u16(), error = %self, "request refused");
            }
            let mut body = json!({ "error": self.code(), "message": self.to_string() });
            if let IngestError::Payload(error) = self {
                body["field"] = error.field().into();
            }
            if let IngestError::MethodNotAllowed { allow, .. } = self {
                response.insert_header((header::ALLOW, HeaderValue::from_static(allow)));
            }
            body
        };
        response.json(body)
    }
}

/// The least time between two overload warnings, in milliseconds.
const OVERLOAD_WARN_EVERY_MS: i64 = 10_000;

/// Requests answered 503 for overload since the last warning.
static OVERLOAD_REFUSED: AtomicU64 = AtomicU64::new(0);
/// When the last overload warning was logged, ms since the epoch.
static OVERLOAD_WARNED_AT: AtomicI64 = AtomicI64::new(0);

/// Logs an overload at most once per [`OVERLOAD_WARN_EVERY_MS`], with the
/// number of requests refused since the last line: a full writer queue
/// refuses requests by the thousand, and one line per request would bury
/// everything else. A warning, not an error: SuperOffice delivers again.
fn warn_overloaded() {
    OVERLOAD_REFUSED.fetch_add(1, Ordering::Relaxed);
    let now = so_queue::now_ms();
    let last = OVERLOAD_WARNED_AT.load(Ordering::Relaxed);
    let due = now.saturating_sub(last) >= OVERLOAD_WARN_EVERY_MS;
    let ours = due
        && OVERLOAD_WARNED_AT
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok();
    if ours {
        let refused = OVERLOAD_REFUSED.swap(0, Ordering::Relaxed);
        tracing::warn!(
            status = 503,
            refused,
            "too many deliveries waiting for the store; answering 503 so they are delivered again"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_error_is_ever_answered_410() {
        let errors = [
            IngestError::Unauthorized(Rejection::TokenWrong),
            IngestError::TooLarge { limit: 1 },
            IngestError::UnsupportedMediaType { got: String::new() },
            IngestError::BodyRead(String::new()),
            IngestError::Payload(PayloadError::NotObject),
            IngestError::Overloaded,
            IngestError::WriterGone,
            IngestError::Store(Arc::new(StoreError::LeaseLost { job_id: 1 })),
            IngestError::NotFound {
                method: "GET".into(),
                path: "/".into(),
            },
            IngestError::MethodNotAllowed {
                method: "GET".into(),
                allow: "POST",
            },
        ];

        for error in errors {
            assert_ne!(error.status_code(), StatusCode::GONE, "{error}");
        }
    }

    #[test]
    fn a_refused_signature_is_a_warning_naming_the_reason() {
        let error = IngestError::Unauthorized(Rejection::SignatureWrong);

        let logged = logged(|| drop(error.error_response()));

        assert!(logged.contains(" WARN "), "{logged}");
        assert!(logged.contains("does not match the body"), "{logged}");
    }

    #[test]
    fn overload_is_one_warning_per_interval_and_never_an_error() {
        let logged = logged(|| {
            for _ in 0..3 {
                drop(IngestError::Overloaded.error_response());
            }
        });

        assert_eq!(logged.matches(" WARN ").count(), 1, "{logged}");
        assert!(!logged.contains("ERROR"), "{logged}");
    }

    /// What was logged, as plain text, while `log` ran.
    fn logged(log: impl FnOnce()) -> String {
        let buffer = Captured::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, log);
        let bytes = buffer.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[derive(Clone, Default)]
    struct Captured(Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}
