//! A small placeholder filler for opener templates.
//!
//! A template is plain text with `{name}` slots, nothing more: no escaping, no
//! conditions, no loops. A brace always opens or closes a slot, so validation
//! can reject a stray brace in text an LLM wrote, and a value is inserted
//! verbatim and never scanned again, so a company called "{title} GmbH" cannot
//! inject a slot. Anything richer belongs in the wording of the templates, not
//! in a template language.

/// Slots filled from the company's facts when an opener is rendered.
pub const FACT_SLOTS: &[&str] = &["company", "department", "city", "country"];

/// Slots filled from the person's facts when a person opener is rendered.
pub const PERSON_SLOTS: &[&str] = &["first_name", "last_name", "full_name", "title", "position"];

/// Slots filled from configuration (the vertical and the offering) when the
/// builtin backend prepares its templates.
pub const CONFIG_SLOTS: &[&str] = &["hook", "product", "pitch", "vertical"];

/// Why a template cannot be read or filled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A `{` has no `}` after it.
    #[error("template: `{{` at byte {at} is never closed")]
    Unclosed {
        /// Byte offset of the brace.
        at: usize,
    },

    /// A `}` closes nothing.
    #[error("template: `}}` at byte {at} closes nothing")]
    StrayClose {
        /// Byte offset of the brace.
        at: usize,
    },

    /// A slot names no placeholder allowed here.
    #[error("template: `{{{name}}}` is not a placeholder allowed here")]
    Unknown {
        /// The name between the braces.
        name: String,
    },

    /// A slot's value is empty, so the sentence would read wrong; the caller
    /// falls back to a template that does not need it.
    #[error("template: `{{{name}}}` has no value")]
    Empty {
        /// The name between the braces.
        name: String,
    },
}

/// What to do with one slot while rendering.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fill<'v> {
    /// Insert this text.
    Value(&'v str),
    /// Leave the slot in place for a later pass.
    Keep,
}

/// One part of a parsed template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'t> {
    Text(&'t str),
    Slot(&'t str),
}

/// Splits a template into text and slots.
fn pieces(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut pieces = Vec::new();
    let mut rest = template;
    let mut offset = 0;

    while let Some(brace) = rest.find(['{', '}']) {
        if rest[brace..].starts_with('}') {
            return Err(TemplateError::StrayClose { at: offset + brace });
        }
        let close = rest[brace..]
            .find('}')
            .ok_or(TemplateError::Unclosed { at: offset + brace })?;
        let name = &rest[brace + 1..brace + close];
        if name.contains('{') {
            return Err(TemplateError::Unclosed { at: offset + brace });
        }

        pieces.push(Piece::Text(&rest[..brace]));
        pieces.push(Piece::Slot(name));
        offset += brace + close + 1;
        rest = &rest[brace + close + 1..];
    }
    pieces.push(Piece::Text(rest));
    pieces.retain(|piece| *piece != Piece::Text(""));
    Ok(pieces)
}

/// Checks that a template parses and uses only slots from `allowed`.
pub(crate) fn check(template: &str, allowed: &[&[&str]]) -> Result<(), TemplateError> {
    for piece in pieces(template)? {
        if let Piece::Slot(name) = piece {
            if !allowed.iter().any(|set| set.contains(&name)) {
                return Err(TemplateError::Unknown {
                    name: name.to_owned(),
                });
            }
        }
    }
    Ok(())
}

/// The names of the template's slots, in order.
pub(crate) fn slots(template: &str) -> Result<Vec<&str>, TemplateError> {
    let slots = pieces(template)?
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Slot(name) => Some(name),
            Piece::Text(_) => None,
        });
    Ok(slots.collect())
}

/// The template's literal text without its slots, for length checks.
pub(crate) fn literal_text(template: &str) -> Result<String, TemplateError> {
    let text = pieces(template)?
        .into_iter()
        .filter_map(|piece| match piece {
            Piece::Text(text) => Some(text),
            Piece::Slot(_) => None,
        });
    Ok(text.collect())
}

/// The slot a template opens with, if it opens with one.
pub(crate) fn leading_slot(template: &str) -> Option<&str> {
    match pieces(template).ok()?.first() {
        Some(Piece::Slot(name)) => Some(name),
        _ => None,
    }
}

/// Renders a template. `resolve` says what each slot becomes; a slot it does
/// not know is an error, and so is an empty value.
pub(crate) fn render<'v>(
    template: &str,
    resolve: impl Fn(&str) -> Option<Fill<'v>>,
) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len() + 64);
    for piece in pieces(template)? {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Slot(name) => match resolve(name) {
                Some(Fill::Value("")) => {
                    return Err(TemplateError::Empty {
                        name: name.to_owned(),
                    })
                }
                Some(Fill::Value(value)) => out.push_str(value),
                Some(Fill::Keep) => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
                None => {
                    return Err(TemplateError::Unknown {
                        name: name.to_owned(),
                    })
                }
            },
        }
    }
    Ok(out)
}
