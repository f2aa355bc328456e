//! The raw claim-and-finish rate of the store through the worker's own
//! claim loop, with a no-op pipeline: what the loop could do if SuperOffice
//! and the analysis cost nothing.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use so_queue::{ClaimedJob, Disposition, Durability, NewDelivery, Store, StoreOptions};
use so_worker::outcome::{Outcome, Processed};
use so_worker::{BoxFuture, Process, Runner, RunnerConfig};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::stats::report;

/// Jobs finished in each measurement; the 100,000 backlog is measured over
/// its first jobs, so both figures cover the same amount of work.
const MEASURED: u64 = 1_000;

/// Completes every job at once and counts them.
#[derive(Debug, Default)]
struct Noop {
    done: AtomicU64,
    reached: Notify,
}

impl Process for Noop {
    fn process<'a>(&'a self, _job: &'a ClaimedJob) -> BoxFuture<'a, Processed> {
        if self.done.fetch_add(1, Ordering::Relaxed) + 1 == MEASURED {
            self.reached.notify_one();
        }
        let outcome = Outcome::Completed {
            result: json!({}),
            summary: "no-op".to_owned(),
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

/// Measures the rate at a backlog of 1,000 and of 100,000 pending jobs.
pub async fn run(dir: &Path, slots: usize) {
    for backlog in [1_000, 100_000] {
        let path = dir.join(format!("noop-{backlog}.sqlite"));
        // The durability so-worker itself runs with.
        let options = StoreOptions {
            durability: Durability::Relaxed,
            ..StoreOptions::default()
        };
        let store = Store::open(&path, options).await.expect("the store opens");
        fill(&store, backlog).await;

        let (finished, took) = drain(&store, slots).await;
        let rate = finished as f64 / took.as_secs_f64();
        report(
            &format!("claim-and-finish, no-op, backlog {backlog}"),
            format!("{rate:>8.0} jobs/s ({finished} jobs, {slots} slots)"),
        );
        store.close().await;
    }
}

/// `count` pending jobs for distinct contacts, 1,000 per transaction.
async fn fill(store: &Store, count: i64) {
    let now = so_queue::now_ms();
    for start in (0..count).step_by(1_000) {
        let batch: Vec<NewDelivery> = (start..(start + 1_000).min(count))
            .map(|id| NewDelivery {
                event_id: format!("noop-{id}"),
                received_at: now,
                tenant: "Cust12345".to_owned(),
                event: "contact.changed".to_owned(),
                entity: "contact".to_owned(),
                entity_id: id + 1,
                changed_by: Some(23),
                changes: vec!["name".to_owned()],
                payload: "{}".to_owned(),
                disposition: Disposition::Enqueue,
            })
            .collect();
        store
            .record_deliveries(&batch)
            .await
            .expect("the backlog is recorded");
    }
}

/// Runs the claim loop until `MEASURED` jobs were processed; returns the
/// jobs finished (a few more may finish while it stops) and the time taken.
async fn drain(store: &Store, slots: usize) -> (u64, Duration) {
    let noop = Arc::new(Noop::default());
    let config = RunnerConfig {
        slots,
        lease: Duration::from_secs(60),
        poll_min: Duration::from_millis(5),
        poll_max: Duration::from_millis(25),
        shutdown_grace: Duration::from_secs(30),
        auth_pause: Duration::from_secs(60),
        holder: "bench/noop".to_owned(),
    };
    let runner = Runner::new(store.clone(), noop.clone(), config);
    let stop = CancellationToken::new();

    let started = Instant::now();
    let running = tokio::spawn(runner.run(stop.clone()));
    noop.reached.notified().await;
    stop.cancel();
    let summary = running.await.expect("the loop does not panic");
    (summary.finished, started.elapsed())
}
