//! Text helpers: folding for keyword matching, cleaning for output, and
//! cutting a text to a SuperOffice field's length.
//!
//! Lengths are counted in UTF-16 code units, not bytes and not `char`s.
//! SuperOffice stores text in SQL Server `nvarchar` columns, which count
//! UTF-16 units; for the Latin, Greek, Cyrillic and CJK text a CRM holds that
//! equals the number of characters, and for the rest (emoji, rare scripts) it
//! is the stricter count, so a text that fits here fits there.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::UnicodeNormalization;

/// The length of `text` as SuperOffice counts it: UTF-16 code units.
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// Folds text for keyword matching.
///
/// NFC first, so composed and decomposed umlauts are one spelling; then
/// lowercase; then German umlauts and `ß` spelled out (`ä` → `ae`) so
/// "Universität", "Universitaet" and a domain `universitaet.de` all match one
/// keyword; other accents dropped (`é` → `e`). Every run of other characters
/// becomes one space, and the result starts and ends with a space, so a whole
/// word `w` is found as ` w ` and a compound part as a plain substring.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for c in text.nfc().flat_map(char::to_lowercase) {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            c if is_combining_mark(c) => {}
            c if c.is_alphanumeric() => decompose_canonical(c, |part| {
                if !is_combining_mark(part) {
                    out.push(part);
                }
            }),
            _ => {
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
        }
    }
    if !out.ends_with(' ') {
        out.push(' ');
    }
    out
}

/// Cleans a fact for output: NFC, control characters and runs of white space
/// become one space, no space at either end.
pub(crate) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfc() {
        if c.is_whitespace() || c.is_control() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Cleans an optional fact; empty or blank counts as absent.
pub(crate) fn clean_opt(text: Option<&str>) -> Option<String> {
    text.map(clean).filter(|text| !text.is_empty())
}

/// Cuts `text` to at most `limit` UTF-16 units, ending with `…` when cut.
///
/// The cut falls between characters, never inside one, and never between a
/// letter and a combining mark that belongs to it. When a space lies in the
/// last third of what fits, the cut moves back to it: a whole word dropped
/// reads better than half a word kept. Text without spaces (CJK, one long
/// name) is cut at the last character that fits.
pub fn truncate(text: &str, limit: usize) -> String {
    if utf16_len(text) <= limit {
        return text.to_owned();
    }
    if limit == 0 {
        return String::new();
    }

    // What fits before the ellipsis, which takes one unit.
    let budget = limit - 1;
    let mut cut = 0;
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += c.len_utf16();
        if used > budget {
            break;
        }
        cut = at + c.len_utf8();
    }
    while text[cut..].chars().next().is_some_and(is_combining_mark) {
        cut = text[..cut]
            .char_indices()
            .next_back()
            .map_or(0, |(at, _)| at);
    }

    let mut head = &text[..cut];
    if let Some(space) = head.rfind(char::is_whitespace) {
        if space >= head.len() * 2 / 3 {
            head = &head[..space];
        }
    }
    let head = head.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–' | '(' | '/' | '&')
    });
    format!("{head}…")
}

/// The first sentence of a cleaned text: up to and including the first `.`,
/// `!` or `?` that is followed by a space and ends a word of four letters or
/// more, or the whole text. The word rule keeps abbreviations such as "z. B.",
/// "St." or "Co." inside the sentence.
pub(crate) fn first_sentence(text: &str) -> &str {
    for (at, c) in text.char_indices() {
        if !matches!(c, '.' | '!' | '?') || !text[at + 1..].starts_with(' ') {
            continue;
        }
        let word = text[..at].rsplit(' ').next().unwrap_or_default();
        if word.chars().filter(|c| c.is_alphabetic()).count() >= 4 {
            return &text[..=at];
        }
    }
    text
}

/// Upper-cases the first character, for a sentence that starts with a phrase
/// taken from configuration ("lange Flure …").
pub(crate) fn capitalise_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
