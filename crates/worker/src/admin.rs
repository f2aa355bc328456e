//! The worker's admin listener: `/metrics`, `/healthz` and `/readyz` on
//! `worker.admin.listen` (off by default: several workers on one host
//! would need a port each; a template unit gives instance N its own).
//!
//! Loopback unless a credential is set, like the ingest's; settings
//! validation refuses another address without one.

use std::net::{SocketAddr, TcpListener};

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::from_fn;
use std::sync::Arc;

use actix_web::{web, App, HttpResponse, HttpServer};
use so_metrics::{
    AdminAuth, AdminSettings, Exporter, ListenOn, QueueGauges, Registry, WorkerMetrics,
};
use so_queue::Store;
use so_superoffice::Client;

use crate::settings::Settings;
use crate::startup::StartupError;
use crate::validate::InvalidSettings;

/// A bound admin listener, served once spawned.
pub struct AdminServer {
    /// The address bound (the real port when port 0 was asked for).
    pub address: SocketAddr,
    server: Server,
}

impl std::fmt::Debug for AdminServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminServer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl AdminServer {
    /// Binds `address` and builds the server; nothing is served until
    /// [`AdminServer::spawn`].
    pub fn bind(
        address: SocketAddr,
        settings: &AdminSettings,
        store: &Store,
        exporter: Exporter,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address)?;
        let address = listener.local_addr()?;

        let auth = web::Data::new(AdminAuth::from_settings(settings));
        let exporter = web::Data::new(exporter);
        let store = web::Data::new(store.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(auth.clone())
                .app_data(exporter.clone())
                .app_data(store.clone())
                .wrap(from_fn(so_metrics::require_credentials))
                .configure(so_metrics::routes::configure)
                .route("/readyz", web::get().to(readyz))
        })
        // Scrapes and probes only: one thread is plenty.
        .workers(1)
        .disable_signals()
        .listen(listener)?
        .run();
        Ok(Self { address, server })
    }

    /// Serves in the background; stop it with the handle returned.
    pub fn spawn(self) -> ServerHandle {
        let handle = self.server.handle();
        let address = self.address;
        tracing::info!(%address, "metrics and health on http://{address}/metrics");
        tokio::spawn(self.server);
        handle
    }
}

/// `GET /readyz`: 200 when the store can be read now, else 503.
async fn readyz(store: web::Data<Store>) -> HttpResponse {
    match store.queue_depth(so_queue::now_ms()).await {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({ "status": "ready" })),
        Err(error) => {
            tracing::warn!(error = %error, "not ready: store not readable");
            HttpResponse::ServiceUnavailable().json(serde_json::json!({
                "error": "unavailable",
                "message": "the job store cannot be read"
            }))
        }
    }
}

/// The worker's metrics, registered with the queue gauges, waiting for
/// the store that the gauges read.
pub(crate) struct Telemetry {
    /// Handed to the pipeline and, as call observer, to the client.
    pub metrics: WorkerMetrics,
    registry: Registry,
    queue: QueueGauges,
}

impl Telemetry {
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let queue = QueueGauges::register(&mut registry);
        let metrics = WorkerMetrics::register(&mut registry);
        Self {
            metrics,
            registry,
            queue,
        }
    }

    /// The tenant's client, telling the metrics of every call.
    pub fn client(&self, settings: &Settings) -> Result<Client, InvalidSettings> {
        let mut config = settings.superoffice.tenant_config()?;
        config.own_associate_id = settings.rules.own_associate_ids.first().copied();
        let observer = Arc::new(self.metrics.clone());
        let options = settings.superoffice.client_options();
        Ok(Client::with_observer(config, options, observer)?)
    }

    /// Binds and starts the admin listener unless `worker.admin.listen` is
    /// `off`; returns its address and the handle that stops it.
    pub fn serve(
        self,
        settings: &Settings,
        store: &Store,
    ) -> Result<Option<(SocketAddr, ServerHandle)>, StartupError> {
        let admin = &settings.worker.admin;
        let listen = admin
            .validate(SECTION, ENV)
            .map_err(InvalidSettings::from)?;
        let ListenOn::Address(address) = listen else {
            return Ok(None);
        };
        let exporter = Exporter::new(self.registry, Some((self.queue, store.clone())));
        let server = AdminServer::bind(address, admin, store, exporter)
            .map_err(|source| StartupError::AdminListen { address, source })?;
        let address = server.address;
        Ok(Some((address, server.spawn())))
    }
}

/// The settings section and its environment prefix, for messages.
pub(crate) const SECTION: &str = "worker.admin";
pub(crate) const ENV: &str = "SO__WORKER__ADMIN";
