//! The askama templates (`templates/`) and the data each one renders.

use askama::Template;

use crate::overview::Overview;
use crate::views::{FailedView, JobView, RunView};

/// The statuses a filter offers, in the order shown.
pub const FILTER_STATUSES: [&str; 5] = ["completed", "skipped", "failed", "pending", "processing"];

/// What the front page shows (summary and accounts list).
#[derive(Debug)]
pub struct IndexView {
    /// The summary.
    pub overview: Overview,
    /// The deliveries chart, inline SVG.
    pub chart_svg: String,
    /// The accounts list: one run per line.
    pub runs: Vec<RunView>,
    /// Link to the next (older) page, when there is one.
    pub older_link: Option<String>,
    /// Link back to the first page, when not on it.
    pub first_link: Option<String>,
    /// The status filter in use, "" for all.
    pub status: String,
    /// The search text in use.
    pub q: String,
}

impl IndexView {
    /// Percent with one decimal, for the skip shares.
    pub fn percent(&self, share: &f64) -> String {
        format!("{:.1}", share * 100.0)
    }

    /// The width of a share's bar, in percent of the widest bar.
    pub fn bar_width(&self, share: &f64) -> String {
        let widest = self
            .overview
            .skipped
            .by_rule
            .first()
            .map_or(1.0, |rule| rule.share)
            .max(f64::EPSILON);
        format!("{:.1}", (share / widest * 100.0).min(100.0))
    }

    /// The oldest pending job's wait, readable, or "none due".
    pub fn oldest_pending(&self) -> String {
        match self.overview.queue.oldest_pending_age_secs {
            Some(secs) => crate::format::duration_ms((secs * 1000.0) as i64),
            None => "none due".to_owned(),
        }
    }
}

/// The whole front page.
#[derive(Template, Debug)]
#[template(path = "index.html")]
pub struct IndexPage<'a> {
    /// Its data.
    pub v: &'a IndexView,
    /// Seconds between in-place refreshes.
    pub refresh_secs: u32,
    /// A message after an action, if any.
    pub notice: Option<String>,
}

/// The part of the front page that refreshes in place.
#[derive(Template, Debug)]
#[template(path = "index_live.html")]
pub struct IndexLive<'a> {
    /// Its data.
    pub v: &'a IndexView,
}

/// What the failed-jobs page shows.
#[derive(Debug)]
pub struct FailedListView {
    /// Failed jobs, newest first.
    pub jobs: Vec<FailedView>,
    /// Link to the next (older) page.
    pub older_link: Option<String>,
    /// Link back to the first page.
    pub first_link: Option<String>,
    /// The retry forms' token.
    pub csrf_token: String,
}

/// The whole failed-jobs page.
#[derive(Template, Debug)]
#[template(path = "failed.html")]
pub struct FailedPage<'a> {
    /// Its data.
    pub v: &'a FailedListView,
    /// Seconds between in-place refreshes.
    pub refresh_secs: u32,
    /// A message after an action, if any.
    pub notice: Option<String>,
}

/// The part of the failed-jobs page that refreshes in place.
#[derive(Template, Debug)]
#[template(path = "failed_live.html")]
pub struct FailedLive<'a> {
    /// Its data.
    pub v: &'a FailedListView,
}

/// What a job's page shows.
#[derive(Debug)]
pub struct JobPageView {
    /// The job.
    pub job: JobView,
    /// The retry form's token.
    pub csrf_token: String,
}

/// The whole job page.
#[derive(Template, Debug)]
#[template(path = "job.html")]
pub struct JobPage<'a> {
    /// Its data.
    pub v: &'a JobPageView,
    /// Seconds between in-place refreshes.
    pub refresh_secs: u32,
    /// A message after an action, if any.
    pub notice: Option<String>,
}

/// The part of the job page that refreshes in place.
#[derive(Template, Debug)]
#[template(path = "job_live.html")]
pub struct JobLive<'a> {
    /// Its data.
    pub v: &'a JobPageView,
}
