//! The rules a taxonomy must meet before an analyzer uses it.
//!
//! Checked once at load, so a bad file stops the worker at start-up with the
//! place of the mistake, instead of failing jobs one by one later.

use std::collections::BTreeSet;

use super::{Localised, Taxonomy, TaxonomyError, TemplateSet};
use crate::analysis::{Angle, Language};
use crate::template::{self, CONFIG_SLOTS, FACT_SLOTS, PERSON_SLOTS};
use crate::text::fold;

/// A keyword weight above this is surely a typo (`10` for `1.0`).
const MAX_WEIGHT: f32 = 10.0;

fn invalid(context: impl Into<String>, problem: impl Into<String>) -> TaxonomyError {
    TaxonomyError::Invalid {
        context: context.into(),
        problem: problem.into(),
    }
}

impl Taxonomy {
    /// Checks every rule; the first broken one is the error.
    pub(crate) fn check(&self) -> Result<(), TaxonomyError> {
        let classifier = &self.classifier;
        if !(classifier.min_confidence > 0.0 && classifier.min_confidence < 1.0) {
            return Err(invalid(
                "classifier.min_confidence",
                "must lie between 0 and 1",
            ));
        }
        let replace = classifier.replace_confidence;
        if replace.is_nan() || replace <= 0.0 {
            return Err(invalid(
                "classifier.replace_confidence",
                "must be above 0 (above 1 it never replaces)",
            ));
        }
        let weights = classifier.weights;
        let all = [
            weights.name,
            weights.department,
            weights.business,
            weights.category,
            weights.web,
            weights.notes,
            weights.website,
            weights.titles,
        ];
        if all
            .iter()
            .any(|weight| !(weight.is_finite() && *weight >= 0.0))
        {
            return Err(invalid("classifier.weights", "weights must be 0 or more"));
        }
        check_terms("classifier.blockers", &classifier.blockers)?;
        check_terms("language.german_countries", &self.language.german_countries)?;

        for offering in crate::analysis::Offering::ALL {
            let product = self.offering.get(offering);
            let context = format!("offering.{offering:?}").to_lowercase();
            for text in [&product.label, &product.name, &product.pitch] {
                check_plain(&context, text)?;
            }
        }
        for language in [Language::De, Language::En] {
            check_template_set(language, self.templates.get(language))?;
        }

        self.check_verticals()?;
        for (at, role) in self.roles.iter().enumerate() {
            check_terms(
                &format!("role {}", at + 1),
                role.keywords.iter().chain(&role.words),
            )?;
        }
        for (at, signal) in self.signals.iter().enumerate() {
            let terms = signal.keywords.iter().chain(&signal.words);
            check_terms(&format!("signal {}", at + 1), terms)?;
        }
        Ok(())
    }

    fn check_verticals(&self) -> Result<(), TaxonomyError> {
        if self.verticals.is_empty() {
            return Err(invalid("vertical", "the taxonomy has no verticals"));
        }

        let mut keys = BTreeSet::new();
        for vertical in &self.verticals {
            let context = format!("vertical `{}`", vertical.key);
            let key_chars = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
            if vertical.key.is_empty() || !vertical.key.chars().all(key_chars) {
                return Err(invalid(
                    context,
                    "key must be lowercase letters, digits and `_`",
                ));
            }
            if !keys.insert(vertical.key.as_str()) {
                return Err(invalid(context, "key used twice"));
            }
            if vertical.list_item_id < 1 {
                return Err(invalid(context, "list_item_id must be 1 or more"));
            }

            check_plain(&context, &vertical.name)?;
            check_plain(&context, &vertical.hook)?;
            for language in [Language::De, Language::En] {
                let opener = vertical.opener.get(language);
                let place = format!("{context} opener ({language:?})").to_lowercase();
                check_template(&place, opener, &[FACT_SLOTS, CONFIG_SLOTS])?;
            }

            let weighted = vertical.keywords.iter().chain(&vertical.words);
            for (term, weight) in weighted {
                check_terms(&context, [term])?;
                if !(weight.is_finite() && *weight > 0.0 && *weight <= MAX_WEIGHT) {
                    let problem = format!("weight of `{term}` must be above 0 and at most 10");
                    return Err(invalid(context, problem));
                }
            }
        }
        Ok(())
    }
}

/// Terms must leave something to match once folded.
fn check_terms<'a>(
    context: &str,
    terms: impl IntoIterator<Item = &'a String>,
) -> Result<(), TaxonomyError> {
    for term in terms {
        if fold(term).trim().is_empty() {
            return Err(invalid(
                context,
                format!("term `{term}` has no letters or digits"),
            ));
        }
    }
    Ok(())
}

/// Configured phrases go into templates as values: both languages present,
/// and no braces, which would read as slots.
fn check_plain(context: &str, text: &Localised) -> Result<(), TaxonomyError> {
    for value in [&text.de, &text.en] {
        if value.trim().is_empty() {
            return Err(invalid(context, "a text is empty in one language"));
        }
        if value.contains(['{', '}']) {
            return Err(invalid(context, format!("`{value}` contains a brace")));
        }
    }
    Ok(())
}

fn check_template(context: &str, text: &str, allowed: &[&[&str]]) -> Result<(), TaxonomyError> {
    if text.trim().is_empty() {
        return Err(invalid(context, "template is empty"));
    }
    template::check(text, allowed).map_err(|source| TaxonomyError::Template {
        context: context.to_owned(),
        source,
    })
}

fn check_template_set(language: Language, set: &TemplateSet) -> Result<(), TaxonomyError> {
    let context = |what: &str| format!("templates.{language:?}.{what}").to_lowercase();

    // The last resort for the company opener, so it may only use slots that
    // always have a value.
    let always: &[&str] = &["company", "product", "pitch"];
    check_template(&context("company"), &set.company, &[always])?;
    check_template(&context("hook"), &set.hook, &[])?;

    let person: &[&[&str]] = &[FACT_SLOTS, PERSON_SLOTS, CONFIG_SLOTS];
    for angle in Angle::ALL {
        let name = format!("{angle:?}");
        check_template(&context(&name), set.angle(angle), person)?;
    }
    check_template(&context("partner"), &set.partner, person)
}
