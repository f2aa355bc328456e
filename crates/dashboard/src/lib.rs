//! `so-dashboard`: the operator's dashboard, served by `so-ingest` on its
//! admin listener.
//!
//! Server-rendered pages that work without JavaScript (a few lines of
//! inline script refresh them in place and show times in the browser's
//! time zone), a JSON API with the same data, and a retry action for
//! failed jobs. Everything is read from the shared job store; the
//! dashboard keeps no state of its own.
//!
//! # A tour
//!
//! - [`priority`]: what makes a run (one line per account) and which status
//!   it shows: a completed job outshines the echoes skipped after it.
//! - [`runs`]: a page of runs from the store, keyed by job id.
//! - [`overview`] and [`chart`]: the summary at the top and its SVG chart.
//! - [`views`] and [`format`]: what pages and API show; times and names.
//! - `pages.rs`, `api.rs`, `retry.rs`: the handlers; [`csrf`] guards the
//!   retry form; [`error::DashboardError`] is the one error type.
//!
//! Templates are askama's, compiled into the binary and checked at build
//! time: a field a template names that the view lacks is a compile error,
//! not a blank on a page at run time, and there are no template files to
//! deploy beside the binary. HTML escaping is on by default.
//!
//! [`configure`] registers the routes on an actix-web app holding a
//! [`Dashboard`] in its `web::Data`.

#![warn(missing_docs)]

mod api;
pub mod chart;
pub mod csrf;
pub mod error;
pub mod format;
pub mod overview;
mod pages;
pub mod priority;
mod retry;
pub mod runs;
mod templates;
pub mod views;

use std::sync::Arc;

use actix_web::web;
use so_queue::Store;

pub use csrf::CsrfKey;
pub use error::DashboardError;

/// What the dashboard's handlers share.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// The job store, read for every page and written by the retry action.
    pub store: Store,
    /// The key of the retry forms' tokens (random per process).
    pub csrf: CsrfKey,
    /// Seconds between in-place refreshes of an open page; 0 turns them off.
    pub refresh_secs: u32,
    /// The summary's skip shares, reused for half a minute.
    pub shares: Arc<overview::SharesCache>,
}

impl Dashboard {
    /// A dashboard over `store` refreshing every 5 seconds.
    pub fn new(store: Store) -> Self {
        Dashboard {
            store,
            csrf: CsrfKey::random(),
            refresh_secs: 5,
            shares: Arc::default(),
        }
    }
}

/// Registers the pages (`/`, `/failed`, `/jobs/{id}`), the retry action
/// (`POST /jobs/{id}/retry`) and the JSON API (`/api/...`).
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .app_data(error::path_config())
        .route("/", web::get().to(pages::index))
        .route("/failed", web::get().to(pages::failed))
        .route("/jobs/{id}", web::get().to(pages::job))
        .route("/jobs/{id}/retry", web::post().to(retry::retry))
        .route("/api/overview", web::get().to(api::overview))
        .route("/api/runs", web::get().to(api::runs))
        .route("/api/failed", web::get().to(api::failed))
        .route("/api/jobs/{id}", web::get().to(api::job));
}
