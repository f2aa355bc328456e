//! Openers from the taxonomy's templates.
//!
//! The company opener is rendered in full. Person openers are prepared in
//! part: the configured phrases (`{hook}`, `{product}`, `{pitch}`,
//! `{vertical}`) are filled now, the company's and person's facts later by
//! the [`Personaliser`](crate::Personaliser), so one stored analysis serves
//! every person of the company.

use crate::analysis::{Angle, Language, Offering, Opener};
use crate::facts::CompanyFacts;
use crate::taxonomy::{Taxonomy, Vertical};
use crate::template::{self, Fill, TemplateError, CONFIG_SLOTS, FACT_SLOTS, PERSON_SLOTS};
use crate::text::{capitalise_first, clean, clean_opt, truncate};

/// The configured phrases an opener is written with.
#[derive(Debug)]
pub(crate) struct Wording<'t> {
    language: Language,
    hook: &'t str,
    product: &'t str,
    pitch: &'t str,
    vertical: &'t str,
}

impl<'t> Wording<'t> {
    /// The phrases for a vertical (or none) and the offering it suits best.
    pub(crate) fn new(
        taxonomy: &'t Taxonomy,
        vertical: Option<&'t Vertical>,
        offering: Offering,
        language: Language,
    ) -> Wording<'t> {
        let templates = taxonomy.templates.get(language);
        let product = taxonomy.offering.get(offering);
        Wording {
            language,
            hook: vertical.map_or(templates.hook.as_str(), |v| v.hook.get(language)),
            product: product.name.get(language),
            pitch: product.pitch.get(language),
            vertical: vertical.map_or("", |v| v.name.get(language)),
        }
    }

    fn config(&self, name: &str) -> Option<&'t str> {
        match name {
            "hook" => Some(self.hook),
            "product" => Some(self.product),
            "pitch" => Some(self.pitch),
            "vertical" => Some(self.vertical),
            _ => None,
        }
    }

    /// Fills the configured phrases and keeps fact and person slots. A
    /// template that opens with a phrase ("{hook} …") gets a capital first
    /// letter; one that opens with a fact ("{company}") is left as written,
    /// because a name like "eBay" must not change.
    pub(crate) fn prepare(&self, template: &str) -> Result<String, TemplateError> {
        let text = template::render(template, |name| {
            if let Some(value) = self.config(name) {
                Some(Fill::Value(value))
            } else if FACT_SLOTS.contains(&name) || PERSON_SLOTS.contains(&name) {
                Some(Fill::Keep)
            } else {
                None
            }
        })?;
        let opens_with_phrase =
            template::leading_slot(template).is_some_and(|slot| CONFIG_SLOTS.contains(&slot));
        Ok(if opens_with_phrase {
            capitalise_first(&text)
        } else {
            text
        })
    }
}

/// The company's facts as template values; a missing fact is empty, which
/// makes a template that needs it fall back to the next one. Braces become
/// parentheses, so that a name like "{title} GmbH" can never pass for an
/// unfilled placeholder in the finished text.
pub(crate) fn fact_value(facts: &CompanyFacts, name: &str) -> Option<String> {
    let value = match name {
        "company" => clean(&facts.name),
        "department" => clean_opt(facts.department.as_deref()).unwrap_or_default(),
        "city" => clean_opt(facts.city.as_deref()).unwrap_or_default(),
        "country" => clean_opt(facts.country.as_deref()).unwrap_or_default(),
        _ => return None,
    };
    Some(value.replace('{', "(").replace('}', ")"))
}

/// Renders a prepared template with the company's facts only.
fn fill_facts(prepared: &str, facts: &CompanyFacts) -> Result<String, TemplateError> {
    let values: Vec<(&str, String)> = FACT_SLOTS
        .iter()
        .filter_map(|slot| Some((*slot, fact_value(facts, slot)?)))
        .collect();
    template::render(prepared, |name| {
        let (_, value) = values.iter().find(|(slot, _)| *slot == name)?;
        Some(Fill::Value(value.as_str()))
    })
}

/// The company opener: the vertical's own template, or the language's
/// fallback when there is no vertical or its template needs a missing fact.
pub(crate) fn company_opener(
    taxonomy: &Taxonomy,
    vertical: Option<&Vertical>,
    wording: &Wording<'_>,
    facts: &CompanyFacts,
    limit: usize,
) -> Result<String, TemplateError> {
    let fallback = taxonomy.templates.get(wording.language).company.as_str();
    let own = vertical.map(|vertical| vertical.opener.get(wording.language));

    let mut last_error = None;
    for template in own.into_iter().chain([fallback]) {
        match wording
            .prepare(template)
            .and_then(|prepared| fill_facts(&prepared, facts))
        {
            Ok(text) => return Ok(truncate(&text, limit)),
            Err(error) => last_error = Some(error),
        }
    }
    Err(last_error.unwrap_or(TemplateError::Empty {
        name: "company".to_owned(),
    }))
}

/// The person templates: one per angle for a prospect, the partnership
/// template alone for a company that is not one.
pub(crate) fn person_templates(
    taxonomy: &Taxonomy,
    prospect: bool,
    wording: &Wording<'_>,
) -> Result<Vec<Opener>, TemplateError> {
    let set = taxonomy.templates.get(wording.language);
    if !prospect {
        let template = wording.prepare(&set.partner)?;
        return Ok(vec![Opener {
            angle: Angle::General,
            template,
        }]);
    }

    // An angle whose template needs a phrase this analysis lacks (say
    // `{vertical}` when the vertical is unknown) is left out; its persons get
    // the general opener instead.
    let mut openers = Vec::new();
    for angle in Angle::ALL {
        match wording.prepare(set.angle(angle)) {
            Ok(template) => openers.push(Opener { angle, template }),
            Err(TemplateError::Empty { .. }) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(openers)
}
