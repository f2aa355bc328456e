//! Reading JSON whose key case we never assume.
//!
//! SuperOffice names the same datum `ContactId` (REST entities), `contactId`
//! (archive columns) and `contact_id` (database columns in webhooks). Before a
//! body is turned into a typed struct, every object key is *normalised*:
//! lower-cased with underscores removed, so all three read as `contactid`.
//! The typed structs in `entities/` then rename their fields to those
//! normalised names.
//!
//! Two things are left alone:
//!
//! - the keys of data maps ([`DATA_MAPS`]: `CustomFields`, `UserDefinedFields`,
//!   `ExtraFields`, ...), whose keys are ProgIds such as `SuperOffice:1` and
//!   must reach the caller as written;
//! - values; only keys change.
//!
//! Keys holding `null` are dropped, so a typed field with `#[serde(default)]`
//! reads a `null` the same as an absent key.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Normalised names of the members whose value is a map keyed by data
/// (ProgIds, column names), not by field names.
const DATA_MAPS: &[&str] = &[
    "customfields",
    "userdefinedfields",
    "extrafields",
    "fieldproperties",
];

/// The normalised form of a key: lower case, underscores removed.
pub fn normalize_key(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Normalises every object key in `value`, recursively (see the module
/// documentation for what is kept as is).
pub fn normalize(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(normalize_map(map)),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        other => other,
    }
}

fn normalize_map(map: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::with_capacity(map.len());
    for (key, value) in map {
        if value.is_null() {
            continue;
        }
        let key = normalize_key(&key);
        let value = if DATA_MAPS.contains(&key.as_str()) {
            value
        } else {
            normalize(value)
        };
        out.insert(key, value);
    }
    out
}

/// Parses `body` into `T` after normalising its keys. `what` names the thing
/// read, for the error message.
pub(crate) fn from_slice<T: DeserializeOwned>(body: &[u8], what: &str) -> crate::Result<T> {
    let value: Value = serde_json::from_slice(body).map_err(|source| decode(what, source))?;
    from_value(value, what)
}

/// Turns an already parsed `value` into `T` after normalising its keys.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value, what: &str) -> crate::Result<T> {
    serde_json::from_value(normalize(value)).map_err(|source| decode(what, source))
}

fn decode(what: &str, source: serde_json::Error) -> crate::Error {
    crate::Error::Decode {
        what: what.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Probe {
        #[serde(rename = "contactid")]
        id: i64,
        #[serde(default, rename = "orgnr")]
        org_nr: String,
    }

    #[test]
    fn pascal_camel_and_snake_case_keys_read_alike() {
        for body in [
            json!({"ContactId": 7, "OrgNr": "9"}),
            json!({"contactId": 7, "orgnr": "9"}),
            json!({"contact_id": 7, "org_nr": "9"}),
            json!({"CONTACTID": 7, "ORGNR": "9"}),
        ] {
            let probe: Probe = from_value(body, "probe").unwrap();
            assert_eq!(
                probe,
                Probe {
                    id: 7,
                    org_nr: "9".into()
                }
            );
        }
    }

    #[test]
    fn null_reads_as_absent() {
        let probe: Probe = from_value(json!({"ContactId": 7, "OrgNr": null}), "probe").unwrap();
        assert_eq!(probe.org_nr, "");
    }

    #[test]
    fn nested_objects_and_arrays_are_normalised() {
        let value = normalize(json!({"Persons": [{"PersonId": 1, "Contact": {"Contact_Id": 2}}]}));
        assert_eq!(
            value,
            json!({"persons": [{"personid": 1, "contact": {"contactid": 2}}]})
        );
    }

    #[test]
    fn data_map_keys_are_kept_as_written() {
        let value = normalize(json!({"CustomFields": {"SuperOffice:1": "x", "x_Sale": null}}));
        assert_eq!(
            value,
            json!({"customfields": {"SuperOffice:1": "x", "x_Sale": null}})
        );
    }

    #[test]
    fn decode_errors_name_what_was_read() {
        let err = from_value::<Probe>(json!({"Name": "no id"}), "contact 7").unwrap_err();
        assert_eq!(err.to_string(), "decode contact 7");
    }
}
