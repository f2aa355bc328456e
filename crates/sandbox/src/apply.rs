//! Applies patch operations to a contact or person.
//!
//! Each path head resolves to a [`Slot`] — a text, an id, a flag, a list of
//! strings or the UDF map — and the operation is carried out on that slot.
//! Unknown paths answer 400, a failed `test` 409.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{Contact, Person, UdfOwner};
use crate::patch::{Op, Operation};
use crate::respond::ApiError;
use crate::tenant::TenantData;
use crate::udf;

/// What a path head points at.
enum Slot<'a> {
    Text(&'a mut String),
    Id(&'a mut i32, IdKind),
    Flag(&'a mut bool),
    Strings(&'a mut Vec<String>),
    Udfs(&'a mut BTreeMap<String, String>, UdfOwner),
}

/// What an id field refers to, for validation; the inner key names the
/// property inside the nested object (`Category/Id`).
#[derive(Clone, Copy)]
enum IdKind {
    Associate,
    ListItem(&'static str),
    Country,
    Contact,
}

impl IdKind {
    fn key(self) -> &'static str {
        match self {
            IdKind::Associate => "associateid",
            IdKind::ListItem(_) => "id",
            IdKind::Country => "countryid",
            IdKind::Contact => "contactid",
        }
    }

    fn exists(self, data: &TenantData, id: i32) -> bool {
        id == 0
            || match self {
                IdKind::Associate => data.associates.contains_key(&id),
                IdKind::ListItem(mdo) => data.list_item(mdo, id).is_some(),
                IdKind::Country => data.countries.contains_key(&id),
                IdKind::Contact => data.contacts.contains_key(&id),
            }
    }
}

/// Applies `operations` to a contact.
pub fn contact(data: &TenantData, c: &mut Contact, ops: &[Operation]) -> Result<(), ApiError> {
    for operation in ops {
        let slot = match operation.head().as_str() {
            "name" => Slot::Text(&mut c.name),
            "department" => Slot::Text(&mut c.department),
            "orgnr" => Slot::Text(&mut c.org_nr),
            "number1" => Slot::Text(&mut c.number1),
            "number2" => Slot::Text(&mut c.number2),
            "description" => Slot::Text(&mut c.description),
            "associate" => Slot::Id(&mut c.associate_id, IdKind::Associate),
            "business" => Slot::Id(&mut c.business_id, IdKind::ListItem("business")),
            "category" => Slot::Id(&mut c.category_id, IdKind::ListItem("category")),
            "country" => Slot::Id(&mut c.country_id, IdKind::Country),
            "urls" => Slot::Strings(&mut c.urls),
            "emails" => Slot::Strings(&mut c.emails),
            "phones" => Slot::Strings(&mut c.phones),
            "customfields" | "userdefinedfields" => Slot::Udfs(&mut c.udfs, UdfOwner::Contact),
            _ => return Err(unknown_path(operation)),
        };
        apply(data, slot, operation)?;
    }
    Ok(())
}

/// Applies `operations` to a person.
pub fn person(data: &TenantData, p: &mut Person, ops: &[Operation]) -> Result<(), ApiError> {
    for operation in ops {
        let slot = match operation.head().as_str() {
            "firstname" => Slot::Text(&mut p.first_name),
            "middlename" => Slot::Text(&mut p.middle_name),
            "lastname" => Slot::Text(&mut p.last_name),
            "mrmrs" => Slot::Text(&mut p.mrmrs),
            "title" => Slot::Text(&mut p.title),
            "description" => Slot::Text(&mut p.description),
            "position" => Slot::Id(&mut p.position_id, IdKind::ListItem("perspos")),
            "contact" => Slot::Id(&mut p.contact_id, IdKind::Contact),
            "retired" => Slot::Flag(&mut p.retired),
            "emails" => Slot::Strings(&mut p.emails),
            "officephones" | "phones" => Slot::Strings(&mut p.phones),
            "mobilephones" => Slot::Strings(&mut p.mobile_phones),
            "customfields" | "userdefinedfields" => Slot::Udfs(&mut p.udfs, UdfOwner::Person),
            _ => return Err(unknown_path(operation)),
        };
        apply(data, slot, operation)?;
    }
    Ok(())
}

fn unknown_path(operation: &Operation) -> ApiError {
    ApiError::bad_request(format!("{}: no such property", operation.path_text()))
}

fn failed_test(operation: &Operation) -> ApiError {
    ApiError::conflict(format!("{}: test operation failed", operation.path_text()))
}

fn apply(data: &TenantData, slot: Slot<'_>, operation: &Operation) -> Result<(), ApiError> {
    let rest = &operation.path[1..];
    match slot {
        Slot::Text(text) => {
            let given = match &operation.value {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            match operation.op {
                Op::Test if *text != given => return Err(failed_test(operation)),
                Op::Test => {}
                Op::Remove => text.clear(),
                Op::Add | Op::Replace => *text = given,
            }
            Ok(())
        }
        Slot::Flag(flag) => {
            let given = operation.value.as_bool().unwrap_or(false);
            match operation.op {
                Op::Test if *flag != given => return Err(failed_test(operation)),
                Op::Test => {}
                Op::Remove => *flag = false,
                Op::Add | Op::Replace => *flag = given,
            }
            Ok(())
        }
        Slot::Id(id, kind) => apply_id(data, id, kind, rest, operation),
        Slot::Strings(list) => apply_strings(list, rest, operation),
        Slot::Udfs(map, owner) => apply_udfs(data, map, owner, rest, operation),
    }
}

/// `Category/Id = 3`, or `Category = {"Id": 3}`, or `Category = 3`.
fn apply_id(
    data: &TenantData,
    id: &mut i32,
    kind: IdKind,
    rest: &[String],
    operation: &Operation,
) -> Result<(), ApiError> {
    let given = match (rest.first(), &operation.value) {
        (Some(key), value) if key.eq_ignore_ascii_case(kind.key()) => value.clone(),
        (Some(_), _) => return Err(unknown_path(operation)),
        (None, Value::Object(map)) => {
            let found = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(kind.key()));
            found.map(|(_, v)| v.clone()).unwrap_or(Value::Null)
        }
        (None, value) => value.clone(),
    };
    let given = match &given {
        Value::Number(n) => n.as_i64().unwrap_or(-1) as i32,
        Value::String(s) => s.trim().parse().unwrap_or(-1),
        Value::Null => 0,
        _ => -1,
    };

    match operation.op {
        Op::Test if *id != given => return Err(failed_test(operation)),
        Op::Test => {}
        Op::Remove => *id = 0,
        Op::Add | Op::Replace if given >= 0 && kind.exists(data, given) => *id = given,
        Op::Add | Op::Replace => {
            let path = operation.path_text();
            return Err(ApiError::bad_request(format!(
                "{path}: no such record {given}"
            )));
        }
    }
    Ok(())
}

/// Urls, Emails, Phones: whole arrays, `-` to append, or an index.
fn apply_strings(
    list: &mut Vec<String>,
    rest: &[String],
    operation: &Operation,
) -> Result<(), ApiError> {
    let entry = |value: &Value| -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Object(map) => map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("value"))
                .and_then(|(_, v)| v.as_str().map(str::to_owned)),
            _ => None,
        }
    };
    let bad = || {
        ApiError::bad_request(format!(
            "{}: expected entries with a Value",
            operation.path_text()
        ))
    };

    match (rest.first().map(String::as_str), operation.op) {
        (None, Op::Test) => {
            let given: Option<Vec<String>> = operation
                .value
                .as_array()
                .map(|a| a.iter().filter_map(entry).collect());
            if given.as_ref() != Some(list) {
                return Err(failed_test(operation));
            }
        }
        (None, Op::Remove) => list.clear(),
        (None, _) => {
            let items = operation.value.as_array().ok_or_else(bad)?;
            *list = items
                .iter()
                .map(|v| entry(v).ok_or_else(bad))
                .collect::<Result<_, _>>()?;
        }
        (Some("-"), Op::Add) => list.push(entry(&operation.value).ok_or_else(bad)?),
        (Some(index), op) => {
            let index: usize = index.parse().map_err(|_| unknown_path(operation))?;
            if index >= list.len() {
                return Err(unknown_path(operation));
            }
            let given = entry(&operation.value);
            match op {
                Op::Remove => {
                    list.remove(index);
                }
                Op::Test if Some(&list[index]) != given.as_ref() => {
                    return Err(failed_test(operation));
                }
                Op::Test => {}
                Op::Add => list.insert(index, given.ok_or_else(bad)?),
                Op::Replace => list[index] = given.ok_or_else(bad)?,
            }
        }
    }
    Ok(())
}

/// The UDF map: as a whole (only the keys given change) or one key.
fn apply_udfs(
    data: &TenantData,
    map: &mut BTreeMap<String, String>,
    owner: UdfOwner,
    rest: &[String],
    operation: &Operation,
) -> Result<(), ApiError> {
    let entries: Vec<(String, Value)> = match (rest.first(), &operation.value) {
        (Some(key), value) => vec![(key.clone(), value.clone())],
        (None, Value::Object(given)) => given.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        (None, _) if operation.op == Op::Remove => {
            return Err(ApiError::bad_request(format!(
                "{}: cannot remove the whole map",
                operation.path_text()
            )));
        }
        (None, _) => {
            return Err(ApiError::bad_request(format!(
                "{}: expected an object",
                operation.path_text()
            )))
        }
    };

    for (key, value) in entries {
        // Companion keys are read-only echoes of the list value; clients
        // that send back what they read should not fail on them.
        if key.ends_with(":DisplayText") || key.ends_with(":DisplayTooltip") {
            continue;
        }
        let Some(def) = data.udf(owner, &key) else {
            return Err(ApiError::bad_request(format!(
                "{key}: no such user-defined field"
            )));
        };
        let stored = map.get(&def.prog_id).cloned().unwrap_or_default();
        match operation.op {
            Op::Test if !udf::matches(def, &stored, &value) => return Err(failed_test(operation)),
            Op::Test => {}
            Op::Remove => {
                map.insert(def.prog_id.clone(), String::new());
            }
            Op::Add | Op::Replace => {
                let accepted = udf::accept(data, def, &value)?;
                map.insert(def.prog_id.clone(), accepted);
            }
        }
    }
    Ok(())
}
