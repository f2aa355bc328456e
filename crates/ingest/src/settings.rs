//! The settings of `so-ingest`: the `ingest`, `store`, `rules` and `log`
//! sections of the shared settings tree, and `superoffice.context_id`.
//!
//! Every key can be set as `SO__<SECTION>__<KEY>`, nested with `__`; see
//! `.env.example` at the root of the repository for the full list.

use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use so_metrics::{AdminSettings, InvalidAdmin, ListenOn};
use so_queue::{StoreOptions, StoreSection};
use so_rules::PayloadRules;
use so_runtime::{
    Checklist, Loaded, LogSettings, Problems, SettingsError, SettingsLoader, TelemetryError,
};

/// The keys whose variables hold comma-separated lists
/// (`SO__RULES__OWN_ASSOCIATE_IDS=17,23`).
pub const LIST_KEYS: &[&str] = &[
    "rules.own_associate_ids",
    "rules.watched_fields.contact",
    "rules.watched_fields.person",
    "rules.owners.associate_ids",
    "rules.owners.short_names",
];

/// Everything `so-ingest` reads from its settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `ingest.*`: the HTTP side.
    pub ingest: IngestSettings,
    /// `store.*`: the SQLite file, shared with the other binaries.
    pub store: StoreSection,
    /// `rules.*`: which deliveries become jobs, shared with the worker.
    pub rules: PayloadRules,
    /// `log.*`: format and filter of the logs.
    pub log: LogSettings,
    /// `superoffice.context_id`: the tenant whose deliveries become jobs.
    pub superoffice: TenantSettings,
}

/// The one key of the `superoffice` section the ingest reads. The section
/// belongs to the binaries that call SuperOffice; the ingest reads the
/// tenant from it because one `.env` serves every binary, so the tenant is
/// set once. Other keys of the section are tolerated and not read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TenantSettings {
    /// The tenant this connector serves, `Cust12345`. A delivery whose
    /// `ContextIdentifier` differs (ASCII case ignored) is kept as ignored
    /// with the code `other_tenant` and makes no job: the worker could only
    /// fail it, as its credentials are for this tenant. Empty (the default)
    /// accepts every tenant.
    pub context_id: String,
}

impl TenantSettings {
    /// Whether a delivery for `tenant` is for this connector.
    pub fn serves(&self, tenant: &str) -> bool {
        let ours = self.context_id.trim();
        ours.is_empty() || ours.eq_ignore_ascii_case(tenant.trim())
    }
}

/// The `ingest` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IngestSettings {
    /// Address and port to listen on. Default `127.0.0.1:8700`: behind a
    /// reverse proxy that terminates TLS, which SuperOffice requires.
    pub listen: String,
    /// HTTP worker threads. Each holds its own event loop and buffers, so
    /// more workers cost memory; two saturate a two-core host.
    pub workers: usize,
    /// Largest accepted request body in bytes (default 256 KiB); larger
    /// ones are answered 413. Real webhooks are below 2 KiB.
    pub max_body_bytes: usize,
    /// How long a stop waits for requests in flight, in seconds. Keep it
    /// below systemd's `TimeoutStopSec`.
    pub shutdown_timeout_secs: u64,
    /// Read connections of the store (the ingest only writes; one is plenty).
    pub read_connections: u32,
    /// `ingest.webhook.*`: where and how webhooks are accepted.
    pub webhook: WebhookSettings,
    /// `ingest.batch.*`: the group commit.
    pub batch: BatchSettings,
    /// `ingest.admin.*`: the dashboard and metrics listener.
    pub admin: AdminSettings,
}

impl Default for IngestSettings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8700".to_owned(),
            workers: 2,
            max_body_bytes: 256 * 1024,
            shutdown_timeout_secs: 20,
            read_connections: 1,
            webhook: WebhookSettings::default(),
            batch: BatchSettings::default(),
            admin: AdminSettings::listening_on("127.0.0.1:8701"),
        }
    }
}

/// The `ingest.webhook` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookSettings {
    /// The path SuperOffice posts to (default `/connector/webhook`).
    pub path: String,
    /// Shared token, expected as `?token=` in the target URL or in the
    /// `X-Connector-Token` header.
    pub token: Option<SecretString>,
    /// The webhook's `Secret` in SuperOffice; when set, every request must
    /// carry a matching `X-SuperOffice-Signature`.
    pub secret: Option<SecretString>,
    /// The secret being replaced, accepted beside `secret` while it is
    /// rotated (see `docs/operations.md`); unset otherwise.
    pub previous_secret: Option<SecretString>,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            path: "/connector/webhook".to_owned(),
            token: None,
            secret: None,
            previous_secret: None,
        }
    }
}

