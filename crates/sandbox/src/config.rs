//! How a sandbox is set up when it starts.
//!
//! Everything that can also change at run time (faults, switches) starts
//! from these values and is then changed through [`crate::Faults`] or the
//! admin endpoints.

use std::net::SocketAddr;
use std::time::Duration;

use url::Url;

use crate::seed::Seed;

/// Settings of one sandbox tenant.
///
/// The credentials are plain strings on purpose: they are the sandbox's own
/// fake credentials, which tests and the demo need to read and print.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// The records the tenant starts with.
    pub seed: Seed,
    /// Where to listen; `None` binds `127.0.0.1:0` (a free port).
    pub listen: Option<SocketAddr>,
    /// The tenant's context identifier, as in `8A:Cust12345.…` tokens.
    pub context_identifier: String,
    /// The OAuth client id the token endpoint accepts.
    pub client_id: String,
    /// The OAuth client secret the token endpoint accepts.
    pub client_secret: String,
    /// The one valid refresh token (as if an operator had given consent).
    pub refresh_token: String,
    /// Lifetime of issued access tokens (`expires_in`).
    pub access_token_ttl: Duration,
    /// How long a tenant status answer is valid (`ValidUntil`).
    pub status_valid_for: Duration,
    /// The connector's API user; the bearer of every token acts as it.
    pub connector_associate_id: i32,
    /// Where to send webhooks; `None` sends none.
    pub webhook: Option<WebhookTarget>,
    /// How `odata.nextLink` is filled at start.
    pub next_link: NextLinkMode,
    /// Rows per OData page when a query has no `$top`.
    pub page_size_default: usize,
    /// Largest `$top` honoured; larger values are cut to it.
    pub page_size_max: usize,
    /// actix worker threads; one is plenty for tests.
    pub workers: usize,
}

impl Default for SandboxConfig {
    fn default() -> SandboxConfig {
        SandboxConfig {
            seed: Seed::builtin(),
            listen: None,
            context_identifier: "Cust12345".to_owned(),
            client_id: "sandbox-client".to_owned(),
            client_secret: "sandbox-client-secret".to_owned(),
            refresh_token: "sandbox-refresh-token".to_owned(),
            access_token_ttl: Duration::from_secs(3600),
            status_valid_for: Duration::from_secs(3600),
            connector_associate_id: 17,
            webhook: None,
            next_link: NextLinkMode::Absolute,
            page_size_default: 50,
            page_size_max: 1000,
            workers: 1,
        }
    }
}

/// A webhook subscription: where the tenant posts its events.
#[derive(Debug, Clone)]
pub struct WebhookTarget {
    /// The receiver's URL.
    pub url: Url,
    /// Shared secret for `X-SuperOffice-Signature`; `None` sends no signature.
    pub secret: Option<String>,
    /// Include `FieldValues` in payloads (newer SuperOffice versions do).
    pub with_field_values: bool,
    /// `WebhookName` in payloads.
    pub name: String,
    /// Pauses between the attempts of one delivery cycle; SuperOffice
    /// documents 1 s then 4 s. Tests shorten them.
    pub retry_delays: Vec<Duration>,
    /// What happens to an event whose cycle failed.
    pub after_failed_cycle: AfterFailedCycle,
}

impl WebhookTarget {
    /// A target with the documented defaults: field values on, 1 s / 4 s.
    pub fn new(url: Url, secret: Option<String>) -> WebhookTarget {
        WebhookTarget {
            url,
            secret,
            with_field_values: true,
            name: "enrichment-connector".to_owned(),
            retry_delays: vec![Duration::from_secs(1), Duration::from_secs(4)],
            after_failed_cycle: AfterFailedCycle::Drop,
        }
    }
}

/// The documentation gives two stories for an event whose delivery cycle
/// failed; both can be simulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum AfterFailedCycle {
    /// The event is dropped for good.
    #[default]
    Drop,
    /// The event goes to the end of the queue under a new `EventId`.
    Requeue,
}

/// How the OData answers fill `odata.nextLink`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum NextLinkMode {
    /// An absolute URL with `$skip` advanced while rows remain, else null.
    #[default]
    Absolute,
    /// Always null: the client must page with `$skip` itself.
    Null,
    /// The URL of the page just served, on every page: a buggy server that
    /// would make a naive client loop forever.
    Repeat,
}
