//! Starting and stopping a sandbox: bind, build the shared state, serve.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use actix_web::dev::ServerHandle;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use tokio::task::JoinHandle;
use url::Url;

use crate::auth::AuthState;
use crate::config::SandboxConfig;
use crate::error::SandboxError;
use crate::faults::{FaultState, Faults};
use crate::handle::TenantHandle;
use crate::log::{LoggedRequest, RequestLog};
use crate::seed::Seed;
use crate::state::Shared;
use crate::tenant::TenantData;
use crate::webhooks::{self, Hooks, WebhookDeliveryRecord};
use crate::{admin, api, auth, gate, log, site, status};

/// A sandbox tenant serving on its own port until [`RunningSandbox::stop`].
#[derive(Debug)]
pub struct RunningSandbox {
    shared: Arc<Shared>,
    faults: Faults,
    /// Stops the HTTP server gracefully.
    server: ServerHandle,
    /// The task running the HTTP server.
    server_task: JoinHandle<std::io::Result<()>>,
    /// The webhook delivery task, if a target is configured.
    delivery: Option<JoinHandle<()>>,
}

/// Starts a sandbox on `config.listen` (default `127.0.0.1:0`).
///
/// Must be called inside a tokio runtime; the server and the webhook
/// delivery run as tasks of that runtime (the server's workers on their own
/// threads).
pub async fn start(mut config: SandboxConfig) -> Result<RunningSandbox, SandboxError> {
    let addr = config
        .listen
        .unwrap_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    let bind_error = |source| SandboxError::Bind { addr, source };
    let listener = std::net::TcpListener::bind(addr).map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;
    let base_url = Url::parse(&format!("http://{local}/")).expect("a socket address makes a URL");

    let seed = std::mem::replace(&mut config.seed, Seed::empty());
    let hooks = Hooks::new(config.webhook.clone(), config.context_identifier.clone());
    let shared = Arc::new(Shared {
        faults: Mutex::new(FaultState::new(config.next_link)),
        config,
        base_url,
        data: Mutex::new(TenantData::from_seed(seed)),
        auth: Mutex::new(AuthState::default()),
        log: RequestLog::default(),
        hooks,
    });
    let delivery = webhooks::spawn(shared.clone())?;

    let data = web::Data::from(shared.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .configure(routes)
            .wrap(from_fn(log::record))
    })
    .workers(shared.config.workers.max(1))
    .disable_signals()
    .shutdown_timeout(1)
    .listen(listener)
    .map_err(bind_error)?
    .run();
    let server_handle = server.handle();
    let server_task = tokio::spawn(server);
    tracing::info!(url = %shared.base_url, "sandbox listening");

    Ok(RunningSandbox {
        faults: Faults::new(shared.clone()),
        shared,
        server: server_handle,
        server_task,
        delivery,
    })
}

fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/login/common/oauth/tokens", web::post().to(auth::token))
        .route("/api/state/{ctx}", web::get().to(status::tenant_status))
        .route("/_site/{slug}", web::get().to(site::page))
        .service(
            web::scope("/_sandbox")
                // The help's curl examples post JSON with `-d`, which declares
                // a form; the admin endpoints take JSON whatever the type says.
                .app_data(web::JsonConfig::default().content_type_required(false))
                .configure(admin::routes),
        )
        .service(
            web::scope("/{ctx}/api")
                .wrap(from_fn(gate::tenant_api))
                .configure(api::routes),
        )
        .service(
            web::scope("/{cell}/{ctx}/api")
                .wrap(from_fn(gate::tenant_api))
                .configure(api::routes),
        );
}

impl RunningSandbox {
    /// `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> Url {
        self.shared.base_url.clone()
    }

    /// Where `/login/common/oauth/tokens` and `/api/state/{ctx}` live (the
    /// "environment host"; the same as [`Self::base_url`]).
    pub fn auth_base(&self) -> Url {
        self.shared.base_url.clone()
    }

    /// The token endpoint's full URL.
    pub fn token_url(&self) -> Url {
        self.shared
            .base_url
            .join("login/common/oauth/tokens")
            .expect("a valid path")
    }

    /// The tenant status URL of this tenant.
    pub fn status_url(&self) -> Url {
        let path = format!("api/state/{}", self.shared.config.context_identifier);
        self.shared.base_url.join(&path).expect("a valid path")
    }

    /// The tenant's current endpoint, e.g. `http://127.0.0.1:PORT/Cust12345`.
    pub fn endpoint(&self) -> Url {
        self.shared.endpoint()
    }

    /// `{Endpoint}/api`, what tenant status reports as `Api`.
    pub fn api_base(&self) -> Url {
        Url::parse(&format!("{}/api", self.shared.endpoint())).expect("a valid URL")
    }

    /// The settings it was started with (the seed is not kept here).
    pub fn config(&self) -> &SandboxConfig {
        &self.shared.config
    }

    /// Fault injection and behaviour switches.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Every request served so far (admin requests excluded), oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.log.all()
    }

    /// Forgets the requests logged so far.
    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// Every webhook delivery attempt so far, oldest first.
    pub fn deliveries(&self) -> Vec<WebhookDeliveryRecord> {
        self.shared.hooks.records()
    }

    /// Read and change the tenant's records directly.
    pub fn tenant(&self) -> TenantHandle {
        TenantHandle::new(self.shared.clone())
    }

    /// Stops serving and delivering; pending webhooks are dropped.
    pub async fn stop(self) {
        self.server.stop(true).await;
        let _ = self.server_task.await;
        if let Some(delivery) = self.delivery {
            delivery.abort();
        }
        tracing::info!("sandbox stopped");
    }
}
