//! Reading entities: key-case variants, associates, lists, layouts, who am I.

use so_sandbox::KeyCase;
use so_superoffice::{Error, IdentitySource, UdefFieldType, UdefOwner};

use crate::harness::{requests_to, tenant};

#[tokio::test]
async fn entities_read_alike_in_every_key_case() {
    let tenant = tenant().await;
    let pascal_contact = tenant.client.get_contact(1).await.expect("pascal contact");
    let pascal_person = tenant.client.get_person(1).await.expect("pascal person");

    for case in [KeyCase::Camel, KeyCase::Lower] {
        tenant.sandbox.faults().set_key_case(case);
        let contact = tenant.client.get_contact(1).await.expect("contact");
        let person = tenant.client.get_person(1).await.expect("person");
        assert_eq!(contact, pascal_contact, "{case:?}");
        assert_eq!(person, pascal_person, "{case:?}");
    }
}

#[tokio::test]
async fn contact_reads_the_fields_the_connector_uses() {
    let tenant = tenant().await;
    let seeded = tenant.sandbox.tenant().contact(1).expect("seeded contact");

    let contact = tenant.client.get_contact(1).await.expect("contact");

    assert_eq!(contact.name, seeded.name);
    assert_eq!(contact.websites().collect::<Vec<_>>(), seeded.urls);
    let owner = contact.owner.expect("an owner");
    assert_eq!(i64::from(seeded.associate_id), owner.id);
    assert_eq!(owner.name, "RKAB");
    assert!(!contact.deleted);
    assert!(!contact.persons.is_empty());
}

#[tokio::test]
async fn person_names_its_company() {
    let tenant = tenant().await;
    let seeded = tenant.sandbox.tenant().person(1).expect("seeded person");

    let person = tenant.client.get_person(1).await.expect("person");

    assert_eq!(person.first_name, seeded.first_name);
    assert_eq!(person.contact_id(), Some(i64::from(seeded.contact_id)));
}

#[tokio::test]
async fn unknown_contact_is_not_found() {
    let tenant = tenant().await;

    let error = tenant
        .client
        .get_contact(999_999)
        .await
        .expect_err("no such contact");

    assert!(matches!(error, Error::NotFound { .. }), "{error:?}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn associate_list_items_and_layouts_read() {
    let tenant = tenant().await;

    let associate = tenant.client.get_associate(23).await.expect("associate");
    let items = tenant
        .client
        .list_items("Vertical")
        .await
        .expect("list items");
    let layout = tenant
        .client
        .udef_layout(UdefOwner::Contact)
        .await
        .expect("layout");

    assert_eq!((associate.id, associate.name.as_str()), (23, "RKAB"));
    assert!(items
        .iter()
        .any(|item| item.id == 1 && !item.name.is_empty()));
    let vertical = layout
        .iter()
        .find(|f| f.prog_id.as_str() == "SuperOffice:2")
        .expect("udf 2");
    assert_eq!(vertical.field_type, UdefFieldType::List);
    let enriched_by = layout
        .iter()
        .find(|f| f.prog_id.as_str() == "SuperOffice:4")
        .expect("4");
    assert_eq!(enriched_by.max_chars(), Some(39));
}

#[tokio::test]
async fn who_am_i_asks_the_current_principal() {
    let tenant = tenant().await;

    let identity = tenant.client.who_am_i().await.expect("identity");

    assert_eq!(identity.source, IdentitySource::Principal);
    assert_eq!(
        identity.associate_id,
        i64::from(tenant.sandbox.config().connector_associate_id)
    );
    assert_eq!(requests_to(&tenant.sandbox, "/Associate/Me"), 0);
}

#[tokio::test]
async fn who_am_i_falls_back_to_the_id_token_when_look_ups_fail() {
    let tenant = tenant().await;
    tenant.sandbox.faults().fail_identity_lookups(true);

    let identity = tenant.client.who_am_i().await.expect("identity");

    assert_eq!(identity.source, IdentitySource::IdTokenClaim);
    assert_eq!(
        identity.associate_id,
        i64::from(tenant.sandbox.config().connector_associate_id)
    );
}
