//! The JSON API (`/api/...`), and the loading that pages share with it.
//! Each answer is the view the matching page renders, as JSON.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use so_queue::{JobFilter, JobStatus};

use crate::error::DashboardError;
use crate::overview::load_overview;
use crate::runs::{load_runs, record_key, RunQuery};
use crate::views::{FailedView, JobView, RunView};
use crate::Dashboard;

/// Lines per page unless `limit` says otherwise.
pub(crate) const PAGE_SIZE: u32 = 50;

/// The query parameters of the lists and pages.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListParams {
    /// A status name; empty for all.
    pub status: Option<String>,
    /// Search text.
    pub q: Option<String>,
    /// The previous page's last key.
    pub before: Option<i64>,
    /// Lines per page.
    pub limit: Option<u32>,
    /// Set by the refresh script: answer only the live part of the page.
    pub fragment: Option<String>,
    /// What an action did (`requeued`, ...), shown once.
    pub notice: Option<String>,
    /// The job the notice is about.
    pub job: Option<i64>,
    /// The pending job that made a retry unnecessary.
    pub pending: Option<i64>,
}

impl ListParams {
    /// The status filter, `None` for all.
    pub fn status(&self) -> Result<Option<JobStatus>, DashboardError> {
        match self.status.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => text.parse().map(Some).map_err(DashboardError::BadRequest),
        }
    }

    /// The search text, trimmed; empty for none.
    pub fn search(&self) -> String {
        self.q.as_deref().unwrap_or_default().trim().to_owned()
    }

    fn limit(&self) -> u32 {
        self.limit.unwrap_or(PAGE_SIZE).clamp(1, 500)
    }
}

/// A page of runs as views, and the key of the next page.
pub(crate) async fn run_views(
    dashboard: &Dashboard,
    params: &ListParams,
) -> Result<(Vec<RunView>, Option<i64>), DashboardError> {
    let search = params.search();
    let query = RunQuery {
        status: params.status()?,
        search: (!search.is_empty()).then_some(search),
        before: params.before,
        limit: params.limit(),
    };
    let page = load_runs(&dashboard.store, &query).await?;
    let views = page.runs.iter().map(RunView::from_run).collect();
    Ok((views, page.next_before))
}

/// A page of failed jobs, newest first, and the key of the next page.
pub(crate) async fn failed_views(
    dashboard: &Dashboard,
    params: &ListParams,
) -> Result<(Vec<FailedView>, Option<i64>), DashboardError> {
    let limit = params.limit();
    let filter = JobFilter {
        status: Some(JobStatus::Failed),
        before_id: params.before,
        limit: limit + 1,
        ..JobFilter::default()
    };
    let mut jobs = dashboard.store.list_jobs(&filter).await?;
    // One more than a page was read to learn whether another page exists.
    let more = jobs.len() > limit as usize;
    jobs.truncate(limit as usize);
    let next_before = more.then(|| jobs.last().map(|job| job.id)).flatten();
    Ok((jobs.iter().map(FailedView::from_job).collect(), next_before))
}

/// One job's page view.
pub(crate) async fn job_view(
    dashboard: &Dashboard,
    job_id: i64,
) -> Result<JobView, DashboardError> {
    let store = &dashboard.store;
    let detail = store
        .job(job_id)
        .await?
        .ok_or(DashboardError::NoSuchJob(job_id))?;

    // Echo jobs never learn a name; the account's stored name stands in.
    let key = record_key(&detail.job);
    let names = store.account_names(std::slice::from_ref(&key)).await?;
    let name = names.get(&key).and_then(|name| {
        let company = name.company_name.as_deref()?;
        Some(crate::format::account_name(
            &key.entity,
            key.entity_id,
            Some(company),
            name.owner_short_name.as_deref(),
        ))
    });
    Ok(JobView::from_detail(&detail, name))
}

/// `GET /api/overview`.
pub(crate) async fn overview(
    dashboard: web::Data<Dashboard>,
) -> Result<HttpResponse, DashboardError> {
    let overview = load_overview(&dashboard.store, &dashboard.shares, so_queue::now_ms()).await?;
    Ok(HttpResponse::Ok().json(overview))
}

/// `GET /api/runs?status=&q=&before=&limit=`: the accounts list.
pub(crate) async fn runs(
    dashboard: web::Data<Dashboard>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, DashboardError> {
    let (runs, next_before) = run_views(&dashboard, &params).await?;
    Ok(HttpResponse::Ok().json(json!({ "runs": runs, "next_before": next_before })))
}

/// `GET /api/failed?before=&limit=`.
pub(crate) async fn failed(
    dashboard: web::Data<Dashboard>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, DashboardError> {
    let (jobs, next_before) = failed_views(&dashboard, &params).await?;
    Ok(HttpResponse::Ok().json(json!({ "jobs": jobs, "next_before": next_before })))
}

/// `GET /api/jobs/{id}`.
pub(crate) async fn job(
    dashboard: web::Data<Dashboard>,
    path: web::Path<i64>,
) -> Result<HttpResponse, DashboardError> {
    let view = job_view(&dashboard, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view))
}
