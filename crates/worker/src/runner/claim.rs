//! Finding the next job: poll the file cheaply, claim when something may
//! be due, and hold back while the credentials circuit is open.

use std::sync::Arc;
use std::time::Duration;

use so_queue::{ClaimedJob, Store};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::poll::Backoff;
use super::reclaim::Reclaimer;
use super::Runner;
use crate::circuit::{Circuit, Gate};
use crate::process::Process;

/// The claiming half of the loop, with its polling state.
pub(super) struct Claimer {
    store: Store,
    process: Arc<dyn Process>,
    circuit: Arc<Circuit>,
    lease: Duration,
    /// Pauses between empty looks at the store.
    backoff: Backoff,
    /// Whether the last look at the store failed, so that a failing store
    /// is reported once when it starts failing and once when it recovers,
    /// not on every poll.
    store_failing: bool,
    /// Whether the last claim found a job. While jobs keep coming the next
    /// claim is tried at once; the cheap read first only pays when the
    /// queue is likely empty.
    busy: bool,
    /// Takes over the jobs of dead workers on this host before their
    /// leases run out.
    reclaimer: Reclaimer,
}

impl Claimer {
    pub(super) fn new(runner: &Runner) -> Self {
        let config = &runner.config;
        Self {
            store: runner.store.clone(),
            process: Arc::clone(&runner.process),
            circuit: Arc::clone(&runner.circuit),
            lease: config.lease,
            backoff: Backoff::new(config.poll_min, config.poll_max),
            store_failing: false,
            busy: false,
            reclaimer: Reclaimer::new(&config.holder),
        }
    }

    /// The next job claimed for `holder`, or `None` once `stop` is
    /// cancelled. A claim that has started is never cut short by the stop:
    /// a job claimed and then dropped would sit out its lease.
    pub(super) async fn next_job(
        &mut self,
        holder: &str,
        finished: &Notify,
        stop: &CancellationToken,
    ) -> Option<ClaimedJob> {
        loop {
            if stop.is_cancelled() {
                return None;
            }

            // Credentials refused: no claims until a probe says otherwise.
            match self.circuit.gate() {
                Gate::Closed => {}
                Gate::OpenUntil(until) => {
                    tokio::select! {
                        _ = tokio::time::sleep_until(until) => {}
                        _ = stop.cancelled() => return None,
                    }
                    continue;
                }
                Gate::Probe => {
                    let accepted = self.process.recheck_credentials().await;
                    self.circuit.probed(accepted);
                    continue;
                }
            }

            if let Some(claimed) = self.try_claim(holder).await {
                self.backoff.reset();
                return Some(claimed);
            }

            let pause = self.backoff.next_pause();
            tokio::select! {
                _ = tokio::time::sleep(pause) => {}
                _ = finished.notified() => {}
                _ = stop.cancelled() => return None,
            }
        }
    }

    /// One look. When idle: jobs of dead workers on this host are freed
    /// (every few seconds), then a read of the queue's next due time, and
    /// a claim only when that time has come, so idle polling takes the
    /// write lock only to free such jobs. While busy: the claim at once.
    async fn try_claim(&mut self, holder: &str) -> Option<ClaimedJob> {
        if !self.busy {
            self.reclaimer.look(&self.store).await;
            let now = so_queue::now_ms();
            let due = match self.store.next_claimable_at().await {
                Ok(due) => due,
                Err(error) => return self.store_trouble(&error),
            };
            if due.is_none_or(|due| due > now) {
                self.store_recovered();
                return None;
            }
        }

        self.reclaimer.claiming();
        let claimed = self
            .store
            .claim(holder, self.lease, so_queue::now_ms())
            .await;
        match claimed {
            Ok(claimed) => {
                self.store_recovered();
                self.busy = claimed.is_some();
                claimed
            }
            Err(error) => {
                self.busy = false;
                self.store_trouble(&error)
            }
        }
    }

    fn store_trouble(&mut self, error: &so_queue::StoreError) -> Option<ClaimedJob> {
        if !self.store_failing {
            tracing::warn!(error = %error, "cannot read the job store; trying again while polling");
        }
        self.store_failing = true;
        None
    }

    fn store_recovered(&mut self) {
        if self.store_failing {
            tracing::info!("the job store answers again");
        }
        self.store_failing = false;
    }
}
