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

use std::path::Path;
use std::process::{Command, Output};

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

    // Everything has stopped: no dead dashboard link; the --dir is kept.
    assert_eq!(summary["dashboard"], Value::Null);
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
