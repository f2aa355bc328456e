//! Person jobs: the person's opener, from their company's analysis.

use so_queue::JobStatus;

use crate::harness::{world, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_job_analyses_the_company_first_and_writes_the_opener() {
    let world = world().await;
    let (person, contact) = person_of_ours(&world);
    let worker = world.start_worker().await;

    let job_id = world.enqueue("person.created", person).await;
    let job = world.finished(job_id).await.job;

    assert_eq!(job.status, JobStatus::Completed, "{job:?}");
    let result = job.result.expect("a result");
    assert_eq!(result["analysis"]["source"], "fresh");
    assert_eq!(result["contact_id"], contact);
    let opener = result["changes"][0]["after"].as_str().expect("an opener");
    let stored = world.sandbox.tenant().person(person as i32).unwrap();
    assert_eq!(
        stored.udfs.get("SuperOffice:1").map(String::as_str),
        Some(opener)
    );
    assert_eq!(world.requests("PATCH", &format!("/Person/{person}")), 1);
    assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 0);

    // The company's own job then finds the analysis the person job made.
    let company_job = world.enqueue("contact.changed", contact).await;
    let company = world.finished(company_job).await.job;
    worker.stop().await;
    assert_eq!(company.result.unwrap()["analysis"]["source"], "cached");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_without_a_company_is_skipped() {
    let world = world().await;
    let loner = world
        .sandbox
        .tenant()
        .persons()
        .into_iter()
        .find(|p| p.contact_id == 0)
        .expect("the seed has a person without a company");
    let worker = world.start_worker().await;

    let job_id = world.enqueue("person.changed", i64::from(loner.id)).await;
    let job = world.finished(job_id).await.job;
    worker.stop().await;

    assert_eq!(job.status, JobStatus::Skipped);
    assert_eq!(job.rule.as_deref(), Some("person_without_contact"));
}

/// A person of a live company owned by one of ours, and that company.
fn person_of_ours(world: &World) -> (i64, i64) {
    let ours = world.our_contacts(40);
    let person = world
        .sandbox
        .tenant()
        .persons()
        .into_iter()
        .find(|p| ours.contains(&i64::from(p.contact_id)) && p.deleted_date.is_none())
        .expect("one of our companies has a person");
    (i64::from(person.id), i64::from(person.contact_id))
}
