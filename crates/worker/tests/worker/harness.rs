//! A sandbox tenant, a fresh store file and workers on it, all in-process
//! (or the real binary, for the tests that kill it).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use secrecy::SecretString;
use so_queue::{Disposition, JobDetail, JobRecord, JobStatus, NewDelivery, Recorded, Store};
use so_rules::RetryPolicy;
use so_sandbox::{RunningSandbox, SandboxConfig};
use so_superoffice::Environment;
use so_worker::{Application, RunSummary, Settings};
use tempfile::TempDir;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Associates whose accounts are ours in the sandbox's seed.
pub const OUR_OWNERS: [i64; 3] = [23, 24, 31];
/// An owner of the other company sharing the tenant.
pub const OTHER_OWNER: i32 = 40;
/// The connector's own API user in the sandbox.
pub const OWN_ASSOCIATE: i64 = 17;

/// Longest wait for a job to reach the state a test expects.
const PATIENCE: Duration = Duration::from_secs(20);

/// A sandbox tenant and a store file for workers to share.
pub struct World {
    pub sandbox: RunningSandbox,
    /// A handle on the store for enqueueing and assertions.
    pub store: Store,
    pub db_path: PathBuf,
    /// Holds the store file; removed when the test ends.
    pub dir: TempDir,
}

/// A world with the sandbox's shipped seed and no webhooks.
pub async fn world() -> World {
    world_with(SandboxConfig::default()).await
}

pub async fn world_with(config: SandboxConfig) -> World {
    let sandbox = so_sandbox::start(config).await.expect("the sandbox starts");
    let dir = tempfile::tempdir().expect("a temp dir");
    let db_path = dir.path().join("connector.sqlite");
    let store = Store::open(&db_path, Default::default())
        .await
        .expect("the store opens");
    World {
        sandbox,
        store,
        db_path,
        dir,
    }
}

/// A worker running in-process until stopped.
pub struct RunningWorker {
    stop: CancellationToken,
    task: JoinHandle<RunSummary>,
}

impl RunningWorker {
    /// Asks the worker to stop and waits until it has.
    pub async fn stop(self) -> RunSummary {
        self.stop.cancel();
        self.task.await.expect("the worker does not panic")
    }
}

impl World {
    /// Worker settings for this world: the sandbox's credentials, short
    /// leases and delays, a fast rate limit.
    pub fn settings(&self) -> Settings {
        let sandbox = self.sandbox.config();
        let mut settings = Settings::default();
        let superoffice = &mut settings.superoffice;
        superoffice.environment = Environment::Sod;
        superoffice.context_id = sandbox.context_identifier.clone();
        superoffice.client_id = sandbox.client_id.clone();
        superoffice.client_secret = Some(SecretString::from(sandbox.client_secret.clone()));
        superoffice.refresh_token = Some(SecretString::from(sandbox.refresh_token.clone()));
        superoffice.auth_base = Some(self.sandbox.auth_base().to_string());
        superoffice.requests_per_second = 1000;
        superoffice.max_concurrency = 16;

        settings.store.path = self.db_path.clone();
        settings.rules.owners.associate_ids = OUR_OWNERS.to_vec();
        settings.rules.own_associate_ids = vec![OWN_ASSOCIATE];

        let worker = &mut settings.worker;
        worker.lease_ms = 5_000;
        worker.poll_max_ms = 10;
        worker.shutdown_grace_ms = 2_000;
        worker.auth_pause_ms = 3_600_000;
        worker.retry = RetryPolicy {
            max_attempts: 3,
            base_delay_ms: 10,
            backoff_factor: 1,
            max_delay_ms: 1_000,
            deferral_delay_ms: 20,
        };
        settings
    }

    /// Starts a worker with the test settings.
    pub async fn start_worker(&self) -> RunningWorker {
        self.start_worker_with(|_| {}).await
    }

    /// Starts a worker with the test settings changed by `adjust`.
    pub async fn start_worker_with(&self, adjust: impl FnOnce(&mut Settings)) -> RunningWorker {
        let mut settings = self.settings();
        adjust(&mut settings);
        let application = Application::build(&settings)
            .await
            .expect("the worker builds");

        let stop = CancellationToken::new();
        let task = tokio::spawn(application.run(stop.clone()));
        RunningWorker { stop, task }
    }

