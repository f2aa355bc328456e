//! How many slots are working on a job right now, for the status line that
//! `systemctl status so-worker@1` shows ("4 slots, 2 busy").
//!
//! Counted by wrapping the job process rather than inside the claim loop,
//! so the loop stays as it is: a job counts from the moment its process
//! starts until its future ends or is dropped (lease lost, released at a
//! stop).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use so_queue::ClaimedJob;

use crate::outcome::Processed;
use crate::process::{BoxFuture, Process};

/// Jobs being processed; cheap to clone and to read.
#[derive(Debug, Clone, Default)]
pub struct BusySlots {
    /// Shared with every clone: the wrapper counts, `main` reads.
    in_flight: Arc<AtomicUsize>,
}

impl BusySlots {
    /// Jobs being processed now.
    pub fn get(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// `process`, counting its jobs in these slots.
    pub(crate) fn counting(&self, process: Arc<dyn Process>) -> Arc<dyn Process> {
        Arc::new(Counted {
            inner: process,
            busy: self.clone(),
        })
    }
}

/// A process that counts its jobs in flight.
#[derive(Debug)]
struct Counted {
    inner: Arc<dyn Process>,
    busy: BusySlots,
}

/// Counts one job while it lives; the drop uncounts it however the job's
/// future ends.
struct Busy(BusySlots);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Process for Counted {
    fn process<'a>(&'a self, job: &'a ClaimedJob) -> BoxFuture<'a, Processed> {
        Box::pin(async move {
            self.busy.in_flight.fetch_add(1, Ordering::Relaxed);
            let _busy = Busy(self.busy.clone());
            self.inner.process(job).await
        })
    }

    fn recheck_credentials(&self) -> BoxFuture<'_, bool> {
        self.inner.recheck_credentials()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use tokio::sync::Semaphore;

    use super::*;
    use crate::outcome::Outcome;
    use crate::test_support::{claim_the_job, store_with_a_job};

    /// Holds every job until the test lets it go.
    #[derive(Debug)]
    struct Gate(Semaphore);

    impl Process for Gate {
        fn process<'a>(&'a self, _job: &'a ClaimedJob) -> BoxFuture<'a, Processed> {
            Box::pin(async move {
                let _permit = self.0.acquire().await.expect("the gate stays open");
                let outcome = Outcome::Completed {
                    result: json!({}),
                    summary: "let through".to_owned(),
                };
                Processed {
                    outcome,
                    api_calls: 0,
                }
            })
        }

        fn recheck_credentials(&self) -> BoxFuture<'_, bool> {
            Box::pin(std::future::ready(true))
        }
    }

    #[tokio::test]
    async fn a_job_counts_while_it_runs_and_stops_counting_when_done_or_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_job(&dir).await;
        let job = claim_the_job(&store, "test/0").await;
        let gate = Arc::new(Gate(Semaphore::new(0)));
        let busy = BusySlots::default();
        let counted = busy.counting(gate.clone());

        // Polled once: started, held at the gate.
        let mut first = counted.process(&job);
        let mut second = counted.process(&job);
        for job in [&mut first, &mut second] {
            tokio::select! {
                biased;
                _ = job => unreachable!("the gate is closed"),
                () = std::future::ready(()) => {}
            }
        }
        let while_held = busy.get();
        drop(second);
        let after_drop = busy.get();
        gate.0.add_permits(1);
        first.await;
        let after_done = busy.get();

        assert_eq!(while_held, 2);
        assert_eq!(after_drop, 1);
        assert_eq!(after_done, 0);
    }
}
