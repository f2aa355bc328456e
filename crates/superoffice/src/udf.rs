//! User-defined field (UDF) values: how SuperOffice writes them as strings,
//! and how we read and write them.
//!
//! Every UDF value travels as a string in the `CustomFields` map. Typed values
//! are encoded with CultureDataFormatter monikers: `[I:123]` an int (a list
//! item id for list fields), `[D:11/30/2011]` a date (month/day/year),
//! `[DT:…]` a date-time, `[F:12.5]` a decimal, `[A:3,4,5]` an int array. What
//! the server accepts on write is partly unconfirmed; [`UdfValue::encode`]
//! picks, per type, the form the documentation shows being written.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::Date;

use crate::entities::UdefFieldType;

/// The stable key of a UDF: its ProgId (`SuperOffice:1` when an administrator
/// never set one). Labels change; ProgIds do not, so configuration uses these.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProgId(String);

impl ProgId {
    /// Wraps a ProgId as written in the tenant.
    pub fn new(prog_id: impl Into<String>) -> Self {
        Self(prog_id.into())
    }

    /// The ProgId text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ProgId {
    fn from(prog_id: &str) -> Self {
        Self::new(prog_id)
    }
}

impl From<String> for ProgId {
    fn from(prog_id: String) -> Self {
        Self(prog_id)
    }
}

impl Borrow<str> for ProgId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// A UDF value with its type.
#[derive(Debug, Clone, PartialEq)]
pub enum UdfValue {
    /// ShortText or LongText. Written as is (after truncation, see `patch.rs`).
    Text(String),
    /// A Number field.
    Number(i64),
    /// A Decimal field; written in invariant culture (`12.5`).
    Decimal(f64),
    /// A Checkbox field; written as `1` / `0` (the stored integer; reads also
    /// accept `True` / `False`).
    Checkbox(bool),
    /// A Date field; written encoded as `[D:MM/DD/YYYY]`, the form it reads
    /// back in.
    Date(Date),
    /// A List field: the list item id. Written as the bare id (`"123"`), the
    /// documented write form; reads as `[I:123]`. The item's name is in the
    /// `:DisplayText` companion key, see `CustomFields::display_text`.
    List(i64),
    /// An int array (`[A:3,4,5]`).
    IntArray(Vec<i64>),
    /// No value: the empty string, or list item 0.
    Empty,
}

/// A raw UDF string that does not fit the field's type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("udf value {raw:?}: not a valid {kind}")]
pub struct UdfError {
    /// The string as read.
    pub raw: String,
    /// The type it was read as.
    pub kind: String,
}

impl UdfValue {
    /// Reads `raw` as a value of a field of type `kind`.
    pub fn decode(raw: &str, kind: &UdefFieldType) -> Result<UdfValue, UdfError> {
        let fail = || UdfError {
            raw: raw.to_owned(),
            kind: kind.to_string(),
        };
        let trimmed = raw.trim();
        if trimmed.is_empty() && !kind.is_text() {
            return Ok(UdfValue::Empty);
        }

        let value = match kind {
            UdefFieldType::ShortText | UdefFieldType::LongText => UdfValue::Text(raw.to_owned()),
            UdefFieldType::Number => UdfValue::Number(int(trimmed).ok_or_else(fail)?),
            UdefFieldType::Decimal => UdfValue::Decimal(decimal(trimmed).ok_or_else(fail)?),
            UdefFieldType::Checkbox => UdfValue::Checkbox(checkbox(trimmed).ok_or_else(fail)?),
            UdefFieldType::Date | UdefFieldType::UnlimitedDate => {
                UdfValue::Date(date(trimmed).ok_or_else(fail)?)
            }
            UdefFieldType::List => match int(trimmed).ok_or_else(fail)? {
                0 => UdfValue::Empty,
                id => UdfValue::List(id),
            },
            UdefFieldType::Other(_) => UdfValue::decode_untyped(raw),
        };
        Ok(value)
    }

