//! How the tenant API answers: SuperOffice's error body, and JSON answers
//! whose key case can be switched to exercise lenient clients.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::{Map, Value};

/// An API error, answered as
/// `{"Error":true,"ErrorType":…,"ErrorMessage":…,"ErrorSource":…}`.
///
/// Each constructor names the status it answers with.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    error_type: &'static str,
    message: String,
    /// Extra headers, such as `Retry-After` or `WWW-Authenticate`.
    headers: Vec<(header::HeaderName, String)>,
    /// Answer as plain text instead of JSON (the 421 of the gateway).
    plain: bool,
}

impl ApiError {
    fn new(status: StatusCode, error_type: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            error_type,
            message: message.into(),
            headers: Vec::new(),
            plain: false,
        }
    }

    /// 400: the request is malformed or a value is not acceptable.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "SoValidationException", message)
    }

    /// 401: no, unknown or expired access token.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "SoAuthenticationException",
            message,
        )
        .with_header(header::WWW_AUTHENTICATE, "Bearer".to_owned())
    }

    /// 404: no such record.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "SoNotFoundException", message)
    }

    /// 409: a JSON Patch `test` operation did not match.
    pub fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "SoConflictException", message)
    }

    /// 412: the record changed after the `If-Unmodified-Since` date.
    pub fn precondition_failed(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::PRECONDITION_FAILED,
            "SoPreconditionFailedException",
            message,
        )
    }

    /// 421: the tenant is served elsewhere now. Plain text, like the gateway.
    pub fn misdirected() -> ApiError {
        let mut error = ApiError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "MisdirectedRequest",
            "Wrong subdomain used to access tenant",
        );
        error.plain = true;
        error
    }

    /// 429: throttled; `retry_after` is the header value (seconds or date).
    pub fn too_many_requests(retry_after: Option<String>) -> ApiError {
        let error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "SoThrottledException",
            "Too many requests",
        );
        match retry_after {
            Some(value) => error.with_header(header::RETRY_AFTER, value),
            None => error,
        }
    }

    /// 500: an injected server failure.
    pub fn internal(error_type: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, error_type, message)
    }

    /// 503: the tenant is unavailable (maintenance or an injected fault).
    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SoServiceUnavailableException",
            message,
        )
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// The `ErrorMessage` of the body.
    pub fn message(&self) -> &str {
        &self.message
    }

    fn with_header(mut self, name: header::HeaderName, value: String) -> ApiError {
        self.headers.push((name, value));
        self
    }

    /// Adds a header to the answer (used for `Retry-After` on 503).
    pub fn header(self, name: header::HeaderName, value: String) -> ApiError {
        self.with_header(name, value)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: {}",
            self.status.as_u16(),
            self.error_type,
            self.message
        )
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        for (name, value) in &self.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                response.insert_header((name.clone(), value));
            }
        }
        if self.plain {
            return response
                .content_type("text/plain; charset=utf-8")
                .body(self.message.clone());
        }
        response.json(serde_json::json!({
            "Error": true,
            "ErrorType": self.error_type,
            "ErrorMessage": self.message,
            "ErrorSource": "SuperOffice.Services.Implementation",
        }))
    }
}

/// How the keys of entity JSON are written. SuperOffice's REST entities use
/// PascalCase; other variants exist to test clients that must not depend on
/// key case (a lesson of the production connector).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum KeyCase {
    /// `ContactId`, as documented.
    #[default]
    Pascal,
    /// `contactId`.
    Camel,
    /// `contactid`.
    Lower,
}

/// Keys whose values are maps keyed by data (ProgIds, column names): their
/// inner keys are never re-cased, as SuperOffice would not re-case them either.
const DATA_MAPS: [&str; 4] = [
    "UserDefinedFields",
    "CustomFields",
    "ExtraFields",
    "FieldProperties",
];

/// Rewrites every object key of `value` into `case`.
pub fn recase(value: Value, case: KeyCase) -> Value {
    if case == KeyCase::Pascal {
        return value;
    }
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(|v| recase(v, case)).collect()),
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, inner) in map {
                let inner = if DATA_MAPS.contains(&key.as_str()) {
                    inner
                } else {
                    recase(inner, case)
                };
                out.insert(recase_key(&key, case), inner);
            }
            Value::Object(out)
        }
        other => other,
    }
}

fn recase_key(key: &str, case: KeyCase) -> String {
    match case {
        KeyCase::Pascal => key.to_owned(),
        KeyCase::Lower => key.to_lowercase(),
        KeyCase::Camel => {
            let mut chars = key.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => String::new(),
            }
        }
    }
}
