//! Step 6: compare what the analysis wants in each field with what the
//! entity holds, and write only the fields that differ.
//!
//! This is the third defence against echo loops: our own PATCH makes
//! SuperOffice send a `*.changed` event, and should that event reach a job,
//! the job finds every field already as wanted and sends nothing. List
//! fields compare list item ids; text compares after cutting the wanted
//! text to the field's length, since that is what SuperOffice would keep.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use so_superoffice::{truncate_chars, CustomFields, ProgId, UdefField, UdefFieldType, UdfValue};

use super::layout::field;

/// What one field should hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// A list field set to this list item id.
    List(i64),
    /// A text field; `limit` is its length when the layout does not say.
    Text {
        /// The full text.
        text: String,
        /// The fallback length, in characters as SuperOffice counts them.
        limit: usize,
    },
}

/// One field to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The field.
    pub field: ProgId,
    /// Its raw value before ("" when absent).
    pub before: String,
    /// The value to write (text already cut to the field's length).
    pub after: UdfValue,
}

/// What a write-back will do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// Fields whose value differs, to be written.
    pub changes: Vec<Change>,
    /// Fields already holding the wanted value.
    pub unchanged: Vec<ProgId>,
}

impl Plan {
    /// Whether nothing is to be written (then no request is sent).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The values to PATCH.
    pub fn values(&self) -> BTreeMap<ProgId, UdfValue> {
        self.changes
            .iter()
            .map(|change| (change.field.clone(), change.after.clone()))
            .collect()
    }

    /// The plan for the job's result: each written field with its value
    /// before and after, and the fields left as they were.
    pub fn to_json(&self) -> Value {
        let changes: Vec<Value> = self
            .changes
            .iter()
            .map(|change| {
                json!({
                    "field": change.field.as_str(),
                    "before": change.before,
                    "after": change.after.encode(),
                })
            })
            .collect();
        let unchanged: Vec<&str> = self.unchanged.iter().map(ProgId::as_str).collect();
        json!({ "changes": changes, "unchanged": unchanged })
    }
}

/// Compares each wanted value with `current`, reading field types and
/// lengths from `layout`.
pub fn plan(current: &CustomFields, wanted: &[(ProgId, Wanted)], layout: &[UdefField]) -> Plan {
    let mut plan = Plan::default();
    for (prog_id, wanted) in wanted {
        let definition = field(layout, prog_id.as_str());
        let before = current.raw(prog_id.as_str()).unwrap_or_default();
        let after = desired(wanted, definition);

        if holds(before, &after) {
            plan.unchanged.push(prog_id.clone());
        } else {
            plan.changes.push(Change {
                field: prog_id.clone(),
                before: before.to_owned(),
                after,
            });
        }
    }
    plan
}

/// The value to write: text cut to the layout's length, else the fallback.
fn desired(wanted: &Wanted, definition: Option<&UdefField>) -> UdfValue {
    match wanted {
        Wanted::List(id) => UdfValue::List(*id),
        Wanted::Text { text, limit } => {
            let limit = definition.and_then(UdefField::max_chars).unwrap_or(*limit);
            UdfValue::Text(truncate_chars(text, limit).to_owned())
        }
    }
}

/// Whether the raw value `before` already is `after`. A list value reads
/// as `[I:7]` or as `7`; both are item 7.
fn holds(before: &str, after: &UdfValue) -> bool {
    match after {
        UdfValue::Text(text) => before == text,
        _ => UdfValue::decode(before, &UdefFieldType::List).as_ref() == Ok(after),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fields(values: Value) -> CustomFields {
        serde_json::from_value(values).unwrap()
    }

    fn text(text: &str, limit: usize) -> Wanted {
        Wanted::Text {
            text: text.to_owned(),
            limit,
        }
    }

    #[test]
    fn fields_already_as_wanted_are_left_alone() {
        let current = fields(json!({"SuperOffice:1": "A hotel.", "SuperOffice:2": "[I:7]"}));
        let wanted = [
            (ProgId::from("SuperOffice:1"), text("A hotel.", 199)),
            (ProgId::from("SuperOffice:2"), Wanted::List(7)),
        ];

        let plan = plan(&current, &wanted, &[]);

        assert!(plan.is_empty());
        assert_eq!(plan.unchanged.len(), 2);
    }

    #[test]
    fn only_differing_fields_are_written_with_their_old_value() {
        let current = fields(json!({"SuperOffice:1": "Old.", "SuperOffice:2": "7"}));
        let wanted = [
            (ProgId::from("SuperOffice:1"), text("New.", 199)),
            (ProgId::from("SuperOffice:2"), Wanted::List(7)),
            (ProgId::from("SuperOffice:3"), text("Hello", 199)),
        ];

        let plan = plan(&current, &wanted, &[]);

        let written: Vec<_> = plan.changes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(written, ["SuperOffice:1", "SuperOffice:3"]);
        assert_eq!(plan.changes[0].before, "Old.");
        assert_eq!(plan.changes[1].before, "");
    }

    #[test]
    fn text_is_compared_after_cutting_it_to_the_field_length() {
        let current = fields(json!({"SuperOffice:1": "Größe"}));
        let wanted = [(ProgId::from("SuperOffice:1"), text("Größenordnung", 5))];

        let plan = plan(&current, &wanted, &[]);

        assert!(plan.is_empty(), "{plan:?}");
    }

    #[test]
    fn another_list_item_is_a_change() {
        let current = fields(json!({"SuperOffice:2": "[I:3]"}));
        let wanted = [(ProgId::from("SuperOffice:2"), Wanted::List(7))];

        let plan = plan(&current, &wanted, &[]);

        assert_eq!(plan.values().get("SuperOffice:2"), Some(&UdfValue::List(7)));
    }
}
