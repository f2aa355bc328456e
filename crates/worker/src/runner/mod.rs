//! The claim loop: take due jobs from the shared file under a lease, run
//! several at once, and stop gracefully.
//!
//! One loop per process claims; each claimed job runs as its own task in
//! one of `slots` slots. Any number of worker processes may run on one
//! file: the store's claim is a single statement under the write lock, so
//! no job is handed to two of them, and a job of a record that is being
//! worked on waits until that work is done.
//!
//! Stopping: the loop stops claiming, running jobs get a grace period to
//! finish, and what is still running then is handed back to the queue
//! (`release`: pending again, the attempt refunded).

mod claim;
mod poll;
mod reclaim;
mod task;

use std::sync::Arc;
use std::time::Duration;

use so_queue::Store;
use tokio::sync::{mpsc, Notify};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::circuit::Circuit;
use crate::process::Process;
use crate::settings::WorkerSettings;

/// How the loop claims and stops.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    /// Jobs run at once.
    pub slots: usize,
    /// Length of each claim's lease.
    pub lease: Duration,
    /// First pause of idle polling.
    pub poll_min: Duration,
    /// Longest pause of idle polling.
    pub poll_max: Duration,
    /// How long a stop waits for running jobs before releasing them.
    pub shutdown_grace: Duration,
    /// How long claiming pauses after the credentials were refused.
    pub auth_pause: Duration,
    /// Names this process in lease holders (`host/pid`); the slot number
    /// is appended.
    pub holder: String,
}

impl RunnerConfig {
    /// The configuration from the `worker` settings, named after this host
    /// and process.
    pub fn from_settings(worker: &WorkerSettings) -> Self {
        Self {
            slots: worker.slots.max(1),
            lease: worker.lease(),
            poll_min: Duration::from_millis(worker.poll_min_ms),
            poll_max: Duration::from_millis(worker.poll_max_ms),
            shutdown_grace: worker.shutdown_grace(),
            auth_pause: worker.auth_pause(),
            holder: default_holder(),
        }
    }
}

/// `host/pid`: unique among the workers on one file, readable on the
/// dashboard.
pub fn default_holder() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{host}/{}", std::process::id())
}

/// What a run did, for tests and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Jobs that ran to an outcome (recorded or not).
    pub finished: u64,
    /// Jobs handed back to the queue at the stop.
    pub released: u64,
}

/// The claim loop with its slots.
#[derive(Debug)]
pub struct Runner {
    store: Store,
    process: Arc<dyn Process>,
    config: RunnerConfig,
    /// Tripped by a job whose credentials were refused; read before claims.
    circuit: Arc<Circuit>,
}

impl Runner {
    /// A loop over `store` running `process` for each job.
    pub fn new(store: Store, process: Arc<dyn Process>, config: RunnerConfig) -> Self {
        let circuit = Arc::new(Circuit::new(config.auth_pause));
        Self {
            store,
            process,
            config,
            circuit,
        }
    }

    /// Pauses claiming as if a job's credentials had been refused (used
    /// when the start-up check is refused).
    pub fn trip_circuit(&self) {
        self.circuit.trip();
    }

    /// Claims and runs jobs until `stop` is cancelled, then drains.
    pub async fn run(self, stop: CancellationToken) -> RunSummary {
        let slots = self.config.slots;
        // The free slots: taking one is the permit to claim a job.
        let (free_tx, mut free_rx) = mpsc::channel(slots);
        for slot in 0..slots {
            free_tx
                .try_send(slot)
                .expect("the channel holds every slot");
        }
        // Woken when a job finishes: a finished job may unblock another job
        // of the same record, so the loop looks at the store at once.
        let finished = Arc::new(Notify::new());
        // Cancelled when the stop's grace period is over.
        let abandon = CancellationToken::new();
        let mut jobs = JoinSet::new();
        let mut summary = RunSummary::default();
        let mut claimer = claim::Claimer::new(&self);

        tracing::info!(slots, holder = %self.config.holder, "worker started");
        loop {
            let slot = tokio::select! {
                _ = stop.cancelled() => break,
                slot = free_rx.recv() => slot.expect("the loop keeps a sender"),
            };
            let holder = format!("{}/{slot}", self.config.holder);
            let Some(claimed) = claimer.next_job(&holder, &finished, &stop).await else {
                break;
            };

            let task = task::JobTask {
                store: self.store.clone(),
                process: Arc::clone(&self.process),
                circuit: Arc::clone(&self.circuit),
                lease_length: self.config.lease,
                abandon: abandon.clone(),
            };
            let (free_tx, finished) = (free_tx.clone(), Arc::clone(&finished));
            jobs.spawn(async move {
                let ended = task.run(claimed).await;
                let _ = free_tx.send(slot).await;
                finished.notify_one();
                ended
            });
            while let Some(ended) = jobs.try_join_next() {
                summary.add(ended);
            }
        }

        self.drain(jobs, abandon, &mut summary).await;
        summary
    }

