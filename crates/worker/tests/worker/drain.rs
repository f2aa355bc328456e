//! SIGTERM to the real binary under load, as `systemctl stop` sends it:
//! the worker drains and exits 0 within the unit's stop timeout, and no job
//! is left in processing for a lease to free.

use std::time::Duration;

use so_queue::JobStatus;

use crate::child::{exit_within, signal, spawn_worker};
use crate::harness::world;

/// `TimeoutStopSec` in deploy/so-worker@.service: a stop that takes longer
/// ends in SIGKILL in production, so here it fails the test.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// Jobs of the load, more than the slots can hold at once.
const JOBS: usize = 40;
/// Jobs the worker runs at once.
const SLOTS: u64 = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_exits_zero_in_time_and_leaves_no_job_processing() {
    let world = world().await;
    let contacts = world.our_contacts(JOBS);
    // The shutdown grace stays at its default (20 s, as deployed): long
    // enough for every job in flight to finish rather than be handed back.
    let slots = SLOTS.to_string();
    let mut child = spawn_worker(&world, "worker", &[("SO__WORKER__SLOTS", &slots)]);
    world.until_warm().await;
    // Slow answers, so that several jobs are in flight when the signal comes.
    world
        .sandbox
        .faults()
        .set_delay(Some(Duration::from_millis(200)));
    let mut jobs = Vec::with_capacity(JOBS);
    for contact in &contacts {
        jobs.push(world.enqueue("contact.changed", *contact).await);
    }
    world.until_processing(SLOTS).await;

    signal(&child, "TERM");
    let status = tokio::task::spawn_blocking(move || exit_within(&mut child, STOP_TIMEOUT))
        .await
        .unwrap();
    let after_stop = world.store.counts_by_status(None).await.unwrap();
    world.sandbox.faults().set_delay(None);
    let worker = world.start_worker().await;
    let mut finished = Vec::with_capacity(JOBS);
    for job_id in &jobs {
        finished.push(world.finished(*job_id).await.job);
    }
    worker.stop().await;

    assert_eq!(status.code(), Some(0), "a drained stop exits 0");
    assert_eq!(after_stop.processing, 0, "no job left processing");
    assert_eq!(after_stop.pending + after_stop.completed, JOBS as u64);
    assert!(after_stop.pending > 0, "the stop came while jobs waited");
    assert!(
        after_stop.completed >= SLOTS,
        "the jobs in flight at the signal finished within the grace"
    );
    assert!(finished
        .iter()
        .all(|job| job.status == JobStatus::Completed));
    for contact in &contacts {
        let patches = world.requests("PATCH", &format!("/Contact/{contact}"));
        assert_eq!(patches, 1, "contact {contact} written once");
    }
}
