//! Which database columns a change touched (`Changes`) and the column
//! values sent along (`FieldValues`).
//!
//! Decisions where the real behaviour is unconfirmed:
//! - a `*.changed` that touched real columns lists the primary-key column
//!   first (`contact_id`), as the documented samples do; a change that only
//!   bumped the stamps (a UDF write, under the default switch) lists exactly
//!   `updated`, `updated_associate_id`, `updatedCount`;
//! - URL changes list `urladdress` (the connector's field whitelist expects
//!   it), although URLs live in a dependent table; phone and e-mail changes
//!   list nothing;
//! - UDF changes are governed by [`UdfChanges`].

use serde_json::{json, Map, Value};

use crate::dates::entity_or_null;
use crate::faults::UdfChanges;
use crate::model::{Contact, Person, UdfDef, UdfType};

const STAMPS: [&str; 3] = ["updated", "updated_associate_id", "updatedCount"];

/// `Changes` of a `contact.changed`, or `None` when the change raises no
/// event (a UDF-only change under [`UdfChanges::NoEvent`]).
pub fn contact_changes(
    old: &Contact,
    new: &Contact,
    udfs: &[UdfDef],
    mode: UdfChanges,
) -> Option<Vec<String>> {
    let columns: [(&str, bool); 11] = [
        ("name", old.name != new.name),
        ("department", old.department != new.department),
        ("orgNr", old.org_nr != new.org_nr),
        ("number1", old.number1 != new.number1),
        ("number2", old.number2 != new.number2),
        ("associate_id", old.associate_id != new.associate_id),
        ("business_idx", old.business_id != new.business_id),
        ("category_idx", old.category_id != new.category_id),
        ("country_id", old.country_id != new.country_id),
        ("urladdress", old.urls != new.urls),
        ("text_id", old.description != new.description),
    ];
    let udf = udf_columns(&old.udfs, &new.udfs, udfs);
    assemble("contact_id", &columns, &udf, mode)
}

/// `Changes` of a `person.changed`, or `None` as for contacts.
pub fn person_changes(
    old: &Person,
    new: &Person,
    udfs: &[UdfDef],
    mode: UdfChanges,
) -> Option<Vec<String>> {
    let columns: [(&str, bool); 9] = [
        ("contact_id", old.contact_id != new.contact_id),
        ("firstname", old.first_name != new.first_name),
        ("middleName", old.middle_name != new.middle_name),
        ("lastname", old.last_name != new.last_name),
        ("mrmrs", old.mrmrs != new.mrmrs),
        ("title", old.title != new.title),
        ("position_idx", old.position_id != new.position_id),
        ("retired", old.retired != new.retired),
        ("text_id", old.description != new.description),
    ];
    let udf = udf_columns(&old.udfs, &new.udfs, udfs);
    assemble("person_id", &columns, &udf, mode)
}

/// `userdef_id` for short fields, `userdef2_id` for long text, in that order.
fn udf_columns(
    old: &std::collections::BTreeMap<String, String>,
    new: &std::collections::BTreeMap<String, String>,
    udfs: &[UdfDef],
) -> Vec<&'static str> {
    let changed = |def: &&UdfDef| old.get(&def.prog_id) != new.get(&def.prog_id);
    let changed: Vec<&UdfDef> = udfs.iter().filter(changed).collect();
    let mut columns = Vec::new();
    if changed
        .iter()
        .any(|def| def.field_type != UdfType::LongText)
    {
        columns.push("userdef_id");
    }
    if changed
        .iter()
        .any(|def| def.field_type == UdfType::LongText)
    {
        columns.push("userdef2_id");
    }
    columns
}

fn assemble(
    key: &str,
    columns: &[(&str, bool)],
    udf: &[&str],
    mode: UdfChanges,
) -> Option<Vec<String>> {
    let mut changes: Vec<String> = columns
        .iter()
        .filter(|(_, changed)| *changed)
        .map(|(c, _)| (*c).to_owned())
        .collect();
    if changes.is_empty() && !udf.is_empty() && mode == UdfChanges::NoEvent {
        return None;
    }
    if mode == UdfChanges::UserdefColumns {
        changes.extend(udf.iter().map(|c| (*c).to_owned()));
    }
    if !changes.is_empty() {
        changes.insert(0, key.to_owned());
    }
    changes.extend(STAMPS.iter().map(|c| (*c).to_owned()));
    Some(changes)
}

/// `Changes` of a `contact.created`: every column a new row fills.
pub fn contact_created_changes() -> Vec<String> {
    [
        "contact_id",
        "associate_id",
        "business_idx",
        "category_idx",
        "country_id",
        "department",
        "name",
        "orgNr",
        "registered",
        "registered_associate_id",
        "updated",
        "updated_associate_id",
        "updatedCount",
        "userdef_id",
        "userdef2_id",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// `Changes` of a `person.created`.
pub fn person_created_changes() -> Vec<String> {
    [
        "person_id",
        "contact_id",
        "firstname",
        "lastname",
        "title",
        "position_idx",
        "registered",
        "registered_associate_id",
        "updated",
        "updated_associate_id",
        "updatedCount",
        "userdef_id",
        "userdef2_id",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// `FieldValues` of a contact event (the documented keys).
pub fn contact_field_values(contact: &Contact) -> Map<String, Value> {
    let updated = contact.updated.unwrap_or(contact.created);
    let value = json!({
        "activeInterests": 0,
        "associate_id": contact.associate_id,
        "business_idx": contact.business_id,
        "category_idx": contact.category_id,
        "country_id": contact.country_id,
        "deleted": i32::from(contact.deleted_date.is_some()),
        "DeletedDate": entity_or_null(contact.deleted_date),
        "registered": contact.created.entity(),
        "registered_associate_id": contact.created_by,
        "source": 0,
        "updated": updated.with_offset(),
        "userdef2_id": contact.id,
        "userdef_id": contact.id,
    });
    value.as_object().cloned().unwrap_or_default()
}

/// `FieldValues` of a person event; `owner` is the contact's associate.
pub fn person_field_values(person: &Person, owner: i32, country_id: i32) -> Map<String, Value> {
    let updated = person.updated.unwrap_or(person.created);
    let value = json!({
        "activeInterests": 0,
        "associate_id": owner,
        "business_idx": 0,
        "category_idx": 0,
        "contact_id": person.contact_id,
        "country_id": country_id,
        "DeletedDate": entity_or_null(person.deleted_date),
        "group_id": 2,
        "person_id": person.id,
        "position_idx": person.position_id,
        "registered": person.created.entity(),
        "registered_associate_id": person.created_by,
        "retired": i32::from(person.retired),
        "source": 0,
        "updated": updated.with_offset(),
        "updated_associate_id": person.updated_by,
        "userdef2_id": person.id,
        "userdef_id": person.id,
    });
    value.as_object().cloned().unwrap_or_default()
}
