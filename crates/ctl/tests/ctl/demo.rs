//! `soctl demo`: the whole connector as separate processes.
//!
//! The end-to-end run needs so-sandbox, so-ingest and so-worker beside
//! soctl, which `cargo test -p soctl` does not build (only `cargo test
//! --workspace` happens to), and stale ones would test old code; so it is
//! ignored here and `.ci/run` runs it after `cargo build --bins`:
//!
//! ```text
//! cargo build --bins && cargo test -p soctl --test ctl demo -- --ignored
//! ```

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// Runs `soctl ARGS` in `dir` with nothing of the developer's settings.
fn soctl(program: &Path, dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(program);
    command.args(args).current_dir(dir);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("SO__") {
            command.env_remove(key);
        }
    }
    command.output().expect("soctl runs")
}

/// `soctl ARGS` in `dir` as [`soctl`] runs it, but not waited for: stdout
/// piped, stderr into `stderr.log` in `dir`.
fn spawn_soctl(dir: &Path, args: &[&str]) -> std::process::Child {
    let stderr = std::fs::File::create(dir.join("stderr.log")).expect("a log file");
    let mut command = Command::new(env!("CARGO_BIN_EXE_soctl"));
    command
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(stderr);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("SO__") {
            command.env_remove(key);
        }
    }
    command.spawn().expect("soctl starts")
}

/// The last line of stdout, as JSON.
fn last_line(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|error| {
        panic!(
            "the last line is not JSON ({error}): {line}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn demo_without_the_other_binaries_says_how_to_build_them() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let lonely = dir.path().join("soctl");
    std::fs::copy(env!("CARGO_BIN_EXE_soctl"), &lonely).expect("soctl copied");

    let output = soctl(&lonely, dir.path(), &["demo", "--json"]);

    assert_eq!(output.status.code(), Some(1));
    let document: Value =
        serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    let error = document["error"].as_str().expect("an error message");
    assert!(error.contains("so-sandbox"), "{error}");
    assert!(error.contains("cargo build --release"), "{error}");
}

#[test]
#[ignore = "needs so-sandbox, so-ingest and so-worker beside soctl: \
            cargo build --bins, then cargo test -p soctl --test ctl demo -- --ignored"]
fn demo_loses_nothing_and_leaves_no_process_behind() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let work = dir.path().join("demo");
    let work_arg = work.display().to_string();

    let output = soctl(
        Path::new(env!("CARGO_BIN_EXE_soctl")),
        dir.path(),
        &["demo", "--json", "--dir", &work_arg],
    );

    // The report for people is on stderr; shown with --nocapture (CI).
    let summary = last_line(&output);
    println!("{}\n{summary}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{summary:#}");
    assert_eq!(summary["lost"], 0);
    assert_eq!(summary["settled"], true);
    assert_eq!(summary["unexpected_failures"], Value::Array(Vec::new()));
    let poisoned = summary["poisoned"].as_array().expect("poisoned records");
    assert_eq!(summary["failed"].as_u64(), Some(poisoned.len() as u64));

    // Every kind of traffic left its mark.
    for key in ["deliveries", "jobs", "completed", "patches", "api_calls"] {
        assert!(summary[key].as_u64() > Some(0), "{key}: {summary:#}");
    }
    for rule in [
        "echo_of_own_write",
        "duplicate_creation",
        "owner_not_ours",
        "no_relevant_change",
    ] {
        assert!(
            summary["skipped"][rule].as_u64() > Some(0),
            "{rule}: {summary:#}"
        );
    }
    assert!(summary["webhooks"]["redelivered"].as_u64() > Some(0));
    assert!(!summary["accounts"].as_array().expect("accounts").is_empty());

    // Everything has stopped: the dashboard's address is there, marked as
    // no longer served; the --dir is kept.
    let dashboard = summary["dashboard"].as_str().expect("the dashboard's URL");
    assert!(dashboard.starts_with("http://127.0.0.1:"), "{dashboard}");
    assert_eq!(summary["dashboard_live"], false);
    assert_eq!(summary["dir_kept"], true);
    assert!(work.join("logs").join("ingest.log").is_file());

    // Every child stopped on its SIGTERM and is gone.
    let children = summary["children"].as_object().expect("the children");
    assert_eq!(children.len(), 4, "{summary:#}");
    for (name, child) in children {
        assert_eq!(child["ended"], "exit status: 0", "{name}");
        let pid = child["pid"].as_u64().expect("a pid");
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline);
        assert!(!cmdline.contains("so-"), "{name} (pid {pid}) still runs");
    }
}

#[test]
#[ignore = "needs so-sandbox, so-ingest and so-worker beside soctl: \
            cargo build --bins, then cargo test -p soctl --test ctl demo -- --ignored"]
fn demo_keep_running_ends_on_ctrl_c_with_the_reports_exit_code() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let work = dir.path().join("demo");
    let work_arg = work.display().to_string();
    let args = ["demo", "--json", "--keep-running", "--dir", &work_arg];
    let mut demo = spawn_soctl(dir.path(), &args);

    // The report's JSON line comes once everything keeps running; the
    // Ctrl-C follows whatever it says, so no demo outlives the test.
    let stdout = demo.stdout.take().expect("stdout");
    let line = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find(|line| line.starts_with('{'))
        .unwrap_or_default();
    let summary: Value = serde_json::from_str(&line).unwrap_or_default();
    let dashboard = summary["dashboard"].as_str().unwrap_or_default();
    let address = dashboard.trim_start_matches("http://");
    let address = address.split('/').next().unwrap_or_default();
    let served = std::net::TcpStream::connect(address).is_ok();
    Command::new("kill")
        .args(["-INT", &demo.id().to_string()])
        .status()
        .expect("kill runs");
    let status = demo.wait().expect("soctl ends");

    let stderr = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap_or_default();
    assert!(!line.is_empty(), "no JSON line on stdout\n{stderr}");
    assert_eq!(summary["dashboard_live"], true, "{summary:#}");
    assert!(served, "the dashboard answers at {dashboard}");
    assert_eq!(summary["exit_code"], 0, "{summary:#}\n{stderr}");
    assert_eq!(
        status.code(),
        Some(0),
        "Ctrl-C is not an interruption here\n{stderr}"
    );
    assert!(stderr.contains("soctl demo: stopped"), "{stderr}");
}
