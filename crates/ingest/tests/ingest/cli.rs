//! The binary's promises to the operator at start: every settings problem
//! in one error, exit codes that `--help` lists, a second ingest that
//! fails on the taken port before it touches the store, and the variable
//! to fix named when the `.env` file overrides one or a key is misspelt.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `so-ingest ARGS` in `dir` with only `vars` as its environment and
/// an empty `--env-file`, so that nothing of the developer's leaks in.
fn run(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let env_file = dir.join("empty.env");
    std::fs::write(&env_file, "").unwrap();

    let env_file = env_file.to_str().expect("a UTF-8 temp path");
    let args = [&["--env-file", env_file][..], args].concat();
    output(dir, &args, vars)
}

/// Runs `so-ingest ARGS` in `dir` as an operator would by hand: `vars`
/// exported, and `./.env` holding `dotenv`, read because it is there.
fn run_beside_dotenv(dir: &Path, args: &[&str], vars: &[(&str, &str)], dotenv: &str) -> Output {
    std::fs::write(dir.join(".env"), dotenv).unwrap();
    output(dir, args, vars)
}

/// The binary's output, run in `dir` with only `vars` as its environment.
fn output(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_so-ingest"))
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

#[test]
fn an_exported_listen_address_the_env_file_overrides_is_warned_of_and_named_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let running = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = running.local_addr().unwrap().to_string();
    let exported = [("SO__INGEST__LISTEN", "127.0.0.1:0")];
    let dotenv = format!(
        "SO__INGEST__LISTEN={taken}\nSO__INGEST__ADMIN__LISTEN=off\n\
         SO__INGEST__WEBHOOK__TOKEN=test-token\nSO__STORE__PATH=var/connector.sqlite\n"
    );

    let output = run_beside_dotenv(dir.path(), &[], &exported, &dotenv);

    let log = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(log.contains("WARN"), "{log}");
    assert!(
        log.contains("SO__INGEST__LISTEN from the environment is overridden by .env"),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "ingest.listen set by SO__INGEST__LISTEN from .env: cannot listen on {taken}"
        )),
        "{log}"
    );
}

#[test]
fn check_warns_of_an_overridden_variable_on_stderr_without_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let exported = [("SO__INGEST__WEBHOOK__TOKEN", "exported-token")];

    let output = run_beside_dotenv(
        dir.path(),
        &["--check"],
        &exported,
        "SO__INGEST__WEBHOOK__TOKEN=file-token\n",
    );

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "settings ok\n");
    assert!(
        stderr.contains(
            "so-ingest: warning: SO__INGEST__WEBHOOK__TOKEN from the environment \
             is overridden by .env"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("exported-token"), "{stderr}");
    assert!(!stderr.contains("file-token"), "{stderr}");
}

#[test]
fn a_misspelt_key_is_refused_naming_its_variable_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let vars = [
        ("SO__INGEST__WEBHOK__SECRET", "x"),
        ("SO__INGEST__WEBHOOK__TOKEN", "test-token"),
    ];

    let output = run(dir.path(), &["--check"], &vars);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("unknown field `webhok`"), "{stderr}");
    assert!(
        stderr.contains("in SO__INGEST__WEBHOK__SECRET from the environment"),
        "{stderr}"
    );
}
