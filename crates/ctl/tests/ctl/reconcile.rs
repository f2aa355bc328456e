//! Missed webhooks: an outage drives the sandbox's webhook into
//! TooManyErrors; reconcile and `webhook activate` recover the changes.

use secrecy::SecretString;
use so_queue::JobStatus;
use so_sandbox::{DeliveryOutcome, RunningSandbox, WebhookState};
use so_superoffice::Environment;
use tokio_util::sync::CancellationToken;

use crate::harness::{ids, open_store, store_path, wait_until, Env, NOT_OURS, OURS};
use crate::receiver::Receiver;

const SECRET: &str = "outage-secret";

/// A tenant whose webhook went through an outage.
struct Outage {
    env: Env,
    receiver: Receiver,
    /// Contacts of ours changed while the webhook worked.
    delivered: Vec<i64>,
    /// Contacts of ours changed during the outage.
    missed: Vec<i64>,
    /// The other company's account, also changed during the outage.
    theirs: i64,
    /// When the test began, for --since.
    since: String,
}

/// Two changes delivered, then the receiver fails: three changes use up
/// the nine attempts (TooManyErrors), and the rest are dropped unsent. One
/// of the missed changes is another company's account.
async fn outage() -> Outage {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(open_store(&dir).await).await;
    let env = Env::start_with_webhook(dir, receiver.url.clone(), SECRET).await;
    let since = so_ctl::when::rfc3339(so_queue::now_ms() - 1_000);
    let tenant = env.sandbox.tenant();
    let ours: Vec<i64> = tenant
        .contacts()
        .iter()
        .filter(|c| OURS.contains(&c.associate_id))
        .map(|c| i64::from(c.id))
        .take(7)
        .collect();
    let theirs = tenant
        .contacts()
        .iter()
        .find(|c| c.associate_id == NOT_OURS)
        .map(|c| c.id)
        .unwrap();
    let rename = |id: i64| {
        tenant
            .change_contact(id as i32, 23, |c| c.name = format!("{} (renamed)", c.name))
            .unwrap();
    };

    let (delivered, missed) = ours.split_at(2);
    for id in delivered {
        rename(*id);
    }
    wait_until("the first changes are recorded", || {
        receiver.recorded() == 2
    })
    .await;

    receiver.fail(true);
    for id in missed {
        rename(*id);
    }
    rename(i64::from(theirs));
    let sandbox = &env.sandbox;
    wait_until("every missed event is failed or dropped", || {
        let dropped = sandbox
            .deliveries()
            .iter()
            .filter(|d| d.outcome == DeliveryOutcome::Dropped)
            .count();
        sandbox.faults().webhook_state() == WebhookState::TooManyErrors && dropped == 3
    })
    .await;
    receiver.fail(false);

    Outage {
        env,
        receiver,
        delivered: delivered.to_vec(),
        missed: missed.to_vec(),
        theirs: i64::from(theirs),
        since,
    }
}

#[tokio::test]
async fn reconcile_queues_exactly_the_accounts_whose_events_were_lost() {
    let outage = outage().await;

    let report = outage
        .env
        .json(&["reconcile", "--since", &outage.since])
        .await;

    assert_eq!(ids(&report["queued"], "id"), outage.missed);
    assert_eq!(report["not_ours"], 1);
    assert_eq!(report["covered"], outage.delivered.len());
    let store = outage.env.store().await;
    for id in &outage.missed {
        let jobs = store.jobs_of_record("contact", *id, 5).await.unwrap();
        assert_eq!(jobs.len(), 1, "contact {id} has one pending job");
    }
}

#[tokio::test]
async fn a_second_reconcile_finds_nothing_new() {
    let outage = outage().await;
    outage
        .env
        .json(&["reconcile", "--since", &outage.since])
        .await;

    let again = outage
        .env
        .json(&["reconcile", "--since", &outage.since])
        .await;

    assert_eq!(again["queued"], serde_json::json!([]));
    assert_eq!(
        again["covered"],
        outage.delivered.len() + outage.missed.len()
    );
}

#[tokio::test]
async fn a_dry_run_reconcile_queues_nothing() {
    let outage = outage().await;

    let report = outage
        .env
        .json(&["reconcile", "--since", &outage.since, "--dry-run"])
        .await;

    assert_eq!(ids(&report["queued"], "id"), outage.missed);
    let store = outage.env.store().await;
    let jobs = store
        .jobs_of_record("contact", outage.missed[0], 5)
        .await
        .unwrap();
    assert!(jobs.is_empty());
}

#[tokio::test]
async fn webhook_status_shows_too_many_errors_and_the_counters() {
    let outage = outage().await;

    let status = outage.env.json(&["webhook", "status"]).await;

    let ours = &status["webhooks"][0];
    assert_eq!(ours["ours"], true);
    assert_eq!(ours["state"], "TooManyErrors");
    assert_eq!(ours["usage"]["consecutive_errors"], 9);
    assert_eq!(ours["usage"]["total_errors"], 9);
    assert_eq!(ours["usage"]["total_calls"], 2 + 9);
    assert_eq!(ours["usage"]["last_error"], "target answered HTTP 503");
}

