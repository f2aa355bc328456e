//! The `CustomFields` map of an entity: UDF and extra-field values by key.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::entities::UdefFieldType;
use crate::lenient::value_to_string;
use crate::udf::{UdfError, UdfValue};

/// The suffix of the companion key that carries a list value's item name.
const DISPLAY_TEXT: &str = ":DisplayText";

/// UDF and extra-field values of one entity, keyed by ProgId (`SuperOffice:1`)
/// or extra-field column (`x_sale`), all values strings as SuperOffice sends
/// them. Includes companion keys such as `SuperOffice:2:DisplayText`.
///
/// Look-ups try the exact key first and then ignore case, since we do not
/// rely on any key's case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomFields(BTreeMap<String, String>);

impl CustomFields {
    /// The raw string stored under `key`.
    pub fn raw(&self, key: &str) -> Option<&str> {
        if let Some(value) = self.0.get(key) {
            return Some(value);
        }
        self.0
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value.as_str())
    }

    /// The display name of a list value (`<key>:DisplayText`), when sent.
    pub fn display_text(&self, key: &str) -> Option<&str> {
        self.raw(&format!("{key}{DISPLAY_TEXT}"))
    }

    /// The value under `key` read as a field of type `kind`; `None` when the
    /// key is absent.
    pub fn decode(&self, key: &str, kind: &UdefFieldType) -> Option<Result<UdfValue, UdfError>> {
        self.raw(key).map(|raw| UdfValue::decode(raw, kind))
    }

    /// Every key and raw value, companion keys included.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }

    /// Whether the map holds nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The map as a plain `BTreeMap`.
    pub fn into_inner(self) -> BTreeMap<String, String> {
        self.0
    }
}

impl FromIterator<(String, String)> for CustomFields {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl<'de> Deserialize<'de> for CustomFields {
    /// Values should all be strings; numbers and bools are printed, nulls and
    /// nested objects are skipped rather than failing the whole entity.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, Value>::deserialize(deserializer)?;
        let fields = map
            .into_iter()
            .filter(|(_, value)| !value.is_null())
            .filter_map(|(key, value)| value_to_string(&value).map(|text| (key, text)))
            .collect();
        Ok(Self(fields))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sample() -> CustomFields {
        serde_json::from_value(json!({
            "SuperOffice:1": "Industrial machinery",
            "SuperOffice:2": "[I:7]",
            "SuperOffice:2:DisplayText": "Manufacturing",
            "SuperOffice:3": 5,
            "SuperOffice:4": null,
            "x_odd": {"nested": true}
        }))
        .unwrap()
    }

    #[test]
    fn values_are_read_as_strings() {
        let fields = sample();
        assert_eq!(fields.raw("SuperOffice:1"), Some("Industrial machinery"));
        assert_eq!(fields.raw("SuperOffice:3"), Some("5"));
        assert_eq!(fields.raw("SuperOffice:4"), None);
        assert_eq!(fields.raw("x_odd"), None);
    }

    #[test]
    fn keys_match_in_any_case() {
        assert_eq!(sample().raw("superoffice:1"), Some("Industrial machinery"));
    }

    #[test]
    fn list_value_comes_with_its_display_text() {
        let fields = sample();
        assert_eq!(
            fields.decode("SuperOffice:2", &UdefFieldType::List),
            Some(Ok(UdfValue::List(7)))
        );
        assert_eq!(fields.display_text("SuperOffice:2"), Some("Manufacturing"));
    }
}
