//! Building and running the application; `main` and the tests share it.

use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;

use actix_web::dev::Server;
use actix_web::{web, App, HttpServer};
use so_metrics::{Exporter, IngestMetrics, ListenOn};
use so_queue::{Store, StoreError};
use so_runtime::Problems;

use crate::admin::{self, AdminServer};
use crate::batcher::{BatchSender, BatchWriter};
use crate::handler::WebhookState;
use crate::routes;
use crate::settings::{InvalidSettings, Settings};
use crate::verify::Verifier;

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The settings load but cannot work together; every problem found
    /// is listed.
    #[error("invalid settings")]
    Settings(#[from] Problems<InvalidSettings>),

    /// The store file cannot be opened, created or migrated.
    #[error("cannot open the job store {}", path.display())]
    Store {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: StoreError,
    },

    /// The store opens but cannot be written: SQLite opens a file this
    /// user may not write read-only, and every delivery would then be
    /// answered 503.
    #[error("cannot write to the job store {}", path.display())]
    StoreNotWritable {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: StoreError,
    },

    /// The address cannot be bound (in use, not ours, no permission).
    #[error("cannot listen on {address}")]
    Listen {
        /// The address from `ingest.listen`.
        address: SocketAddr,
        /// Why.
        #[source]
        source: io::Error,
    },

    /// The admin address cannot be bound.
    #[error("cannot listen on {address} (ingest.admin.listen)")]
    AdminListen {
        /// The address from `ingest.admin.listen`.
        address: SocketAddr,
        /// Why.
        #[source]
        source: io::Error,
    },
}

impl StartupError {
    /// The settings key whose value this failure is about, when one is:
    /// the address of a listener that cannot bind. `main` adds where the
    /// key was set, so an address from a forgotten line is found.
    pub fn settings_key(&self) -> Option<&'static str> {
        match self {
            StartupError::Listen { .. } => Some("ingest.listen"),
            StartupError::AdminListen { .. } => Some("ingest.admin.listen"),
            _ => None,
        }
    }
}

/// A problem found after validation (the addresses, parsed again where
/// they are bound).
impl From<InvalidSettings> for StartupError {
    fn from(problem: InvalidSettings) -> Self {
        StartupError::Settings(problem.into())
    }
}

/// A bound, not yet running ingest.
pub struct Application {
    /// The address actually bound; its port is the real one when the
    /// settings asked for port 0.
    address: SocketAddr,
    server: Server,
    /// The dashboard and metrics listener, unless `ingest.admin.listen`
    /// is `off`.
    admin: Option<AdminServer>,
    /// The group-commit writer, flushed after the server stops.
    writer: BatchWriter,
    /// A handle on the writer's queue, for liveness probes only.
    writer_handle: BatchSender,
    /// Closed last, after the writer's final commit.
    store: Store,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Validates the settings, binds the listeners, opens the store and
    /// starts the writer. Requests are served once
    /// [`Self::run_until_stopped`] is awaited.
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        settings.validate()?;
        let ingest = &settings.ingest;

        // Bound before the store is touched: a second ingest started beside
        // a running one fails on the port it cannot have, without opening
        // or migrating the store first. Requests that arrive while the
        // store opens wait in the listen backlog.
        let address = settings.listen_addr()?;
        let listen_error = |source| StartupError::Listen { address, source };
        let listener = TcpListener::bind(address).map_err(listen_error)?;
        let address = listener.local_addr().map_err(listen_error)?;
        let admin_listener = match settings.admin_listen()? {
            ListenOn::Address(admin) => Some(admin::bind(admin)?),
            ListenOn::Off => None,
        };

        let store = open_store(settings).await?;
        let batch = &ingest.batch;
        let (batcher, writer) =
            BatchWriter::spawn(store.clone(), batch.max_size, batch.queue_capacity);
        let writer_handle = batcher.clone();
        let (exporter, metrics) = Exporter::with_queue(store.clone(), IngestMetrics::register);

