//! The worker's rules: owner whitelist, duplicate creation, deleted
//! entities, and late name resolution on the way.

use so_enrich::{inputs_hash, AnalyzerSettings};
use so_queue::{AnalysisKey, JobStatus};
use so_superoffice::ProgId;
use so_worker::pipeline::company_facts;

use crate::harness::{world, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_of_another_owner_is_skipped_without_analysis() {
    let world = world().await;
    let contact = world.their_contact();
    let worker = world.start_worker().await;

    let job_id = world.enqueue("contact.changed", contact).await;
    let detail = world.finished(job_id).await;
    worker.stop().await;

    let job = detail.job;
    assert_eq!(job.status, JobStatus::Skipped);
    assert_eq!(job.rule.as_deref(), Some("owner_not_ours"));
    assert_eq!(job.api_calls, 1);
    assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 0);
    assert!(!has_cached_analysis(&world, contact).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_stored_with_the_job_whatever_happens_next() {
    let world = world().await;
    let contact = world.their_contact();
    let expected = world.sandbox.tenant().contact(contact as i32).unwrap();
    let worker = world.start_worker().await;

    let job_id = world.enqueue("contact.changed", contact).await;
    let job = world.finished(job_id).await.job;
    worker.stop().await;

    assert_eq!(job.status, JobStatus::Skipped, "skipped, yet named");
    assert_eq!(job.company_name.as_deref(), Some(expected.name.as_str()));
    assert_eq!(job.owner_id, Some(i64::from(expected.associate_id)));
    assert_eq!(job.owner_short_name.as_deref(), Some("OHAG"));
    assert_eq!(
        job.company_key,
        Some(so_rules::normalise_company_name(&expected.name))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_creation_of_a_company_is_skipped_as_a_duplicate() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    let worker = world.start_worker().await;
    let first = world.enqueue("contact.created", contact).await;
    assert_eq!(world.finished(first).await.job.status, JobStatus::Completed);

    let second = world.enqueue("contact.created", contact).await;
    let job = world.finished(second).await.job;
    worker.stop().await;

    assert_eq!(job.status, JobStatus::Skipped);
    assert_eq!(job.rule.as_deref(), Some("duplicate_creation"));
    assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_that_no_longer_exists_is_skipped() {
    let world = world().await;
    let worker = world.start_worker().await;

    let job_id = world.enqueue("contact.changed", 999_999).await;
    let job = world.finished(job_id).await.job;
    worker.stop().await;

    assert_eq!(job.status, JobStatus::Skipped);
    assert_eq!(job.rule.as_deref(), Some("entity_deleted"));
    assert_eq!(job.attempts, 1, "a 404 is not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_soft_deleted_contact_is_skipped_and_left_alone() {
    let world = world().await;
    let contact = world.our_contacts(1)[0];
    world
        .sandbox
        .tenant()
        .soft_delete_contact(contact as i32, 23)
        .expect("the contact is deleted");
    let worker = world.start_worker().await;

    let job_id = world.enqueue("contact.changed", contact).await;
    let job = world.finished(job_id).await.job;
    worker.stop().await;

    assert_eq!(job.status, JobStatus::Skipped);
    assert_eq!(job.rule.as_deref(), Some("entity_deleted"));
    assert_eq!(world.requests("PATCH", &format!("/Contact/{contact}")), 0);
}

/// Whether the store holds an analysis of the contact as it is now.
async fn has_cached_analysis(world: &World, contact_id: i64) -> bool {
    let client = world.settings().superoffice.client(None).unwrap();
    let contact = client.get_contact(contact_id).await.unwrap();
    // The worker's default vertical field, as the pipeline reads it.
    let vertical = ProgId::new("SuperOffice:2");
    let hash = inputs_hash(&company_facts(&contact, Some(&vertical)));
    let engine = AnalyzerSettings::default().build().unwrap();
    let key = AnalysisKey {
        tenant: client.context_id(),
        contact_id,
        inputs_hash: &hash,
        fingerprint: engine.analyzer.fingerprint(),
    };
    world.store.cached_analysis(&key).await.unwrap().is_some()
}
