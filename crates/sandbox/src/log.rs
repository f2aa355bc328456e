//! The request log: every request the tenant served, so a test can assert
//! "exactly one PATCH" or "the token was sent as a form body".

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::web;
use serde::{Deserialize, Serialize};

use crate::state::Shared;

/// One served request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// `GET`, `PATCH`, ...
    pub method: String,
    /// The path, e.g. `/Cust12345/api/v1/Contact/1001`.
    pub path: String,
    /// The raw query string (percent-encoded), empty when none.
    pub query: String,
    /// The status answered.
    pub status: u16,
    /// When it arrived, milliseconds since the Unix epoch (UTC).
    pub at_ms: i64,
    /// Whether an `Authorization: Bearer …` header came with it.
    pub bearer: bool,
    /// The body of writes (POST, PUT, PATCH, DELETE), as UTF-8 (lossy).
    pub body: Option<String>,
}

/// The log itself. Requests to the admin endpoints (`/_sandbox/…`) are not
/// logged, so that reading the log does not change it.
#[derive(Debug, Default)]
pub struct RequestLog {
    entries: Mutex<Vec<LoggedRequest>>,
}

impl RequestLog {
    fn push(&self, entry: LoggedRequest) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(entry);
    }

    /// Everything logged so far, oldest first.
    pub fn all(&self) -> Vec<LoggedRequest> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Forgets everything logged so far.
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// Middleware that logs each request with its final status.
pub async fn record(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if request.path().starts_with("/_sandbox") {
        return next
            .call(request)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let at_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis();
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));

    // Read the body of writes and put it back for the handler.
    let is_write =
        [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(request.method());
    let body = if is_write {
        let bytes = request.extract::<web::Bytes>().await?;
        request.set_payload(bytes.clone().into());
        Some(String::from_utf8_lossy(&bytes).into_owned())
    } else {
        None
    };

    let mut entry = LoggedRequest {
        method: request.method().to_string(),
        path: request.path().to_owned(),
        query: request.query_string().to_owned(),
        status: 0,
        at_ms: at_ms as i64,
        bearer,
        body,
    };
    let shared = request.app_data::<web::Data<Shared>>().cloned();
    let response = next.call(request).await?;
    entry.status = response.status().as_u16();
    if let Some(shared) = shared {
        shared.log.push(entry);
    }
    Ok(response.map_into_boxed_body())
}
