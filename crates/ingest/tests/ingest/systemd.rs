//! The real binary under a fake systemd: a datagram socket in a temp dir as
//! `NOTIFY_SOCKET`, the way a `Type=notify` unit runs it.

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::helpers::{SECRET, TOKEN};

#[test]
fn the_binary_says_ready_with_its_address_pings_the_watchdog_and_says_stopping_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join(".env");
    std::fs::write(&env_file, "").unwrap();
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    // A guard against a hang, not a measurement.
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_so-ingest"))
        .arg("--env-file")
        .arg(&env_file)
        .current_dir(dir.path())
        .env_clear()
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "200000")
        .env("SO__INGEST__LISTEN", "127.0.0.1:0")
        .env("SO__INGEST__ADMIN__LISTEN", "off")
        .env("SO__INGEST__WEBHOOK__TOKEN", TOKEN)
        .env("SO__INGEST__WEBHOOK__SECRET", SECRET)
        .env("SO__STORE__PATH", dir.path().join("connector.sqlite"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("so-ingest starts");
    let receive = || {
        let mut buffer = [0_u8; 512];
        let length = socket.recv(&mut buffer).expect("a notification arrives");
        String::from_utf8_lossy(&buffer[..length]).into_owned()
    };

    let ready = receive();
    let ping = receive();
    let signalled = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    let stopping = std::iter::repeat_with(receive)
        .find(|message| message != "WATCHDOG=1\n")
        .unwrap();
    let status = child.wait().expect("the child exits");

    assert!(
        ready.starts_with("READY=1\nSTATUS=listening on 127.0.0.1:"),
        "{ready:?}"
    );
    assert_eq!(ping, "WATCHDOG=1\n");
    assert!(signalled.success());
    assert_eq!(stopping, "STOPPING=1\nSTATUS=draining\n");
    assert_eq!(status.code(), Some(0));
}
