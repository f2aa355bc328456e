//! Backfill across several pages, interrupted and resumed.

use crate::harness::{Env, OURS};

/// Contact ids of ours below 1100 (ids 1, 2 and 1001-1099 match the filter).
fn ours_below_1100(env: &Env) -> Vec<i64> {
    let mut ids: Vec<i64> = env
        .sandbox
        .tenant()
        .contacts()
        .iter()
        .filter(|c| c.id < 1100 && OURS.contains(&c.associate_id))
        .map(|c| i64::from(c.id))
        .collect();
    ids.sort_unstable();
    ids
}

/// Contacts queued by backfills, each delivery's id, in order.
async fn backfilled(env: &Env) -> Vec<i64> {
    let deliveries = env
        .store()
        .await
        .deliveries_between(0, i64::MAX)
        .await
        .unwrap();
    let mut ids: Vec<i64> = deliveries
        .iter()
        .filter(|d| d.event_id.starts_with("backfill:"))
        .map(|d| d.entity_id)
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn backfill_across_several_pages_resumes_where_it_stopped() {
    let env = Env::start().await;
    let filter = "contactId lt 1100";

    let first = env
        .json(&[
            "backfill",
            "--filter",
            filter,
            "--page-size",
            "10",
            "--limit",
            "15",
        ])
        .await;
    let cursor = first["run"]["last_id"].as_i64().unwrap();
    let second = env
        .json(&["backfill", "--resume", "--page-size", "10"])
        .await;

    assert_eq!(first["finished"], false);
    assert_eq!(first["session"]["queued"], 15);
    assert_eq!(second["finished"], true);
    assert_eq!(second["run"]["id"], first["run"]["id"]);
    let expected = ours_below_1100(&env);
    assert_eq!(
        backfilled(&env).await,
        expected,
        "every account of ours once"
    );
    assert_eq!(second["run"]["queued"], expected.len());
    let resumed_from_cursor = env.sandbox.requests().iter().any(|r| {
        let query = percent_decoded(&r.query);
        query.contains(&format!("contactId gt {cursor}"))
    });
    assert!(
        resumed_from_cursor,
        "the resumed run asks for ids past {cursor}"
    );
    let pages = env
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/api/v1/Contact"))
        .count();
    assert!(
        pages >= 10,
        "101 rows in pages of 10 take 11 pages, saw {pages}"
    );
}

#[tokio::test]
async fn a_new_run_with_an_unfinished_filter_is_refused_until_resumed_or_restarted() {
    let env = Env::start().await;
    let filter = "contactId lt 1030";
    env.json(&[
        "backfill",
        "--filter",
        filter,
        "--page-size",
        "5",
        "--limit",
        "3",
    ])
    .await;

    let refused = env
        .soctl(&["backfill", "--filter", filter])
        .await
        .expect_code(2);
    let restarted = env
        .json(&["backfill", "--filter", filter, "--restart"])
        .await;

    assert!(refused.stderr.contains("--resume"), "{}", refused.stderr);
    assert_eq!(restarted["finished"], true);
    assert_eq!(restarted["run"]["id"], 2);
}

#[tokio::test]
async fn resume_without_an_unfinished_run_is_not_found() {
    let env = Env::start().await;

    env.soctl(&["backfill", "--resume"]).await.expect_code(4);
}

fn percent_decoded(query: &str) -> String {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn an_empty_run_list_says_so_and_how_to_start() {
    let env = Env::start().await;
    env.soctl(&["migrate"]).await.expect_code(0);

    let run = env.soctl(&["backfill", "--list"]).await.expect_code(0);

    assert!(
        run.stdout.contains("no backfill runs yet"),
        "{}",
        run.stdout
    );
}
