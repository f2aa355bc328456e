//! The real `so-worker` binary as a child process, against the in-process
//! sandbox: killed mid-job, stopped with SIGTERM, and `--check`.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use so_queue::JobStatus;

use crate::harness::{world, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_of_a_killed_worker_is_completed_by_another_after_its_lease() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    let mut child = spawn_worker(&world, &[("SO__WORKER__LEASE_MS", "600")]);
    world.until_warm().await;
    world
        .sandbox
        .faults()
        .set_delay(Some(Duration::from_secs(10)));
    let job_id = world.enqueue("contact.changed", contact).await;
    world
        .wait_for(job_id, |job| job.status == JobStatus::Processing)
        .await;

    child.kill().expect("SIGKILL");
    child.wait().expect("the child is reaped");
    world.sandbox.faults().set_delay(None);
    let worker = world.start_worker().await;
    let job = world.finished(job_id).await.job;
    worker.stop().await;

    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(job.lease_losses, 1, "taken over after the lease ran out");
    assert_eq!(job.attempts, 2);
    assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_releases_the_running_job_and_exits_zero() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    let mut child = spawn_worker(&world, &[("SO__WORKER__SHUTDOWN_GRACE_MS", "100")]);
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

/// Starts the binary on the world's store and sandbox; its log goes to
/// `worker.log` in the world's directory.
fn spawn_worker(world: &World, extra: &[(&str, &str)]) -> Child {
    let log = std::fs::File::create(world.dir.path().join("worker.log")).unwrap();
    worker_command(world, extra)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("so-worker starts")
}

/// The binary with the settings of [`World::settings`] as environment
/// variables, run in the world's directory (so no stray `.env` is read).
fn worker_command(world: &World, extra: &[(&str, &str)]) -> Command {
    let sandbox = world.sandbox.config();
    let auth_base = world.sandbox.auth_base().to_string();
    let store = world.db_path.display().to_string();
    let mut command = Command::new(env!("CARGO_BIN_EXE_so-worker"));
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("SO__")) {
        command.env_remove(name);
    }
    command
        .current_dir(world.dir.path())
        .env("SO__SUPEROFFICE__ENVIRONMENT", "sod")
        .env("SO__SUPEROFFICE__CONTEXT_ID", &sandbox.context_identifier)
        .env("SO__SUPEROFFICE__CLIENT_ID", &sandbox.client_id)
        .env("SO__SUPEROFFICE__CLIENT_SECRET", &sandbox.client_secret)
        .env("SO__SUPEROFFICE__REFRESH_TOKEN", &sandbox.refresh_token)
        .env("SO__SUPEROFFICE__AUTH_BASE", auth_base)
        .env("SO__SUPEROFFICE__REQUESTS_PER_SECOND", "1000")
        .env("SO__STORE__PATH", store)
        .env("SO__RULES__OWNERS__ASSOCIATE_IDS", "23,24,31")
        .env("SO__WORKER__POLL_MAX_MS", "10")
        .env("SO__LOG__FILTER", "info,so_worker=debug");
    for (name, value) in extra {
        command.env(name, value);
    }
    command
}
