//! The binary's promises to the operator at start: every settings problem
//! in one error, exit codes that `--help` lists, and the variable to fix
//! named when the `.env` file overrides one or a key is misspelt.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `so-worker ARGS` in `dir` with only `vars` as its environment and
/// an empty `--env-file`, so that nothing of the developer's leaks in.
fn run(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let env_file = dir.join("empty.env");
    std::fs::write(&env_file, "").unwrap();

    let env_file = env_file.to_str().expect("a UTF-8 temp path");
    let args = [&["--env-file", env_file][..], args].concat();
    output(dir, &args, vars)
}

/// Runs `so-worker ARGS` in `dir` as an operator would by hand: `vars`
/// exported, and `./.env` holding `dotenv`, read because it is there.
fn run_beside_dotenv(dir: &Path, args: &[&str], vars: &[(&str, &str)], dotenv: &str) -> Output {
    std::fs::write(dir.join(".env"), dotenv).unwrap();
    output(dir, args, vars)
}

/// The binary's output, run in `dir` with only `vars` as its environment.
fn output(dir: &Path, args: &[&str], vars: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_so-worker"))
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

#[test]
fn an_exported_admin_address_the_env_file_overrides_is_warned_of_and_named_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let running = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = running.local_addr().unwrap().to_string();
    let exported = [("SO__WORKER__ADMIN__LISTEN", "off")];
    // Settings that pass the check; the start makes no SuperOffice request
    // before the admin listener binds.
    let dotenv = format!(
        "SO__WORKER__ADMIN__LISTEN={taken}\n\
         SO__SUPEROFFICE__CONTEXT_ID=Cust12345\n\
         SO__SUPEROFFICE__CLIENT_ID=client\n\
         SO__SUPEROFFICE__CLIENT_SECRET=secret\n\
         SO__SUPEROFFICE__REFRESH_TOKEN=refresh\n\
         SO__RULES__OWNERS__SHORT_NAMES=RKAB\n\
         SO__STORE__PATH=var/connector.sqlite\n"
    );

    let output = run_beside_dotenv(dir.path(), &[], &exported, &dotenv);

    let log = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{log}");
    assert!(
        log.contains("SO__WORKER__ADMIN__LISTEN from the environment is overridden by .env"),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "worker.admin.listen set by SO__WORKER__ADMIN__LISTEN from .env: \
             cannot listen on {taken}"
        )),
        "{log}"
    );
}

#[test]
fn a_misspelt_key_is_refused_naming_its_variable_and_source() {
    let dir = tempfile::tempdir().unwrap();

    let output = run(dir.path(), &["--check"], &[("SO__WORKER__SLOST", "2")]);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(78), "{stderr}");
    assert!(stderr.contains("unknown field `slost`"), "{stderr}");
    assert!(
        stderr.contains("in SO__WORKER__SLOST from the environment"),
        "{stderr}"
    );
}

#[test]
fn misspelt_keys_of_the_shared_sections_are_refused_too() {
    let cases = [
        ("SO__STORE__PAHT", "store.sqlite", "paht"),
        ("SO__SUPEROFFICE__CLIENT_SECRT", "x", "client_secrt"),
        ("SO__ANALYZER__BAKEND", "builtin", "bakend"),
    ];

    for (variable, value, key) in cases {
        let dir = tempfile::tempdir().unwrap();
        let output = run(dir.path(), &["--check"], &[(variable, value)]);

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(78), "{variable}: {stderr}");
        assert!(
            stderr.contains(&format!("unknown field `{key}`")),
            "{stderr}"
        );
        assert!(stderr.contains(variable), "{stderr}");
    }
}
