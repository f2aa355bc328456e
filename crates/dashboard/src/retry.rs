//! `POST /jobs/{id}/retry`: puts a failed job back in the queue.
//!
//! The form carries the session's token and the page to return to; the
//! answer is a redirect there with a notice code (post, redirect, get), so
//! reloading the page does not post again.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use so_queue::RetryFailed;

use crate::error::DashboardError;
use crate::Dashboard;

/// The retry form.
#[derive(Debug, Deserialize)]
pub(crate) struct RetryForm {
    /// The session's token (see `csrf.rs`).
    csrf: String,
    /// The page to return to; only paths of this site are followed.
    back: Option<String>,
}

/// Requeues the job, then redirects back with what happened.
pub(crate) async fn retry(
    request: HttpRequest,
    dashboard: web::Data<Dashboard>,
    path: web::Path<i64>,
    form: web::Form<RetryForm>,
) -> Result<HttpResponse, DashboardError> {
    dashboard.csrf.check(&request, &form.csrf)?;
    let job_id = path.into_inner();

    let outcome = dashboard
        .store
        .retry_failed(job_id, so_queue::now_ms())
        .await?;
    tracing::info!(job_id, ?outcome, "retry asked for on the dashboard");

    let notice = match outcome {
        RetryFailed::Requeued { .. } => "notice=requeued".to_owned(),
        RetryFailed::AlreadyPending { pending_job_id, .. } => {
            format!("notice=already_pending&pending={pending_job_id}")
        }
        RetryFailed::NotFailed { .. } => "notice=not_failed".to_owned(),
        RetryFailed::Unknown { .. } => "notice=unknown".to_owned(),
    };
    let back = local_path(form.back.as_deref()).unwrap_or("/failed");
    let location = format!("{back}?{notice}&job={job_id}");
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish())
}

/// `back` when it is a path on this site (`/failed`), never another host
/// (`//evil.example`, `https://...`).
fn local_path(back: Option<&str>) -> Option<&str> {
    let back = back?;
    let safe = back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains(['\\', '?', '#'])
        && back.chars().all(|c| c.is_ascii_graphic());
    safe.then_some(back)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/jobs/7")), Some("/jobs/7"));
        assert_eq!(local_path(Some("//evil.example/")), None);
        assert_eq!(local_path(Some("https://evil.example/")), None);
        assert_eq!(local_path(Some("/\\evil")), None);
        assert_eq!(local_path(None), None);
    }
}
