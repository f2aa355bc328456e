//! The real `so-ingest` binary as a child process under a fake systemd: a
//! datagram socket in the test's directory as `NOTIFY_SOCKET`, from which
//! the test learns when the binary is ready and on which port it listens.

use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{SECRET, TOKEN};

/// How long a notification may take before the test calls the child hung.
/// A guard against a hang, not a measurement.
const NOTIFY_PATIENCE: Duration = Duration::from_secs(30);

/// The binary with test settings as environment variables: port 0, no admin
/// listener, the helpers' token and secret, the store at `db_path`. Nothing
/// is inherited from the test's environment, and the empty `--env-file`
/// keeps a developer's `.env` out.
pub fn ingest_command(dir: &Path, db_path: &Path, notify_socket: &Path) -> Command {
    let env_file = dir.join("empty.env");
    std::fs::write(&env_file, "").expect("the empty env file is written");

    let mut command = Command::new(env!("CARGO_BIN_EXE_so-ingest"));
    command
        .arg("--env-file")
        .arg(&env_file)
        .current_dir(dir)
        .env_clear()
        .env("NOTIFY_SOCKET", notify_socket)
        .env("SO__INGEST__LISTEN", "127.0.0.1:0")
        .env("SO__INGEST__ADMIN__LISTEN", "off")
        .env("SO__INGEST__WEBHOOK__TOKEN", TOKEN)
        .env("SO__INGEST__WEBHOOK__SECRET", SECRET)
        .env("SO__STORE__PATH", db_path);
    command
}

/// A running `so-ingest` child and the socket it reports to.
pub struct IngestProcess {
    child: Child,
    socket: UnixDatagram,
    /// `http://127.0.0.1:<port>`, from the readiness notification.
    pub address: String,
}

impl IngestProcess {
    /// Starts the binary on `db_path` and waits until it says it is ready.
    /// `name` tells this start's notify socket and log file apart from
    /// those of another start in the same directory.
    pub fn start(dir: &Path, db_path: &Path, name: &str) -> IngestProcess {
        let socket_path = dir.join(format!("{name}.sock"));
        let socket = UnixDatagram::bind(&socket_path).expect("the notify socket binds");
        socket
            .set_read_timeout(Some(NOTIFY_PATIENCE))
            .expect("the timeout is set");
        let log = std::fs::File::create(log_path(dir, name)).expect("the log file is created");

        let child = ingest_command(dir, db_path, &socket_path)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("so-ingest starts");
        let mut process = IngestProcess {
            child,
            socket,
            address: String::new(),
        };

        let ready = process.next_notification();
        let listening = ready
            .strip_prefix("READY=1\nSTATUS=listening on ")
            .unwrap_or_else(|| panic!("the first notification is readiness: {ready:?}"));
        process.address = format!("http://{}", listening.trim_end());
        process
    }

    /// The next message the child sent to its notify socket.
    pub fn next_notification(&self) -> String {
        let mut buffer = [0_u8; 512];
        let length = self
            .socket
            .recv(&mut buffer)
            .expect("the child notifies within the patience");
        String::from_utf8_lossy(&buffer[..length]).into_owned()
    }

    /// Sends `signal` (`TERM`, `KILL`, ...) the way systemd or an operator
    /// would, through `kill`.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits for the child to exit, failing the test if it is still running
    /// after `limit` (then it is killed, so no process outlives the test).
    pub fn exit_within(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("the child can be waited on") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("so-ingest did not exit within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for IngestProcess {
    /// A failing test must not leave the binary running.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Where the child started as `name` writes its log.
pub fn log_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.log"))
}
