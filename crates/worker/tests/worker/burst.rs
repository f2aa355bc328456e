//! A burst of jobs on two real worker processes while SuperOffice misbehaves
//! in every way the production connector met: 429 with Retry-After, 503,
//! a 500 that heals, slow answers, expired access tokens, a tenant moved to
//! another endpoint (421), and one record that answers 500 for good.

use std::time::Duration;

use so_queue::JobStatus;
use so_sandbox::RetryAfter;

use crate::child::{exit_within, signal, spawn_worker};
use crate::harness::world;

/// Jobs of the burst, the poisoned one included.
const JOBS: usize = 30;
/// The workers' attempt limit, short so the poisoned job gives up soon.
const MAX_ATTEMPTS: u32 = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_every_fault_the_burst_completes_and_only_the_poisoned_job_fails() {
    let world = world().await;
    let contacts = world.our_contacts(JOBS);
    let (healing, poisoned) = (contacts[0], contacts[JOBS - 1]);
    let attempts = MAX_ATTEMPTS.to_string();
    let settings = [
        ("SO__WORKER__SLOTS", "4"),
        ("SO__WORKER__RETRY__MAX_ATTEMPTS", attempts.as_str()),
        ("SO__WORKER__RETRY__BASE_DELAY_MS", "300"),
        ("SO__WORKER__RETRY__MAX_DELAY_MS", "1000"),
        ("SO__WORKER__RETRY__DEFERRAL_DELAY_MS", "100"),
    ];
    let mut workers = [
        spawn_worker(&world, "worker-1", &settings),
        spawn_worker(&world, "worker-2", &settings),
    ];
    world.until_warm().await;

    let faults = world.sandbox.faults();
    faults.fail_contact(healing as i32, true);
    faults.fail_contact(poisoned as i32, true);
    faults.set_delay(Some(Duration::from_millis(20)));
    faults.throttle(6, Some(RetryAfter::Seconds(1)));
    faults.unavailable(3, None);
    faults.expire_access_tokens();
    faults.move_tenant();
    let mut jobs = Vec::with_capacity(JOBS);
    for contact in &contacts {
        jobs.push(world.enqueue("contact.changed", *contact).await);
    }
    // The 500 of one record heals after it has cost its job an attempt.
    world
        .wait_for(jobs[0], |job| {
            job.attempts >= 1 && job.status == JobStatus::Pending
        })
        .await;
    faults.fail_contact(healing as i32, false);
    let mut finished = Vec::with_capacity(JOBS);
    for job_id in &jobs {
        finished.push(world.finished(*job_id).await.job);
    }
    for worker in &mut workers {
        signal(worker, "TERM");
        assert_eq!(exit_within(worker, Duration::from_secs(30)).code(), Some(0));
    }

    let answered = |status: u16| {
        world
            .sandbox
            .requests()
            .iter()
            .filter(|request| request.status == status)
            .count()
    };
    for status in [429, 503, 401, 421, 500] {
        assert!(
            answered(status) > 0,
            "the sandbox answered {status} at least once"
        );
    }
    let (ours, last) = finished.split_at(JOBS - 1);
    for job in ours {
        assert_eq!(job.status, JobStatus::Completed, "{job:?}");
    }
    assert!(ours[0].attempts >= 2, "the healed record's job tried again");
    let failed = &last[0];
    assert_eq!(failed.status, JobStatus::Failed);
    assert_eq!(failed.rule.as_deref(), Some("retries_exhausted"));
    assert_eq!(failed.attempts, MAX_ATTEMPTS);
    let reason = failed.reason.as_deref().unwrap_or_default();
    assert!(
        reason.contains(&format!("after {MAX_ATTEMPTS} attempts")) && reason.contains("500"),
        "{reason}"
    );
}