/// The `ingest.batch` section: how the writer groups commits.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BatchSettings {
    /// Most deliveries committed in one transaction.
    pub max_size: usize,
    /// Deliveries that may wait for the writer; when full, requests are
    /// answered 503 and SuperOffice delivers again later.
    pub queue_capacity: usize,
}

impl Default for BatchSettings {
    fn default() -> Self {
        Self {
            max_size: 256,
            queue_capacity: 4096,
        }
    }
}

/// A setting that loads but cannot work.
#[derive(Debug, thiserror::Error)]
pub enum InvalidSettings {
    /// Neither a token nor a secret is set: anyone could post jobs.
    #[error(
        "ingest.webhook: set a token (SO__INGEST__WEBHOOK__TOKEN), a secret \
         (SO__INGEST__WEBHOOK__SECRET) or both; refusing to accept unauthenticated webhooks"
    )]
    NoAuthentication,

    /// A previous secret is set without a current one.
    #[error(
        "ingest.webhook.previous_secret: set only beside a secret \
         (SO__INGEST__WEBHOOK__SECRET), while rotating it"
    )]
    PreviousSecretAlone,

    /// `ingest.listen` is not `address:port`.
    #[error("ingest.listen: {0:?} is not an address:port such as 127.0.0.1:8700")]
    Listen(String),

    /// `ingest.webhook.path` does not start with `/` or clashes with health.
    #[error("ingest.webhook.path: {0:?} must start with / and not be /healthz or /readyz")]
    Path(String),

    /// A count that must be positive is zero.
    #[error("{0}: must be at least 1")]
    Zero(&'static str),

    /// `ingest.admin` cannot work (bad address, or reachable from other
    /// hosts without a credential).
    #[error(transparent)]
    Admin(#[from] InvalidAdmin),

    /// `log.filter` (or `RUST_LOG`) does not parse.
    #[error(transparent)]
    Log(#[from] TelemetryError),
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

    /// Checks what deserialising cannot: that the values can work together.
    /// Every check runs, and the error lists every problem found.
    pub fn validate(&self) -> Result<(), Problems<InvalidSettings>> {
        let mut found = Checklist::new();
        let ingest = &self.ingest;
        let webhook = &ingest.webhook;
        let set = |secret: &Option<SecretString>| {
            secret
                .as_ref()
                .is_some_and(|s| !s.expose_secret().is_empty())
        };
        found.require(set(&webhook.token) || set(&webhook.secret), || {
            InvalidSettings::NoAuthentication
        });
        found.require(
            !set(&webhook.previous_secret) || set(&webhook.secret),
            || InvalidSettings::PreviousSecretAlone,
        );

        found.check(self.listen_addr());
        let path = webhook.path.as_str();
        found.require(
            path.starts_with('/') && path != "/healthz" && path != "/readyz",
            || InvalidSettings::Path(webhook.path.clone()),
        );

        for (name, value) in [
            ("ingest.workers", ingest.workers),
            ("ingest.max_body_bytes", ingest.max_body_bytes),
            ("ingest.batch.max_size", ingest.batch.max_size),
            ("ingest.batch.queue_capacity", ingest.batch.queue_capacity),
        ] {
            found.require(value != 0, || InvalidSettings::Zero(name));
        }
        found.check(self.admin_listen());
        found.check(self.log.validate());
        found.finish()
    }

    /// `ingest.admin.listen` checked against its credentials.
    pub fn admin_listen(&self) -> Result<ListenOn, InvalidSettings> {
        let admin = &self.ingest.admin;
        Ok(admin.validate("ingest.admin", "SO__INGEST__ADMIN")?)
    }

    /// `ingest.listen` parsed.
    pub fn listen_addr(&self) -> Result<SocketAddr, InvalidSettings> {
        let listen = &self.ingest.listen;
        listen
            .parse()
            .map_err(|_| InvalidSettings::Listen(listen.clone()))
    }

    /// The store options for this process.
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            read_connections: self.ingest.read_connections.max(1),
            ..self.store.options()
        }
    }
}
