//! Several slots, several workers, one file; and stopping.

use std::time::Duration;

use so_queue::JobStatus;

use crate::harness::{delivery, world};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_workers_on_one_file_never_process_a_job_twice() {
    let world = world().await;
    let contacts = world.our_contacts(40);
    let one = world.start_worker().await;
    let two = world.start_worker().await;

    let mut jobs = Vec::new();
    for contact in &contacts {
        jobs.push(world.enqueue("contact.changed", *contact).await);
    }
    let mut details = Vec::new();
    for job_id in jobs {
        details.push(world.finished(job_id).await);
    }
    one.stop().await;
    two.stop().await;

    for detail in &details {
        assert_eq!(detail.job.status, JobStatus::Completed);
        assert_eq!(
            detail.job.attempts, 1,
            "job {} claimed twice",
            detail.job.id
        );
        assert_eq!(detail.attempts.len(), 1);
    }
    for contact in contacts {
        assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_changes_queued_together_costs_one_fetch_and_one_patch() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    let burst: Vec<_> = (0..20)
        .map(|_| delivery("contact.changed", contact))
        .collect();
    let recorded = world.store.record_deliveries(&burst).await.unwrap();
    let job_id = recorded[0].job_id().unwrap();

    let worker = world.start_worker().await;
    let job = world.finished(job_id).await.job;
    worker.stop().await;

    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(job.delivery_count, 20);
    assert_eq!(world.requests("GET", &format!("/Contact/{contact}")), 1);
    assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_releases_the_jobs_that_cannot_finish_in_time() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    let worker = world
        .start_worker_with(|s| s.worker.shutdown_grace_ms = 100)
        .await;
    world.until_warm().await;
    world
        .sandbox
        .faults()
        .set_delay(Some(Duration::from_secs(5)));

    let job_id = world.enqueue("contact.changed", contact).await;
    world
        .wait_for(job_id, |job| job.status == JobStatus::Processing)
        .await;
    let summary = worker.stop().await;

    assert_eq!(summary.released, 1);
    let detail = world.store.job(job_id).await.unwrap().unwrap();
    assert_eq!(detail.job.status, JobStatus::Pending);
    assert_eq!(detail.job.attempts, 0, "no attempt lost or invented");
    assert_eq!(detail.attempts[0].outcome.as_deref(), Some("released"));
}
