//! What soctl reads from the shared settings tree.
//!
//! The same `.env` and `SO__…` variables as the ingest and the worker: soctl
//! finds the same store and talks to the same tenant with the same
//! credentials, and checks the worker's field settings against the tenant.
//! Sections and keys soctl does not use are ignored, so one file serves
//! every binary.
//!
//! | section | keys soctl reads |
//! |---|---|
//! | `store` | `path`, `busy_timeout_ms` |
//! | `superoffice` | everything (see [`ClientSettings`]) |
//! | `rules` | `owners.*` (the owner whitelist), `own_associate_ids` |
//! | `worker` | `fields.*` (the UDFs results are written to) |
//! | `analyzer` | `taxonomy_file`, `list_item_ids.*` (vertical → list item) |
//! | `ingest` | `webhook.secret` (the default secret of `webhook register`) |
//! | `retention` | `completed_days`, `skipped_days`, `failed_days` |
//! | `webhook` | `name`, `url`, `events` |
//! | `cleanup` | `name_prefix`, `udf_prog_id`, `udf_value` |
//! | `reconcile` | `margin_secs` |

use std::path::PathBuf;
use std::time::Duration;

use secrecy::SecretString;
use serde::Deserialize;
use so_enrich::AnalyzerSettings;
use so_queue::{RetentionPolicy, StoreOptions, StoreSection};
use so_rules::PayloadRules;
use so_runtime::{SettingsError, SettingsLoader};
use so_superoffice::ClientSettings;

/// Keys whose variables hold comma-separated lists (the worker's, and
/// soctl's own `webhook.events`).
pub const LIST_KEYS: &[&str] = &[
    "rules.own_associate_ids",
    "rules.watched_fields.contact",
    "rules.watched_fields.person",
    "rules.owners.associate_ids",
    "rules.owners.short_names",
    "webhook.events",
];

/// Everything soctl reads; see the module docs for the sections.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `store.*`: the SQLite file shared with the other binaries.
    pub store: StoreSection,
    /// `superoffice.*`: the tenant and the application's credentials.
    pub superoffice: ClientSettings,
    /// `rules.*`: the owner whitelist and the connector's own associate.
    pub rules: PayloadRules,
    /// `worker.*`: only the fields results are written to.
    pub worker: WorkerSection,
    /// `analyzer.*`: the taxonomy and its list item ids.
    pub analyzer: AnalyzerSettings,
    /// `ingest.*`: only the webhook secret.
    pub ingest: IngestSection,
    /// `retention.*`: how long finished jobs are kept.
    pub retention: RetentionPolicy,
    /// `webhook.*`: the connector's webhook definition.
    pub webhook: WebhookSection,
    /// `cleanup.*`: how records made by test runs are recognised.
    pub cleanup: CleanupSection,
    /// `reconcile.*`: how far before the last delivery reconciling starts.
    pub reconcile: ReconcileSection,
}

/// The part of the `worker` section soctl reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct WorkerSection {
    /// `worker.fields.*`.
    pub fields: FieldsSection,
}

/// `worker.fields.*`: the ProgIds results are written to, with the
/// worker's defaults (the sandbox tenant's fields).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct FieldsSection {
    /// The contact's vertical, a list field.
    pub contact_vertical: String,
    /// The contact's summary, a text field.
    pub contact_summary: String,
    /// The contact's opener, a text field.
    pub contact_opener: String,
    /// The person's opener, a text field.
    pub person_opener: String,
}

impl Default for FieldsSection {
    fn default() -> Self {
        Self {
            contact_vertical: "SuperOffice:2".to_owned(),
            contact_summary: "SuperOffice:1".to_owned(),
            contact_opener: "SuperOffice:3".to_owned(),
            person_opener: "SuperOffice:1".to_owned(),
        }
    }
}

/// The part of the `ingest` section soctl reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IngestSection {
    /// `ingest.webhook.*`.
    pub webhook: IngestWebhook,
}

/// `ingest.webhook.*`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IngestWebhook {
    /// The secret the ingest checks signatures with; `webhook register`
    /// registers it unless `--secret` is given.
    pub secret: Option<SecretString>,
}

/// The `webhook` section: the connector's webhook definition.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct WebhookSection {
    /// The definition's name, how soctl finds it (default
    /// `enrichment-connector`).
    pub name: String,
    /// The public HTTPS URL of the ingest, the default of `--url`.
    pub url: Option<String>,
    /// The events subscribed to (default the four the connector handles).
    pub events: Vec<String>,
}

impl Default for WebhookSection {
    fn default() -> Self {
        Self {
            name: "enrichment-connector".to_owned(),
            url: None,
            events: so_superoffice::CONNECTOR_EVENTS.map(str::to_owned).to_vec(),
        }
    }
}

/// The `cleanup` section: what marks a record made by a test run.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CleanupSection {
    /// A name prefix (default `[TEST]`): contacts whose name, and persons
    /// whose first or last name, start with it. Empty: not used.
    pub name_prefix: String,
    /// A contact UDF (ProgId) that test runs fill in; with `udf_value`.
    pub udf_prog_id: Option<String>,
    /// The value of `udf_prog_id` that marks a test record.
    pub udf_value: Option<String>,
}

impl Default for CleanupSection {
    fn default() -> Self {
        Self {
            name_prefix: "[TEST]".to_owned(),
            udf_prog_id: None,
            udf_value: None,
        }
    }
}

/// The `reconcile` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ReconcileSection {
    /// How far before the last webhook delivery `webhook activate` starts
    /// reconciling, in seconds (default 300): the clocks of SuperOffice and
    /// this host differ, and an update may reach the webhook late.
    pub margin_secs: u64,
}

impl Default for ReconcileSection {
    fn default() -> Self {
        Self { margin_secs: 300 }
    }
}

impl ReconcileSection {
    /// `margin_secs` as a duration.
    pub fn margin(&self) -> Duration {
        Duration::from_secs(self.margin_secs)
    }
}

impl Settings {
    /// Loads the tree from the TOML file, the environment and the `.env`
    /// file (the `.env` file wins over the inherited environment).
    pub fn load(
        config_file: Option<PathBuf>,
        env_file: Option<PathBuf>,
    ) -> Result<Self, SettingsError> {
        Self::loader(config_file, env_file).load()
    }

    /// The loader with soctl's list keys.
    pub fn loader(config_file: Option<PathBuf>, env_file: Option<PathBuf>) -> SettingsLoader {
        let loader = SettingsLoader::new()
            .config_file(config_file)
            .env_file(env_file);
        LIST_KEYS
            .iter()
            .fold(loader, |loader, key| loader.list_key(key))
    }

    /// How soctl opens the store: few connections, the shared busy timeout.
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            read_connections: 2,
            ..self.store.options()
        }
    }

    /// The connector's own associate, the last resort of "who am I".
    pub fn own_associate_id(&self) -> Option<i64> {
        self.rules.own_associate_ids.first().copied()
    }
}
