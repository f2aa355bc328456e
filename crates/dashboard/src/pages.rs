//! The HTML pages. Each renders in full, or only its live part when the
//! refresh script asks (`fragment=1`).

use actix_web::http::header::{self, ContentType};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::api::{failed_views, job_view, run_views, ListParams};
use crate::chart::deliveries_svg;
use crate::csrf;
use crate::error::DashboardError;
use crate::overview::load_overview;
use crate::templates::{
    FailedListView, FailedLive, FailedPage, IndexLive, IndexPage, IndexView, JobLive, JobPage,
    JobPageView,
};
use crate::Dashboard;

/// `GET /`: the summary and the accounts list.
pub(crate) async fn index(
    request: HttpRequest,
    dashboard: web::Data<Dashboard>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, DashboardError> {
    let overview = load_overview(&dashboard.store, &dashboard.shares, so_queue::now_ms()).await?;
    let (runs, next_before) = run_views(&dashboard, &params).await?;

    let status = params
        .status()?
        .map(|s| s.as_str().to_owned())
        .unwrap_or_default();
    let q = params.search();
    let link = |before: Option<i64>| {
        let mut pairs = vec![("status", status.clone()), ("q", q.clone())];
        pairs.extend(before.map(|before| ("before", before.to_string())));
        page_link("/", &pairs)
    };
    let view = IndexView {
        chart_svg: deliveries_svg(&overview.deliveries_per_minute),
        overview,
        runs,
        older_link: next_before.map(|before| link(Some(before))),
        first_link: params.before.map(|_| link(None)),
        status,
        q,
    };

    if is_fragment(&params) {
        return html(&request, IndexLive { v: &view }.render()?);
    }
    let page = IndexPage {
        v: &view,
        refresh_secs: dashboard.refresh_secs,
        notice: notice(&params),
    };
    html(&request, page.render()?)
}

/// `GET /failed`: failed jobs with their retry buttons.
pub(crate) async fn failed(
    request: HttpRequest,
    dashboard: web::Data<Dashboard>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, DashboardError> {
    let (jobs, next_before) = failed_views(&dashboard, &params).await?;
    let (session, cookie) = csrf::session(&request);

    let view = FailedListView {
        jobs,
        older_link: next_before
            .map(|before| page_link("/failed", &[("before", before.to_string())])),
        first_link: params.before.map(|_| "/failed".to_owned()),
        csrf_token: dashboard.csrf.token(&session),
    };
    let body = if is_fragment(&params) {
        FailedLive { v: &view }.render()?
    } else {
        let page = FailedPage {
            v: &view,
            refresh_secs: dashboard.refresh_secs,
            notice: notice(&params),
        };
        page.render()?
    };
    html_with_cookie(body, cookie)
}

/// `GET /jobs/{id}`: one job with its deliveries, attempts and result.
pub(crate) async fn job(
    request: HttpRequest,
    dashboard: web::Data<Dashboard>,
    path: web::Path<i64>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, DashboardError> {
    let job = job_view(&dashboard, path.into_inner()).await?;
    let (session, cookie) = csrf::session(&request);
    let view = JobPageView {
        job,
        csrf_token: dashboard.csrf.token(&session),
    };

    let body = if is_fragment(&params) {
        JobLive { v: &view }.render()?
    } else {
        let page = JobPage {
            v: &view,
            refresh_secs: dashboard.refresh_secs,
            notice: notice(&params),
        };
        page.render()?
    };
    html_with_cookie(body, cookie)
}

fn is_fragment(params: &ListParams) -> bool {
    params.fragment.as_deref().is_some_and(|value| value == "1")
}

/// The sentence for a notice code left by the retry action.
fn notice(params: &ListParams) -> Option<String> {
    let job = params.job?;
    let text = match params.notice.as_deref()? {
        "requeued" => format!("Job #{job} is back in the queue."),
        "already_pending" => match params.pending {
            Some(pending) => format!(
                "Job #{job} was left as it is: its record already has pending job #{pending}, \
                 which will do the work."
            ),
            None => format!("Job #{job} was left as it is: its record already has a pending job."),
        },
        "not_failed" => format!("Job #{job} is no longer failed; nothing changed."),
        "unknown" => format!("There is no job #{job}."),
        _ => return None,
    };
    Some(text)
}

/// `path?key=value&...`, leaving out empty values.
fn page_link(path: &str, pairs: &[(&str, String)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", encode(value)))
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

fn html(request: &HttpRequest, body: String) -> Result<HttpResponse, DashboardError> {
    // The front page has no form, so it needs no session; one is set here
    // anyway so that the first retry form the operator opens already has it.
    let (_, cookie) = csrf::session(request);
    html_with_cookie(body, cookie)
}

fn html_with_cookie(
    body: String,
    cookie: Option<actix_web::cookie::Cookie<'static>>,
) -> Result<HttpResponse, DashboardError> {
    let mut response = HttpResponse::Ok();
    response
        .content_type(ContentType::html())
        .insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some(cookie) = cookie {
        response.cookie(cookie);
    }
    Ok(response.body(body))
}
