//! UDF definitions, as `GET Contact/UdefLayout` and `Person/UdefLayout` give
//! them.

use std::fmt;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::udf::ProgId;

/// Most characters a ShortText field holds, whatever the layout says.
pub const SHORT_TEXT_MAX_CHARS: usize = 39;
/// Most characters a LongText field holds, whatever the layout says.
pub const LONG_TEXT_MAX_CHARS: usize = 199;

/// Which entity a UDF belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UdefOwner {
    /// A company (SuperOffice "contact").
    Contact,
    /// A person.
    Person,
}

impl UdefOwner {
    /// The resource name in API paths (`Contact`, `Person`).
    pub fn resource(self) -> &'static str {
        match self {
            UdefOwner::Contact => "Contact",
            UdefOwner::Person => "Person",
        }
    }
}

/// The type of a UDF. The wire gives the name (`"ShortText"`) or, in some
/// places, the enum number; both are read, names case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UdefFieldType {
    /// Integer (1).
    Number,
    /// Text up to 39 characters (2).
    ShortText,
    /// Text up to 199 characters (3).
    LongText,
    /// Date between 1970 and 2038 (4).
    Date,
    /// Date without that range (5).
    UnlimitedDate,
    /// Flag (6).
    Checkbox,
    /// Item of a list (7).
    List,
    /// Decimal number (8).
    Decimal,
    /// A type this client does not know, as sent.
    Other(String),
}

impl UdefFieldType {
    /// Whether values of this type are free text.
    pub fn is_text(&self) -> bool {
        matches!(self, UdefFieldType::ShortText | UdefFieldType::LongText)
    }

    fn from_name(name: &str) -> Self {
        match name.to_ascii_lowercase().as_str() {
            "number" | "1" => Self::Number,
            "shorttext" | "2" => Self::ShortText,
            "longtext" | "3" => Self::LongText,
            "date" | "4" => Self::Date,
            "unlimiteddate" | "5" => Self::UnlimitedDate,
            "checkbox" | "6" => Self::Checkbox,
            "list" | "7" => Self::List,
            "decimal" | "8" => Self::Decimal,
            _ => Self::Other(name.to_owned()),
        }
    }
}

impl fmt::Display for UdefFieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            UdefFieldType::Number => "Number",
            UdefFieldType::ShortText => "ShortText",
            UdefFieldType::LongText => "LongText",
            UdefFieldType::Date => "Date",
            UdefFieldType::UnlimitedDate => "UnlimitedDate",
            UdefFieldType::Checkbox => "Checkbox",
            UdefFieldType::List => "List",
            UdefFieldType::Decimal => "Decimal",
            UdefFieldType::Other(name) => name,
        };
        f.write_str(name)
    }
}

impl Default for UdefFieldType {
    fn default() -> Self {
        Self::Other(String::new())
    }
}

impl<'de> Deserialize<'de> for UdefFieldType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let name = crate::lenient::value_to_string(&value).unwrap_or_default();
        Ok(Self::from_name(name.trim()))
    }
}

/// One UDF definition.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "UdefFieldWire")]
pub struct UdefField {
    /// The stable key (`SuperOffice:1` when none was set).
    pub prog_id: ProgId,
    /// `UDefFieldId`, the definition's row id.
    pub field_id: i64,
    /// The label users see.
    pub label: String,
    /// The value type.
    pub field_type: UdefFieldType,
    /// `TextLength` from the layout; `None` when 0 or absent.
    pub text_length: Option<usize>,
    /// Users (and the API) cannot change the value.
    pub read_only: bool,
    /// `UDListDefinitionId`: the user-defined list behind a List field.
    pub list_definition_id: Option<i64>,
    /// `MdoListName`: `udlist108` for a user-defined list, or a built-in name.
    pub mdo_list_name: String,
}

impl UdefField {
    /// The most characters a text value may have: the layout's `TextLength`,
    /// never above the type's limit (39 ShortText, 199 LongText). `None` for
    /// types that are not text.
    pub fn max_chars(&self) -> Option<usize> {
        let type_limit = match self.field_type {
            UdefFieldType::ShortText => SHORT_TEXT_MAX_CHARS,
            UdefFieldType::LongText => LONG_TEXT_MAX_CHARS,
            _ => return None,
        };
        Some(
            self.text_length
                .map_or(type_limit, |length| length.min(type_limit)),
        )
    }
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct UdefFieldWire {
    #[serde(deserialize_with = "crate::lenient::string")]
    progid: String,
    #[serde(deserialize_with = "crate::lenient::opt_i64")]
    udefidentity: Option<i64>,
    #[serde(deserialize_with = "crate::lenient::i64")]
    udeffieldid: i64,
    #[serde(deserialize_with = "crate::lenient::string")]
    fieldlabel: String,
    fieldtype: UdefFieldType,
    #[serde(deserialize_with = "crate::lenient::opt_i64")]
    textlength: Option<i64>,
    #[serde(deserialize_with = "crate::lenient::bool")]
    isreadonly: bool,
    #[serde(deserialize_with = "crate::lenient::opt_i64")]
    udlistdefinitionid: Option<i64>,
    #[serde(deserialize_with = "crate::lenient::string")]
    mdolistname: String,
}

impl From<UdefFieldWire> for UdefField {
    fn from(wire: UdefFieldWire) -> Self {
        // A field whose ProgId was never set is keyed by its identity.
        let prog_id = match (wire.progid.trim(), wire.udefidentity) {
            ("", Some(identity)) => ProgId::new(format!("SuperOffice:{identity}")),
            (prog_id, _) => ProgId::new(prog_id),
        };
        Self {
            prog_id,
            field_id: wire.udeffieldid,
            label: wire.fieldlabel,
            field_type: wire.fieldtype,
            text_length: wire.textlength.filter(|n| *n > 0).map(|n| n as usize),
            read_only: wire.isreadonly,
            list_definition_id: wire.udlistdefinitionid.filter(|id| *id > 0),
            mdo_list_name: wire.mdolistname,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::keys::from_value;

    #[test]
    fn layout_entry_reads_with_any_key_case() {
        let field: UdefField = from_value(
            json!({"UDefFieldId": 3, "ProgId": "SuperOffice:3", "FieldLabel": "Summary",
                   "field_type": "longtext", "textLength": "120", "IsReadOnly": false}),
            "layout",
        )
        .unwrap();
        assert_eq!(field.prog_id.as_str(), "SuperOffice:3");
        assert_eq!(field.field_type, UdefFieldType::LongText);
        assert_eq!(field.max_chars(), Some(120));
    }

    #[test]
    fn missing_prog_id_falls_back_to_identity_and_numeric_type() {
        let field: UdefField =
            from_value(json!({"UdefIdentity": 12, "FieldType": 7}), "layout").unwrap();
        assert_eq!(field.prog_id.as_str(), "SuperOffice:12");
        assert_eq!(field.field_type, UdefFieldType::List);
        assert_eq!(field.max_chars(), None);
    }

    #[test]
    fn text_length_never_exceeds_the_type_limit() {
        let field: UdefField = from_value(
            json!({"ProgId": "a", "FieldType": "ShortText", "TextLength": 80}),
            "l",
        )
        .unwrap();
        assert_eq!(field.max_chars(), Some(SHORT_TEXT_MAX_CHARS));
        let unset: UdefField = from_value(
            json!({"ProgId": "b", "FieldType": "LongText", "TextLength": 0}),
            "l",
        )
        .unwrap();
        assert_eq!(unset.max_chars(), Some(LONG_TEXT_MAX_CHARS));
    }
}
