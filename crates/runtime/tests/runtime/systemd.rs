//! systemd notifications against a fake `NOTIFY_SOCKET`.
//!
//! The notifier reads `NOTIFY_SOCKET` and `WATCHDOG_USEC` from the process
//! environment, and changing the environment of a test binary whose other
//! tests run in parallel threads is unsound. So the test runs this very
//! test binary again as a child process, with those variables set for the
//! child only, and reads what the child sends to a datagram socket in a
//! temp dir: the same way systemd listens.

use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use so_runtime::systemd::{Health, Notifier};

/// Set in the child's environment only; without it the child test returns
/// at once.
const CHILD_MARKER: &str = "SO_RUNTIME_TEST_NOTIFY_CHILD";

#[test]
fn ready_pings_status_and_stopping_arrive_in_order_and_a_stall_skips_its_ping() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&path).unwrap();
    // A guard against a hang, not a measurement.
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();

    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "systemd::child_sends_notifications",
            "--test-threads=1",
        ])
        .env(CHILD_MARKER, "1")
        .env("NOTIFY_SOCKET", &path)
        .env("WATCHDOG_USEC", "20000")
        .env_remove("WATCHDOG_PID")
        // Captured, so the child's own "test result" line does not land in
        // the parent's output.
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut received = Vec::new();
    while received
        .last()
        .is_none_or(|last: &String| !last.starts_with("STOPPING=1"))
    {
        let mut buffer = [0_u8; 512];
        let length = socket.recv(&mut buffer).expect("a notification arrives");
        received.push(String::from_utf8_lossy(&buffer[..length]).into_owned());
    }
    let output = child.wait_with_output().unwrap();

    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        received,
        [
            "READY=1\nSTATUS=listening on 127.0.0.1:8700\n",
            "WATCHDOG=1\nSTATUS=4 slots, 1 busy\n",
            // The same status again: the ping alone.
            "WATCHDOG=1\n",
            // The third probe said stalled: nothing was sent.
            "WATCHDOG=1\nSTATUS=4 slots, 2 busy\n",
            "WATCHDOG=1\n",
            "STOPPING=1\nSTATUS=draining\n",
        ]
    );
}

/// The child half of the test above; does nothing unless started by it.
#[test]
fn child_sends_notifications() {
    if std::env::var_os(CHILD_MARKER).is_none() {
        return;
    }
    let notifier = Notifier::from_env();
    assert_eq!(notifier.ping_interval(), Some(Duration::from_millis(10)));

    let probes = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(tokio::sync::Notify::new());
    let probe = {
        let (probes, done) = (Arc::clone(&probes), Arc::clone(&done));
        move || {
            let busy = |n: u32| Health::Alive {
                status: Some(format!("4 slots, {n} busy")),
            };
            match probes.fetch_add(1, Ordering::SeqCst) {
                0 | 1 => busy(1),
                2 => Health::Stalled {
                    reason: "the test says so",
                },
                3 => busy(2),
                _ => {
                    done.notify_one();
                    Health::alive()
                }
            }
        }
    };

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    notifier.ready("listening on 127.0.0.1:8700");
    runtime.block_on(async {
        // Biased: once the last probe has run, the next poll ends the loop
        // before another tick could ping once more.
        tokio::select! {
            biased;
            () = done.notified() => {}
            () = notifier.clone().watchdog(probe) => unreachable!("the watchdog loop never ends"),
        }
    });
    notifier.stopping("draining");
}

#[test]
fn without_notify_socket_nothing_is_expected() {
    // Run under a systemd unit itself, there is nothing to check here.
    if std::env::var_os("NOTIFY_SOCKET").is_some() {
        return;
    }

    let notifier = Notifier::from_env();
    notifier.ready("ignored");

    assert!(!notifier.is_listening());
    assert_eq!(notifier.ping_interval(), None);
}
