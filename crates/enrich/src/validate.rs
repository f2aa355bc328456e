//! Field limits and the check every analysis passes before it is written.
//!
//! The rule is all or nothing: one bad field rejects the whole analysis, so
//! SuperOffice never holds a new vertical beside an old summary, or a summary
//! cut off by the API instead of by us.

use serde::{Deserialize, Serialize};

use crate::analysis::{Analysis, Angle};
use crate::template::{self, TemplateError, FACT_SLOTS, PERSON_SLOTS};
use crate::text::utf16_len;

/// SuperOffice's limit for a LongText user-defined field, in characters.
pub const LONG_TEXT_LIMIT: usize = 199;

/// Lengths of the target fields, in UTF-16 units (see [`utf16_len`]).
///
/// The defaults are the LongText limit; a tenant whose fields are shorter
/// (a ShortText field holds 39) configures the real `TextLength`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldLimits {
    /// The contact's summary field.
    pub summary: usize,
    /// The contact's opener field.
    pub opener: usize,
    /// The person's opener field.
    pub person_opener: usize,
}

impl Default for FieldLimits {
    fn default() -> Self {
        FieldLimits {
            summary: LONG_TEXT_LIMIT,
            opener: LONG_TEXT_LIMIT,
            person_opener: LONG_TEXT_LIMIT,
        }
    }
}

/// Why an analysis was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValidationError {
    /// A text field is empty or blank.
    #[error("{field}: empty")]
    Empty {
        /// The field's name.
        field: &'static str,
    },

    /// A text field is longer than its target field.
    #[error("{field}: {len} characters, the field holds {limit}")]
    TooLong {
        /// The field's name.
        field: &'static str,
        /// Its length in UTF-16 units.
        len: usize,
        /// The limit it broke.
        limit: usize,
    },

    /// A text field holds a line break or another control character; the
    /// target fields are single lines.
    #[error("{field}: contains a control character")]
    ControlCharacter {
        /// The field's name.
        field: &'static str,
    },

    /// The company opener still holds a placeholder.
    #[error("opener: placeholder `{{{name}}}` was never filled")]
    Unfilled {
        /// The placeholder's name.
        name: String,
    },

    /// An opener template does not parse or uses a slot it may not.
    #[error("openers ({angle:?}): bad template")]
    Template {
        /// The angle of the template.
        angle: Angle,
        /// What is wrong with it.
        #[source]
        source: TemplateError,
    },

    /// Two opener templates share one angle.
    #[error("openers: two templates for {angle:?}")]
    DuplicateAngle {
        /// The repeated angle.
        angle: Angle,
    },

    /// The vertical match is incomplete or out of range.
    #[error("vertical: {problem}")]
    Vertical {
        /// What is wrong with it.
        problem: &'static str,
    },
}

impl Analysis {
    /// Checks the whole analysis against the target fields: texts not empty,
    /// within their limits and on one line; the company opener fully filled;
    /// opener templates parsed, using only fact and person slots, one per
    /// angle; the vertical complete with a confidence in 0..=1.
    pub fn validate(&self, limits: &FieldLimits) -> Result<(), ValidationError> {
        check_text("summary", &self.summary, limits.summary)?;
        check_text("opener", &self.opener, limits.opener)?;
        if let Ok(slots) = template::slots(&self.opener) {
            let known = |name: &&str| FACT_SLOTS.contains(name) || PERSON_SLOTS.contains(name);
            if let Some(name) = slots.into_iter().find(known) {
                return Err(ValidationError::Unfilled {
                    name: name.to_owned(),
                });
            }
        }

        let mut seen = Vec::new();
        for opener in &self.openers {
            if seen.contains(&opener.angle) {
                return Err(ValidationError::DuplicateAngle {
                    angle: opener.angle,
                });
            }
            seen.push(opener.angle);
            check_template(opener.angle, &opener.template, limits.person_opener)?;
        }

        if let Some(vertical) = &self.vertical {
            if vertical.key.trim().is_empty() || vertical.name.trim().is_empty() {
                return Err(ValidationError::Vertical {
                    problem: "key or name is empty",
                });
            }
            if vertical.list_item_id <= 0 {
                return Err(ValidationError::Vertical {
                    problem: "list item id is not positive",
                });
            }
            if !(0.0..=1.0).contains(&vertical.confidence) {
                return Err(ValidationError::Vertical {
                    problem: "confidence is not in 0..=1",
                });
            }
        }
        Ok(())
    }
}

fn check_text(field: &'static str, text: &str, limit: usize) -> Result<(), ValidationError> {
    if text.trim().is_empty() {
        return Err(ValidationError::Empty { field });
    }
    if text.chars().any(char::is_control) {
        return Err(ValidationError::ControlCharacter { field });
    }
    let len = utf16_len(text);
    if len > limit {
        return Err(ValidationError::TooLong { field, len, limit });
    }
    Ok(())
}

/// A template's own text must fit the person field; the slots' values are
/// cut to fit when a person's opener is rendered.
fn check_template(angle: Angle, text: &str, limit: usize) -> Result<(), ValidationError> {
    let bad = |source| ValidationError::Template { angle, source };
    template::check(text, &[FACT_SLOTS, PERSON_SLOTS]).map_err(bad)?;
    let literal = template::literal_text(text).map_err(bad)?;
    check_text("openers", &literal, limit)
}
