//! SuperOffice failing: throttled, broken.

use so_queue::JobStatus;

use crate::harness::world;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_job_is_retried_without_using_an_attempt() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    let worker = world.start_worker().await;
    world.until_warm().await;
    // One 429 without Retry-After: the client cannot wait it out in place.
    world.sandbox.faults().throttle(1, None);

    let job_id = world.enqueue("contact.changed", contact).await;
    let detail = world.finished(job_id).await;
    worker.stop().await;

    assert_eq!(detail.job.status, JobStatus::Completed);
    assert_eq!(detail.job.attempts, 1, "the throttled attempt was refunded");
    let outcomes: Vec<_> = detail
        .attempts
        .iter()
        .map(|attempt| attempt.outcome.as_deref().unwrap_or("running"))
        .collect();
    assert_eq!(outcomes, ["deferred", "completed"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_that_always_fails_is_given_up_after_the_attempt_limit() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    world.sandbox.faults().fail_contact(contact as i32, true);
    let worker = world.start_worker().await;

    let job_id = world.enqueue("contact.changed", contact).await;
    let detail = world.finished(job_id).await;
    worker.stop().await;

    let job = detail.job;
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.rule.as_deref(), Some("retries_exhausted"));
    let reason = job.reason.unwrap_or_default();
    assert!(
        reason.contains("after 3 attempts") && reason.contains("500"),
        "{reason}"
    );
    assert_eq!(job.attempts, 3);
    assert_eq!(world.requests("GET", &format!("/Contact/{contact}")), 3);
}
