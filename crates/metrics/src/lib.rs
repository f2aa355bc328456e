//! `so-metrics`: what the binaries tell Prometheus, and the admin listener
//! that serves it.
//!
//! - [`IngestMetrics`] and [`WorkerMetrics`]: the counters and histograms
//!   each process updates as it works (deliveries by outcome and rule,
//!   job durations, SuperOffice calls, ...).
//! - [`QueueGauges`]: the queue's depth, the age of the oldest due job and
//!   lease take-overs, read from the store at every scrape. Several
//!   processes share the file, so only the file knows these numbers.
//! - [`Exporter`]: the registry of one process; renders the text format.
//! - [`AdminSettings`] and [`AdminAuth`]: where the admin listener binds,
//!   and the credential it requires once it is reachable from other hosts.
//! - [`routes`]: `GET /metrics` and `GET /healthz` for an actix-web app.
//!
//! Names follow Prometheus conventions: a `so_` prefix and the binary's
//! name, base units in the name (`_seconds`), `_total` on counters (the
//! client adds it), and labels only of small, fixed sets of values.
//!
//! `prometheus-client` (the Prometheus project's own Rust client) was
//! chosen over `metrics` with its exporter: label sets are typed structs,
//! registries are plain values (no global recorder to install once per
//! process, which tests that build several applications would trip over),
//! and gauges can be set right before encoding, which scrape-time queue
//! gauges need.

#![warn(missing_docs)]

mod admin;
mod auth;
mod exporter;
mod ingest;
mod queue;
pub mod routes;
mod worker;

pub use admin::{AdminSettings, InvalidAdmin, ListenOn};
pub use auth::{require_credentials, AdminAuth};
pub use exporter::{Exporter, CONTENT_TYPE};
pub use ingest::{IngestMetrics, VerificationFailure};
pub use queue::QueueGauges;
pub use worker::{JobOutcome, WorkerMetrics};

/// The registry the series are registered in (`prometheus-client`'s).
pub use prometheus_client::registry::Registry;
