//! Backfill filters SuperOffice refuses (400 SoValidationException): no run
//! left waiting for a resume that can only be refused again.

use so_sandbox::NextLinkMode;

use crate::harness::Env;
use crate::refuser::Refuser;

const GARBAGE: &str = "garbage(((";

#[tokio::test]
async fn a_refused_filter_exits_2_with_the_reason_and_records_no_run() {
    let env = Env::start().await;

    let refused = env
        .soctl(&["backfill", "--filter", GARBAGE])
        .await
        .expect_code(2);
    let runs = env.json(&["backfill", "--list"]).await;
    let resume = env.soctl(&["backfill", "--resume"]).await;

    let stderr = &refused.stderr;
    assert!(stderr.contains("refused the filter"), "{stderr}");
    assert!(stderr.contains(GARBAGE), "{stderr}");
    assert!(
        stderr.contains("$filter:"),
        "SuperOffice's reason: {stderr}"
    );
    assert!(!stderr.contains("--resume"), "{stderr}");
    assert_eq!(runs["runs"], serde_json::json!([]));
    assert_eq!(resume.code, 4, "nothing to resume: {}", resume.stderr);
}

#[tokio::test]
async fn resuming_a_run_whose_filter_is_refused_ends_it_and_says_so() {
    let env = Env::start().await;
    // A run an earlier soctl left open with a filter that cannot work, after
    // some progress.
    let store = env.store().await;
    let run = store
        .start_backfill("contact", GARBAGE, so_queue::now_ms())
        .await
        .unwrap();
    let batch = so_queue::BatchProgress {
        last_id: 1040,
        seen: 40,
        queued: 30,
        not_ours: 10,
    };
    store
        .advance_backfill(run.id, batch, so_queue::now_ms())
        .await
        .unwrap();

    let resumed = env.soctl(&["backfill", "--resume"]).await.expect_code(2);
    let again = env.soctl(&["backfill", "--resume"]).await;

    let stderr = &resumed.stderr;
    assert!(
        stderr.contains(&format!("run {} ended", run.id)),
        "{stderr}"
    );
    assert!(stderr.contains("refused the filter"), "{stderr}");
    assert!(stderr.contains("contactId gt 1040"), "{stderr}");
    assert!(
        stderr.contains("$filter:"),
        "SuperOffice's reason: {stderr}"
    );
    let ended = store.backfill_run(run.id).await.unwrap().unwrap();
    assert!(ended.finished_at.is_some(), "{ended:?}");
    assert_eq!(ended.queued, 30, "what it queued stays counted");
    assert_eq!(again.code, 4, "nothing left to resume: {}", again.stderr);
}

#[tokio::test]
async fn a_page_refused_after_progress_keeps_the_cursor_and_a_resume_finishes() {
    let mut env = Env::start().await;
    env.sandbox.faults().set_next_link(NextLinkMode::Null);
    let refuser = Refuser::start(&env.sandbox.api_base());
    env.set("SO__SUPEROFFICE__API_BASE", refuser.api_base.as_str());
    let filter = "contactId lt 1100";

    let stopped = env
        .soctl(&["backfill", "--filter", filter, "--page-size", "10"])
        .await
        .expect_code(1);
    let open = env.store().await.open_backfill(None).await.unwrap();
    refuser.refuse(false);
    let resumed = env
        .json(&["backfill", "--resume", "--page-size", "10"])
        .await;

    let stderr = &stopped.stderr;
    let open = open.expect("the run stays open");
    assert!(open.last_id > 0, "the first page moved the cursor");
    let after = format!("stopped after contact {}", open.last_id);
    assert!(stderr.contains(&after), "{stderr}");
    assert!(stderr.contains("refused the page"), "{stderr}");
    assert!(stderr.contains("paging past this point"), "{stderr}");
    assert!(
        stderr.contains("--resume asks again from there"),
        "{stderr}"
    );
    assert_eq!(resumed["run"]["id"], open.id);
    assert_eq!(resumed["finished"], true);
}