    /// Reads `raw` without knowing the field type: an encoded moniker gives
    /// its type (`[I:…]` reads as a list item id, the common case), anything
    /// else is text. Prefer [`UdfValue::decode`] with the layout's type.
    pub fn decode_untyped(raw: &str) -> UdfValue {
        let trimmed = raw.trim();
        let Some((moniker, body)) = moniker(trimmed) else {
            return UdfValue::Text(raw.to_owned());
        };

        let typed = match moniker {
            "I" => body.trim().parse().ok().map(|id| {
                if id == 0 {
                    UdfValue::Empty
                } else {
                    UdfValue::List(id)
                }
            }),
            "F" => decimal(trimmed).map(UdfValue::Decimal),
            "D" | "DT" => date(trimmed).map(UdfValue::Date),
            "A" => int_array(body).map(UdfValue::IntArray),
            _ => None,
        };
        typed.unwrap_or_else(|| UdfValue::Text(raw.to_owned()))
    }

    /// The string to send in a `CustomFields` write.
    pub fn encode(&self) -> String {
        match self {
            UdfValue::Text(text) => text.clone(),
            UdfValue::Number(number) => number.to_string(),
            UdfValue::Decimal(number) => number.to_string(),
            UdfValue::Checkbox(flag) => if *flag { "1" } else { "0" }.to_owned(),
            UdfValue::Date(date) => {
                let us = format_description!("[month]/[day]/[year]");
                format!("[D:{}]", date.format(&us).expect("a date always formats"))
            }
            UdfValue::List(id) => id.to_string(),
            UdfValue::IntArray(ids) => {
                let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
                format!("[A:{}]", ids.join(","))
            }
            UdfValue::Empty => String::new(),
        }
    }
}

/// Splits `[X:body]` into `("X", "body")`.
fn moniker(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    let (moniker, body) = inner.split_once(':')?;
    let known = matches!(
        moniker,
        "B" | "D" | "DT" | "F" | "I" | "A" | "M" | "T" | "TS"
    );
    known.then_some((moniker, body))
}

fn int(text: &str) -> Option<i64> {
    match moniker(text) {
        Some(("I", body)) => body.trim().parse().ok(),
        Some(_) => None,
        None => text.parse().ok(),
    }
}

fn decimal(text: &str) -> Option<f64> {
    let body = match moniker(text) {
        Some(("F" | "M" | "I", body)) => body,
        Some(_) => return None,
        None => text,
    };
    body.trim()
        .parse::<f64>()
        .ok()
        .filter(|number| number.is_finite())
}

