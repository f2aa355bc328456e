//! What the real binary writes to a log that is not a terminal.

use std::process::{Command, Output};

use crate::helpers::TOKEN;

/// Runs `so-ingest` with its store path on a directory, which cannot be
/// opened: the start fails and is logged.
fn failed_start() -> Output {
    let dir = tempfile::tempdir().unwrap();
    let env_file = dir.path().join(".env");
    std::fs::write(&env_file, "").unwrap();

    Command::new(env!("CARGO_BIN_EXE_so-ingest"))
        .arg("--env-file")
        .arg(&env_file)
        .current_dir(dir.path())
        .env_clear()
        .env("SO__INGEST__LISTEN", "127.0.0.1:0")
        .env("SO__INGEST__ADMIN__LISTEN", "off")
        .env("SO__INGEST__WEBHOOK__TOKEN", TOKEN)
        .env("SO__STORE__PATH", dir.path())
        .output()
        .expect("so-ingest runs")
}

#[test]
fn log_lines_to_a_pipe_carry_no_colour_codes() {
    let output = failed_start();

    let log = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(log.contains("so-ingest failed"), "{log}");
    assert!(!log.contains('\u{1b}'), "{log:?}");
}

#[test]
fn a_failed_start_says_each_cause_once() {
    let output = failed_start();

    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("cannot open the job store"), "{log}");
    assert_eq!(
        log.matches("unable to open database file").count(),
        1,
        "{log}"
    );
}

#[test]
fn a_missing_env_file_is_reported_once() {
    let output = Command::new(env!("CARGO_BIN_EXE_so-ingest"))
        .args(["--env-file", "/nonexistent/connector.env"])
        .env_clear()
        .output()
        .expect("so-ingest runs");

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(78));
    assert!(stderr.contains("/nonexistent/connector.env"), "{stderr}");
    assert_eq!(stderr.matches("os error 2").count(), 1, "{stderr}");
}
