//! Writing UDF values: the JSON Patch body and the text truncation it needs.
//!
//! SuperOffice documents one form for writing UDFs: a JSON Patch that
//! replaces the `CustomFields` map with an object holding only the keys to
//! set. Other keys are kept (per the examples; the worker diffs against the
//! current values anyway, so only changed keys are sent).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};
use unicode_normalization::char::is_combining_mark;

use crate::entities::UdefField;
use crate::udf::{ProgId, UdfValue};

/// Cuts `text` to at most `max` characters *as SuperOffice counts them*.
///
/// SuperOffice is a .NET application over SQL Server, where a string's length
/// is its count of UTF-16 code units: an umlaut counts one, an emoji outside
/// the Basic Multilingual Plane counts two. Counting the same way guarantees
/// the result fits the field whichever way the server measures.
///
/// The cut never falls inside a character, and never between a character and
/// the combining marks, variation selectors or zero-width joiners that follow
/// it (so `e` + combining acute stays whole or goes whole). A text that fits
/// is returned unchanged.
pub fn truncate_chars(text: &str, max: usize) -> &str {
    let mut used = 0;
    let mut cluster_start = 0;
    let mut joined = false;

    for (index, c) in text.char_indices() {
        // A new cluster starts at any char that does not attach to the one
        // before it.
        if !(attaches_to_previous(c) || joined) {
            cluster_start = index;
        }
        joined = c == ZERO_WIDTH_JOINER;

        used += c.len_utf16();
        if used > max {
            return &text[..cluster_start];
        }
    }
    text
}

const ZERO_WIDTH_JOINER: char = '\u{200D}';

/// Whether `c` belongs to the character before it.
fn attaches_to_previous(c: char) -> bool {
    is_combining_mark(c)
        || c == ZERO_WIDTH_JOINER
        || ('\u{FE00}'..='\u{FE0F}').contains(&c) // variation selectors
        || ('\u{1F3FB}'..='\u{1F3FF}').contains(&c) // skin-tone modifiers
}

/// The JSON Patch that sets `values` in an entity's `CustomFields`.
///
/// Each value is encoded (see [`UdfValue::encode`]); text values are cut to
/// the field's length when `layout` knows the field. Keys absent from the
/// layout (extra fields `x_…`, or fields added since the layout was read) are
/// written as given: the server is the judge of those.
pub fn custom_fields_patch(values: &BTreeMap<ProgId, UdfValue>, layout: &[UdefField]) -> Value {
    let mut fields = Map::new();
    for (prog_id, value) in values {
        let field = layout.iter().find(|field| {
            field
                .prog_id
                .as_str()
                .eq_ignore_ascii_case(prog_id.as_str())
        });
        let value = match field {
            Some(field) => value.fitted_to(field),
            None => value.clone(),
        };
        fields.insert(prog_id.as_str().to_owned(), Value::String(value.encode()));
    }

    json!([{ "op": "replace", "path": "CustomFields", "value": fields }])
}

impl UdfValue {
    /// The value as it will be stored in `field`: text cut to the field's
    /// length, anything else unchanged.
    ///
    /// Compare *this* with the current value when deciding whether a write
    /// is needed: a long text never equals its stored, cut form, and writing
    /// it again would change nothing but cause another webhook.
    pub fn fitted_to(&self, field: &UdefField) -> UdfValue {
        match (self, field.max_chars()) {
            (UdfValue::Text(text), Some(limit)) => {
                UdfValue::Text(truncate_chars(text, limit).to_owned())
            }
            _ => self.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::keys::from_value;

    #[test]
    fn text_that_fits_is_unchanged() {
        assert_eq!(truncate_chars("Größenordnung", 13), "Größenordnung");
        assert_eq!(truncate_chars("", 0), "");
    }

    #[test]
    fn german_text_is_cut_at_a_character_not_a_byte() {
        // "Größ" is 4 characters but 6 bytes.
        assert_eq!(truncate_chars("Größenordnung", 4), "Größ");
        assert_eq!(truncate_chars("Größenordnung", 3), "Grö");
        assert_eq!(
            truncate_chars("Überseehäfen für Maschinenbau", 9),
            "Überseehä"
        );
    }

    #[test]
    fn emoji_count_as_two_and_are_never_split() {
        assert_eq!(truncate_chars("ab🙂c", 4), "ab🙂");
        assert_eq!(truncate_chars("ab🙂c", 3), "ab");
    }

    #[test]
    fn combining_marks_stay_with_their_letter() {
        // "e" + COMBINING ACUTE ACCENT: cutting between them would change
        // the letter, so the pair goes whole.
        let text = "Cafe\u{301} Berlin";
        assert_eq!(truncate_chars(text, 4), "Caf");
        assert_eq!(truncate_chars(text, 5), "Cafe\u{301}");
    }

    #[test]
    fn joined_emoji_sequences_go_whole() {
        let family = "x👩\u{200D}👧";
        assert_eq!(truncate_chars(family, 4), "x");
        assert_eq!(truncate_chars(family, 6), family);
    }

    #[test]
    fn fitting_cuts_text_only() {
        let layout: Vec<UdefField> = from_value(
            json!([{"ProgId": "a", "FieldType": "ShortText", "TextLength": 4},
                   {"ProgId": "b", "FieldType": "Number"}]),
            "layout",
        )
        .unwrap();
        let text = UdfValue::Text("Größenordnung".into());
        assert_eq!(text.fitted_to(&layout[0]), UdfValue::Text("Größ".into()));
        assert_eq!(
            UdfValue::Number(123456).fitted_to(&layout[1]),
            UdfValue::Number(123456)
        );
    }

    #[test]
    fn patch_replaces_custom_fields_with_changed_keys_only() {
        let layout: Vec<UdefField> = from_value(
            json!([{"ProgId": "SuperOffice:1", "FieldType": "ShortText", "TextLength": 10},
                   {"ProgId": "SuperOffice:2", "FieldType": "List"}]),
            "layout",
        )
        .unwrap();
        let values = BTreeMap::from([
            (
                ProgId::from("SuperOffice:1"),
                UdfValue::Text("Größenordnung der Häfen".into()),
            ),
            (ProgId::from("SuperOffice:2"), UdfValue::List(7)),
            (
                ProgId::from("x_note"),
                UdfValue::Text("kept as given".into()),
            ),
        ]);

        let patch = custom_fields_patch(&values, &layout);

        assert_eq!(
            patch,
            json!([{"op": "replace", "path": "CustomFields", "value": {
                "SuperOffice:1": "Größenordn", "SuperOffice:2": "7", "x_note": "kept as given"
            }}])
        );
    }
}
