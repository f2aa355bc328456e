//! The admin listener: the dashboard, its JSON API, `/metrics` and health,
//! on an address of their own (`ingest.admin.listen`, loopback by default).
//!
//! Kept apart from the webhook listener so that the public side, which
//! SuperOffice must reach, exposes nothing but the webhook and health: a
//! reverse proxy can forward one port and leave the other on loopback.
//! Reachable from other hosts, the listener requires the credential of
//! `ingest.admin` (checked by [`so_metrics::require_credentials`]);
//! settings validation refuses a non-loopback address without one.

use std::net::{SocketAddr, TcpListener};

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use so_dashboard::Dashboard;
use so_metrics::{AdminAuth, Exporter};
use so_queue::Store;

use crate::health;
use crate::settings::Settings;
use crate::startup::StartupError;

/// A bound, not yet running admin listener.
pub struct AdminServer {
    /// The address bound (the real port when port 0 was asked for).
    pub address: SocketAddr,
    /// The server; polled by `Application::run_until_stopped`.
    pub server: Server,
}

impl std::fmt::Debug for AdminServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminServer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

/// The admin listener's socket, bound before the store is opened.
#[derive(Debug)]
pub struct AdminListener {
    /// The address bound (the real port when port 0 was asked for).
    address: SocketAddr,
    /// The socket, handed to the server by [`AdminServer::serve`].
    listener: TcpListener,
}

/// Binds the admin listener at `address` (`ingest.admin.listen`).
pub fn bind(address: SocketAddr) -> Result<AdminListener, StartupError> {
    let listen_error = |source| StartupError::AdminListen { address, source };
    let listener = TcpListener::bind(address).map_err(listen_error)?;
    let address = listener.local_addr().map_err(listen_error)?;
    Ok(AdminListener { address, listener })
}

impl AdminServer {
    /// Builds the admin server on a listener from [`bind`].
    pub fn serve(
        bound: AdminListener,
        settings: &Settings,
        store: &Store,
        exporter: Exporter,
    ) -> Result<Self, StartupError> {
        let AdminListener { address, listener } = bound;
        let listen_error = |source| StartupError::AdminListen { address, source };

        let auth = web::Data::new(AdminAuth::from_settings(&settings.ingest.admin));
        let dashboard = web::Data::new(Dashboard::new(store.clone()));
        let exporter = web::Data::new(exporter);
        let store = web::Data::new(store.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(auth.clone())
                .app_data(dashboard.clone())
                .app_data(exporter.clone())
                .app_data(store.clone())
                .wrap(from_fn(so_metrics::require_credentials))
                .configure(so_metrics::routes::configure)
                .route("/readyz", web::get().to(health::readyz))
                .configure(so_dashboard::configure)
        })
        // Operators only: one thread is plenty and keeps the webhook's
        // threads free.
        .workers(1)
        .shutdown_timeout(settings.ingest.shutdown_timeout_secs)
        .disable_signals()
        .listen(listener)
        .map_err(listen_error)?
        .run();

        Ok(Self { address, server })
    }
}

/// Serves the webhook server and, when there is one, the admin server,
/// until both have stopped.
pub(crate) async fn serve_both(server: Server, admin: Option<Server>) -> std::io::Result<()> {
    match admin {
        Some(admin) => futures::future::try_join(server, admin).await.map(|_| ()),
        None => server.await,
    }
}