#[tokio::test]
async fn webhook_activate_brings_it_back_and_reconciles_from_the_last_delivery() {
    let outage = outage().await;

    let activated = outage.env.json(&["webhook", "activate"]).await;

    assert_eq!(activated["previous_state"], "TooManyErrors");
    assert_eq!(activated["webhook"]["state"], "Active");
    assert_eq!(ids(&activated["reconcile"]["queued"], "id"), outage.missed);
    let tenant = outage.env.sandbox.tenant();
    tenant
        .change_contact(outage.delivered[0] as i32, 23, |c| c.name.push('!'))
        .unwrap();
    let receiver = &outage.receiver;
    wait_until("the next change is delivered", || receiver.recorded() == 3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_activate_a_worker_leaves_no_account_of_ours_unenriched() {
    let outage = outage().await;
    outage.env.json(&["webhook", "activate"]).await;
    let ours: Vec<i64> = [outage.delivered.clone(), outage.missed.clone()].concat();

    let stop = CancellationToken::new();
    let worker = so_worker::Application::build(&worker_settings(&outage.env))
        .await
        .expect("the worker starts");
    let running = tokio::spawn(worker.run(stop.clone()));
    let sandbox = &outage.env.sandbox;
    wait_until("every account of ours is written", || {
        ours.iter().all(|id| patches(sandbox, *id) > 0)
    })
    .await;
    stop.cancel();
    running.await.expect("the worker stops");

    let store = outage.env.store().await;
    for id in &ours {
        let jobs = store.jobs_of_record("contact", *id, 5).await.unwrap();
        assert!(
            jobs.iter().any(|job| job.status == JobStatus::Completed),
            "contact {id} has a completed job: {jobs:?}"
        );
        let contact = sandbox.tenant().contact(*id as i32).unwrap();
        let summary = contact
            .udfs
            .get("SuperOffice:1")
            .cloned()
            .unwrap_or_default();
        assert!(!summary.is_empty(), "contact {id} has a summary");
    }
    assert_eq!(patches(sandbox, outage.theirs), 0, "not ours, not written");
}

/// PATCHes the sandbox served for one contact.
fn patches(sandbox: &RunningSandbox, contact: i64) -> usize {
    let path = format!("/Contact/{contact}");
    sandbox
        .requests()
        .iter()
        .filter(|request| request.method == "PATCH" && request.path.ends_with(&path))
        .count()
}

/// A worker on the test's store and sandbox, with the owners soctl is
/// given, polling often.
fn worker_settings(env: &Env) -> so_worker::Settings {
    let config = env.sandbox.config();
    let mut settings = so_worker::Settings::default();
    let superoffice = &mut settings.superoffice;
    superoffice.environment = Environment::Sod;
    superoffice.context_id = config.context_identifier.clone();
    superoffice.client_id = config.client_id.clone();
    superoffice.client_secret = Some(SecretString::from(config.client_secret.clone()));
    superoffice.refresh_token = Some(SecretString::from(config.refresh_token.clone()));
    superoffice.auth_base = Some(env.sandbox.auth_base().to_string());
    superoffice.requests_per_second = 1000;

    settings.store.path = store_path(&env.dir);
    settings.rules.owners.associate_ids = vec![23, 24];
    settings.rules.owners.short_names = vec!["SFRI".to_owned()];
    settings.rules.own_associate_ids = vec![17];
    settings.worker.poll_max_ms = 10;
    settings
}

#[tokio::test]
async fn webhook_register_points_the_webhook_at_a_new_target() {
    let dir = tempfile::tempdir().unwrap();
    let old = Receiver::start(open_store(&dir).await).await;
    let env = Env::start_with_webhook(dir, old.url.clone(), SECRET).await;
    let new = Receiver::start(env.store().await).await;

    let registered = env
        .json(&[
            "webhook",
            "register",
            "--url",
            new.url.as_str(),
            "--secret",
            "s2",
        ])
        .await;

    assert_eq!(registered["created"], false);
    assert_eq!(registered["webhook"]["target_url"], new.url.as_str());
    assert_eq!(new.test_events(), 1);
    env.sandbox
        .tenant()
        .change_contact(1001, 23, |c| c.name.push('!'))
        .unwrap();
    wait_until("the change reaches the new target", || new.recorded() == 2).await;
    assert_eq!(old.recorded(), 0);
}

#[tokio::test]
async fn webhook_register_fails_when_the_target_refuses_the_test_event() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(open_store(&dir).await).await;
    let env = Env::start_with_webhook(dir, receiver.url.clone(), SECRET).await;
    receiver.fail(true);

    let run = env
        .soctl(&[
            "webhook",
            "register",
            "--url",
            receiver.url.as_str(),
            "--secret",
            "x",
        ])
        .await
        .expect_code(1);

    assert!(
        run.stderr.contains("SuperOffice refused the webhook"),
        "{}",
        run.stderr
    );
}
