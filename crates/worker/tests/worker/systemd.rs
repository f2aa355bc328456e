//! The real binary under a fake systemd: a datagram socket in a temp dir as
//! `NOTIFY_SOCKET`, the way a `Type=notify` unit runs it.
//!
//! No tenant is needed: the worker is ready once its store is open, before
//! it talks to SuperOffice, and the login host here refuses connections.

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn the_binary_says_ready_with_its_slots_pings_the_watchdog_and_says_stopping_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    // A guard against a hang, not a measurement.
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();

    let mut child = Command::new(env!("CARGO_BIN_EXE_so-worker"))
        .current_dir(dir.path())
        .env_clear()
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "200000")
        .env("SO__WORKER__SLOTS", "3")
        .env("SO__STORE__PATH", dir.path().join("connector.sqlite"))
        .env("SO__RULES__OWNERS__ASSOCIATE_IDS", "23")
        .env("SO__SUPEROFFICE__ENVIRONMENT", "sod")
        .env("SO__SUPEROFFICE__CONTEXT_ID", "Cust12345")
        .env("SO__SUPEROFFICE__CLIENT_ID", "client")
        .env("SO__SUPEROFFICE__CLIENT_SECRET", "secret")
        .env("SO__SUPEROFFICE__REFRESH_TOKEN", "refresh")
        .env("SO__SUPEROFFICE__AUTH_BASE", "http://127.0.0.1:9/")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("so-worker starts");
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
        .find(|message| !message.starts_with("WATCHDOG=1\n"))
        .unwrap();
    let status = child.wait().expect("the child exits");

    assert_eq!(ready, "READY=1\nSTATUS=3 slots, 0 busy\n");
    assert!(ping.starts_with("WATCHDOG=1\n"), "{ping:?}");
    assert!(signalled.success());
    assert_eq!(stopping, "STOPPING=1\nSTATUS=draining\n");
    assert_eq!(status.code(), Some(0));
}
