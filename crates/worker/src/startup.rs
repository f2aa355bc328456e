//! Building and running the worker; `main` and the tests share it.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use actix_web::dev::ServerHandle;

use so_enrich::Engine;
use so_queue::{Store, StoreError};
use so_runtime::Problems;
use tokio_util::sync::CancellationToken;

use crate::admin::Telemetry;
use crate::busy::BusySlots;
use crate::pipeline::Pipeline;
use crate::runner::{RunSummary, Runner, RunnerConfig};
use crate::settings::Settings;
use crate::validate::InvalidSettings;

/// Why the worker could not start.
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

    /// The admin address cannot be bound (in use, not ours, no permission).
    #[error("cannot listen on {address} (worker.admin.listen)")]
    AdminListen {
        /// The address from `worker.admin.listen`.
        address: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

impl StartupError {
    /// The settings key whose value this failure is about, when one is:
    /// the address of a listener that cannot bind. `main` adds where the
    /// key was set, so an address from a forgotten line is found.
    pub fn settings_key(&self) -> Option<&'static str> {
        match self {
            StartupError::AdminListen { .. } => Some("worker.admin.listen"),
            _ => None,
        }
    }
}

/// A problem found after validation (the client's own check of its
/// configuration, the admin listener's address).
impl From<InvalidSettings> for StartupError {
    fn from(problem: InvalidSettings) -> Self {
        StartupError::Settings(problem.into())
    }
}

/// A built worker, ready to run.
#[derive(Debug)]
pub struct Application {
    runner: Runner,
    /// Jobs in flight, for the status line `main` sends systemd.
    busy: BusySlots,
    pipeline: Arc<Pipeline>,
    /// Closed after the last job is recorded.
    store: Store,
    /// The admin listener (metrics, health), serving since the build,
    /// stopped after the last job; `None` when `worker.admin.listen` is off.
    admin: Option<(SocketAddr, ServerHandle)>,
}

impl Application {
    /// Validates the settings, builds the analysis engine and the client,
    /// and opens the store (creating its directory on a fresh install).
    /// Makes no SuperOffice request.
    pub async fn build(settings: &Settings) -> Result<Self, StartupError> {
        let engine = settings.validate()?;
        Self::build_validated(settings, engine).await
    }

    /// [`Application::build`] for settings that [`Settings::validate`]
    /// accepted, with the engine it built: `main` validates first, before
    /// logging starts, and the engine is not built a second time.
    pub async fn build_validated(
        settings: &Settings,
        engine: Engine,
    ) -> Result<Self, StartupError> {
        let telemetry = Telemetry::new();
        let client = telemetry.client(settings)?;

        let path = settings.store.path.clone();
        let store = Store::open_creating_dir(&path, settings.store_options())
            .await
            .map_err(|source| StartupError::Store { path, source })?;

        let pipeline = Pipeline::new(settings, client, store.clone(), engine)
            .with_metrics(telemetry.metrics.clone());
        let pipeline = Arc::new(pipeline);
        let config = RunnerConfig::from_settings(&settings.worker);
        let busy = BusySlots::default();
        let runner = Runner::new(store.clone(), busy.counting(pipeline.clone()), config);
        let admin = telemetry.serve(settings, &store)?;
        Ok(Self {
            runner,
            busy,
            pipeline,
            store,
            admin,
        })
    }

    /// The jobs being processed, counted while the worker runs.
    pub fn busy_slots(&self) -> BusySlots {
        self.busy.clone()
    }

    /// The admin listener's address (metrics, health), unless it is off.
    pub fn admin_address(&self) -> Option<SocketAddr> {
        self.admin.as_ref().map(|(address, _)| *address)
    }

    /// The store the worker claims from.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Runs until `stop` resolves, then drains and closes the store.
    pub async fn run_until_stopped(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> RunSummary {
        let token = CancellationToken::new();
        let trigger = token.clone();
        tokio::spawn(async move {
            stop.await;
            trigger.cancel();
        });
        self.run(token).await
    }

    /// Runs until `stop` is cancelled, then drains and closes the store.
    ///
    /// First reads what every job needs (token, endpoint, UDF layouts). A
    /// refusal of the credentials there pauses claiming from the start;
    /// any other failure is left to the jobs, which read what they need.
    pub async fn run(self, stop: CancellationToken) -> RunSummary {
        // A few requests to SuperOffice that can take seconds when it is
        // slow; said, so a quiet start is not mistaken for a hang.
        let tenant = self.pipeline.tenant().to_owned();
        tracing::info!(
            tenant,
            "checking SuperOffice credentials and reading UDF layouts of {tenant}"
        );
        let started = std::time::Instant::now();
        let warmed = tokio::select! {
            warmed = self.pipeline.warm_up() => Some(warmed),
            () = stop.cancelled() => None,
        };
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        match warmed {
            Some(Err(so_superoffice::Error::Auth { cause })) => {
                tracing::debug!(cause, ms, "credentials refused at start");
                self.runner.trip_circuit();
            }
            Some(Err(error)) => tracing::warn!(
                error = %error,
                ms,
                "cannot read the tenant's UDF layouts at start; jobs will read them"
            ),
            Some(Ok(())) => tracing::info!(
                tenant,
                ms,
                "SuperOffice credentials accepted and UDF layouts read in {ms} ms"
            ),
            None => {}
        }

        let summary = self.runner.run(stop).await;
        if let Some((_, admin)) = &self.admin {
            admin.stop(true).await;
        }
        self.store.close().await;
        summary
    }
}
