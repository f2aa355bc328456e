//! The binary's promises to the operator at start: every settings problem
//! in one error, exit codes that `--help` lists, and a second ingest that
//! fails on the taken port before it touches the store.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `so-ingest ARGS` in `dir` with only `vars` as its environment and
/// an empty `--env-file`, so that nothing of the developer's leaks in.
fn run(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let env_file = dir.join("empty.env");
    std::fs::write(&env_file, "").unwrap();

    Command::new(env!("CARGO_BIN_EXE_so-ingest"))
        .arg("--env-file")
        .arg(&env_file)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .expect("so-ingest runs")
}

#[test]
fn every_unusable_setting_is_named_in_one_error_on_start_and_with_check() {
    let dir = tempfile::tempdir().unwrap();
    // No token or secret, and three more mistakes.
    let vars = [
        ("SO__INGEST__LISTEN", "localhost-8700"),
        ("SO__INGEST__WEBHOOK__PATH", "hooks"),
        ("SO__INGEST__WORKERS", "0"),
        ("SO__STORE__PATH", "var/connector.sqlite"),
    ];

    for args in [&[][..], &["--check"]] {
        let output = run(dir.path(), args, &vars);

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(78), "{args:?}: {stderr}");
        assert!(stderr.contains("invalid settings: 4 problems"), "{stderr}");
        for named in [
            "SO__INGEST__WEBHOOK__TOKEN",
            "ingest.listen: \"localhost-8700\"",
            "ingest.webhook.path: \"hooks\"",
            "ingest.workers: must be at least 1",
        ] {
            assert!(stderr.contains(named), "{args:?} lacks {named}: {stderr}");
        }
    }
    assert!(!dir.path().join("var").exists(), "nothing is created");
}

#[test]
fn help_lists_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();

    let output = run(dir.path(), &["--help"], &[]);

    let help = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    assert!(help.contains("Exit codes:"), "{help}");
    for code in ["  0 ", "  1 ", "  2 ", "  78 "] {
        assert!(help.contains(code), "{code:?} missing: {help}");
    }
}

#[test]
fn a_second_ingest_fails_on_the_taken_port_before_opening_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let running = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = running.local_addr().unwrap().to_string();
    let vars = [
        ("SO__INGEST__LISTEN", taken.as_str()),
        ("SO__INGEST__ADMIN__LISTEN", "off"),
        ("SO__INGEST__WEBHOOK__TOKEN", "test-token"),
        ("SO__STORE__PATH", "var/connector.sqlite"),
    ];

    let output = run(dir.path(), &[], &vars);

    let log = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(log.contains(&format!("cannot listen on {taken}")), "{log}");
    assert!(!log.contains("job store open"), "{log}");
    assert!(!dir.path().join("var").exists(), "the store is untouched");
}
