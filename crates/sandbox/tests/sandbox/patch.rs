//! PATCH of contacts and persons: JSON Patch, merge patch, UDF values,
//! tests and preconditions.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::spawn;

#[tokio::test]
async fn replacing_custom_fields_changes_only_the_keys_given() {
    let tenant = spawn().await;
    let before = tenant.sandbox.tenant().contact(1002).unwrap();
    let body = json!([{ "op": "replace", "path": "CustomFields",
                        "value": { "SuperOffice:1": "Runs three care homes." } }]);

    let response = tenant.patch("Contact/1002", body).await;

    assert_eq!(response.status(), 200);
    let contact: Value = response.json().await.unwrap();
    assert_eq!(
        contact["CustomFields"]["SuperOffice:1"],
        "Runs three care homes."
    );
    let after = tenant.sandbox.tenant().contact(1002).unwrap();
    assert_eq!(
        after.udfs.get("SuperOffice:2"),
        before.udfs.get("SuperOffice:2")
    );
    assert_eq!(
        after.udfs.get("SuperOffice:5"),
        before.udfs.get("SuperOffice:5")
    );
}

#[tokio::test]
async fn a_list_udf_accepts_the_bare_id_and_the_encoded_form() {
    let tenant = spawn().await;

    let bare = tenant
        .patch(
            "Contact/1004",
            json!({ "CustomFields": { "SuperOffice:2": "7" } }),
        )
        .await;
    let bare: Value = bare.json().await.unwrap();
    let encoded =
        json!([{ "op": "replace", "path": "CustomFields/SuperOffice:2", "value": "[I:3]" }]);
    let encoded: Value = tenant
        .patch("Contact/1004", encoded)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(bare["CustomFields"]["SuperOffice:2"], "[I:7]");
    assert_eq!(
        bare["CustomFields"]["SuperOffice:2:DisplayText"],
        "Manufacturing & Industry"
    );
    assert_eq!(encoded["UserDefinedFields"]["SuperOffice:2"], "[I:3]");
    assert_eq!(
        tenant.sandbox.tenant().contact(1004).unwrap().udfs["SuperOffice:2"],
        "3"
    );
}

#[tokio::test]
async fn an_unknown_list_item_is_refused() {
    let tenant = spawn().await;

    let response = tenant
        .patch(
            "Contact/1004",
            json!({ "CustomFields": { "SuperOffice:2": "999" } }),
        )
        .await;

    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn merge_patch_changes_name_and_a_udf() {
    let tenant = spawn().await;

    let body = json!({ "Name": "Neuer Name GmbH", "CustomFields": { "SuperOffice:3": "Hallo!" } });
    let contact: Value = tenant
        .patch("Contact/1005", body)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(contact["Name"], "Neuer Name GmbH");
    assert_eq!(contact["CustomFields"]["SuperOffice:3"], "Hallo!");
}

#[tokio::test]
async fn paths_are_case_insensitive_and_the_slash_is_optional() {
    let tenant = spawn().await;
    let body = json!([
        { "op": "replace", "path": "/department", "value": "Einkauf" },
        { "op": "replace", "path": "customfields/superoffice:1", "value": "x" },
    ]);

    let contact: Value = tenant
        .patch("Contact/1006", body)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(contact["Department"], "Einkauf");
    assert_eq!(contact["CustomFields"]["SuperOffice:1"], "x");
}

#[tokio::test]
async fn a_failed_test_operation_answers_409_and_changes_nothing() {
    let tenant = spawn().await;
    let before = tenant.sandbox.tenant().contact(1007).unwrap();
    let body = json!([
        { "op": "replace", "path": "CustomFields/SuperOffice:1", "value": "new" },
        { "op": "test", "path": "Name", "value": "Not the name" },
    ]);

    let response = tenant.patch("Contact/1007", body).await;

    assert_eq!(response.status(), 409);
    assert_eq!(tenant.sandbox.tenant().contact(1007).unwrap(), before);
}

#[tokio::test]
async fn a_passing_test_operation_lets_the_patch_through() {
    let tenant = spawn().await;
    let name = tenant.sandbox.tenant().contact(1007).unwrap().name;
    let body = json!([
        { "op": "test", "path": "Name", "value": name },
        { "op": "replace", "path": "CustomFields/SuperOffice:1", "value": "new" },
    ]);

    let response = tenant.patch("Contact/1007", body).await;

    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn if_unmodified_since_before_the_last_update_answers_412() {
    let tenant = spawn().await;
    let updated = tenant
        .sandbox
        .tenant()
        .contact(1001)
        .unwrap()
        .updated
        .unwrap();
    let earlier = updated.system_time() - std::time::Duration::from_secs(60);
    let body = json!({ "Department": "x" });

    let stale = tenant
        .request(Method::PATCH, "Contact/1001")
        .await
        .header("If-Unmodified-Since", httpdate::fmt_http_date(earlier))
        .json(&body)
        .send()
        .await
        .unwrap();
    let fresh = tenant
        .request(Method::PATCH, "Contact/1001")
        .await
        .header(
            "If-Unmodified-Since",
            httpdate::fmt_http_date(updated.system_time()),
        )
        .json(&body)
        .send()
        .await
        .unwrap();

    assert_eq!(stale.status(), 412);
    assert_eq!(fresh.status(), 200);
}

#[tokio::test]
async fn a_text_longer_than_the_field_answers_400() {
    let tenant = spawn().await;
    let too_long = "ä".repeat(200);

    let response = tenant
        .patch(
            "Contact/1008",
            json!({ "CustomFields": { "SuperOffice:1": too_long } }),
        )
        .await;
    let fits = tenant
        .patch(
            "Contact/1008",
            json!({ "CustomFields": { "SuperOffice:1": "ä".repeat(199) } }),
        )
        .await;

    assert_eq!(response.status(), 400);
    assert_eq!(fits.status(), 200);
}

#[tokio::test]
async fn patching_an_unknown_contact_is_404() {
    let tenant = spawn().await;

    let response = tenant.patch("Contact/99999", json!({ "Name": "x" })).await;

    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_person_patch_writes_the_opener_and_keeps_retired_boolean() {
    let tenant = spawn().await;
    let opener = json!({ "SuperOffice:1": "Guten Tag!" });
    let body = json!([{ "op": "replace", "path": "CustomFields", "value": opener }]);

    let person: Value = tenant
        .patch("Person/5001", body)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(person["CustomFields"]["SuperOffice:1"], "Guten Tag!");
    assert!(person["Retired"].is_boolean());
    assert_eq!(person["UpdatedBy"]["AssociateId"], 17);
}

#[tokio::test]
async fn the_request_log_shows_exactly_one_patch_with_its_body() {
    let tenant = spawn().await;
    tenant.sandbox.clear_requests();

    tenant
        .patch("Contact/1009", json!({ "Department": "Logistik" }))
        .await;

    let patches: Vec<_> = tenant
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].status, 200);
    assert!(patches[0].bearer);
    assert!(patches[0].body.as_deref().unwrap().contains("Logistik"));
}
