//! What `so-worker` counts and times as it works jobs.
//!
//! The worker owns a [`WorkerMetrics`] (registered in its [`Exporter`]
//! (crate::Exporter)) and calls:
//!
//! - [`WorkerMetrics::job_finished`] once per job attempt, with its outcome
//!   and how long it took from claim to recorded outcome;
//! - [`WorkerMetrics::retry`] when a job goes back to the queue;
//! - [`WorkerMetrics::rate_limit_wait`] whenever it waits for SuperOffice's
//!   rate limit (a 429's `Retry-After`, or its own limiter);
//! - [`WorkerMetrics::analysis`] after each analysis, cached or fresh;
//! - and hands a clone to the SuperOffice client as its call observer
//!   (feature `superoffice`), which counts every call by endpoint and
//!   status.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::{Registry, Unit};

/// A family of histograms with the bucket layout of its constructor.
type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// The worker's series. Cheap to clone: clones record into the same series.
#[derive(Debug, Clone)]
pub struct WorkerMetrics {
    /// `so_worker_job_duration_seconds{outcome}`; its `_count` is the
    /// number of job attempts by outcome.
    job_duration: Histograms<OutcomeLabels>,
    /// `so_worker_superoffice_calls_total{endpoint,method,status}`.
    calls: Family<CallLabels, Counter>,
    /// `so_worker_superoffice_call_duration_seconds{endpoint}`.
    call_duration: Histograms<EndpointLabels>,
    /// `so_worker_retries_total{rule}`.
    retries: Family<RuleLabels, Counter>,
    /// `so_worker_rate_limit_wait_seconds`; its `_count` is the number of
    /// waits.
    rate_limit_wait: Histogram,
    /// `so_worker_analysis_duration_seconds{backend,source}`.
    analysis: Histograms<AnalysisLabels>,
}

/// How one job attempt ended, as a label value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobOutcome {
    /// Completed (written back, or nothing to change).
    Completed,
    /// Skipped by a rule.
    Skipped,
    /// Put back in the queue for a later attempt.
    Retry,
    /// Failed for good.
    Failed,
    /// The lease was lost; the outcome was dropped.
    Abandoned,
}

impl JobOutcome {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            JobOutcome::Completed => "completed",
            JobOutcome::Skipped => "skipped",
            JobOutcome::Retry => "retry",
            JobOutcome::Failed => "failed",
            JobOutcome::Abandoned => "abandoned",
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    /// A fixed endpoint name without ids (`Contact/{id}`).
    endpoint: &'static str,
    method: &'static str,
    /// The HTTP status, or `none` when no answer came.
    status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EndpointLabels {
    endpoint: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RuleLabels {
    rule: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AnalysisLabels {
    backend: &'static str,
    /// `cached` or `fresh`.
    source: &'static str,
}

/// Jobs take from tens of milliseconds to a minute (retries inside a job,
/// slow analysers): 25 ms doubling to about 100 s.
fn job_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.025, 2.0, 13))
}

/// SuperOffice answers in 50 ms to a few seconds: 10 ms doubling to ~40 s.
fn call_buckets() -> Histogram {
    Histogram::new(exponential_buckets(0.01, 2.0, 13))
}

impl Default for WorkerMetrics {
    /// Series registered nowhere: recording works and is never exported.
    /// For a worker built without an admin listener, and for tests.
    fn default() -> Self {
        Self::register(&mut Registry::default())
    }
}

impl WorkerMetrics {
    /// Registers the worker's series in `registry`.
    pub fn register(registry: &mut Registry) -> Self {
        let metrics = Self {
            job_duration: Family::new_with_constructor(job_buckets),
            calls: Family::default(),
            call_duration: Family::new_with_constructor(call_buckets),
            retries: Family::default(),
            rate_limit_wait: Histogram::new(exponential_buckets(0.1, 2.0, 12)),
            analysis: Family::new_with_constructor(call_buckets),
        };

        registry.register_with_unit(
            "so_worker_job_duration",
            "Job attempts from claim to recorded outcome, by outcome",
            Unit::Seconds,
            metrics.job_duration.clone(),
        );
        registry.register(
            "so_worker_superoffice_calls",
            "HTTP calls to SuperOffice, by endpoint, method and status (none: no answer)",
            metrics.calls.clone(),
        );
        registry.register_with_unit(
            "so_worker_superoffice_call_duration",
            "Duration of calls to SuperOffice, by endpoint",
            Unit::Seconds,
            metrics.call_duration.clone(),
        );
        registry.register(
            "so_worker_retries",
            "Jobs put back in the queue for a later attempt, by reason code",
            metrics.retries.clone(),
        );
        registry.register_with_unit(
            "so_worker_rate_limit_wait",
            "Waits for SuperOffice's rate limit (Retry-After or the worker's own limiter)",
            Unit::Seconds,
            metrics.rate_limit_wait.clone(),
        );
        registry.register_with_unit(
            "so_worker_analysis_duration",
            "Company analyses, by analyser backend and source (cached or fresh)",
            Unit::Seconds,
            metrics.analysis.clone(),
        );
        metrics
    }

    /// One job attempt ended with `outcome` after `took`.
    pub fn job_finished(&self, outcome: JobOutcome, took: Duration) {
        let labels = OutcomeLabels {
            outcome: outcome.as_str(),
        };
        self.job_duration
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    /// One job put back in the queue; `rule` is the reason code
    /// (`rate_limited`, `unavailable`, `server_error`, ...).
    pub fn retry(&self, rule: &'static str) {
        self.retries.get_or_create(&RuleLabels { rule }).inc();
    }

    /// The worker waited `waited` for SuperOffice's rate limit.
    pub fn rate_limit_wait(&self, waited: Duration) {
        self.rate_limit_wait.observe(waited.as_secs_f64());
    }

    /// One analysis by `backend` (`builtin`, `explorer`, `llm`) from
    /// `source` (`cached` or `fresh`) took `took`.
    pub fn analysis(&self, backend: &'static str, source: &'static str, took: Duration) {
        let labels = AnalysisLabels { backend, source };
        self.analysis
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    /// One call to SuperOffice: `endpoint` is a fixed name without ids,
    /// `status` `None` when no answer came.
    pub fn superoffice_call(
        &self,
        endpoint: &'static str,
        method: &str,
        status: Option<u16>,
        took: Duration,
    ) {
        let labels = CallLabels {
            endpoint,
            method: method_label(method),
            status: status.map_or_else(|| "none".to_owned(), |status| status.to_string()),
        };
        self.calls.get_or_create(&labels).inc();
        self.call_duration
            .get_or_create(&EndpointLabels { endpoint })
            .observe(took.as_secs_f64());
    }
}

/// The method as one of a fixed set, so a label never grows unbounded.
fn method_label(method: &str) -> &'static str {
    ["GET", "POST", "PUT", "PATCH", "DELETE"]
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(method))
        .unwrap_or("OTHER")
}

#[cfg(feature = "superoffice")]
impl so_superoffice::CallObserver for WorkerMetrics {
    fn on_call(&self, call: &so_superoffice::CallRecord<'_>) {
        self.superoffice_call(call.endpoint, call.method, call.status, call.elapsed);
    }
}
