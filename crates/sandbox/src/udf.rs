//! UDF values: how they are read back, and what a write accepts.
//!
//! Stored form: text as is; a list field holds the item id as digits (empty
//! for none). Read back, a list field is `"[I:7]"` plus the companion keys
//! `SuperOffice:2:DisplayText` and `SuperOffice:2:DisplayTooltip`.
//!
//! Writes accept `"7"`, `7` and `"[I:7]"` for list fields (the notes leave
//! open which the live API takes). A text longer than the field's length is
//! refused with 400: SuperOffice may truncate silently instead, but a 400
//! makes a client that forgets to truncate fail loudly in tests.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::model::{UdfDef, UdfOwner, UdfType};
use crate::respond::ApiError;
use crate::tenant::TenantData;

/// The UDF map of an entity, with or without the list companions.
pub fn render(
    data: &TenantData,
    owner: UdfOwner,
    stored: &BTreeMap<String, String>,
    companions: bool,
) -> Map<String, Value> {
    let mut map = Map::new();
    for def in data.udfs_of(owner) {
        let value = stored.get(&def.prog_id).map(String::as_str).unwrap_or("");
        map.insert(def.prog_id.clone(), Value::String(display(def, value)));
        if def.field_type == UdfType::List && companions {
            let item = list_item_id(value)
                .and_then(|id| data.list_item_by_list_id(def.list_id.unwrap_or(0), id));
            let (text, tooltip) = item.map_or((String::new(), String::new()), |item| {
                (item.name.clone(), item.tooltip.clone())
            });
            map.insert(format!("{}:DisplayText", def.prog_id), Value::String(text));
            map.insert(
                format!("{}:DisplayTooltip", def.prog_id),
                Value::String(tooltip),
            );
        }
    }
    map
}

/// A stored value as the API shows it.
pub fn display(def: &UdfDef, stored: &str) -> String {
    match def.field_type {
        UdfType::List => format!("[I:{}]", list_item_id(stored).unwrap_or(0)),
        UdfType::Number if stored.is_empty() => "0".to_owned(),
        UdfType::Checkbox => if stored == "1" { "True" } else { "False" }.to_owned(),
        _ => stored.to_owned(),
    }
}

/// The item id of a stored or written list value: `7`, `"7"`, `"[I:7]"`.
pub fn list_item_id(value: &str) -> Option<i32> {
    let value = value.trim();
    let digits = value
        .strip_prefix("[I:")
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value);
    digits.parse().ok().filter(|id| *id != 0)
}

/// Validates a written value and returns its stored form.
pub fn accept(data: &TenantData, def: &UdfDef, value: &Value) -> Result<String, ApiError> {
    let text = match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => if *flag { "1" } else { "0" }.to_owned(),
        _ => {
            return Err(ApiError::bad_request(format!(
                "{}: expected a string",
                def.prog_id
            )))
        }
    };
    match def.field_type {
        UdfType::List => accept_list_item(data, def, &text),
        UdfType::ShortText | UdfType::LongText => {
            let length = text.chars().count();
            if length > def.text_length as usize {
                return Err(ApiError::bad_request(format!(
                    "{}: value of {length} characters exceeds the field length {}",
                    def.prog_id, def.text_length
                )));
            }
            Ok(text)
        }
        UdfType::Number => {
            let number = list_item_id(&text).or_else(|| text.trim().parse().ok());
            match (text.trim().is_empty(), number) {
                (true, _) => Ok(String::new()),
                (false, Some(number)) => Ok(number.to_string()),
                (false, None) => Err(ApiError::bad_request(format!(
                    "{}: not a number: {text}",
                    def.prog_id
                ))),
            }
        }
        UdfType::Checkbox => {
            let on = matches!(text.to_ascii_lowercase().as_str(), "1" | "true" | "[i:1]");
            Ok(if on { "1" } else { "0" }.to_owned())
        }
        UdfType::Date | UdfType::Decimal => Ok(text),
    }
}

fn accept_list_item(data: &TenantData, def: &UdfDef, text: &str) -> Result<String, ApiError> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "0" || trimmed == "[I:0]" {
        return Ok(String::new());
    }
    let Some(id) = list_item_id(trimmed) else {
        return Err(ApiError::bad_request(format!(
            "{}: not a list item id: {text}",
            def.prog_id
        )));
    };
    let item = data.list_item_by_list_id(def.list_id.unwrap_or(0), id);
    match item {
        Some(item) if !item.deleted => Ok(id.to_string()),
        _ => Err(ApiError::bad_request(format!(
            "{}: no list item {id}",
            def.prog_id
        ))),
    }
}

/// Whether a `test` value matches the stored value (list values compare by
/// item id, whatever form the test gives).
pub fn matches(def: &UdfDef, stored: &str, expected: &Value) -> bool {
    let expected = match expected {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    match def.field_type {
        UdfType::List => list_item_id(stored) == list_item_id(&expected),
        _ => display(def, stored) == expected || stored == expected,
    }
}
