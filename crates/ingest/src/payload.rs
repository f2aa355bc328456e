//! Reading a webhook body: tolerant of key case and unknown fields, strict
//! about the types of the fields the connector uses.
//!
//! SuperOffice spells its envelope in PascalCase (`EventId`, `PrimaryKey`),
//! but the same data appears as camelCase or snake_case elsewhere in its
//! API, and the sandbox can send either. Keys are therefore matched after
//! folding case and dropping `_` and `-`: `EventId`, `eventId` and
//! `event_id` are one key. Fields the connector does not use (`Timestamp`,
//! `WebhookName`, custom `Properties`, ...) are ignored.

use std::collections::HashMap;
use std::num::IntErrorKind;

use serde_json::{Map, Value};

/// The longest accepted `EventId`; SuperOffice sends a 36-character GUID.
const MAX_EVENT_ID_LEN: usize = 200;

/// The parts of a webhook body the ingest uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// `EventId`: the same on every retry of one delivery; never empty.
    pub event_id: String,
    /// `Event`, e.g. `contact.changed`, as sent.
    pub event: String,
    /// `Entity`, e.g. `contact`; taken from `Event` when absent.
    pub entity: String,
    /// `PrimaryKey`: the id of the changed record (0 for the test event).
    pub entity_id: i64,
    /// `Changes`: changed column names; empty when absent.
    pub changes: Vec<String>,
    /// `ChangedByAssociateId`, when present.
    pub changed_by: Option<i64>,
    /// `ContextIdentifier`, the tenant (`Cust12345`); empty when absent.
    pub tenant: String,
    /// `FieldValues.associate_id`: the record's owner, when the payload
    /// carries `FieldValues` (newer SuperOffice versions).
    pub owner: Option<i64>,
}

/// Why a body is not a usable webhook. The message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// The body does not parse as JSON.
    #[error("body is not JSON: {0}")]
    NotJson(String),
    /// The body is JSON but not an object.
    #[error("body must be a JSON object")]
    NotObject,
    /// A required field is absent or null.
    #[error("{field}: missing")]
    Missing {
        /// The field, as SuperOffice spells it.
        field: &'static str,
    },
    /// A field has the wrong JSON type or an unusable value.
    #[error("{field}: expected {expected}, got {got}")]
    Invalid {
        /// The field, as SuperOffice spells it.
        field: &'static str,
        /// What would have been accepted.
        expected: &'static str,
        /// What came, shortly.
        got: String,
    },
    /// An id that must name a record is 0 (only the registration test
    /// event carries `PrimaryKey` 0).
    #[error("{field}: must be a positive integer")]
    NotPositive {
        /// The field, as SuperOffice spells it.
        field: &'static str,
    },
    /// An id beyond what the store can hold (a 64-bit signed integer).
    #[error("{field}: too large, got {got}; the largest id is {max}", max = i64::MAX)]
    TooLarge {
        /// The field, as SuperOffice spells it.
        field: &'static str,
        /// What came, shortly.
        got: String,
    },
    /// The same field came twice under different spellings.
    #[error("{field}: given twice, as {first:?} and {second:?}")]
    Ambiguous {
        /// The field, as SuperOffice spells it.
        field: &'static str,
        /// One spelling.
        first: String,
        /// The other.
        second: String,
    },
}

impl PayloadError {
    /// The field the error is about, for the JSON error body.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            PayloadError::NotJson(_) | PayloadError::NotObject => None,
            PayloadError::Missing { field }
            | PayloadError::NotPositive { field }
            | PayloadError::TooLarge { field, .. }
            | PayloadError::Invalid { field, .. }
            | PayloadError::Ambiguous { field, .. } => Some(field),
        }
    }
}

/// Parses a webhook body.
pub fn parse(body: &[u8]) -> Result<Webhook, PayloadError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|error| PayloadError::NotJson(error.to_string()))?;
    let Value::Object(object) = value else {
        return Err(PayloadError::NotObject);
    };
    let fields = Fields::index(&object)?;

    let event_id = fields
        .string("EventId")?
        .ok_or(PayloadError::Missing { field: "EventId" })?;
    let event_id = event_id.trim();
    if event_id.is_empty() || event_id.len() > MAX_EVENT_ID_LEN {
        let got = format!("{} characters", event_id.len());
        return Err(invalid("EventId", "1 to 200 characters", got));
    }

    // The entity is the part of the event name before the dot when the body
    // leaves it out; the two agree in every documented event.
    let event = fields
        .string("Event")?
        .ok_or(PayloadError::Missing { field: "Event" })?;
    let entity = match fields.string("Entity")? {
        Some(entity) => entity.trim().to_owned(),
        None => event
            .split('.')
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned(),
    };

    Ok(Webhook {
        event_id: event_id.to_owned(),
        event: event.trim().to_owned(),
        entity,
        entity_id: fields.id("PrimaryKey")?.ok_or(PayloadError::Missing {
            field: "PrimaryKey",
        })?,
        changes: fields.changes()?,
        changed_by: fields.id("ChangedByAssociateId")?,
        tenant: fields
            .string("ContextIdentifier")?
            .unwrap_or_default()
            .trim()
            .to_owned(),
        owner: fields.owner()?,
    })
}

