//! The `builtin` backend: offline and deterministic.
//!
//! Classification, summary and openers come from the taxonomy and the facts
//! alone: no network, no clock, no randomness, so the same facts and the same
//! taxonomy give the same analysis byte for byte. It runs in microseconds, so
//! it runs inline on the worker's task and needs no blocking thread.

mod classify;
pub(crate) mod openers;
mod summary;

use sha2::{Digest, Sha256};

use crate::analysis::{Analysis, Language, Offering, Potential, VerticalMatch};
use crate::analyzer::{AnalyzeFuture, Analyzer};
use crate::country::CountryNames;
use crate::error::AnalyzeError;
use crate::facts::{hex, CompanyFacts};
use crate::personalise::Personaliser;
use crate::taxonomy::{Taxonomy, TaxonomyError, Vertical};
use crate::template::{self, TemplateError};
use crate::terms::TermSet;
use crate::text::{clean, fold, utf16_len};
use crate::validate::FieldLimits;

use classify::{Field, KeywordIndex};
use openers::Wording;

/// Below this many characters no opener or summary can say anything.
const MIN_FIELD_LIMIT: usize = 39;

/// The builtin analyzer. Build it once at start-up and share it.
#[derive(Debug)]
pub struct BuiltinAnalyzer {
    /// The taxonomy, for its texts and settings.
    taxonomy: Taxonomy,
    /// Every vertical keyword, compiled once.
    index: KeywordIndex,
    /// Potential signals, compiled once.
    signals: Vec<(Offering, TermSet)>,
    /// Folded names and codes of the countries written to in German.
    german_countries: Vec<String>,
    /// Country names as a German analysis writes them.
    countries: CountryNames,
    /// The lengths every output must fit.
    limits: FieldLimits,
    /// See [`Analyzer::fingerprint`].
    fingerprint: String,
}

impl BuiltinAnalyzer {
    /// The backend's name in logs and errors.
    pub const NAME: &'static str = "builtin";

    /// Builds the analyzer, checking the taxonomy against the limits: every
    /// person template must fit its field before any person's facts go in.
    pub fn new(taxonomy: Taxonomy, limits: FieldLimits) -> Result<Self, TaxonomyError> {
        taxonomy.check()?;
        let smallest = limits.summary.min(limits.opener).min(limits.person_opener);
        if smallest < MIN_FIELD_LIMIT {
            let problem = format!("field limits below {MIN_FIELD_LIMIT} leave no room");
            return Err(TaxonomyError::Invalid {
                context: "limits".to_owned(),
                problem,
            });
        }
        check_person_templates(&taxonomy, &limits)?;

        let signals = taxonomy
            .signals
            .iter()
            .map(|signal| {
                (
                    signal.offering,
                    TermSet::new(&signal.keywords, &signal.words),
                )
            })
            .collect();
        let german_countries = taxonomy
            .language
            .german_countries
            .iter()
            .map(|c| fold(c).trim().to_owned())
            .collect();

        // The crate version is part of the fingerprint: a release that
        // changes how results are computed re-analyses stored companies.
        let mut hasher = Sha256::new();
        hasher.update(format!("{} {}\n", Self::NAME, env!("CARGO_PKG_VERSION")));
        hasher.update(serde_json::to_vec(&taxonomy).unwrap_or_default());
        hasher.update(serde_json::to_vec(&limits).unwrap_or_default());
        let fingerprint = hex(&hasher.finalize());

        let index = KeywordIndex::new(&taxonomy);
        let countries = CountryNames::new(&taxonomy);
        Ok(BuiltinAnalyzer {
            taxonomy,
            index,
            signals,
            german_countries,
            countries,
            limits,
            fingerprint,
        })
    }

    /// The analyzer with the embedded taxonomy and LongText limits.
    pub fn with_defaults() -> Result<Self, TaxonomyError> {
        BuiltinAnalyzer::new(Taxonomy::embedded()?, FieldLimits::default())
    }

    /// The taxonomy in use.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    /// The limits every output fits.
    pub fn limits(&self) -> &FieldLimits {
        &self.limits
    }

    /// A personaliser with this analyzer's role rules and limits.
    pub fn personaliser(&self) -> Personaliser {
        Personaliser::new(&self.taxonomy, &self.limits)
    }

    /// The language an analysis of this company is written in: German for
    /// a configured German-speaking country, English for any other country,
    /// the configured default when the country is unknown.
    pub fn language_for(&self, facts: &CompanyFacts) -> Language {
        let Some(country) = facts.country.as_deref().filter(|c| !c.trim().is_empty()) else {
            return self.taxonomy.language.default;
        };
        let country = fold(country);
        if self
            .german_countries
            .iter()
            .any(|german| german == country.trim())
        {
            Language::De
        } else {
            Language::En
        }
    }

