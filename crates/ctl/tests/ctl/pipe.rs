//! A reader that stops reading (`soctl … | head`) ends soctl quietly.

use std::process::{Command, Stdio};

#[test]
fn a_closed_stdout_ends_soctl_quietly_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_soctl"))
        .arg("migrate")
        .env_clear()
        .env("SO__STORE__PATH", dir.path().join("jobs.sqlite"))
        .env("RUST_BACKTRACE", "1")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // The reader goes away before soctl has written anything.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}
