//! The settings of `so-worker`: the `worker`, `superoffice`, `analyzer`,
//! `store`, `rules` and `log` sections of the shared settings tree.
//!
//! Every key can be set as `SO__<SECTION>__<KEY>`, nested with `__`
//! (`SO__WORKER__FIELDS__CONTACT_SUMMARY`); see `.env.example` at the root of
//! the repository for the full list.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;
use so_enrich::AnalyzerSettings;
use so_metrics::AdminSettings;
use so_queue::{Durability, StoreOptions, StoreSection};
use so_rules::{PayloadRules, RetryPolicy};
use so_runtime::{Loaded, LogSettings, SettingsError, SettingsLoader};
use so_superoffice::ClientSettings;

/// The keys whose variables hold comma-separated lists.
pub const LIST_KEYS: &[&str] = &[
    "rules.own_associate_ids",
    "rules.watched_fields.contact",
    "rules.watched_fields.person",
    "rules.owners.associate_ids",
    "rules.owners.short_names",
];

/// Everything `so-worker` reads from its settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `worker.*`: the claim loop, the rules' parameters and the fields.
    pub worker: WorkerSettings,
    /// `superoffice.*`: the tenant and the application's credentials
    /// (the section every binary that talks to the tenant shares).
    pub superoffice: ClientSettings,
    /// `analyzer.*`: the analysis backend, taxonomy and list item ids.
    pub analyzer: AnalyzerSettings,
    /// `store.*`: the SQLite file, shared with the other binaries.
    pub store: StoreSection,
    /// `rules.*`: the owner whitelist (shared with the ingest).
    pub rules: PayloadRules,
    /// `log.*`: format and filter of the logs.
    pub log: LogSettings,
}

/// The `worker` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerSettings {
    /// Jobs this process works on at once (default 4). Jobs mostly wait
    /// for SuperOffice, so a few run well on one core.
    pub slots: usize,
    /// Length of a claim's lease in milliseconds (default 60 s). A running
    /// job renews it every third of this; a worker that dies leaves a lease
    /// that another worker takes over after at most this long.
    pub lease_ms: u64,
    /// Idle polling of the store: the first pause after work, in
    /// milliseconds (default 5). Pauses double up to `poll_max_ms`.
    pub poll_min_ms: u64,
    /// The longest pause between two looks at the store (default 25 ms);
    /// a new job waits at most about this long for an idle worker.
    pub poll_max_ms: u64,
    /// How long a stop (SIGTERM, SIGINT) waits for running jobs before it
    /// hands them back to the queue, in milliseconds (default 20 s). Keep
    /// it below systemd's `TimeoutStopSec`.
    pub shutdown_grace_ms: u64,
    /// How long claiming pauses after SuperOffice refused the credentials,
    /// in milliseconds (default 5 min); then one token request checks them.
    pub auth_pause_ms: u64,
    /// Another `contact.created` for the same company name within this
    /// many milliseconds of a completed job is a duplicate (default 5 min).
    pub duplicate_window_ms: i64,
    /// How long an associate's short name is remembered, in milliseconds
    /// (default 15 min).
    pub associate_cache_ms: u64,
    /// Read connections of the store (default 2).
    pub read_connections: u32,
    /// `worker.retry.*`: backoff and the attempt limit.
    pub retry: RetryPolicy,
    /// `worker.fields.*`: which UDFs the results are written to.
    pub fields: FieldSettings,
    /// `worker.admin.*`: the metrics and health listener; `off` by
    /// default (`SO__WORKER__ADMIN__LISTEN=9101` serves it on loopback).
    pub admin: AdminSettings,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            slots: 4,
            lease_ms: 60_000,
            poll_min_ms: 5,
            poll_max_ms: 25,
            shutdown_grace_ms: 20_000,
            auth_pause_ms: 5 * 60_000,
            duplicate_window_ms: so_rules::DEFAULT_DUPLICATE_WINDOW_MS,
            associate_cache_ms: 15 * 60_000,
            read_connections: 2,
            retry: RetryPolicy::default(),
            fields: FieldSettings::default(),
            admin: AdminSettings::listening_on("off"),
        }
    }
}

/// The `worker.fields` section: the ProgIds of the UDFs written back. An
/// empty value leaves that result unwritten. The defaults are the fields of
/// the sandbox tenant; a real tenant's ProgIds are in its UDF layout.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldSettings {
    /// The contact's vertical, a list field (default `SuperOffice:2`). The
    /// list item per vertical comes from the taxonomy, overridable with
    /// `analyzer.list_item_ids`.
    pub contact_vertical: String,
    /// The contact's summary, a text field (default `SuperOffice:1`).
    pub contact_summary: String,
    /// The contact's opener, a text field (default `SuperOffice:3`).
    pub contact_opener: String,
    /// The person's opener, a text field on persons (default `SuperOffice:1`).
    pub person_opener: String,
}

impl Default for FieldSettings {
    fn default() -> Self {
        Self {
            contact_vertical: "SuperOffice:2".to_owned(),
            contact_summary: "SuperOffice:1".to_owned(),
            contact_opener: "SuperOffice:3".to_owned(),
            person_opener: "SuperOffice:1".to_owned(),
        }
    }
}

impl Settings {
    /// Loads the settings from the TOML file, the environment and the
    /// `.env` file (see [`so_runtime::settings`]), with where each value
    /// came from and the exported variables the `.env` file overrode.
    pub fn load(
        config_file: Option<PathBuf>,
        env_file: Option<PathBuf>,
    ) -> Result<Loaded<Self>, SettingsError> {
        Self::loader(config_file, env_file).load_with_sources()
    }

    /// The loader with this binary's list keys; tests add their environment.
    pub fn loader(config_file: Option<PathBuf>, env_file: Option<PathBuf>) -> SettingsLoader {
        let loader = SettingsLoader::new()
            .config_file(config_file)
            .env_file(env_file);
        LIST_KEYS
            .iter()
            .fold(loader, |loader, key| loader.list_key(key))
    }

    /// The store options for this process. The store's attempt limit is the
    /// retry policy's, so both give up on a job at the same count.
    ///
    /// Relaxed durability (`synchronous=NORMAL`): a power loss may roll back
    /// the worker's last claims and outcomes, whose jobs then run again,
    /// which the idempotent write-back makes harmless; it saves an fsync per
    /// claim and per finish. See `migrations/README.md`.
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            read_connections: self.worker.read_connections.max(1),
            max_attempts: self.worker.retry.max_attempts,
            durability: Durability::Relaxed,
            ..self.store.options()
        }
    }
}

impl WorkerSettings {
    /// `lease_ms` as a duration.
    pub fn lease(&self) -> Duration {
        Duration::from_millis(self.lease_ms)
    }

    /// `shutdown_grace_ms` as a duration.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_millis(self.shutdown_grace_ms)
    }

    /// `auth_pause_ms` as a duration.
    pub fn auth_pause(&self) -> Duration {
        Duration::from_millis(self.auth_pause_ms)
    }
}
