//! PATCH bodies: JSON Patch (an array of operations) and JSON Merge Patch
//! (an object, turned into operations first), applied to a copy of the
//! record so that a failing operation changes nothing.
//!
//! Paths are case-insensitive and the leading `/` is optional, as the API
//! notes say. `CustomFields` (or `UserDefinedFields`) replaced as a whole
//! changes only the keys given; `CustomFields/SuperOffice:1` addresses one
//! key. `move` and `copy` are refused like SuperOffice refuses them.

use serde_json::Value;

use crate::respond::ApiError;

/// A JSON Patch operation kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Add (on arrays `-` appends), otherwise like replace.
    Add,
    /// Set a value.
    Replace,
    /// Clear a value.
    Remove,
    /// Check a value; a mismatch answers 409.
    Test,
}

/// One operation with its path split into segments.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// What to do.
    pub op: Op,
    /// Path segments as given (compare them case-insensitively).
    pub path: Vec<String>,
    /// The operand (`Null` for remove).
    pub value: Value,
}

impl Operation {
    /// The first segment, lowercased, for matching field names.
    pub fn head(&self) -> String {
        self.path
            .first()
            .map(|s| s.to_lowercase())
            .unwrap_or_default()
    }

    /// The path as written back in error messages.
    pub fn path_text(&self) -> String {
        self.path.join("/")
    }
}

/// Parses a PATCH body of either kind.
pub fn parse(body: &[u8]) -> Result<Vec<Operation>, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| ApiError::bad_request(format!("body: invalid JSON: {error}")))?;
    match value {
        Value::Array(items) => items.into_iter().map(json_patch_operation).collect(),
        Value::Object(map) => Ok(merge_patch_operations(map)),
        _ => Err(ApiError::bad_request(
            "body: expected a JSON Patch array or a merge-patch object",
        )),
    }
}

fn json_patch_operation(item: Value) -> Result<Operation, ApiError> {
    let op = item
        .get("op")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_lowercase();
    let op = match op.as_str() {
        "add" => Op::Add,
        "replace" => Op::Replace,
        "remove" => Op::Remove,
        "test" => Op::Test,
        other => {
            return Err(ApiError::bad_request(format!(
                "op: unsupported operation {other:?}"
            )))
        }
    };
    let Some(path) = item.get("path").and_then(Value::as_str) else {
        return Err(ApiError::bad_request("path: missing"));
    };
    let value = item.get("value").cloned().unwrap_or(Value::Null);
    if op != Op::Remove && item.get("value").is_none() {
        return Err(ApiError::bad_request(format!("{path}: missing value")));
    }
    Ok(Operation {
        op,
        path: split(path),
        value,
    })
}

/// `/CustomFields/SuperOffice:1` → `["CustomFields", "SuperOffice:1"]`,
/// with JSON Pointer escapes (`~1`, `~0`) undone.
fn split(path: &str) -> Vec<String> {
    path.trim_start_matches('/')
        .split('/')
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// RFC 7396 turned into operations the way SuperOffice describes it:
/// nested objects recurse, `null` removes, an object given for an array
/// field appends to it, an array replaces it.
fn merge_patch_operations(map: serde_json::Map<String, Value>) -> Vec<Operation> {
    const ARRAYS: [&str; 6] = [
        "urls",
        "emails",
        "phones",
        "officephones",
        "mobilephones",
        "faxes",
    ];
    let mut operations = Vec::new();
    for (key, value) in map {
        let is_array_field = ARRAYS.contains(&key.to_lowercase().as_str());
        match value {
            Value::Object(inner) if is_array_field => operations.push(Operation {
                op: Op::Add,
                path: vec![key, "-".to_owned()],
                value: Value::Object(inner),
            }),
            Value::Object(inner) => {
                for (inner_key, inner_value) in inner {
                    let op = if inner_value.is_null() {
                        Op::Remove
                    } else {
                        Op::Replace
                    };
                    let path = vec![key.clone(), inner_key];
                    operations.push(Operation {
                        op,
                        path,
                        value: inner_value,
                    });
                }
            }
            Value::Null => operations.push(Operation {
                op: Op::Remove,
                path: vec![key],
                value: Value::Null,
            }),
            value => operations.push(Operation {
                op: Op::Replace,
                path: vec![key],
                value,
            }),
        }
    }
    operations
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_of_custom_fields_becomes_one_replace_per_key() {
        let body = br#"{"CustomFields":{"SuperOffice:1":"x","SuperOffice:2":null},"Name":"N"}"#;

        let operations = parse(body).unwrap();

        assert_eq!(operations.len(), 3);
        assert_eq!(operations[0].path, ["CustomFields", "SuperOffice:1"]);
        assert_eq!(operations[1].op, Op::Remove);
        assert_eq!(operations[2].head(), "name");
    }

    #[test]
    fn paths_lose_their_leading_slash() {
        let operations = parse(br#"[{"op":"replace","path":"/department","value":""}]"#).unwrap();

        assert_eq!(operations[0].path, ["department"]);
    }

    #[test]
    fn move_is_refused() {
        let error = parse(br#"[{"op":"move","from":"/a","path":"/b"}]"#).unwrap_err();

        assert_eq!(error.to_string().split(' ').next(), Some("400"));
    }
}
