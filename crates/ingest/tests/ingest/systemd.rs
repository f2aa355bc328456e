//! The real binary under a fake systemd: a datagram socket in a temp dir as
//! `NOTIFY_SOCKET`, the way a `Type=notify` unit runs it.

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::child::ingest_command;

#[test]
fn the_binary_says_ready_with_its_address_pings_the_watchdog_and_says_stopping_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    // A guard against a hang, not a measurement.
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();

    let db_path = dir.path().join("connector.sqlite");
    let mut child = ingest_command(dir.path(), &db_path, &socket_path)
        .env("WATCHDOG_USEC", "200000")
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
