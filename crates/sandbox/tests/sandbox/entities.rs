//! `GET Contact/{id}` and `GET Person/{id}` shapes.

use serde_json::Value;

use crate::helpers::spawn;

#[tokio::test]
async fn contact_has_the_documented_shape() {
    let tenant = spawn().await;
    let stored = tenant.sandbox.tenant().contact(1002).unwrap();

    let contact = tenant.get_json("Contact/1002").await;

    assert_eq!(contact["ContactId"], 1002);
    assert_eq!(contact["Name"], stored.name.as_str());
    assert_eq!(contact["Associate"]["AssociateId"], stored.associate_id);
    assert!(contact["Associate"]["Name"].is_string());
    assert_eq!(contact["Deleted"], 0);
    assert!(contact["Persons"][0]["Retired"].is_i64());
    assert!(contact["UserDefinedFields"]["SuperOffice:2"]
        .as_str()
        .unwrap()
        .starts_with("[I:"));
    assert!(contact["UserDefinedFields"]
        .get("SuperOffice:2:DisplayText")
        .is_some());
    assert!(contact["CustomFields"]
        .get("SuperOffice:2:DisplayTooltip")
        .is_some());
}

#[tokio::test]
async fn a_date_never_set_reads_as_year_one() {
    let tenant = spawn().await;
    let never_updated = tenant
        .sandbox
        .tenant()
        .contacts()
        .into_iter()
        .find(|c| c.updated.is_none());

    let contact = tenant
        .get_json(&format!("Contact/{}", never_updated.unwrap().id))
        .await;

    assert_eq!(contact["UpdatedDate"], "0001-01-01T00:00:00");
    assert_eq!(contact["UpdatedBy"], Value::Null);
}

#[tokio::test]
async fn person_has_a_contact_summary_and_a_boolean_retired() {
    let tenant = spawn().await;
    let stored = tenant.sandbox.tenant().person(5001).unwrap();

    let person = tenant.get_json("Person/5001").await;

    assert_eq!(person["PersonId"], 5001);
    assert_eq!(person["Firstname"], stored.first_name.as_str());
    assert_eq!(person["Contact"]["ContactId"], stored.contact_id);
    assert!(person["Retired"].is_boolean());
    assert_eq!(person["BirthDate"], "0001-01-01T00:00:00");
}

#[tokio::test]
async fn an_unknown_contact_is_404_with_the_error_body() {
    let tenant = spawn().await;

    let response = tenant.get("Contact/99999").await;

    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["Error"], true);
    assert_eq!(body["ErrorType"], "SoNotFoundException");
}

#[tokio::test]
async fn a_soft_deleted_contact_is_returned_with_deleted_1() {
    let tenant = spawn().await;
    tenant
        .sandbox
        .tenant()
        .soft_delete_contact(1003, 23)
        .unwrap();

    let contact = tenant.get_json("Contact/1003").await;

    assert_eq!(contact["Deleted"], 1);
}

#[tokio::test]
async fn a_person_without_company_has_a_null_contact() {
    let tenant = spawn().await;
    let loner = tenant
        .sandbox
        .tenant()
        .persons()
        .into_iter()
        .find(|p| p.contact_id == 0);

    let person = tenant
        .get_json(&format!("Person/{}", loner.unwrap().id))
        .await;

    assert_eq!(person["Contact"], Value::Null);
}

#[tokio::test]
async fn company_web_page_is_served_for_its_slug() {
    let tenant = spawn().await;
    let contact = tenant.sandbox.tenant().contact(1002).unwrap();
    let url = format!("{}_site/{}", tenant.sandbox.base_url(), contact.slug);

    let page = tenant
        .http
        .get(url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert!(page.contains(&contact.name));
}
