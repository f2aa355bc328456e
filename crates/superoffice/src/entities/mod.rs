//! The entities the connector reads, typed for the fields it uses.
//!
//! Every struct here is read through `keys::from_slice`, so its serde renames
//! are the *normalised* key names (lower case, no underscores) and any key
//! case the server sends matches. Fields not named here are ignored; fields
//! named here but absent or null take their default.

mod associate;
mod contact;
mod list;
mod person;
mod udef;

use serde::Deserialize;

pub use associate::{Associate, Principal};
pub use contact::{Contact, PersonSummary};
pub use list::ListItem;
pub use person::{ContactSummary, Person};
pub use udef::{UdefField, UdefFieldType, UdefOwner, LONG_TEXT_MAX_CHARS, SHORT_TEXT_MAX_CHARS};

/// An item chosen from a built-in list (`Business`, `Category`, `Position`):
/// `{Id, Value, Tooltip}` on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ListRef {
    /// The list item id; 0 means "none chosen".
    #[serde(deserialize_with = "crate::lenient::i64")]
    pub id: i64,
    /// The item's (translated) name.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub value: String,
}

/// One entry of `Urls`, `Emails`, `Phones`: `{Value, StrippedValue,
/// Description}` on the wire.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ValueEntry {
    /// The address, URL or number as entered.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub value: String,
    /// The user's note on the entry (`Web`, `Sales`).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub description: String,
}

/// The country of a contact or person (a few of the Country object's fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Country {
    /// `CountryId` (578 is Norway).
    #[serde(rename = "countryid", deserialize_with = "crate::lenient::i64")]
    pub id: i64,
    /// The (translated) country name.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    /// The English name.
    #[serde(rename = "englishname", deserialize_with = "crate::lenient::string")]
    pub english_name: String,
    /// ISO 3166 two-letter code, `NO`.
    #[serde(
        rename = "twoletterisocountry",
        deserialize_with = "crate::lenient::string"
    )]
    pub iso2: String,
}
