//! The JSON API against a real store: runs with status priority at the
//! 15-minute edge, names, filters, search, paging, the job view, and the
//! retry action with its cross-site checks.

use actix_web::cookie::Cookie;

use actix_web::{test, web, App};
use serde_json::Value;

use crate::helpers::{insert_job, name_job, JobSeed, TestStore, MINUTE, SECOND, T0};

/// GETs `uri` from the in-process `app` and reads its JSON.
macro_rules! get_json {
    ($app:expr, $uri:expr) => {{
        let uri: &str = &$uri;
        let request = test::TestRequest::get().uri(uri).to_request();
        let response = test::call_service($app, request).await;
        assert!(
            response.status().is_success(),
            "{uri}: {}",
            response.status()
        );
        let body: Value = test::read_body_json(response).await;
        body
    }};
}

macro_rules! app {
    ($t:expr) => {
        test::init_service(
            App::new()
                .app_data(web::Data::new($t.dashboard()))
                .configure(so_dashboard::configure),
        )
        .await
    };
}

/// Contact 1: echo 14:59 after the completion; 2: 15:00; 3: 15:01.
async fn seed_edges(t: &TestStore) {
    let mut conn = t.raw().await;
    for (contact, gap) in [
        (1, 14 * MINUTE + 59 * SECOND),
        (2, 15 * MINUTE),
        (3, 15 * MINUTE + SECOND),
    ] {
        let done = insert_job(&mut conn, &JobSeed::completed(contact, T0)).await;
        name_job(&mut conn, done, &format!("Company {contact} GmbH"), "RKAB").await;
        insert_job(&mut conn, &JobSeed::echo(contact, T0 + gap)).await;
    }
}

