//! The binary's promises to the operator at start: every settings problem
//! in one error, and exit codes that `--help` lists.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `so-worker ARGS` in `dir` with only `vars` as its environment and
/// an empty `--env-file`, so that nothing of the developer's leaks in.
fn run(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let env_file = dir.join("empty.env");
    std::fs::write(&env_file, "").unwrap();

    Command::new(env!("CARGO_BIN_EXE_so-worker"))
        .arg("--env-file")
        .arg(&env_file)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .expect("so-worker runs")
}

#[test]
fn an_empty_configuration_names_every_missing_setting_in_one_error() {
    let dir = tempfile::tempdir().unwrap();

    for args in [&[][..], &["--check"]] {
        let output = run(dir.path(), args, &[]);

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(78), "{args:?}: {stderr}");
        assert!(stderr.contains("invalid settings: 5 problems"), "{stderr}");
        for variable in [
            "SO__SUPEROFFICE__CONTEXT_ID",
            "SO__SUPEROFFICE__CLIENT_ID",
            "SO__SUPEROFFICE__CLIENT_SECRET",
            "SO__SUPEROFFICE__REFRESH_TOKEN",
            "SO__RULES__OWNERS__ASSOCIATE_IDS",
        ] {
            assert!(
                stderr.contains(variable),
                "{args:?} lacks {variable}: {stderr}"
            );
        }
    }
    assert!(!dir.path().join("var").exists(), "nothing is created");
}

#[test]
fn invalid_numbers_are_listed_beside_the_missing_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let vars = [
        ("SO__SUPEROFFICE__CONTEXT_ID", "Cust12345"),
        ("SO__RULES__OWNERS__SHORT_NAMES", "RKAB"),
        ("SO__WORKER__SLOTS", "0"),
        ("SO__WORKER__LEASE_MS", "10"),
    ];

    let output = run(dir.path(), &["--check"], &vars);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(78), "{stderr}");
    for named in [
        "SO__SUPEROFFICE__CLIENT_ID",
        "SO__SUPEROFFICE__CLIENT_SECRET",
        "SO__SUPEROFFICE__REFRESH_TOKEN",
        "worker.slots: must be at least 1",
        "worker.lease_ms: must be at least 300",
    ] {
        assert!(stderr.contains(named), "lacks {named}: {stderr}");
    }
    assert!(!stderr.contains("CONTEXT_ID"), "{stderr}");
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
