//! Refused credentials: the job fails with what the operator must do, and
//! the worker stops claiming instead of asking the token endpoint again and
//! again.

use std::time::Duration;

use so_queue::JobStatus;

use crate::harness::world;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_fail_the_job_and_pause_claiming() {
    let world = world().await;
    let [first, second] = world.our_contacts(2)[..] else {
        unreachable!()
    };
    let worker = world.start_worker().await;
    world.until_warm().await;
    let tokens_before = world.token_requests();
    world.sandbox.faults().revoke_refresh_token();
    world.sandbox.faults().expire_access_tokens();

    let failed = world.enqueue("contact.changed", first).await;
    let failed = world.finished(failed).await.job;
    let waiting = world.enqueue("contact.changed", second).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let waiting = world.store.job(waiting).await.unwrap().unwrap().job;
    worker.stop().await;

    assert_eq!(failed.status, JobStatus::Failed);
    assert_eq!(failed.rule.as_deref(), Some("auth_failed"));
    let reason = failed.reason.unwrap_or_default();
    assert!(reason.contains("renew the consent"), "{reason}");
    assert_eq!(waiting.status, JobStatus::Pending, "claiming is paused");
    assert_eq!(
        world.token_requests() - tokens_before,
        1,
        "one refused refresh"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claiming_resumes_once_the_credentials_work_again() {
    let world = world().await;
    let [first, second] = world.our_contacts(2)[..] else {
        unreachable!()
    };
    let worker = world
        .start_worker_with(|s| s.worker.auth_pause_ms = 100)
        .await;
    world.until_warm().await;
    world.sandbox.faults().revoke_refresh_token();
    world.sandbox.faults().expire_access_tokens();
    let failed = world.enqueue("contact.changed", first).await;
    world.finished(failed).await;

    world.sandbox.faults().restore_refresh_token();
    let later = world.enqueue("contact.changed", second).await;
    let later = world.finished(later).await.job;
    worker.stop().await;

    assert_eq!(later.status, JobStatus::Completed);
}