fn runs_of(body: &Value, entity_id: i64) -> Vec<Value> {
    body["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|run| run["entity_id"] == entity_id)
        .cloned()
        .collect()
}

#[actix_web::test]
async fn an_echo_14_59_after_a_completion_keeps_the_account_green() {
    let t = TestStore::fresh().await;
    seed_edges(&t).await;
    let app = app!(t);

    let body = get_json!(&app, "/api/runs");

    let runs = runs_of(&body, 1);
    assert_eq!(runs.len(), 1, "{body:#}");
    assert_eq!(runs[0]["status"], "completed");
    assert_eq!(runs[0]["jobs"], 2);
    assert_eq!(runs[0]["reason"], "wrote 2 fields; 1 echo skipped since");
}

#[actix_web::test]
async fn an_echo_15_00_or_15_01_after_a_completion_is_a_skipped_run_of_its_own() {
    let t = TestStore::fresh().await;
    seed_edges(&t).await;
    let app = app!(t);

    let body = get_json!(&app, "/api/runs");

    for contact in [2, 3] {
        let runs = runs_of(&body, contact);
        let statuses: Vec<&str> = runs.iter().map(|r| r["status"].as_str().unwrap()).collect();
        assert_eq!(
            statuses,
            ["skipped", "completed"],
            "contact {contact}: {body:#}"
        );
        assert_eq!(runs[0]["rule"], "echo_of_own_write");
    }
}

#[actix_web::test]
async fn runs_show_the_resolved_names_even_for_echoes_that_never_learned_them() {
    let t = TestStore::fresh().await;
    seed_edges(&t).await;
    let mut conn = t.raw().await;
    insert_job(&mut conn, &JobSeed::pending(4711, T0 + 20 * MINUTE)).await;
    let app = app!(t);

    let body = get_json!(&app, "/api/runs");

    let echo_run = &runs_of(&body, 2)[0];
    assert_eq!(echo_run["name"], "Company 2 GmbH (RKAB)");
    assert_eq!(echo_run["resolved"], true);
    let unresolved = &runs_of(&body, 4711)[0];
    assert_eq!(unresolved["name"], "contact 4711");
    assert_eq!(unresolved["resolved"], false);
}

#[actix_web::test]
async fn the_status_filter_applies_the_priority_rule() {
    let t = TestStore::fresh().await;
    seed_edges(&t).await;
    let mut conn = t.raw().await;
    insert_job(&mut conn, &JobSeed::failed(9, T0 + 30 * MINUTE)).await;
    let app = app!(t);

    let completed = get_json!(&app, "/api/runs?status=completed");
    let skipped = get_json!(&app, "/api/runs?status=skipped");
    let failed = get_json!(&app, "/api/runs?status=failed");

    let ids = |body: &Value| -> Vec<i64> {
        let runs = body["runs"].as_array().unwrap();
        runs.iter()
            .map(|run| run["entity_id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(&completed), [3, 2, 1]);
    assert_eq!(ids(&skipped), [3, 2]);
    assert_eq!(ids(&failed), [9]);
}

#[actix_web::test]
async fn search_finds_accounts_by_company_owner_or_id() {
    let t = TestStore::fresh().await;
    seed_edges(&t).await;
    let app = app!(t);

    let by_company = get_json!(&app, "/api/runs?q=company%201");
    let by_owner = get_json!(&app, "/api/runs?q=rkab");
    let by_id = get_json!(&app, "/api/runs?q=3");
    let nothing = get_json!(&app, "/api/runs?q=nobody");

    assert!(by_company["runs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["entity_id"] == 1));
    assert_eq!(by_owner["runs"].as_array().unwrap().len(), 5);
    assert!(by_id["runs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["entity_id"] == 3));
    assert_eq!(nothing["runs"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn pages_follow_each_other_without_gaps_or_repeats() {
    let t = TestStore::fresh().await;
    let mut conn = t.raw().await;
    for contact in 1..=7 {
        insert_job(
            &mut conn,
            &JobSeed::completed(contact, T0 + contact * MINUTE),
        )
        .await;
    }
    let app = app!(t);

    let mut seen = Vec::new();
    let mut uri = "/api/runs?limit=3".to_owned();
    loop {
        let page = get_json!(&app, &uri);
        let runs = page["runs"].as_array().unwrap();
        seen.extend(runs.iter().map(|run| run["entity_id"].as_i64().unwrap()));
        match page["next_before"].as_i64() {
            Some(before) => uri = format!("/api/runs?limit=3&before={before}"),
            None => break,
        }
    }

    assert_eq!(seen, [7, 6, 5, 4, 3, 2, 1]);
}

#[actix_web::test]
async fn the_job_view_holds_deliveries_result_and_before_values() {
    let t = TestStore::fresh().await;
    let mut conn = t.raw().await;
    let id = insert_job(&mut conn, &JobSeed::completed(5, T0)).await;
    name_job(&mut conn, id, "Hotel Alpha AG", "RKAB").await;
    let app = app!(t);

    let job = get_json!(&app, &format!("/api/jobs/{id}"));

    assert_eq!(job["name"], "Hotel Alpha AG (RKAB)");
    assert_eq!(job["status"], "completed");
    assert_eq!(job["deliveries"].as_array().unwrap().len(), 1);
    assert_eq!(job["result"]["changes"][1]["before"], "Old summary.");
    assert_eq!(job["result"]["changes"][1]["after"], "A hotel group.");
    assert_eq!(job["result"]["unchanged"][0], "SuperOffice:3");
    assert_eq!(job["created"]["iso"], "2023-11-14T22:13:19Z");
}

#[actix_web::test]
async fn an_unknown_job_is_404() {
    let t = TestStore::fresh().await;
    let app = app!(t);

    let request = test::TestRequest::get().uri("/api/jobs/999").to_request();
    let response = test::call_service(&app, request).await;

    assert_eq!(response.status(), 404);
}

#[actix_web::test]
async fn a_job_id_that_is_no_number_is_a_404_in_json() {
    let t = TestStore::fresh().await;
    let app = app!(t);

    for uri in ["/api/jobs/abc", "/jobs/abc"] {
        let request = test::TestRequest::get().uri(uri).to_request();
        let response = test::call_service(&app, request).await;

        assert_eq!(response.status(), 404, "{uri}");
        let body: serde_json::Value = test::read_body_json(response).await;
        assert_eq!(body["message"], "no job \"abc\": job ids are whole numbers");
    }
}

#[actix_web::test]
async fn the_overview_counts_the_queue_and_the_skips() {
    let t = TestStore::fresh().await;
    let now = so_queue::now_ms();
    let mut conn = t.raw().await;
    insert_job(&mut conn, &JobSeed::completed(1, now - 10 * MINUTE)).await;
    insert_job(&mut conn, &JobSeed::echo(1, now - 9 * MINUTE)).await;
    insert_job(&mut conn, &JobSeed::pending(2, now - 2 * MINUTE)).await;
    let app = app!(t);

    let overview = get_json!(&app, "/api/overview");

    assert_eq!(overview["last_hour"]["completed"], 1);
    assert_eq!(overview["queue"]["pending"], 1);
    assert_eq!(overview["queue"]["due"], 1);
    assert!(
        overview["queue"]["oldest_pending_age_secs"]
            .as_f64()
            .unwrap()
            >= 120.0
    );
    assert_eq!(overview["skipped"]["deliveries"], 3);
    assert_eq!(
        overview["skipped"]["by_rule"][0]["rule"],
        "echo_of_own_write"
    );
    let minutes = overview["deliveries_per_minute"].as_array().unwrap();
    assert_eq!(minutes.len(), 180);
    assert_eq!(minutes.iter().map(|m| m.as_u64().unwrap()).sum::<u64>(), 3);
}

/// The session cookie and form token of the failed-jobs page.
macro_rules! session_and_token {
    ($app:expr) => {{
        let request = test::TestRequest::get().uri("/failed").to_request();
        let response = test::call_service($app, request).await;
        let cookie: Cookie<'static> = response
            .response()
            .cookies()
            .find(|cookie| cookie.name() == so_dashboard::csrf::SESSION_COOKIE)
            .expect("a session cookie")
            .into_owned();
        let page = String::from_utf8(test::read_body(response).await.to_vec()).unwrap();
        let token = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("a token in the form")
            .to_owned();
        (cookie, token)
    }};
}

#[actix_web::test]
async fn retry_requeues_a_failed_job_and_redirects_back() {
    let t = TestStore::fresh().await;
    let mut conn = t.raw().await;
    let id = insert_job(&mut conn, &JobSeed::failed(7, T0)).await;
    let app = app!(t);
    let (cookie, token) = session_and_token!(&app);

    let request = test::TestRequest::post()
        .uri(&format!("/jobs/{id}/retry"))
        .insert_header(("host", "127.0.0.1:8701"))
        .insert_header(("origin", "http://127.0.0.1:8701"))
        .insert_header(("sec-fetch-site", "same-origin"))
        .cookie(cookie)
        .set_form([("csrf", token.as_str()), ("back", "/failed")])
        .to_request();
    let response = test::call_service(&app, request).await;

    assert_eq!(response.status(), 303);
    let location = response
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(location, format!("/failed?notice=requeued&job={id}"));
    let job = t.store.job(id).await.unwrap().unwrap().job;
    assert_eq!(job.status, so_queue::JobStatus::Pending);
}

#[actix_web::test]
async fn retry_without_the_token_or_from_another_site_is_refused() {
    let t = TestStore::fresh().await;
    let mut conn = t.raw().await;
    let id = insert_job(&mut conn, &JobSeed::failed(7, T0)).await;
    let app = app!(t);
    let (cookie, token) = session_and_token!(&app);

    let no_token = test::TestRequest::post()
        .uri(&format!("/jobs/{id}/retry"))
        .cookie(cookie.clone())
        .set_form([("csrf", "00"), ("back", "/failed")])
        .to_request();
    let cross_site = test::TestRequest::post()
        .uri(&format!("/jobs/{id}/retry"))
        .insert_header(("host", "127.0.0.1:8701"))
        .insert_header(("origin", "https://attacker.example"))
        .insert_header(("sec-fetch-site", "cross-site"))
        .cookie(cookie)
        .set_form([("csrf", token.as_str()), ("back", "/failed")])
        .to_request();
    let no_token = test::call_service(&app, no_token).await;
    let cross_site = test::call_service(&app, cross_site).await;

    assert_eq!(no_token.status(), 403);
    assert_eq!(cross_site.status(), 403);
    let job = t.store.job(id).await.unwrap().unwrap().job;
    assert_eq!(job.status, so_queue::JobStatus::Failed);
}