    /// Waits up to the grace period for running jobs, then makes the rest
    /// release their jobs and waits for that.
    async fn drain(
        &self,
        mut jobs: JoinSet<task::Ended>,
        abandon: CancellationToken,
        summary: &mut RunSummary,
    ) {
        // Tasks that ended but were not joined yet still count in the set.
        while let Some(ended) = jobs.try_join_next() {
            summary.add(ended);
        }
        let grace = self.config.shutdown_grace;
        tracing::info!(
            running = jobs.len(),
            grace_ms = u64::try_from(grace.as_millis()).unwrap_or(u64::MAX),
            "draining: no new claims, waiting for running jobs"
        );

        let deadline = tokio::time::sleep(grace);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                ended = jobs.join_next() => match ended {
                    Some(ended) => summary.add(ended),
                    None => break,
                },
                _ = &mut deadline, if !abandon.is_cancelled() => abandon.cancel(),
            }
        }
        tracing::info!(
            finished = summary.finished,
            released = summary.released,
            "worker stopped"
        );
    }
}

impl RunSummary {
    fn add(&mut self, ended: Result<task::Ended, tokio::task::JoinError>) {
        match ended {
            Ok(task::Ended::Finished) => self.finished += 1,
            Ok(task::Ended::Released) => self.released += 1,
            Err(error) => tracing::error!(error = %error, "a job task panicked"),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use so_queue::{JobFilter, JobStatus};

    use super::*;
    use crate::outcome::{Outcome, Processed};
    use crate::process::BoxFuture;
    use crate::test_support::{capture, store_with_a_job};

    /// Completes every job at once.
    #[derive(Debug)]
    struct Done;

    impl Process for Done {
        fn process<'a>(&'a self, _job: &'a so_queue::ClaimedJob) -> BoxFuture<'a, Processed> {
            let outcome = Outcome::Completed {
                result: json!({}),
                summary: "done".to_owned(),
            };
            Box::pin(std::future::ready(Processed {
                outcome,
                api_calls: 0,
            }))
        }

        fn recheck_credentials(&self) -> BoxFuture<'_, bool> {
            Box::pin(std::future::ready(true))
        }
    }

    fn config() -> RunnerConfig {
        RunnerConfig {
            slots: 2,
            lease: Duration::from_secs(60),
            poll_min: Duration::from_millis(1),
            poll_max: Duration::from_millis(5),
            shutdown_grace: Duration::from_secs(5),
            auth_pause: Duration::from_secs(60),
            holder: "unit/1".to_owned(),
        }
    }

    #[tokio::test]
    async fn a_worker_idle_after_its_jobs_drains_with_none_running() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_job(&dir).await;
        let runner = Runner::new(store.clone(), Arc::new(Done), config());
        let stop = CancellationToken::new();
        let logs = capture();

        let run = tokio::spawn(runner.run(stop.clone()));
        loop {
            let jobs = store.list_jobs(&JobFilter::default()).await.unwrap();
            if jobs.iter().all(|job| job.status == JobStatus::Completed) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Idle for a while: the job's task has long ended, unjoined.
        tokio::time::sleep(Duration::from_millis(50)).await;
        stop.cancel();
        let summary = run.await.unwrap();

        let draining = logs.lines_with("draining");
        assert_eq!(draining.len(), 1, "{}", logs.text());
        assert!(draining[0].contains("running=0"), "{draining:?}");
        assert_eq!(summary.finished, 1);
    }
}