    /// Analyses one company now; the builtin backend does no I/O, so this is
    /// what the [`Analyzer`] future runs.
    pub fn analyse_now(&self, facts: &CompanyFacts) -> Result<Analysis, AnalyzeError> {
        if clean(&facts.name).is_empty() {
            return Err(AnalyzeError::Facts {
                message: "the company has no name".to_owned(),
            });
        }
        let language = self.language_for(facts);
        let facts = &self.countries.localise(facts, language);
        let fields = classify::fields(facts, &self.taxonomy.classifier);

        // Classification, then what follows from the vertical.
        let recorded = facts.recorded_vertical.and_then(|item| {
            let verticals = &self.taxonomy.verticals;
            verticals.iter().position(|v| v.list_item_id == item)
        });
        let scores = self.index.scores(&fields);
        let chosen = classify::choose(&scores, recorded, &self.taxonomy.classifier);
        let vertical = chosen.map(|choice| &self.taxonomy.verticals[choice.index]);
        let prospect = vertical.is_none_or(|vertical| vertical.prospect);
        let potential = self.potential(vertical, &fields);

        // The texts, each within its field.
        let input = summary::SummaryInput {
            taxonomy: &self.taxonomy,
            language,
            vertical,
            potential: &potential,
            limit: self.limits.summary,
        };
        let summary = summary::write(facts, &input);
        let offering = potential.top().unwrap_or(self.taxonomy.offering.default);
        let wording = Wording::new(&self.taxonomy, vertical, offering, language);
        let invalid = |source: TemplateError| template_failure(vertical, source);
        let opener = openers::company_opener(
            &self.taxonomy,
            vertical,
            &wording,
            facts,
            self.limits.opener,
        )
        .map_err(invalid)?;
        let openers =
            openers::person_templates(&self.taxonomy, prospect, &wording).map_err(invalid)?;

        let analysis = Analysis {
            language,
            vertical: vertical
                .zip(chosen)
                .map(|(vertical, choice)| VerticalMatch {
                    key: vertical.key.clone(),
                    name: vertical.name.get(language).to_owned(),
                    list_item_id: vertical.list_item_id,
                    confidence: choice.confidence,
                    kept: choice.kept,
                }),
            prospect,
            potential,
            summary,
            opener,
            openers,
        };
        analysis
            .validate(&self.limits)
            .map_err(|source| AnalyzeError::Invalid {
                backend: Self::NAME,
                source,
            })?;
        Ok(analysis)
    }

    /// The vertical's potential, raised one level per offering whose signal
    /// terms occur in the facts. None for an unknown vertical or a company
    /// that is not a prospect.
    fn potential(&self, vertical: Option<&Vertical>, fields: &[Field]) -> Potential {
        let Some(vertical) = vertical.filter(|vertical| vertical.prospect) else {
            return Potential::default();
        };
        let mut potential = vertical.potential;
        for (offering, terms) in &self.signals {
            if fields.iter().any(|field| terms.found_in(&field.folded)) {
                potential.raise(*offering);
            }
        }
        potential
    }
}

impl Analyzer for BuiltinAnalyzer {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    fn analyse<'a>(&'a self, facts: &'a CompanyFacts) -> AnalyzeFuture<'a> {
        Box::pin(std::future::ready(self.analyse_now(facts)))
    }
}

/// A template that passed the taxonomy check cannot fail to render, so a
/// failure here is a bug: permanent, with the vertical named.
fn template_failure(vertical: Option<&Vertical>, source: TemplateError) -> AnalyzeError {
    let key = vertical.map_or("unknown", |vertical| vertical.key.as_str());
    AnalyzeError::Config {
        backend: BuiltinAnalyzer::NAME,
        message: format!("opener template of vertical `{key}` failed to render"),
        source: Some(Box::new(source)),
    }
}

/// Every person template, prepared for every vertical and language, must
/// leave room in the person field: its own text, without the person's and
/// company's facts, has to fit. Checked at start-up so that a long hook or
/// pitch is a configuration error, not a failed job.
fn check_person_templates(taxonomy: &Taxonomy, limits: &FieldLimits) -> Result<(), TaxonomyError> {
    let verticals = taxonomy.verticals.iter().map(Some).chain([None]);
    for vertical in verticals {
        for language in [Language::De, Language::En] {
            for offering in Offering::ALL {
                let wording = Wording::new(taxonomy, vertical, offering, language);
                let prospect = vertical.is_none_or(|vertical| vertical.prospect);
                let context = format!(
                    "person openers of `{}` ({language:?}, {offering:?})",
                    vertical.map_or("unknown", |vertical| vertical.key.as_str())
                );
                let templates =
                    openers::person_templates(taxonomy, prospect, &wording).map_err(|source| {
                        TaxonomyError::Template {
                            context: context.clone(),
                            source,
                        }
                    })?;
                for opener in templates {
                    let literal = template::literal_text(&opener.template).unwrap_or_default();
                    let len = utf16_len(&literal);
                    if len > limits.person_opener {
                        let problem = format!(
                            "{:?} is {len} characters before any facts; the field holds {}",
                            opener.angle, limits.person_opener
                        );
                        return Err(TaxonomyError::Invalid { context, problem });
                    }
                }
            }
        }
    }
    Ok(())
}
