//! A burst of jobs on two real worker processes while SuperOffice misbehaves
//! in every way the production connector met: 429 with Retry-After, 503,
//! a 500 that heals, slow answers, and one record that answers 500 for good;
//! then, mid-burst, the access tokens expire and the tenant moves to another
//! endpoint (421).

use std::time::Duration;

use so_queue::JobStatus;
use so_sandbox::{LoggedRequest, RetryAfter};

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
    // Both warm, so that the faults hit jobs, not a start-up.
    world.until_warmed(workers.len()).await;

    let faults = world.sandbox.faults();
    faults.fail_contact(healing as i32, true);
    faults.fail_contact(poisoned as i32, true);
    faults.set_delay(Some(Duration::from_millis(20)));
    faults.throttle(6, Some(RetryAfter::Seconds(1)));
    faults.unavailable(3, None);
    let mut jobs = Vec::with_capacity(JOBS);
    for contact in &contacts {
        jobs.push(world.enqueue("contact.changed", *contact).await);
    }

    // Mid-burst, once the healing record's 500 has cost its job an attempt:
    // the record heals, and the tokens and endpoint both workers hold go
    // stale. That job still has to run again, so at least one request
    // after this point meets the 421 and the 401.
    world
        .wait_for(jobs[0], |job| {
            job.attempts >= 1 && job.status == JobStatus::Pending
        })
        .await;
    let mid_burst = world.sandbox.requests().len();
    faults.fail_contact(healing as i32, false);
    faults.expire_access_tokens();
    faults.move_tenant();

    let mut finished = Vec::with_capacity(JOBS);
    for job_id in &jobs {
        finished.push(world.finished(*job_id).await.job);
    }
    for worker in &mut workers {
        signal(worker, "TERM");
        assert_eq!(exit_within(worker, Duration::from_secs(30)).code(), Some(0));
    }

    let requests = world.sandbox.requests();
    for status in [429, 503, 500] {
        assert!(answered(&requests, status) > 0, "{status} answered");
    }
    let after = &requests[mid_burst..];
    for status in [421, 401] {
        assert!(answered(after, status) > 0, "{status} answered mid-burst");
    }
    let refreshes = after.iter().filter(|r| r.path.ends_with("/oauth/tokens"));
    assert!(refreshes.count() > 0, "the expired tokens were refreshed");

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

/// Requests among `requests` that were answered `status`.
fn answered(requests: &[LoggedRequest], status: u16) -> usize {
    requests.iter().filter(|r| r.status == status).count()
}
