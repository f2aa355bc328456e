//! The dashboard's one error type and its answers.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use so_queue::StoreError;

use crate::csrf::CsrfRefusal;

/// Why a dashboard request was not answered.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    /// 404: no such job.
    #[error("no job {0}")]
    NoSuchJob(i64),

    /// 404: the path names a job by something that is not a job id.
    #[error("no job {0:?}: job ids are whole numbers")]
    NotAJobId(String),

    /// 400: a query parameter or form field is not usable.
    #[error("{0}")]
    BadRequest(String),

    /// 403: the retry form failed the cross-site checks.
    #[error("refused: {0}")]
    Forbidden(#[from] CsrfRefusal),

    /// 503: the store could not be read or written.
    #[error("the job store cannot be read now")]
    Store(#[from] StoreError),

    /// 500: a template failed to render (a bug).
    #[error("rendering the page failed")]
    Render(#[from] askama::Error),
}

impl ResponseError for DashboardError {
    fn status_code(&self) -> StatusCode {
        match self {
            DashboardError::NoSuchJob(_) | DashboardError::NotAJobId(_) => StatusCode::NOT_FOUND,
            DashboardError::BadRequest(_) => StatusCode::BAD_REQUEST,
            DashboardError::Forbidden(_) => StatusCode::FORBIDDEN,
            DashboardError::Store(_) => StatusCode::SERVICE_UNAVAILABLE,
            DashboardError::Render(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(
                status = status.as_u16(),
                error = %chain(self),
                "dashboard request failed"
            );
        } else {
            tracing::debug!(status = status.as_u16(), error = %self, "dashboard request refused");
        }
        HttpResponse::build(status).json(serde_json::json!({
            "error": status.canonical_reason().unwrap_or("error").to_lowercase(),
            "message": self.to_string(),
        }))
    }
}

/// Answers a path whose job id does not parse (`/jobs/abc`) like an unknown
/// job, as JSON, instead of with actix's plain-text parse message.
pub(crate) fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default().error_handler(|_error, request| {
        let id = request.match_info().get("id").unwrap_or_default();
        DashboardError::NotAJobId(id.to_owned()).into()
    })
}

/// The error and its causes, for the log.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
