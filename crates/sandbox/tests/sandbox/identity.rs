//! Who-am-I, associates, lists and UDF layouts.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::spawn;

#[tokio::test]
async fn the_current_principal_is_the_api_user() {
    let tenant = spawn().await;

    let principal = tenant.get_json("User/currentPrincipal").await;

    assert_eq!(principal["AssociateId"], 17);
    assert_eq!(principal["PersonId"], 0);
    assert_eq!(principal["DatabaseContextIdentifier"], "Cust12345");
}

#[tokio::test]
async fn associate_me_answers_500_for_an_api_user_without_person() {
    let tenant = spawn().await;

    let failing = tenant.get("Associate/Me").await;
    tenant
        .sandbox
        .faults()
        .associate_me_fails_without_person(false);
    let answering = tenant.get("Associate/Me").await;

    assert_eq!(failing.status(), 500);
    assert_eq!(answering.status(), 200);
}

#[tokio::test]
async fn associates_are_found_one_by_one_and_in_lists() {
    let tenant = spawn().await;

    let one = tenant
        .request(Method::POST, "Agents/Associate/GetAssociate?associateId=23")
        .await;
    let one: Value = one.send().await.unwrap().json().await.unwrap();
    let many = tenant
        .request(Method::POST, "Agents/Associate/GetAssociateList")
        .await;
    let many: Value = many
        .json(&json!([23, 40, 999]))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(one["Name"], "RKAB");
    assert_eq!(many.as_array().unwrap().len(), 2);
    assert_eq!(many[1]["AssociateId"], 40);
}

#[tokio::test]
async fn the_vertical_list_has_27_items_and_a_retired_one_on_request() {
    let tenant = spawn().await;

    let by_name = tenant.get_json("List/Vertical/Items").await;
    let by_id = tenant.get_json("List/108/Items?includeDeleted=true").await;

    assert_eq!(by_name.as_array().unwrap().len(), 27);
    assert_eq!(by_id.as_array().unwrap().len(), 28);
    assert_eq!(by_name[6]["Id"], 7);
    assert_eq!(by_name[6]["UdListDefinitionId"], 108);
}

#[tokio::test]
async fn udf_layouts_describe_the_fields() {
    let tenant = spawn().await;

    let contact = tenant.get_json("Contact/UdefLayout").await;
    let person = tenant.get_json("Person/UdefLayout").await;

    let vertical = contact
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["ProgId"] == "SuperOffice:2");
    let vertical = vertical.unwrap();
    assert_eq!(vertical["FieldType"], "List");
    assert_eq!(vertical["UDListDefinitionId"], 108);
    assert_eq!(vertical["MdoListName"], "udlist108");
    assert_eq!(person[0]["ProgId"], "SuperOffice:1");
    assert_eq!(person[0]["TextLength"], 199);
}

#[tokio::test]
async fn all_lists_are_listed() {
    let tenant = spawn().await;

    let lists = tenant.get_json("List").await;

    let names: Vec<&str> = lists
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["Name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Vertical") && names.contains(&"Category"));
}
