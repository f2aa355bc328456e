//! Cleaning up what test runs created, and nothing else.

use so_sandbox::{Contact, Person};

use crate::harness::{ids, Env};

#[tokio::test]
async fn cleanup_lists_marked_records_and_deletes_only_them_with_yes() {
    let env = Env::start().await;
    let tenant = env.sandbox.tenant();
    let marked = tenant.create_test_contact("Alpha GmbH", 23).unwrap();
    let inside = tenant
        .create_test_person(marked.id, "Ina", "Innen", 23)
        .unwrap();
    let stray = tenant
        .create_test_person(1001, "Max", "Muster", 23)
        .unwrap();
    // A server that treats the brackets as a LIKE class would match these.
    let lookalike = tenant
        .create_contact(Contact::new("TESTER Bau GmbH", 23), 23)
        .unwrap();
    let inner = tenant
        .create_contact(Contact::new("Contest [TEST] AG", 23), 23)
        .unwrap();
    let colleague = tenant
        .create_person(Person::new(1001, "Erika", "Muster"), 23)
        .unwrap();

    let found = env.json(&["cleanup-test-data"]).await;
    let deleted = env.json(&["cleanup-test-data", "--yes"]).await;

    assert_eq!(ids(&found["contacts"], "id"), vec![i64::from(marked.id)]);
    let mut persons = vec![i64::from(inside.id), i64::from(stray.id)];
    persons.sort_unstable();
    assert_eq!(ids(&found["persons"], "id"), persons);
    assert_eq!(found["deleted"], false);
    assert_eq!(deleted["deleted_contacts"], 1);
    assert!(tenant.contact(marked.id).is_none());
    assert!(tenant.person(stray.id).is_none());
    assert!(tenant.person(inside.id).is_none());
    assert!(tenant.contact(lookalike.id).is_some());
    assert!(tenant.contact(inner.id).is_some());
    assert!(tenant.contact(1001).is_some());
    assert!(tenant.person(colleague.id).is_some());
}

#[tokio::test]
async fn cleanup_finds_contacts_marked_by_a_udf_value() {
    let mut env = Env::start().await;
    env.set("SO__CLEANUP__NAME_PREFIX", "");
    env.set("SO__CLEANUP__UDF_PROG_ID", "SuperOffice:4");
    env.set("SO__CLEANUP__UDF_VALUE", "test-run");
    let tenant = env.sandbox.tenant();
    tenant
        .change_contact(1002, 23, |c| {
            c.udfs.insert("SuperOffice:4".into(), "test-run".into());
        })
        .unwrap();

    let found = env.json(&["cleanup-test-data"]).await;

    assert_eq!(ids(&found["contacts"], "id"), vec![1002]);
    assert_eq!(found["persons"], serde_json::json!([]));
}