    /// Records a delivery as the ingest would after its payload rules let
    /// it through, and returns the job it made or joined.
    pub async fn enqueue(&self, event: &str, entity_id: i64) -> i64 {
        let recorded = self
            .store
            .record_delivery(&delivery(event, entity_id))
            .await;
        match recorded.expect("the delivery is recorded") {
            Recorded::Queued { job_id } | Recorded::Joined { job_id } => job_id,
            other => panic!("expected a queued job, got {other:?}"),
        }
    }

    /// Waits until the job has left pending and processing.
    pub async fn finished(&self, job_id: i64) -> JobDetail {
        self.wait_for(job_id, |job| {
            !matches!(job.status, JobStatus::Pending | JobStatus::Processing)
        })
        .await
    }

    /// Waits until the job satisfies `done`.
    pub async fn wait_for(&self, job_id: i64, done: impl Fn(&JobRecord) -> bool) -> JobDetail {
        let give_up = tokio::time::Instant::now() + PATIENCE;
        loop {
            let detail = self.store.job(job_id).await.expect("the store answers");
            let detail = detail.expect("the job exists");
            if done(&detail.job) {
                return detail;
            }
            assert!(
                tokio::time::Instant::now() < give_up,
                "job {job_id} stayed {:?}: {:?}",
                detail.job.status,
                detail.job
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until at least `count` jobs are being processed at once.
    pub async fn until_processing(&self, count: u64) {
        let give_up = tokio::time::Instant::now() + PATIENCE;
        loop {
            let counts = self.store.counts_by_status(None).await.unwrap();
            if counts.processing >= count {
                return;
            }
            assert!(
                tokio::time::Instant::now() < give_up,
                "never {count} jobs in processing: {counts:?}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Requests the sandbox served with `method` on a path ending in
    /// `suffix`.
    pub fn requests(&self, method: &str, suffix: &str) -> usize {
        self.sandbox
            .requests()
            .iter()
            .filter(|request| request.method == method && request.path.ends_with(suffix))
            .count()
    }

    /// Requests to the token endpoint.
    pub fn token_requests(&self) -> usize {
        self.requests("POST", "/login/common/oauth/tokens")
    }

    /// Waits until a worker has read both UDF layouts (its start-up reads),
    /// so that faults set afterwards hit jobs, not the start-up.
    pub async fn until_warm(&self) {
        self.until_warmed(1).await;
    }

    /// Waits until `workers` workers have warmed up. Each reads the layout
    /// once at its start and keeps it for the cache's lifetime (far longer
    /// than a test), so the reads count the workers.
    pub async fn until_warmed(&self, workers: usize) {
        let give_up = tokio::time::Instant::now() + PATIENCE;
        while self.requests("GET", "/Person/UdefLayout") < workers {
            assert!(
                tokio::time::Instant::now() < give_up,
                "fewer than {workers} workers warmed up"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// `count` live contacts owned by our associates, in id order.
    pub fn our_contacts(&self, count: usize) -> Vec<i64> {
        self.contacts_where(count, |owner| OUR_OWNERS.contains(&i64::from(owner)))
    }

    /// A live contact owned by the other company.
    pub fn their_contact(&self) -> i64 {
        self.contacts_where(1, |owner| owner == OTHER_OWNER)[0]
    }

    fn contacts_where(&self, count: usize, owner: impl Fn(i32) -> bool) -> Vec<i64> {
        let contacts: Vec<i64> = self
            .sandbox
            .tenant()
            .contacts()
            .into_iter()
            .filter(|c| c.id > 1000 && c.deleted_date.is_none() && owner(c.associate_id))
            .map(|c| i64::from(c.id))
            .take(count)
            .collect();
        assert_eq!(contacts.len(), count, "the seed has enough such contacts");
        contacts
    }

    /// A UDF value of a contact as the sandbox stores it.
    pub fn contact_udf(&self, contact_id: i64, prog_id: &str) -> Option<String> {
        let contact = self.sandbox.tenant().contact(contact_id as i32)?;
        contact.udfs.get(prog_id).cloned()
    }
}

/// A delivery of `event` for `entity_id`, changed by one of our owners.
pub fn delivery(event: &str, entity_id: i64) -> NewDelivery {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let entity = event.split('.').next().unwrap_or_default().to_owned();
    NewDelivery {
        event_id: format!(
            "test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ),
        received_at: so_queue::now_ms(),
        tenant: "Cust12345".to_owned(),
        event: event.to_owned(),
        entity,
        entity_id,
        changed_by: Some(OUR_OWNERS[0]),
        changes: vec!["name".to_owned()],
        payload: "{}".to_owned(),
        disposition: Disposition::Enqueue,
    }
}
