//! A contact job writes the analysis once, and only what differs.

use serde_json::Value;
use so_queue::JobStatus;

use crate::harness::world;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_job_writes_the_analysis_with_exactly_one_patch() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    let worker = world.start_worker().await;

    let job_id = world.enqueue("contact.changed", contact).await;
    let detail = world.finished(job_id).await;
    worker.stop().await;

    let job = detail.job;
    assert_eq!(job.status, JobStatus::Completed, "{job:?}");
    assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 1);
    // One read and one write; the token and the layouts were read at start.
    assert_eq!(job.api_calls, 2);

    let result = job.result.expect("a completed job has a result");
    let written = |field: &str| -> Option<String> {
        let changes = result["changes"].as_array()?;
        let change = changes.iter().find(|c| c["field"] == field)?;
        change["after"].as_str().map(str::to_owned)
    };
    let summary = written("SuperOffice:1").expect("the summary was written");
    assert_eq!(world.contact_udf(contact, "SuperOffice:1"), Some(summary));
    let opener = written("SuperOffice:3").expect("the opener was written");
    assert_eq!(world.contact_udf(contact, "SuperOffice:3"), Some(opener));
    let vertical = result["analysis"]["list_item_id"]
        .as_i64()
        .expect("a vertical");
    assert_eq!(
        world.contact_udf(contact, "SuperOffice:2"),
        Some(vertical.to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_company_costs_one_call_and_no_patch() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    let worker = world.start_worker().await;
    let first = world.enqueue("contact.changed", contact).await;
    world.finished(first).await;

    let second = world.enqueue("contact.changed", contact).await;
    let detail = world.finished(second).await;
    worker.stop().await;

    let job = detail.job;
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(job.api_calls, 1, "one read, no write");
    assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 1);
    let result = job.result.expect("a result");
    assert_eq!(result["changes"], Value::Array(Vec::new()));
    assert_eq!(result["analysis"]["source"], "cached", "not analysed again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completed_job_records_what_the_fields_held_before() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    world
        .sandbox
        .tenant()
        .change_contact(contact as i32, 23, |c| {
            c.udfs
                .insert("SuperOffice:1".into(), "Typed by a salesperson".into());
        })
        .expect("the contact changes");
    let worker = world.start_worker().await;

    let job_id = world.enqueue("contact.changed", contact).await;
    let detail = world.finished(job_id).await;
    worker.stop().await;

    let result = detail.job.result.expect("a result");
    let changes = result["changes"].as_array().expect("changes");
    let summary = changes
        .iter()
        .find(|c| c["field"] == "SuperOffice:1")
        .expect("the summary changed");
    assert_eq!(summary["before"], "Typed by a salesperson");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vertical_someone_chose_is_kept_against_a_weak_guess() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    // A name that names no vertical, the sector "Healthcare" (a weak hint
    // at hospitals), and care homes (item 2) chosen by a salesperson.
    world
        .sandbox
        .tenant()
        .change_contact(contact as i32, 23, |c| {
            c.name = "Lindenhof Nord AG".into();
            c.business_id = 1;
            c.udfs.insert("SuperOffice:2".into(), "[I:2]".into());
        })
        .expect("the contact changes");
    let worker = world.start_worker().await;

    let job_id = world.enqueue("contact.changed", contact).await;
    let detail = world.finished(job_id).await;
    worker.stop().await;

    let result = detail.job.result.expect("a result");
    assert_eq!(result["analysis"]["list_item_id"], 2, "{result}");
    assert_eq!(result["analysis"]["vertical_kept"], true, "{result}");
    let changes = result["changes"].as_array().expect("changes");
    assert!(
        changes.iter().all(|c| c["field"] != "SuperOffice:2"),
        "the vertical is not written: {result}"
    );
    assert_eq!(
        world.contact_udf(contact, "SuperOffice:2").as_deref(),
        Some("[I:2]")
    );
    let summary = world
        .contact_udf(contact, "SuperOffice:1")
        .expect("a summary");
    assert!(summary.contains("Pflegeheime"), "{summary}");
}