        let webhook = web::Data::new(WebhookState {
            verifier: Verifier::new(
                ingest.webhook.token.as_ref(),
                ingest.webhook.secret.as_ref(),
            )
            .with_previous_secret(ingest.webhook.previous_secret.as_ref()),
            rules: settings.rules.clone(),
            tenant: settings.superoffice.clone(),
            batcher,
            max_body_bytes: ingest.max_body_bytes,
            metrics,
        });
        let store_data = web::Data::new(store.clone());
        let webhook_path = ingest.webhook.path.clone();

        // Signals are handled by `main` (both SIGTERM and SIGINT drain
        // gracefully); actix's own handler would stop at once on SIGINT.
        let server = HttpServer::new(move || {
            App::new()
                .app_data(webhook.clone())
                .app_data(store_data.clone())
                .configure(routes::configure(&webhook_path))
        })
        .workers(ingest.workers)
        .shutdown_timeout(ingest.shutdown_timeout_secs)
        .disable_signals()
        .listen(listener)
        .map_err(listen_error)?
        .run();

        let admin = admin_listener
            .map(|listener| AdminServer::serve(listener, settings, &store, exporter))
            .transpose()?;

        Ok(Self {
            address,
            server,
            admin,
            writer,
            writer_handle,
            store,
        })
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The admin listener's address (dashboard, metrics), unless it is off.
    pub fn admin_address(&self) -> Option<SocketAddr> {
        self.admin.as_ref().map(|admin| admin.address)
    }

    /// The writer's queue, to ask whether the writer still runs
    /// ([`BatchSender::writer_running`]); `main` feeds it to the systemd
    /// watchdog.
    pub fn writer_handle(&self) -> BatchSender {
        self.writer_handle.clone()
    }

    /// The store this application writes to; tests use it to take the
    /// store away under a running server.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Serves until `stop` resolves, then drains: stops accepting, lets the
    /// requests in flight finish (up to `ingest.shutdown_timeout_secs`),
    /// commits what the writer holds and closes the store.
    ///
    /// A connection whose request has not been read yet when the stop
    /// begins is closed rather than served: actix drains requests, not bytes
    /// waiting in a socket. The sender sees a reset and delivers again,
    /// which SuperOffice does; nothing acknowledged is lost.
    pub async fn run_until_stopped(self, stop: impl Future<Output = ()>) -> io::Result<()> {
        let Application {
            address,
            server,
            admin,
            writer,
            store,
            ..
        } = self;
        let handle = server.handle();
        tracing::info!(%address, "listening on {address}");
        let admin_handle = admin.as_ref().map(|admin| admin.server.handle());
        if let Some(admin) = &admin {
            let address = admin.address;
            tracing::info!(%address, "dashboard and metrics on http://{address}/");
        }
        let server = admin::serve_both(server, admin.map(|admin| admin.server));

        // The server future must be polled while it stops: it drives its
        // own shutdown.
        let mut server = std::pin::pin!(server);
        let served = tokio::select! {
            served = &mut server => served,
            () = stop => {
                tracing::info!("draining");
                let stop_admin = async {
                    if let Some(admin) = admin_handle {
                        admin.stop(true).await;
                    }
                };
                let (served, (), ()) = tokio::join!(server, handle.stop(true), stop_admin);
                served
            }
        };

        writer.shutdown().await;
        store.close().await;
        tracing::info!("stopped");
        served
    }
}

/// Opens the store, creating its directory on a fresh install, and checks
/// that this process can write to it.
async fn open_store(settings: &Settings) -> Result<Store, StartupError> {
    let path = settings.store.path.clone();
    let store = Store::open_creating_dir(&path, settings.store_options())
        .await
        .map_err(|source| StartupError::Store {
            path: path.clone(),
            source,
        })?;
    store
        .probe_write()
        .await
        .map_err(|source| StartupError::StoreNotWritable { path, source })?;
    Ok(store)
}
