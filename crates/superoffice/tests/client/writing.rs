//! Writing UDFs: the codec against real PATCH round trips, and truncation.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use so_sandbox::{SandboxConfig, Seed, UdfDef, UdfOwner, UdfType};
use so_superoffice::{truncate_chars, ProgId, UdefOwner, UdfValue};
use time::macros::date;

use crate::harness::{tenant, tenant_with, TestTenant};

/// The shipped seed plus contact UDFs of the types it lacks.
async fn tenant_with_every_udf_type() -> TestTenant {
    let mut seed = Seed::builtin();
    let extra = |field_id: i32, prog: u32, field_type| UdfDef {
        field_id,
        column_id: 2000 + field_id,
        prog_id: format!("SuperOffice:{prog}"),
        label: format!("Extra {prog}"),
        owner: UdfOwner::Contact,
        field_type,
        text_length: 0,
        list_id: None,
    };
    seed.udfs.push(extra(100, 6, UdfType::Checkbox));
    seed.udfs.push(extra(101, 7, UdfType::Date));
    seed.udfs.push(extra(102, 8, UdfType::Decimal));
    tenant_with(SandboxConfig {
        seed,
        ..SandboxConfig::default()
    })
    .await
}

fn values(pairs: &[(&str, UdfValue)]) -> BTreeMap<ProgId, UdfValue> {
    pairs
        .iter()
        .map(|(prog, value)| (ProgId::from(*prog), value.clone()))
        .collect()
}

fn patch_bodies(tenant: &TestTenant) -> Vec<Value> {
    let requests = tenant.sandbox.requests();
    let patches = requests.iter().filter(|r| r.method == "PATCH");
    patches
        .map(|r| serde_json::from_str(r.body.as_deref().unwrap_or("null")).unwrap())
        .collect()
}

#[tokio::test]
async fn every_udf_type_survives_a_patch_round_trip() {
    let tenant = tenant_with_every_udf_type().await;
    let written = values(&[
        (
            "SuperOffice:1",
            UdfValue::Text("Baut Hebetechnik für Werften.".into()),
        ),
        ("SuperOffice:2", UdfValue::List(3)),
        ("SuperOffice:5", UdfValue::Number(250)),
        ("SuperOffice:6", UdfValue::Checkbox(true)),
        ("SuperOffice:7", UdfValue::Date(date!(2025 - 03 - 11))),
        ("SuperOffice:8", UdfValue::Decimal(12.5)),
    ]);

    let updated = tenant
        .client
        .patch_contact_custom_fields(1, &written)
        .await
        .expect("patch");
    let reread = tenant.client.get_contact(1).await.expect("re-read");

    let layout = tenant
        .client
        .udef_layout(UdefOwner::Contact)
        .await
        .expect("layout");
    for (prog_id, value) in &written {
        let field = layout
            .iter()
            .find(|f| &f.prog_id == prog_id)
            .expect("defined");
        for contact in [&updated, &reread] {
            let read = contact
                .custom_fields
                .decode(prog_id.as_str(), &field.field_type);
            assert_eq!(read, Some(Ok(value.clone())), "{prog_id}");
        }
    }
    let vertical = tenant
        .sandbox
        .tenant()
        .list("Vertical")
        .expect("list")
        .items;
    let item_3 = vertical.iter().find(|item| item.id == 3).expect("item 3");
    assert_eq!(
        updated.custom_fields.display_text("SuperOffice:2"),
        Some(item_3.name.as_str())
    );
}

#[tokio::test]
async fn a_cleared_checkbox_reads_back_false() {
    let tenant = tenant_with_every_udf_type().await;
    let on = values(&[("SuperOffice:6", UdfValue::Checkbox(true))]);
    let off = values(&[("SuperOffice:6", UdfValue::Checkbox(false))]);

    tenant
        .client
        .patch_contact_custom_fields(1, &on)
        .await
        .expect("set");
    let updated = tenant
        .client
        .patch_contact_custom_fields(1, &off)
        .await
        .expect("clear");

    assert_eq!(updated.custom_fields.raw("SuperOffice:6"), Some("False"));
}

#[tokio::test]
async fn the_patch_replaces_custom_fields_with_the_changed_keys_only() {
    let tenant = tenant().await;
    let written = values(&[("SuperOffice:2", UdfValue::List(3))]);

    tenant
        .client
        .patch_contact_custom_fields(1, &written)
        .await
        .expect("patch");

    let expected = json!([{"op": "replace", "path": "CustomFields",
                           "value": {"SuperOffice:2": "3"}}]);
    assert_eq!(patch_bodies(&tenant), [expected]);
}

#[tokio::test]
async fn german_text_is_cut_at_the_field_length() {
    let tenant = tenant().await;
    let text = concat!(
        "Größenordnung: Überseehäfen, ",
        "Schiffsmühlen und Maschinenbau in Süddeutschland"
    );
    let written = values(&[("SuperOffice:4", UdfValue::Text(text.into()))]);

    let updated = tenant
        .client
        .patch_contact_custom_fields(1, &written)
        .await
        .expect("patch");

    let stored = updated.custom_fields.raw("SuperOffice:4").expect("written");
    assert_eq!(stored.chars().count(), 39);
    assert_eq!(stored, truncate_chars(text, 39));
    assert!(text.starts_with(stored));
}

#[tokio::test]
async fn long_text_with_emoji_and_combining_marks_fits_its_field() {
    let tenant = tenant().await;
    let text = "Cafe\u{301} 🙂 ".repeat(40);
    let written = values(&[("SuperOffice:1", UdfValue::Text(text.clone()))]);

    let updated = tenant
        .client
        .patch_contact_custom_fields(1, &written)
        .await
        .expect("patch");

    let stored = updated.custom_fields.raw("SuperOffice:1").expect("written");
    assert!(stored.encode_utf16().count() <= 199);
    assert!(text.starts_with(stored));
    assert!(
        !stored.ends_with('e'),
        "an accent was cut off its letter: {stored:?}"
    );
}

#[tokio::test]
async fn person_udfs_are_written_too() {
    let tenant = tenant().await;
    let written = values(&[(
        "SuperOffice:2",
        UdfValue::Text("linkedin.com/in/rita".into()),
    )]);

    let person = tenant
        .client
        .patch_person_custom_fields(1, &written)
        .await
        .expect("patch");

    assert_eq!(
        person.custom_fields.raw("SuperOffice:2"),
        Some("linkedin.com/in/rita")
    );
}

#[tokio::test]
async fn nothing_to_write_sends_no_patch() {
    let tenant = tenant().await;

    let contact = tenant
        .client
        .patch_contact_custom_fields(1, &BTreeMap::new())
        .await;

    assert_eq!(contact.expect("current contact").id, 1);
    assert!(patch_bodies(&tenant).is_empty());
}