fn checkbox(text: &str) -> Option<bool> {
    let body = match moniker(text) {
        Some(("I", body)) => body,
        Some(_) => return None,
        None => text,
    };
    match body.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// `[D:MM/DD/YYYY]`, `[DT:MM/DD/YYYY HH:MM:SS]` or ISO (`2025-03-11`, with
/// or without a time part). Only the date is kept.
fn date(text: &str) -> Option<Date> {
    let us = format_description!("[month padding:none]/[day padding:none]/[year]");
    let iso = format_description!("[year]-[month]-[day]");

    match moniker(text) {
        Some(("D" | "DT", body)) => {
            let day = body.split([' ', 'T']).next()?;
            Date::parse(day.trim(), &us).ok()
        }
        Some(_) => None,
        None => Date::parse(text.get(..10)?, &iso).ok(),
    }
}

fn int_array(body: &str) -> Option<Vec<i64>> {
    if body.trim().is_empty() {
        return Some(Vec::new());
    }
    body.split(',')
        .map(|part| part.trim().parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn round_trip(value: UdfValue, kind: UdefFieldType) {
        let encoded = value.encode();
        assert_eq!(
            UdfValue::decode(&encoded, &kind).unwrap(),
            value,
            "via {encoded:?}"
        );
    }

    #[test]
    fn every_type_round_trips_through_its_encoding() {
        round_trip(
            UdfValue::Text("Größenordnung".into()),
            UdefFieldType::ShortText,
        );
        round_trip(UdfValue::Number(-42), UdefFieldType::Number);
        round_trip(UdfValue::Decimal(12.5), UdefFieldType::Decimal);
        round_trip(UdfValue::Checkbox(true), UdefFieldType::Checkbox);
        round_trip(UdfValue::Checkbox(false), UdefFieldType::Checkbox);
        round_trip(UdfValue::Date(date!(2011 - 11 - 30)), UdefFieldType::Date);
        round_trip(UdfValue::List(123), UdefFieldType::List);
        round_trip(UdfValue::Empty, UdefFieldType::List);
        let array = UdfValue::IntArray(vec![3, 4, 5]);
        assert_eq!(UdfValue::decode_untyped(&array.encode()), array);
    }

    #[test]
    fn list_values_read_encoded_and_bare() {
        assert_eq!(
            UdfValue::decode("[I:7]", &UdefFieldType::List),
            Ok(UdfValue::List(7))
        );
        assert_eq!(
            UdfValue::decode("7", &UdefFieldType::List),
            Ok(UdfValue::List(7))
        );
        assert_eq!(
            UdfValue::decode("[I:0]", &UdefFieldType::List),
            Ok(UdfValue::Empty)
        );
        assert_eq!(UdfValue::List(7).encode(), "7");
    }

    #[test]
    fn checkbox_reads_words_and_digits() {
        for (raw, flag) in [("True", true), ("False", false), ("1", true), ("0", false)] {
            let read = UdfValue::decode(raw, &UdefFieldType::Checkbox);
            assert_eq!(read, Ok(UdfValue::Checkbox(flag)), "{raw}");
        }
        assert!(UdfValue::decode("yes", &UdefFieldType::Checkbox).is_err());
    }

    #[test]
    fn dates_read_encoded_and_iso() {
        let day = Ok(UdfValue::Date(date!(2011 - 11 - 30)));
        assert_eq!(
            UdfValue::decode("[D:11/30/2011]", &UdefFieldType::Date),
            day
        );
        assert_eq!(UdfValue::decode("2011-11-30", &UdefFieldType::Date), day);
        assert_eq!(
            UdfValue::decode("2011-11-30T00:00:00", &UdefFieldType::Date),
            day
        );
        assert_eq!(
            UdfValue::decode("[DT:11/30/2011 13:45:00]", &UdefFieldType::Date),
            day
        );
        assert_eq!(
            UdfValue::Date(date!(2011 - 01 - 05)).encode(),
            "[D:01/05/2011]"
        );
    }

    #[test]
    fn numbers_and_decimals_read_plain_and_encoded() {
        assert_eq!(
            UdfValue::decode("[I:12]", &UdefFieldType::Number),
            Ok(UdfValue::Number(12))
        );
        assert_eq!(
            UdfValue::decode("[F:2.25]", &UdefFieldType::Decimal),
            Ok(UdfValue::Decimal(2.25))
        );
        assert_eq!(
            UdfValue::decode("", &UdefFieldType::Number),
            Ok(UdfValue::Empty)
        );
        assert!(UdfValue::decode("twelve", &UdefFieldType::Number).is_err());
    }

    #[test]
    fn text_is_kept_verbatim_even_when_it_looks_encoded() {
        let read = UdfValue::decode("[I:7]", &UdefFieldType::LongText);
        assert_eq!(read, Ok(UdfValue::Text("[I:7]".into())));
        assert_eq!(
            UdfValue::decode("", &UdefFieldType::ShortText),
            Ok(UdfValue::Text("".into()))
        );
    }

    #[test]
    fn untyped_reading_follows_the_moniker() {
        assert_eq!(UdfValue::decode_untyped("[I:7]"), UdfValue::List(7));
        assert_eq!(
            UdfValue::decode_untyped("[D:1/2/2020]"),
            UdfValue::Date(date!(2020 - 01 - 02))
        );
        assert_eq!(
            UdfValue::decode_untyped("[Q:1]"),
            UdfValue::Text("[Q:1]".into())
        );
        assert_eq!(
            UdfValue::decode_untyped("plain"),
            UdfValue::Text("plain".into())
        );
    }

    #[test]
    fn prog_ids_look_up_by_str() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(ProgId::from("SuperOffice:1"), 1);
        assert_eq!(map.get("SuperOffice:1"), Some(&1));
    }
}
