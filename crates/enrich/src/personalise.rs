//! Person openers: the opener template for a person's role, filled with the
//! company's and the person's facts.
//!
//! This works on a stored [`Analysis`] from any backend, without calling the
//! backend again, because the analysis carries its opener templates. A person
//! job that comes days after its company's analysis is rendered from that
//! analysis; only a change of the company's facts asks for a new one.

use crate::analysis::{Analysis, Angle};
use crate::builtin::openers::fact_value;
use crate::country::CountryNames;
use crate::facts::{CompanyFacts, PersonFacts};
use crate::taxonomy::Taxonomy;
use crate::template::{self, Fill, FACT_SLOTS};
use crate::terms::TermSet;
use crate::text::{clean_opt, fold, truncate};
use crate::validate::FieldLimits;

/// Renders person openers; built once from the taxonomy's role rules.
#[derive(Debug, Clone)]
pub struct Personaliser {
    /// Role rules in priority order: the first whose terms occur in the
    /// person's title or position picks the angle.
    roles: Vec<(Angle, TermSet)>,
    /// The person opener field's length.
    limit: usize,
    /// Country names as a German opener writes them.
    countries: CountryNames,
}

impl Personaliser {
    /// A personaliser with the taxonomy's role rules, writing within
    /// `limits.person_opener`.
    pub fn new(taxonomy: &Taxonomy, limits: &FieldLimits) -> Personaliser {
        let roles = taxonomy
            .roles
            .iter()
            .map(|role| (role.angle, TermSet::new(&role.keywords, &role.words)))
            .collect();
        Personaliser {
            roles,
            limit: limits.person_opener,
            countries: CountryNames::new(taxonomy),
        }
    }

    /// The angle for a person, from the job title and position together;
    /// [`Angle::General`] when no rule matches.
    pub fn angle_for(&self, person: &PersonFacts) -> Angle {
        let role = [&person.title, &person.position]
            .into_iter()
            .filter_map(|text| text.as_deref())
            .collect::<Vec<_>>()
            .join(" | ");
        let folded = fold(&role);
        self.roles
            .iter()
            .find(|(_, terms)| terms.found_in(&folded))
            .map_or(Angle::General, |(angle, _)| *angle)
    }

    /// The opener for one person, within the person opener field.
    ///
    /// Tries the template for the person's angle, then the general one, and
    /// takes the first that can be filled: a template that names a fact the
    /// person or company lacks (`{title}` for someone without a title) is
    /// skipped. When none can be filled, the company opener stands in.
    pub fn person_opener(
        &self,
        analysis: &Analysis,
        company: &CompanyFacts,
        person: &PersonFacts,
    ) -> String {
        let angle = self.angle_for(person);
        let mut candidates = vec![analysis.opener_for(angle)];
        if angle != Angle::General {
            candidates.push(analysis.opener_for(Angle::General));
        }

        let company = self.countries.localise(company, analysis.language);
        let values = slot_values(&company, person);
        for template in candidates.into_iter().flatten() {
            let filled = template::render(template, |name| {
                let (_, value) = values.iter().find(|(slot, _)| *slot == name)?;
                Some(Fill::Value(value.as_str()))
            });
            if let Ok(text) = filled {
                return truncate(&text, self.limit);
            }
        }
        truncate(&analysis.opener, self.limit)
    }
}

/// Every fact and person slot with its value; a missing fact is empty.
fn slot_values(company: &CompanyFacts, person: &PersonFacts) -> Vec<(&'static str, String)> {
    let first = clean_opt(Some(&person.first_name)).unwrap_or_default();
    let last = clean_opt(Some(&person.last_name)).unwrap_or_default();
    let title = clean_opt(person.title.as_deref());
    let position = clean_opt(person.position.as_deref());

    let mut values: Vec<(&'static str, String)> = FACT_SLOTS
        .iter()
        .filter_map(|slot| Some((*slot, fact_value(company, slot)?)))
        .collect();
    values.extend([
        ("full_name", format!("{first} {last}").trim().to_owned()),
        ("first_name", first),
        ("last_name", last),
        // The free-text title says more than the position list, so it comes
        // first; either stands in for the other.
        (
            "title",
            title.clone().or(position.clone()).unwrap_or_default(),
        ),
        ("position", position.or(title).unwrap_or_default()),
    ]);
    values
}
