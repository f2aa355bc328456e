//! The binary's help explains how to start it and how to inject faults.

use std::process::Command;

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
