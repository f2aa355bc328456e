//! Country names in the language an analysis is written in.
//!
//! SuperOffice shows a contact's country in the language of the tenant's
//! country list, usually English ("Germany"), while an analysis of a German
//! company is written in German. Without this a German summary would read
//! "Pflegeheime in Bielefeld, Germany". The taxonomy's
//! `[language.german_names]` says what to write instead; a country it does
//! not name is written as the CRM shows it.

use std::collections::BTreeMap;

use crate::analysis::Language;
use crate::facts::CompanyFacts;
use crate::taxonomy::Taxonomy;
use crate::text::fold;

/// The taxonomy's German country names, by folded CRM name or code.
#[derive(Debug, Clone, Default)]
pub(crate) struct CountryNames {
    german: BTreeMap<String, String>,
}

impl CountryNames {
    pub(crate) fn new(taxonomy: &Taxonomy) -> CountryNames {
        let german = taxonomy
            .language
            .german_names
            .iter()
            .map(|(shown, german)| (fold(shown).trim().to_owned(), german.clone()))
            .collect();
        CountryNames { german }
    }

    /// The facts with the country as an analysis in `language` writes it.
    pub(crate) fn localise(&self, facts: &CompanyFacts, language: Language) -> CompanyFacts {
        let mut facts = facts.clone();
        if language == Language::De {
            let german = facts
                .country
                .as_deref()
                .and_then(|country| self.german.get(fold(country).trim()));
            if let Some(german) = german {
                facts.country = Some(german.clone());
            }
        }
        facts
    }
}
