//! The real `so-worker` binary as a child process, against the in-process
//! sandbox: killed mid-job, stopped with SIGTERM, and `--check`.

use std::process::Command;
use std::time::Duration;

use so_queue::{JobRecord, JobStatus};

use crate::child::{spawn_worker, worker_command};
use crate::harness::{world, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_of_a_killed_worker_is_completed_by_another_after_its_lease() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];

    let (_, job) =
        kill_mid_job_then_take_over(&world, contact, &[("SO__WORKER__LEASE_MS", "600")]).await;

    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(job.lease_losses, 1, "taken over after the lease ran out");
    assert_eq!(job.attempts, 2);
    assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_workers_job_is_taken_over_before_its_lease_runs_out() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];

    // The default lease: a minute.
    let (held, job) = kill_mid_job_then_take_over(&world, contact, &[]).await;

    let lease_ran_out_at = held.lease_expires_at.expect("a lease");
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(job.lease_losses, 1);
    let finished_at = job.finished_at.expect("finished");
    assert!(
        finished_at < lease_ran_out_at,
        "finished {} ms before the dead worker's lease would have run out",
        lease_ran_out_at - finished_at
    );
    assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 1);
}

/// Starts the binary with `extra` settings, kills it with SIGKILL while
/// its answer for `contact` is slow in coming, and lets a worker in this
/// process finish the job. Returns the job as the dead worker held it and
/// as it ended.
async fn kill_mid_job_then_take_over(
    world: &World,
    contact: i64,
    extra: &[(&str, &str)],
) -> (JobRecord, JobRecord) {
    let mut child = spawn_worker(world, "worker", extra);
    world.until_warm().await;
    world
        .sandbox
        .faults()
        .set_delay(Some(Duration::from_secs(10)));
    let job_id = world.enqueue("contact.changed", contact).await;
    let held = world
        .wait_for(job_id, |job| job.status == JobStatus::Processing)
        .await
        .job;

    child.kill().expect("SIGKILL");
    child.wait().expect("the child is reaped");
    world.sandbox.faults().set_delay(None);
    let worker = world.start_worker().await;
    let ended = world.finished(job_id).await.job;
    worker.stop().await;
    (held, ended)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_releases_the_running_job_and_exits_zero() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    let mut child = spawn_worker(
        &world,
        "worker",
        &[("SO__WORKER__SHUTDOWN_GRACE_MS", "100")],
    );
    world.until_warm().await;
    world
        .sandbox
        .faults()
        .set_delay(Some(Duration::from_secs(10)));
    let job_id = world.enqueue("contact.changed", contact).await;
    world
        .wait_for(job_id, |job| job.status == JobStatus::Processing)
        .await;

    let signalled = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(signalled.success());
    let status = child.wait().expect("the child exits");

    assert_eq!(status.code(), Some(0));
    let job = world.store.job(job_id).await.unwrap().unwrap().job;
    assert_eq!(job.status, JobStatus::Pending);
    assert_eq!(job.attempts, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_accepts_good_settings_and_refuses_an_empty_owner_whitelist() {
    let world = world().await;

    let good = worker_command(&world, &[]).arg("--check").output().unwrap();
    let no_owners = worker_command(&world, &[("SO__RULES__OWNERS__ASSOCIATE_IDS", "")])
        .arg("--check")
        .output()
        .unwrap();

    assert_eq!(good.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&good.stdout).trim(), "settings ok");
    assert_eq!(no_owners.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&no_owners.stderr).contains("rules.owners"));
}
