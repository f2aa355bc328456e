//! The work on one job, step by step:
//!
//! 1. fetch the entity (a person's job also reads its company) — `fetch.rs`;
//! 2. store the company and owner names with the job — `owner.rs`;
//! 3. owner rule: is the account ours? — `owner.rs`;
//! 4. duplicate rule for `contact.created` — `duplicate.rs`;
//! 5. the company's analysis, cached by its inputs — `analyse.rs`;
//! 6. write-back of the fields that differ, nothing when none do —
//!    planned in `writeback.rs` with field lengths from `layout.rs`, sent
//!    by `complete.rs`;
//! 7. the outcome (`complete.rs`), with the number of SuperOffice calls
//!    made.
//!
//! The two flows are in `contact.rs` and `person.rs`; the steps both run
//! are shared (`account_skip` in `owner.rs`, `complete.rs`). A failed step is a
//! [`JobError`]; the retry policy turns it into an outcome (`errors.rs`).

mod analyse;
mod complete;
mod contact;
mod duplicate;
mod fetch;
mod layout;
mod owner;
mod person;
mod writeback;

use std::time::Duration;

use secrecy::SecretString;
use so_enrich::{Engine, FieldLimits};
use so_metrics::WorkerMetrics;
use so_queue::{ClaimedJob, Store};
use so_rules::{OwnerWhitelist, RetryPolicy};
use so_superoffice::{CallCounter, Client, ProgId, UdefOwner};

use crate::cache::TtlCache;
use crate::errors::{jitter, JobError};
use crate::observe;
use crate::outcome::{Outcome, Processed};
use crate::process::{BoxFuture, Process};
use crate::settings::{FieldSettings, Settings};

pub use analyse::company_facts;
pub use writeback::{plan, Change, Plan, Wanted};

/// The UDFs written back; `None` leaves that result unwritten.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// The contact's vertical (a list field).
    pub contact_vertical: Option<ProgId>,
    /// The contact's summary (text).
    pub contact_summary: Option<ProgId>,
    /// The contact's opener (text).
    pub contact_opener: Option<ProgId>,
    /// The person's opener (text).
    pub person_opener: Option<ProgId>,
}

impl From<&FieldSettings> for Fields {
    fn from(settings: &FieldSettings) -> Self {
        let prog_id = |text: &str| {
            Some(text.trim())
                .filter(|t| !t.is_empty())
                .map(ProgId::from)
        };
        Self {
            contact_vertical: prog_id(&settings.contact_vertical),
            contact_summary: prog_id(&settings.contact_summary),
            contact_opener: prog_id(&settings.contact_opener),
            person_opener: prog_id(&settings.person_opener),
        }
    }
}

/// The job pipeline: everything a job needs, shared by all slots.
#[derive(Debug)]
pub struct Pipeline {
    /// The tenant's client; each job works through a clone scoped to its
    /// own call counter.
    client: Client,
    store: Store,
    /// The analyser and the person-opener renderer.
    engine: Engine,
    /// Whose accounts are ours.
    owners: OwnerWhitelist,
    fields: Fields,
    /// Field lengths to cut text to when the UDF layout does not say.
    limits: FieldLimits,
    retry: RetryPolicy,
    /// How long after a completed job a `contact.created` of the same
    /// company is a duplicate, in milliseconds.
    duplicate_window_ms: i64,
    /// Associates' short names by id.
    associates: TtlCache<i64, String>,
    /// UDF layouts by owner.
    layouts: TtlCache<UdefOwner, layout::Layout>,
    /// Installed again before a credentials probe, which clears the
    /// client's remembered refusal so the probe really asks.
    refresh_token: SecretString,
    /// Job outcomes, retries and analyses, for `/metrics`.
    metrics: WorkerMetrics,
}

impl Pipeline {
    /// A pipeline from the settings, with the client, store and engine the
    /// caller built from them.
    pub fn new(settings: &Settings, client: Client, store: Store, engine: Engine) -> Self {
        let worker = &settings.worker;
        let layout_ttl = Duration::from_millis(settings.superoffice.layout_cache_ms);
        Self {
            refresh_token: client.config().refresh_token.clone(),
            client,
            store,
            engine,
            owners: settings.rules.owners.clone(),
            fields: Fields::from(&worker.fields),
            limits: settings.analyzer.limits,
            retry: worker.retry.clone(),
            duplicate_window_ms: worker.duplicate_window_ms,
            associates: TtlCache::new(Duration::from_millis(worker.associate_cache_ms)),
            layouts: TtlCache::new(layout_ttl),
            metrics: WorkerMetrics::default(),
        }
    }

    /// The pipeline recording into `metrics` (by default into series that
    /// are exported nowhere).
    pub fn with_metrics(mut self, metrics: WorkerMetrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// Reads what every job needs first (token, tenant endpoint, the UDF
    /// layouts), so that jobs spend their calls on their own records.
    pub async fn warm_up(&self) -> Result<(), so_superoffice::Error> {
        let owners = [
            (UdefOwner::Contact, self.contact_fields_set()),
            (UdefOwner::Person, self.fields.person_opener.is_some()),
        ];
        for (owner, needed) in owners {
            if needed {
                let layout = self.client.udef_layout(owner).await?;
                self.layouts.insert(owner, std::sync::Arc::new(layout));
            }
        }
        self.client.authenticate().await
    }

    /// The tenant this pipeline works for, `Cust12345`.
    pub fn tenant(&self) -> &str {
        self.client.context_id()
    }

    fn contact_fields_set(&self) -> bool {
        let fields = &self.fields;
        fields.contact_vertical.is_some()
            || fields.contact_summary.is_some()
            || fields.contact_opener.is_some()
    }

    /// One attempt at a job; every error becomes the policy's outcome.
    async fn attempt(&self, claimed: &ClaimedJob) -> Processed {
        let calls = CallCounter::new();
        let client = self.client.scoped(calls.clone());
        let started = std::time::Instant::now();

        let (outcome, error) = match self.run(claimed, &client).await {
            Ok(outcome) => (outcome, None),
            Err(error) => {
                // The claim counted this attempt; the policy wants the
                // attempts before it.
                let before = claimed.job.attempts.saturating_sub(1);
                let outcome = error.outcome(&self.retry, before, jitter(claimed.job.id));
                (outcome, Some(error))
            }
        };
        observe::attempt_finished(&self.metrics, error.as_ref(), &outcome, started.elapsed());
        Processed {
            outcome,
            api_calls: u32::try_from(calls.get()).unwrap_or(u32::MAX),
        }
    }

    async fn run(&self, claimed: &ClaimedJob, client: &Client) -> Result<Outcome, JobError> {
        let job = &claimed.job;
        if job.tenant != client.context_id() {
            return Err(JobError::Permanent(format!(
                "job for tenant {}, but this worker serves {}; run a worker configured for \
                 that tenant",
                job.tenant,
                client.context_id()
            )));
        }
        match job.entity.as_str() {
            "contact" => self.contact_job(claimed, client).await,
            "person" => self.person_job(claimed, client).await,
            other => Err(JobError::Permanent(format!("unknown entity {other:?}"))),
        }
    }
}

impl Process for Pipeline {
    fn process<'a>(&'a self, job: &'a ClaimedJob) -> BoxFuture<'a, Processed> {
        Box::pin(self.attempt(job))
    }

    fn recheck_credentials(&self) -> BoxFuture<'_, bool> {
        Box::pin(async {
            self.client
                .replace_refresh_token(self.refresh_token.clone())
                .await;
            self.client.authenticate().await.is_ok()
        })
    }
}
