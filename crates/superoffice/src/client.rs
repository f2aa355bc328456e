//! The client handle: construction, cheap clones, call counting.

use std::collections::HashMap;
use std::sync::Arc;

use secrecy::SecretString;
use tokio::time::Instant;

use crate::auth::Auth;
use crate::config::{ClientOptions, TenantConfig};
use crate::entities::{UdefField, UdefOwner};
use crate::http::Http;
use crate::observe::{CallCounter, CallObserver};
use crate::tenant::{Tenant, TenantStatus};
use crate::Result;

/// A client for one SuperOffice tenant.
///
/// Cloning is cheap and clones share everything: token, endpoint cache, rate
/// limit, concurrency bound and call totals. [`Client::scoped`] gives a clone
/// that also counts its calls into a caller's counter (one per job).
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
    /// The current job's counter, if this clone was scoped to one.
    job: Option<CallCounter>,
}

/// State shared by all clones of a client.
#[derive(Debug)]
pub(crate) struct Shared {
    pub config: TenantConfig,
    pub options: ClientOptions,
    pub http: Http,
    pub tenant: Tenant,
    pub auth: Auth,
    /// UDF layouts by owner with the time they were read, so writes can cut
    /// text to field lengths without a layout read per write.
    pub layouts: std::sync::Mutex<LayoutCache>,
}

/// UDF layouts by owner, each with the time it was read.
pub(crate) type LayoutCache = HashMap<UdefOwner, (Instant, Arc<Vec<UdefField>>)>;

impl Client {
    /// A client for `config`'s tenant. Makes no request: the token and the
    /// endpoint are fetched by the first call.
    pub fn new(config: TenantConfig, options: ClientOptions) -> Result<Self> {
        Self::build(config, options, None)
    }

    /// Like [`Client::new`], telling `observer` of every call (for metrics by
    /// endpoint and status).
    pub fn with_observer(
        config: TenantConfig,
        options: ClientOptions,
        observer: Arc<dyn CallObserver>,
    ) -> Result<Self> {
        Self::build(config, options, Some(observer))
    }

    fn build(
        config: TenantConfig,
        options: ClientOptions,
        observer: Option<Arc<dyn CallObserver>>,
    ) -> Result<Self> {
        let http = Http::new(&options, observer)?;
        let auth_base = config.effective_auth_base();
        let tenant = Tenant::new(&config.context_id, &auth_base, config.api_base.as_ref())?;
        let auth = Auth::new(&config, options.token_refresh_margin)?;
        let shared = Shared {
            config,
            options,
            http,
            tenant,
            auth,
            layouts: Default::default(),
        };
        Ok(Self {
            shared: Arc::new(shared),
            job: None,
        })
    }

    /// A clone whose calls are also counted into `counter`, e.g. the calls
    /// of one job. Scoping again replaces the counter.
    pub fn scoped(&self, counter: CallCounter) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
            job: Some(counter),
        }
    }

    /// Calls made by this client and all its clones since it was built.
    pub fn calls(&self) -> u64 {
        self.shared.http.calls()
    }

    /// The tenant's context identifier (`Cust12345`).
    pub fn context_id(&self) -> &str {
        &self.shared.config.context_id
    }

    /// The configuration the client was built with.
    pub fn config(&self) -> &TenantConfig {
        &self.shared.config
    }

    /// Reads the tenant status now (bypassing the cache). A tenant that is
    /// not running is [`crate::Error::Unavailable`].
    pub async fn tenant_status(&self) -> Result<TenantStatus> {
        self.shared
            .tenant
            .read_status(&self.shared.http, self.job())
            .await
    }

    /// Makes sure a valid access token is at hand, refreshing it if needed.
    /// Useful as a start-up check: a revoked consent shows here as
    /// [`crate::Error::Auth`].
    pub async fn authenticate(&self) -> Result<()> {
        self.shared
            .auth
            .bearer(&self.shared.http, self.job())
            .await
            .map(|_| ())
    }

    /// Installs a new refresh token (after a new consent), clearing a
    /// remembered authentication failure.
    pub async fn replace_refresh_token(&self, refresh_token: SecretString) {
        self.shared.auth.replace_refresh_token(refresh_token).await;
    }

    pub(crate) fn job(&self) -> Option<&CallCounter> {
        self.job.as_ref()
    }
}
