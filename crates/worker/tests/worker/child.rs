//! The real `so-worker` binary as a child process, with the settings of
//! [`World::settings`] as environment variables.

use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::harness::World;

/// Starts the binary on the world's store and sandbox; its log goes to
/// `NAME.log` in the world's directory.
pub fn spawn_worker(world: &World, name: &str, extra: &[(&str, &str)]) -> Child {
    let log = std::fs::File::create(world.dir.path().join(format!("{name}.log"))).unwrap();
    worker_command(world, extra)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("so-worker starts")
}

/// The binary with the settings of [`World::settings`] as environment
/// variables, run in the world's directory (so no stray `.env` is read).
pub fn worker_command(world: &World, extra: &[(&str, &str)]) -> Command {
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

/// Sends `signal` (`TERM`, `KILL`, ...) through `kill`, as systemd would.
pub fn signal(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{signal} failed");
}

/// Waits for the child to exit, failing the test if it still runs after
/// `limit` (then it is killed, so no process outlives the test).
pub fn exit_within(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited on") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("so-worker did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