/// Checks the fields a delivery needs to become work: the tenant it is for
/// (`ContextIdentifier`) and the record it names (`PrimaryKey` above 0).
/// Not for the registration test event, which carries `PrimaryKey` 0 and
/// `ContextIdentifier` `Default`; the caller knows whether it is one (the
/// test header is not in the body).
pub fn check_for_work(webhook: &Webhook) -> Result<(), PayloadError> {
    if webhook.tenant.is_empty() {
        return Err(PayloadError::Missing {
            field: "ContextIdentifier",
        });
    }
    if webhook.entity_id <= 0 {
        return Err(PayloadError::NotPositive {
            field: "PrimaryKey",
        });
    }
    Ok(())
}

/// The top-level fields by folded key.
struct Fields<'a> {
    by_key: HashMap<String, &'a Value>,
}

impl<'a> Fields<'a> {
    /// Indexes the object; refuses a field that comes twice in different
    /// spellings, since either choice could be the wrong one.
    fn index(object: &'a Map<String, Value>) -> Result<Self, PayloadError> {
        let mut by_key = HashMap::with_capacity(object.len());
        let mut spelling: HashMap<String, &'a str> = HashMap::new();
        for (key, value) in object {
            let folded = fold(key);
            if let Some(first) = spelling.insert(folded.clone(), key) {
                if let Some(field) = KNOWN.iter().find(|name| fold(name) == folded) {
                    return Err(PayloadError::Ambiguous {
                        field,
                        first: first.to_owned(),
                        second: key.clone(),
                    });
                }
            }
            by_key.insert(folded, value);
        }
        Ok(Self { by_key })
    }

    /// The field, with JSON `null` read as absent.
    fn get(&self, field: &'static str) -> Option<&'a Value> {
        self.by_key
            .get(&fold(field))
            .copied()
            .filter(|value| !value.is_null())
    }

    fn string(&self, field: &'static str) -> Result<Option<&'a str>, PayloadError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(invalid(field, "a string", describe(other))),
        }
    }

    fn id(&self, field: &'static str) -> Result<Option<i64>, PayloadError> {
        self.get(field)
            .map(|value| read_id(field, value))
            .transpose()
    }

    fn changes(&self) -> Result<Vec<String>, PayloadError> {
        let expected = "an array of strings";
        let items = match self.get("Changes") {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(other) => return Err(invalid("Changes", expected, describe(other))),
        };
        items
            .iter()
            .map(|item| match item {
                Value::String(name) => Ok(name.clone()),
                other => Err(invalid(
                    "Changes",
                    expected,
                    format!("an item {}", describe(other)),
                )),
            })
            .collect()
    }

    /// `FieldValues.associate_id`, its key matched like the top-level keys.
    fn owner(&self) -> Result<Option<i64>, PayloadError> {
        const FIELD: &str = "FieldValues.associate_id";
        let values = match self.get("FieldValues") {
            None => return Ok(None),
            Some(Value::Object(values)) => values,
            Some(other) => return Err(invalid("FieldValues", "an object", describe(other))),
        };
        let owner = values.iter().find(|(key, _)| fold(key) == "associateid");
        match owner.map(|(_, value)| value) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => read_id(FIELD, value).map(Some),
        }
    }
}

/// The fields this module reads, as SuperOffice spells them.
const KNOWN: &[&str] = &[
    "EventId",
    "Event",
    "Entity",
    "PrimaryKey",
    "Changes",
    "ChangedByAssociateId",
    "ContextIdentifier",
    "FieldValues",
];

/// `EventId`, `eventId`, `event_id`, `EVENT-ID` → `eventid`.
fn fold(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// An id: a non-negative integer, or a string of one (OData rows send
/// `PrimaryKey` as a string). A whole number past `i64::MAX` is told apart,
/// so the caller does not read "expected an integer" for one.
fn read_id(field: &'static str, value: &Value) -> Result<i64, PayloadError> {
    let expected = "a non-negative integer or a string of digits";
    let (id, too_large) = match value {
        Value::Number(number) => {
            // serde_json reads integers past u64 as floats.
            let whole_float = number
                .as_f64()
                .is_some_and(|f| f.fract() == 0.0 && f >= TWO_TO_THE_63);
            (number.as_i64(), number.is_u64() || whole_float)
        }
        Value::String(text) => match text.trim().parse::<i64>() {
            Ok(id) => (Some(id), false),
            Err(error) => (None, *error.kind() == IntErrorKind::PosOverflow),
        },
        _ => (None, false),
    };
    match id {
        Some(id) if id >= 0 => Ok(id),
        None if too_large => Err(PayloadError::TooLarge {
            field,
            got: describe(value),
        }),
        _ => Err(invalid(field, expected, describe(value))),
    }
}

/// 2^63, the first whole number an `i64` cannot hold.
const TWO_TO_THE_63: f64 = 9_223_372_036_854_775_808.0;

fn invalid(field: &'static str, expected: &'static str, got: String) -> PayloadError {
    PayloadError::Invalid {
        field,
        expected,
        got,
    }
}

/// A short description of a value for an error message; strings are cut so
/// an error body never echoes a large input.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => format!("{flag}"),
        Value::Number(number) => format!("{number}"),
        Value::String(text) if text.chars().count() > 40 => {
            let start: String = text.chars().take(40).collect();
            format!("the string {start:?}...")
        }
        Value::String(text) => format!("the string {text:?}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
