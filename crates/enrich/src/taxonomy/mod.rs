//! The taxonomy: verticals, keywords, potential, offering and templates.
//!
//! All of what the builtin backend knows about markets and products is data
//! in one TOML file, so a team that sells something else edits the file, not
//! the code. The crate ships `taxonomy/default.toml` (a seller of service and
//! cleaning robots, 25 verticals); an operator points the settings at their
//! own copy. Every field is described in that file's comments.

mod check;
mod load;

pub use load::{TaxonomyError, DEFAULT_TAXONOMY};

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::{Angle, Language, Offering, Potential};

/// A text in each language the analysis writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localised {
    /// German.
    pub de: String,
    /// English.
    pub en: String,
}

impl Localised {
    /// The text in one language.
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::De => &self.de,
            Language::En => &self.en,
        }
    }
}

/// The whole taxonomy file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    /// How classification weighs its evidence.
    pub classifier: ClassifierSettings,
    /// Which language an analysis writes in.
    pub language: LanguageSettings,
    /// What the team sells.
    pub offering: OfferingSettings,
    /// Opener templates that do not belong to one vertical.
    pub templates: Templates,
    /// The verticals, in the order ties are broken.
    #[serde(rename = "vertical")]
    pub verticals: Vec<Vertical>,
    /// Job-title rules that pick a person's angle, first match wins.
    #[serde(rename = "role", default)]
    pub roles: Vec<Role>,
    /// Words in the facts that raise the potential for one offering.
    #[serde(rename = "signal", default)]
    pub signals: Vec<Signal>,
}

/// How classification weighs its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassifierSettings {
    /// Below this confidence (0..1) the vertical is unknown.
    pub min_confidence: f32,
    /// The confidence another vertical needs to replace the one the CRM
    /// already holds; below it (or below `min_confidence`, whichever is
    /// higher) the recorded vertical is kept.
    #[serde(default = "default_replace_confidence")]
    pub replace_confidence: f32,
    /// How many characters of website text are read; the rest is ignored.
    pub max_website_chars: usize,
    /// How much a keyword found in each fact counts.
    pub weights: FieldWeights,
    /// Terms that score nothing but win against keywords inside them
    /// ("schlager" keeps "lager" from counting as a warehouse).
    #[serde(default)]
    pub blockers: Vec<String>,
}

/// Taxonomy files written before `replace_confidence` existed keep working:
/// a guess must be fairly sure (two agreeing facts) to replace a vertical.
fn default_replace_confidence() -> f32 {
    0.6
}

/// How much a keyword counts, by the fact it was found in.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldWeights {
    /// The company name.
    pub name: f32,
    /// The department line.
    pub department: f32,
    /// The SuperOffice business value.
    pub business: f32,
    /// The SuperOffice category value.
    pub category: f32,
    /// Web address and domains.
    pub web: f32,
    /// Notes and description.
    pub notes: f32,
    /// Website text.
    pub website: f32,
    /// Persons' job titles.
    pub titles: f32,
}

/// Which language an analysis writes in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageSettings {
    /// The language when the company has no country.
    pub default: Language,
    /// Countries (names or codes, any case) written to in German; every
    /// other country gets English.
    pub german_countries: Vec<String>,
    /// What a German analysis writes for a country the CRM shows in
    /// another language ("germany" = "Deutschland"); keys compare folded.
    #[serde(default)]
    pub german_names: BTreeMap<String, String>,
}

/// What the team sells: one product line per offering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferingSettings {
    /// The offering openers talk about when the vertical is unknown.
    pub default: Offering,
    /// Cleaning products.
    pub cleaning: Product,
    /// Transport products.
    pub transport: Product,
    /// Security products.
    pub security: Product,
    /// Service products.
    pub service: Product,
}

impl OfferingSettings {
    /// The product line for one offering.
    pub fn get(&self, offering: Offering) -> &Product {
        match offering {
            Offering::Cleaning => &self.cleaning,
            Offering::Transport => &self.transport,
            Offering::Security => &self.security,
            Offering::Service => &self.service,
        }
    }
}

/// One product line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// The offering's name in the summary ("Reinigung", "cleaning").
    pub label: Localised,
    /// The product as the subject of a sentence, plural ("Reinigungsroboter").
    pub name: Localised,
    /// What it does, a verb phrase for that subject ("reinigen …").
    pub pitch: Localised,
}

/// Opener templates that do not belong to one vertical, per language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Templates {
    /// German.
    pub de: TemplateSet,
    /// English.
    pub en: TemplateSet,
}

impl Templates {
    /// The set for one language.
    pub fn get(&self, language: Language) -> &TemplateSet {
        match language {
            Language::De => &self.de,
            Language::En => &self.en,
        }
    }
}

/// The templates of one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSet {
    /// Company opener when the vertical is unknown or its own opener cannot
    /// be filled; only `{company}`, `{product}` and `{pitch}`.
    pub company: String,
    /// The hook when the vertical is unknown.
    pub hook: String,
    /// Person opener when no role is recognised.
    pub general: String,
    /// Person opener for facility and operations roles.
    pub operations: String,
    /// Person opener for management and finance.
    pub cost: String,
    /// Person opener for purchasing.
    pub tco: String,
    /// Person opener for IT and innovation.
    pub technology: String,
    /// Person opener for every role at a company that is not a prospect.
    pub partner: String,
}

impl TemplateSet {
    /// The person template for one angle.
    pub fn angle(&self, angle: Angle) -> &str {
        match angle {
            Angle::General => &self.general,
            Angle::Operations => &self.operations,
            Angle::Cost => &self.cost,
            Angle::Tco => &self.tco,
            Angle::Technology => &self.technology,
        }
    }
}

/// One vertical.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vertical {
    /// Stable key (`hospitals`), used in settings and results.
    pub key: String,
    /// The SuperOffice list item id of the vertical field.
    pub list_item_id: i32,
    /// Display name.
    pub name: Localised,
    /// False for companies that sell what the team sells.
    #[serde(default = "yes")]
    pub prospect: bool,
    /// Potential per offering before signals raise it.
    #[serde(default)]
    pub potential: Potential,
    /// What makes the work hard there, a plural noun phrase for openers.
    pub hook: Localised,
    /// The company opener template.
    pub opener: Localised,
    /// Keywords found anywhere in a word (compound parts), with weights.
    #[serde(default)]
    pub keywords: BTreeMap<String, f32>,
    /// Keywords found only as whole words, with weights.
    #[serde(default)]
    pub words: BTreeMap<String, f32>,
}

fn yes() -> bool {
    true
}

/// A job-title rule: a title or position with one of these terms gets the
/// angle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// The angle the rule picks.
    pub angle: Angle,
    /// Terms found anywhere in a word.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Terms found only as whole words.
    #[serde(default)]
    pub words: Vec<String>,
}

/// Terms that raise one offering's potential by one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    /// The offering raised.
    pub offering: Offering,
    /// Terms found anywhere in a word.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Terms found only as whole words.
    #[serde(default)]
    pub words: Vec<String>,
}
