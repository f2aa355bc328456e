//! The summary: what the company is, where, its vertical and its potential,
//! then a sentence of its own description when there is room.

use crate::analysis::{Language, Level, Offering, Potential};
use crate::facts::CompanyFacts;
use crate::taxonomy::{Taxonomy, Vertical};
use crate::text::{clean, clean_opt, first_sentence, truncate, utf16_len};

/// The description sentence is added cut short only when at least this much
/// room is left; a few words of it say nothing.
const MIN_DESCRIPTION_ROOM: usize = 40;

/// What the summary needs besides the facts.
pub(crate) struct SummaryInput<'a> {
    pub(crate) taxonomy: &'a Taxonomy,
    pub(crate) language: Language,
    pub(crate) vertical: Option<&'a Vertical>,
    pub(crate) potential: &'a Potential,
    pub(crate) limit: usize,
}

/// Writes the summary within `input.limit`.
pub(crate) fn write(facts: &CompanyFacts, input: &SummaryInput<'_>) -> String {
    let mut summary = truncate(&identity(facts, input), input.limit);

    // The judgement goes in whole or not at all: half a potential list
    // would claim the missing offerings are none.
    if let Some(judgement) = judgement(input) {
        if utf16_len(&summary) + 1 + utf16_len(&judgement) <= input.limit {
            summary = format!("{summary} {judgement}");
        }
    }

    if let Some(description) = description(facts, input.taxonomy) {
        let room = input.limit.saturating_sub(utf16_len(&summary) + 1);
        if utf16_len(&description) <= room || room >= MIN_DESCRIPTION_ROOM {
            summary = format!("{summary} {}", truncate(&description, room));
        }
    }
    summary
}

/// "Name (Department): vertical in City, Country." ("in" is the same word in
/// both languages.) A German text with a country and no city writes
/// "vertical, Country.": German needs an article before some countries
/// ("in der Schweiz"), which a name from the CRM does not carry.
fn identity(facts: &CompanyFacts, input: &SummaryInput<'_>) -> String {
    let name = clean(&facts.name);
    let who = match clean_opt(facts.department.as_deref()) {
        Some(department) => format!("{name} ({department})"),
        None => name,
    };
    let city = clean_opt(facts.city.as_deref());
    let place = [&facts.city, &facts.country]
        .into_iter()
        .filter_map(|part| clean_opt(part.as_deref()))
        .collect::<Vec<_>>()
        .join(", ");
    let no_article = input.language == Language::De && city.is_none();

    match (input.vertical, place.is_empty()) {
        (Some(vertical), false) if no_article => {
            format!("{who}: {}, {place}.", vertical.name.get(input.language))
        }
        (Some(vertical), false) => {
            format!("{who}: {} in {place}.", vertical.name.get(input.language))
        }
        (Some(vertical), true) => format!("{who}: {}.", vertical.name.get(input.language)),
        (None, false) if no_article => format!("{who}, {place}; {}.", unknown(input.language)),
        (None, false) => format!("{who} in {place}; {}.", unknown(input.language)),
        (None, true) => format!("{who}; {}.", unknown(input.language)),
    }
}

fn unknown(language: Language) -> &'static str {
    match language {
        Language::De => "Branche nicht bestimmt",
        Language::En => "vertical not determined",
    }
}

/// The potential sentence, or the note that the company is not a prospect.
fn judgement(input: &SummaryInput<'_>) -> Option<String> {
    let vertical = input.vertical?;
    let language = input.language;
    if !vertical.prospect {
        let note = match language {
            Language::De => {
                "Vertreibt vergleichbare Produkte: Partner oder Wettbewerber, kein Interessent."
            }
            Language::En => "Sells comparable products: partner or competitor, not a prospect.",
        };
        return Some(note.to_owned());
    }

    let mut ranked: Vec<(Offering, Level)> = Offering::ALL
        .into_iter()
        .map(|offering| (offering, input.potential.get(offering)))
        .filter(|(_, level)| *level >= Level::Medium)
        .collect();
    // Highest first; the sort is stable, so ties keep the offering order.
    ranked.sort_by_key(|(_, level)| std::cmp::Reverse(*level));

    let heading = match language {
        Language::De => "Potenzial",
        Language::En => "Potential",
    };
    if ranked.is_empty() {
        return Some(format!("{heading}: {}.", level_word(language, Level::Low)));
    }
    let parts: Vec<String> = ranked
        .into_iter()
        .map(|(offering, level)| {
            let label = input.taxonomy.offering.get(offering).label.get(language);
            format!("{label} {}", level_word(language, level))
        })
        .collect();
    Some(format!("{heading}: {}.", parts.join(", ")))
}

fn level_word(language: Language, level: Level) -> &'static str {
    match (language, level) {
        (Language::De, Level::High) => "hoch",
        (Language::De, Level::Medium) => "mittel",
        (Language::De, Level::Low | Level::None) => "gering",
        (Language::En, Level::High) => "high",
        (Language::En, Level::Medium) => "medium",
        (Language::En, Level::Low | Level::None) => "low",
    }
}

/// The first sentence of the notes, or else of the website text.
fn description(facts: &CompanyFacts, taxonomy: &Taxonomy) -> Option<String> {
    let website = facts.website_text.as_deref().map(|text| {
        let head: String = text
            .chars()
            .take(taxonomy.classifier.max_website_chars)
            .collect();
        clean(&head)
    });
    let text = clean_opt(facts.notes.as_deref()).or(website.filter(|text| !text.is_empty()))?;
    Some(first_sentence(&text).to_owned())
}
