//! The result of analysing one company, as every backend returns it.
//!
//! An [`Analysis`] is plain data: serde turns it into the JSON the worker
//! stores with the job, and the `explorer` and `llm` backends will map their
//! answers onto it. Nothing may be written to SuperOffice before
//! [`Analysis::validate`] accepted it.

use serde::{Deserialize, Serialize};

/// The language an analysis writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// German.
    De,
    /// English.
    En,
}

/// What the team sells, in four lines of business. The products behind each
/// are configuration (the taxonomy's `offering` section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Offering {
    /// Floor cleaning.
    Cleaning,
    /// Moving goods inside a site.
    Transport,
    /// Patrol and surveillance.
    Security,
    /// Guest-facing service: reception, guiding, serving.
    Service,
}

impl Offering {
    /// Every offering, in the order ties are broken.
    pub const ALL: [Offering; 4] = [
        Offering::Cleaning,
        Offering::Transport,
        Offering::Security,
        Offering::Service,
    ];
}

/// How much potential a company has for one offering.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// No use for it.
    #[default]
    None,
    /// Some use, not a lead.
    Low,
    /// Worth a conversation.
    Medium,
    /// A strong fit.
    High,
}

impl Level {
    /// One level up, at most [`Level::High`].
    pub fn raised(self) -> Level {
        match self {
            Level::None => Level::Low,
            Level::Low => Level::Medium,
            Level::Medium | Level::High => Level::High,
        }
    }
}

/// The potential of a company per offering, judged from its physical
/// operations: sites, warehouses, floor space, visitors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Potential {
    /// Floor cleaning.
    pub cleaning: Level,
    /// Transport inside a site.
    pub transport: Level,
    /// Security patrols.
    pub security: Level,
    /// Guest-facing service.
    pub service: Level,
}

impl Potential {
    /// The level for one offering.
    pub fn get(&self, offering: Offering) -> Level {
        match offering {
            Offering::Cleaning => self.cleaning,
            Offering::Transport => self.transport,
            Offering::Security => self.security,
            Offering::Service => self.service,
        }
    }

    /// Raises one offering's level by one step.
    pub fn raise(&mut self, offering: Offering) {
        let level = match offering {
            Offering::Cleaning => &mut self.cleaning,
            Offering::Transport => &mut self.transport,
            Offering::Security => &mut self.security,
            Offering::Service => &mut self.service,
        };
        *level = level.raised();
    }

    /// The offering with the highest level above none; ties go to the one
    /// first in [`Offering::ALL`].
    pub fn top(&self) -> Option<Offering> {
        let best = Offering::ALL
            .into_iter()
            .map(|offering| self.get(offering))
            .max()?;
        if best == Level::None {
            return None;
        }
        Offering::ALL
            .into_iter()
            .find(|offering| self.get(*offering) == best)
    }
}

/// The perspective of an opener, chosen from a person's job title and
/// position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Angle {
    /// No role recognised, or no person at all.
    General,
    /// Facility, cleaning, housekeeping and operations roles.
    Operations,
    /// Owners, managing directors and finance: running cost.
    Cost,
    /// Purchasing and procurement: total cost of ownership.
    Tco,
    /// IT, digitalisation and innovation: integration.
    Technology,
}

impl Angle {
    /// Every angle, in the order openers are listed.
    pub const ALL: [Angle; 5] = [
        Angle::General,
        Angle::Operations,
        Angle::Cost,
        Angle::Tco,
        Angle::Technology,
    ];
}

/// The vertical a company was classified into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerticalMatch {
    /// The taxonomy key ("hospitals").
    pub key: String,
    /// The display name in the analysis language.
    pub name: String,
    /// The SuperOffice list item id the vertical field is set to.
    pub list_item_id: i32,
    /// How sure the classification is, from 0 to 1.
    pub confidence: f32,
    /// True when this is the vertical the CRM already held, kept because
    /// the analysis was not sure enough of another (see the taxonomy's
    /// `replace_confidence`).
    #[serde(default)]
    pub kept: bool,
}

/// An opener template for one angle.
///
/// The template may still hold fact and person slots (`{company}`,
/// `{title}`, ...; see [`FACT_SLOTS`](crate::FACT_SLOTS) and
/// [`PERSON_SLOTS`](crate::PERSON_SLOTS)); everything else is final text. The
/// worker keeps the analysis and renders a person's opener from it with
/// [`Personaliser::person_opener`](crate::Personaliser::person_opener) when a
/// person job comes, without asking the backend again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opener {
    /// Whom the opener addresses.
    pub angle: Angle,
    /// The text, with fact and person slots left to fill.
    pub template: String,
}

/// The analysis of one company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The language of every text below.
    pub language: Language,
    /// The vertical, or `None` when no vertical reached the confidence
    /// threshold ("unknown").
    pub vertical: Option<VerticalMatch>,
    /// False for a company that sells what the team sells (a competitor or
    /// partner): it gets a partnership opener and no potential.
    pub prospect: bool,
    /// Potential per offering; all [`Level::None`] when unknown or not a
    /// prospect.
    pub potential: Potential,
    /// A short description for the contact's summary field.
    pub summary: String,
    /// The company-level opener for the contact's opener field.
    pub opener: String,
    /// Opener templates per angle for the company's persons.
    pub openers: Vec<Opener>,
}

impl Analysis {
    /// The opener template for one angle, if the analysis has one.
    pub fn opener_for(&self, angle: Angle) -> Option<&str> {
        let opener = self.openers.iter().find(|opener| opener.angle == angle)?;
        Some(opener.template.as_str())
    }
}
