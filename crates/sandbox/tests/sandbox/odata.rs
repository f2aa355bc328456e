//! OData archive queries: paging, filters, Slim and Full rows, switches.

use serde_json::Value;
use so_sandbox::{NextLinkMode, ODataKeyCase};

use crate::helpers::{spawn, TestTenant};

/// Follows `odata.nextLink` from `first` and returns every row.
async fn follow_links(tenant: &TestTenant, first: &str) -> (Vec<Value>, usize) {
    let token = tenant.token().await;
    let mut url = tenant.api(first);
    let mut rows = Vec::new();
    let mut pages = 0;
    loop {
        let page: Value = tenant
            .http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pages += 1;
        rows.extend(page["value"].as_array().unwrap().iter().cloned());
        match page["odata.nextLink"].as_str() {
            Some(next) => url = next.to_owned(),
            None => return (rows, pages),
        }
        assert!(pages < 100, "paging does not end");
    }
}

#[tokio::test]
async fn next_links_lead_through_every_contact() {
    let tenant = spawn().await;
    let total = tenant.sandbox.tenant().contacts().len();

    let (rows, pages) = follow_links(
        &tenant,
        "Contact?$select=contactId,name&$orderBy=contactId&$top=50",
    )
    .await;

    assert_eq!(rows.len(), total);
    assert_eq!(pages, total.div_ceil(50));
    let ids: Vec<i64> = rows
        .iter()
        .map(|r| r["contactId"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
}

#[tokio::test]
async fn the_next_link_is_absolute_and_advances_skip() {
    let tenant = spawn().await;

    let page = tenant
        .get_json("Contact?$select=contactId&$top=2&$skip=4")
        .await;

    let next = page["odata.nextLink"].as_str().unwrap();
    assert!(next.starts_with(tenant.sandbox.api_base().as_str()));
    assert!(next.contains("%24skip=6") || next.contains("$skip=6"));
}

#[tokio::test]
async fn with_next_links_switched_off_paging_uses_skip() {
    let tenant = spawn().await;
    tenant.sandbox.faults().set_next_link(NextLinkMode::Null);

    let first = tenant
        .get_json("Contact?$select=contactId&$top=100&$skip=0")
        .await;
    let second = tenant
        .get_json("Contact?$select=contactId&$top=100&$skip=100")
        .await;

    assert_eq!(first["odata.nextLink"], Value::Null);
    assert_eq!(first["value"].as_array().unwrap().len(), 100);
    assert_eq!(
        second["value"][0]["contactId"],
        first["value"][99]["contactId"].as_i64().unwrap() + 1
    );
}

#[tokio::test]
async fn a_buggy_server_repeats_the_current_link() {
    let tenant = spawn().await;
    tenant.sandbox.faults().set_next_link(NextLinkMode::Repeat);

    let page = tenant
        .get_json("Contact?$select=contactId&$top=5&$skip=5")
        .await;

    let next = page["odata.nextLink"].as_str().unwrap();
    assert!(next.contains("skip=5"));
}

#[tokio::test]
async fn slim_rows_have_a_string_primary_key_and_the_owner_initials() {
    let tenant = spawn().await;
    let contact = tenant.sandbox.tenant().contact(1002).unwrap();
    let owner = tenant
        .sandbox
        .tenant()
        .associates()
        .into_iter()
        .find(|a| a.id == contact.associate_id);

    let page = tenant
        .get_json("Contact?$select=contactId,name,associateId,category&$filter=contactId eq 1002")
        .await;

    let row = &page["value"][0];
    assert_eq!(row["PrimaryKey"], "1002");
    assert_eq!(row["EntityName"], "contact");
    assert_eq!(row["contactId"], 1002);
    assert_eq!(row["associateId"], owner.unwrap().name.as_str());
    assert!(row["category"].is_string());
}

#[tokio::test]
async fn filters_combine_dates_lists_and_text() {
    let tenant = spawn().await;
    let expected = tenant
        .sandbox
        .tenant()
        .contacts()
        .into_iter()
        .filter(|c| [23, 24, 31].contains(&c.associate_id))
        .filter(|c| {
            c.updated
                .is_some_and(|u| u.entity().as_str() > "2024-06-01")
        })
        .count();

    let filter = "associateId oneOf(23,24,31) and updatedDate after '2024-06-01'";
    let page = tenant
        .get_json(&format!(
            "Contact?$select=contactId&$top=1000&$filter={filter}"
        ))
        .await;

    assert_eq!(page["value"].as_array().unwrap().len(), expected);
}

#[tokio::test]
async fn begins_and_contains_match_case_insensitively() {
    let tenant = spawn().await;
    tenant
        .sandbox
        .tenant()
        .change_contact(1010, 23, |c| c.name = "Zebra Reinigung GmbH".into())
        .unwrap();

    let begins = tenant
        .get_json("Contact?$select=name&$filter=name begins 'zebra'")
        .await;
    let contains = tenant
        .get_json("Contact?$select=name&$filter=name contains 'REINIGUNG' and contactId eq 1010")
        .await;

    assert_eq!(begins["value"][0]["name"], "Zebra Reinigung GmbH");
    assert_eq!(contains["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_unknown_column_answers_400() {
    let tenant = spawn().await;

    let response = tenant.get("Contact?$select=nonsense").await;

    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn order_by_descending_puts_the_highest_id_first() {
    let tenant = spawn().await;
    let highest = tenant.sandbox.tenant().contacts().last().unwrap().id;

    let page = tenant
        .get_json("Contact?$select=contactId&$orderBy=contactId desc&$top=3")
        .await;

    assert_eq!(page["value"][0]["contactId"], highest);
}

#[tokio::test]
async fn key_case_variants_can_be_switched_on() {
    let tenant = spawn().await;
    tenant
        .sandbox
        .faults()
        .set_odata_key_case(ODataKeyCase::Alternating);

    let page = tenant.get_json("Contact?$select=contactId&$top=2").await;

    assert!(page["value"][0].get("contactid").is_some());
    assert!(page["value"][1].get("ContactId").is_some());
}

#[tokio::test]
async fn full_mode_has_a_numeric_primary_key_and_raw_values() {
    let tenant = spawn().await;

    let page = tenant
        .get_json("Contact?$select=contactId,associateId&$mode=Full&$top=1")
        .await;

    let row = &page["value"][0];
    assert!(row["PrimaryKey"].is_i64());
    assert!(row["ColumnData"]["associateId"]["RawValue"]
        .as_str()
        .unwrap()
        .starts_with("[I:"));
}

#[tokio::test]
async fn the_person_archive_and_internal_users_answer() {
    let tenant = spawn().await;

    let persons = tenant
        .get_json("Person?$select=personId,firstName,lastName,contactId&$filter=contactId eq 1002")
        .await;
    let users = tenant
        .get_json("Archive/InternalUsers?$select=associateDbId,fullName,personId,personEmail")
        .await;

    let expected = tenant
        .sandbox
        .tenant()
        .persons()
        .iter()
        .filter(|p| p.contact_id == 1002)
        .count();
    assert_eq!(persons["value"].as_array().unwrap().len(), expected);
    assert!(users["value"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["associateDbId"] == 17));
}

#[tokio::test]
async fn a_list_udf_column_shows_its_item_and_filters_by_id() {
    let tenant = spawn().await;
    let body = serde_json::json!({ "CustomFields": { "SuperOffice:2": "7" } });
    tenant.patch("Contact/1011", body).await;

    let filter = "contactUdef/SuperOffice:2 eq 7 and contactId eq 1011";
    let page = tenant
        .get_json(&format!(
            "Contact?$select=contactUdef/SuperOffice:2&$filter={filter}"
        ))
        .await;

    assert_eq!(
        page["value"][0]["contactUdef/SuperOffice:2"],
        "Manufacturing & Industry"
    );
}
