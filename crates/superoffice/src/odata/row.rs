//! One row of an archive answer, and the reading of a page.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::keys::normalize_key;
use crate::lenient::{value_to_i64, value_to_string};
use crate::{Error, Result};

/// One archive row: its primary key and its columns, looked up in any case.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveRow {
    /// `PrimaryKey` (sent as a string in Slim mode, a number otherwise).
    pub primary_key: i64,
    /// `EntityName` (`contact`), empty when not sent.
    pub entity_name: String,
    /// Columns by normalised name, each with its name as sent.
    columns: BTreeMap<String, (String, Value)>,
}

impl ArchiveRow {
    fn from_json(row: Map<String, Value>) -> Result<Self> {
        let columns: BTreeMap<String, (String, Value)> = row
            .into_iter()
            .map(|(name, value)| (normalize_key(&name), (name, value)))
            .collect();

        let key = columns.get("primarykey").map(|(_, value)| value);
        let Some(primary_key) = key.and_then(value_to_i64) else {
            let source =
                serde::de::Error::custom(format!("PrimaryKey missing or not an integer: {key:?}"));
            return Err(Error::Decode {
                what: "archive row".into(),
                source,
            });
        };
        let entity_name = columns
            .get("entityname")
            .and_then(|(_, value)| value_to_string(value))
            .unwrap_or_default();
        Ok(Self {
            primary_key,
            entity_name,
            columns,
        })
    }

    /// The value of `column` (`contactId`, `ContactId`, `contact_id` alike).
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.columns
            .get(&normalize_key(column))
            .map(|(_, value)| value)
    }

    /// The value of `column` as text (numbers and flags printed).
    pub fn text(&self, column: &str) -> Option<String> {
        self.get(column).and_then(value_to_string)
    }

    /// The value of `column` as an integer (numeric strings read).
    pub fn int(&self, column: &str) -> Option<i64> {
        self.get(column).and_then(value_to_i64)
    }

    /// Every column with its name as sent.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.columns
            .values()
            .map(|(name, value)| (name.as_str(), value))
    }
}

/// The rows and the nextLink (if a non-empty string) of one page.
pub(super) fn split_page(page: Value) -> Result<(Vec<ArchiveRow>, Option<String>)> {
    let Value::Object(page) = page else {
        let source = serde::de::Error::custom("an archive page must be an object");
        return Err(Error::Decode {
            what: "archive page".into(),
            source,
        });
    };

    let mut rows = Vec::new();
    let mut link = None;
    for (name, value) in page {
        let name = normalize_key(&name);
        if name == "value" {
            for row in value.as_array().into_iter().flatten() {
                if let Value::Object(row) = row {
                    rows.push(ArchiveRow::from_json(row.clone())?);
                }
            }
        } else if name.ends_with("nextlink") {
            link = value
                .as_str()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned);
        }
    }
    Ok((rows, link))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn rows_read_string_or_number_keys_and_any_column_case() {
        let (rows, link) = split_page(json!({
            "odata.metadata": "x", "odata.nextLink": null,
            "value": [
                {"PrimaryKey": "4711", "EntityName": "contact", "contactId": 4711, "orgnr": "9"},
                {"primaryKey": 4712, "ContactId": "4712"}
            ]
        }))
        .unwrap();
        assert_eq!(link, None);
        assert_eq!(rows[0].primary_key, 4711);
        assert_eq!(rows[0].int("ContactId"), Some(4711));
        assert_eq!(rows[0].text("ORGNR").as_deref(), Some("9"));
        assert_eq!(rows[1].int("contact_id"), Some(4712));
    }

    #[test]
    fn a_row_without_primary_key_is_a_decode_error() {
        assert!(split_page(json!({"value": [{"name": "x"}]})).is_err());
    }

    #[test]
    fn next_link_is_read_in_both_spellings_and_blank_is_none() {
        let (_, link) =
            split_page(json!({"@odata.nextLink": "Contact?$skip=2", "value": []})).unwrap();
        assert_eq!(link.as_deref(), Some("Contact?$skip=2"));
        let (_, blank) = split_page(json!({"odata.nextLink": "  ", "value": []})).unwrap();
        assert_eq!(blank, None);
    }
}
