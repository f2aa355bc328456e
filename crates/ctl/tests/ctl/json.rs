//! Every command prints exactly one JSON document with --json, whatever its
//! outcome, so scripts can rely on it.

use std::time::Duration;

use serde_json::json;
use so_queue::{Disposition, NewDelivery};

use crate::harness::{open_store, Env};
use crate::receiver::Receiver;

#[tokio::test]
async fn every_command_prints_one_json_document() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(open_store(&dir).await).await;
    let env = Env::start_with_webhook(dir, receiver.url.clone(), "secret").await;
    let store = env.store().await;
    let now = so_queue::now_ms();
    for (event_id, contact) in [("e1", 1001), ("e2", 1002)] {
        let delivery = NewDelivery {
            event_id: event_id.into(),
            received_at: now,
            tenant: "Cust12345".into(),
            event: "contact.changed".into(),
            entity: "contact".into(),
            entity_id: contact,
            changed_by: Some(23),
            changes: vec!["name".into()],
            payload: json!({ "EventId": event_id }).to_string(),
            disposition: Disposition::Enqueue,
        };
        store.record_delivery(&delivery).await.unwrap();
    }
    let claimed = store
        .claim("t", Duration::from_secs(30), now)
        .await
        .unwrap()
        .unwrap();
    store.fail(&claimed.lease, "boom", 0, now).await.unwrap();
    let failed = claimed.lease.job_id.to_string();
    let url = receiver.url.to_string();

    // Each command with the exit code it must give here.
    let commands: Vec<(Vec<&str>, i32)> = vec![
        (vec!["migrate"], 0),
        (vec!["queue", "stats"], 0),
        (vec!["queue", "stats", "--since", "1h"], 0),
        (vec!["queue", "list", "--status", "failed"], 0),
        (vec!["queue", "show", &failed], 0),
        (vec!["queue", "show", "999"], 4),
        (vec!["queue", "retry", &failed], 0),
        (vec!["queue", "retry-failed", "--since", "1d"], 0),
        (
            vec![
                "queue",
                "purge",
                "--status",
                "skipped",
                "--older-than",
                "7d",
            ],
            0,
        ),
        (vec!["queue", "purge", "--retention"], 0),
        (vec!["replay", "--entity", "contact:1002"], 0),
        (vec!["replay", "--from", "1h", "--to", "0s"], 0),
        (vec!["auth", "check"], 0),
        (vec!["lists", "Vertical"], 0),
        (vec!["lists", "NoSuchList"], 4),
        (vec!["udfs", "contact"], 0),
        (vec!["udfs", "person"], 0),
        (vec!["config", "check"], 5),
        (
            vec![
                "backfill",
                "--filter",
                "contactId lt 1020",
                "--page-size",
                "7",
            ],
            0,
        ),
        (vec!["backfill", "--list"], 0),
        (vec!["reconcile", "--since", "1h"], 0),
        (vec!["webhook", "status"], 0),
        (
            vec!["webhook", "register", "--url", &url, "--secret", "secret"],
            0,
        ),
        (vec!["webhook", "activate", "--since", "1h"], 0),
        (vec!["verify-latest"], 5),
        (vec!["find-latest", "--owner", "RKAB,24"], 0),
        (vec!["find-latest", "--owner", "NOBODY"], 4),
        (vec!["check-filter-counts"], 0),
        (vec!["cleanup-test-data"], 0),
        (vec!["reconcile", "--since", "not a time"], 2),
    ];

    for (args, code) in commands {
        let run = env.soctl(&[&args[..], &["--json"]].concat()).await;
        assert_eq!(
            run.code, code,
            "soctl {args:?}\nstdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        );
        let document = run.json();
        if code != 0 && code != 5 {
            assert_eq!(document["exit_code"], code, "soctl {args:?}");
            assert_eq!(document["ok"], false, "soctl {args:?}");
        }
    }
}

#[tokio::test]
async fn help_shows_examples_and_exit_codes() {
    let env = Env::start().await;

    let top = env.soctl(&["--help"]).await.expect_code(0);
    let backfill = env.soctl(&["backfill", "--help"]).await.expect_code(0);
    let usage = env.soctl(&["queue", "purge", "--json"]).await;

    assert!(top.stdout.contains("Exit codes:"), "{}", top.stdout);
    assert!(top.stdout.contains("5    a check found mismatches"));
    assert!(backfill.stdout.contains("Examples:"));
    assert_eq!(usage.code, 2, "a missing argument is a usage error");
    assert_eq!(usage.json()["exit_code"], 2);
}
