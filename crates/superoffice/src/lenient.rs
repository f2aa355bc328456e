//! Serde helpers for values whose JSON type varies between endpoints.
//!
//! `PrimaryKey` is a string in Slim archive rows and a number elsewhere;
//! `Retired` is an int on contact person summaries and a bool on the person
//! entity; `expires_in` was seen as a numeric string. These helpers accept
//! every such form and fail only on values that mean nothing.

use serde::de::{Deserializer, Error as _};
use serde::Deserialize;
use serde_json::Value;

/// Reads an integer given as a number or a numeric string.
pub(crate) fn i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    let value = Value::deserialize(deserializer)?;
    value_to_i64(&value)
        .ok_or_else(|| D::Error::custom(format!("expected an integer, got {value}")))
}

/// Like [`i64`], with null or absent as `None`.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(value) => value_to_i64(&value)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected an integer, got {value}"))),
    }
}

/// Reads a flag given as a bool, a number (non-zero is true) or a string
/// (`"True"`, `"false"`, `"1"`, `"0"`).
pub(crate) fn bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    let value = Value::deserialize(deserializer)?;
    value_to_bool(&value).ok_or_else(|| D::Error::custom(format!("expected a flag, got {value}")))
}

/// Reads text given as a string, or a number or bool shown as text.
pub(crate) fn string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = Value::deserialize(deserializer)?;
    value_to_string(&value).ok_or_else(|| D::Error::custom(format!("expected text, got {value}")))
}

/// The integer in `value`, if it holds one (a float with no fraction counts).
pub(crate) fn value_to_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0)
                .map(|f| f as i64)
        }),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The flag in `value`, if it holds one.
pub(crate) fn value_to_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(_) => value_to_i64(value).map(|n| n != 0),
        Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The text in `value`: strings as they are, numbers and bools printed.
pub(crate) fn value_to_string(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn integers_come_as_numbers_or_numeric_strings() {
        assert_eq!(value_to_i64(&json!(25)), Some(25));
        assert_eq!(value_to_i64(&json!("25")), Some(25));
        assert_eq!(value_to_i64(&json!(" 25 ")), Some(25));
        assert_eq!(value_to_i64(&json!(25.0)), Some(25));
        assert_eq!(value_to_i64(&json!("RJ")), None);
        assert_eq!(value_to_i64(&json!(2.5)), None);
    }

    #[test]
    fn flags_come_as_bools_ints_or_words() {
        assert_eq!(value_to_bool(&json!(true)), Some(true));
        assert_eq!(value_to_bool(&json!(0)), Some(false));
        assert_eq!(value_to_bool(&json!(1)), Some(true));
        assert_eq!(value_to_bool(&json!("True")), Some(true));
        assert_eq!(value_to_bool(&json!("0")), Some(false));
        assert_eq!(value_to_bool(&json!("maybe")), None);
    }

    #[test]
    fn text_accepts_printed_scalars() {
        assert_eq!(value_to_string(&json!(10042)).as_deref(), Some("10042"));
        assert_eq!(value_to_string(&json!([1])), None);
    }
}
