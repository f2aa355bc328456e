//! The binary: its help explains how to start it and how to inject
//! faults, and its log suits a file.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn long_help_lists_the_seed_the_webhook_target_and_the_faults() {
    let output = Command::new(env!("CARGO_BIN_EXE_so-sandbox"))
        .arg("--help")
        .output()
        .unwrap();

    let help = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success());
    for expected in [
        "--seed",
        "--webhook-url",
        // The ingest's default address and path, so the example works as is.
        "http://127.0.0.1:8700/connector/webhook",
        "/_sandbox/faults/",
        "throttle",
        "move-tenant",
    ] {
        assert!(help.contains(expected), "help lacks {expected}");
    }
}

#[test]
fn generate_seed_prints_the_shipped_seed() {
    let output = Command::new(env!("CARGO_BIN_EXE_so-sandbox"))
        .arg("generate-seed")
        .output()
        .unwrap();

    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        include_str!("../../seed/tenant.json")
    );
}

#[test]
fn a_log_that_is_not_a_terminal_carries_no_colour_codes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_so-sandbox"))
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("NO_COLOR")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    // Read until the start is logged; a reader thread, so a silent child
    // fails the test instead of hanging it.
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let mut log = String::new();
    while !log.contains("sandbox listening") {
        match received.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => log.push_str(&format!("{line}\n")),
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();

    assert!(log.contains("sandbox listening"), "{log}");
    assert!(!log.contains('\u{1b}'), "{log:?}");
}

#[test]
fn the_sandbox_stops_when_the_launcher_that_asked_for_it_is_killed() {
    // A shell stands in for `soctl demo`: it starts the sandbox with its
    // own pid in SO_STOP_WITH_PARENT, prints the sandbox's pid and waits.
    let script = format!(
        "SO_STOP_WITH_PARENT=$$ '{}' --listen 127.0.0.1:0 >/dev/null 2>&1 & echo $!; wait",
        env!("CARGO_BIN_EXE_so-sandbox")
    );
    let mut launcher = Command::new("sh")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(launcher.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let sandbox: u32 = line.trim().parse().expect("the sandbox's pid");
    std::thread::sleep(Duration::from_millis(300));
    assert!(running(sandbox), "the sandbox started");

    launcher.kill().unwrap();
    launcher.wait().unwrap();

    // It polls its parent every 500 ms and then stops gracefully.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while running(sandbox) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!running(sandbox), "the sandbox outlived its launcher");
}

/// Whether `pid` is a live process: it has a `/proc` entry and is not a
/// zombie waiting for a parent that does not reap.
fn running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !matches!(
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next()),
            Some("Z" | "X")
        ),
        Err(_) => false,
    }
}
