//! Step 5: the company's analysis, from the cache when its facts and the
//! analyser are unchanged, else from the analyser (and then cached).
//!
//! The facts are built from the contact alone, the same way for contact
//! and person jobs, so a person job finds the analysis its company's job
//! stored, and the other way round.

use so_enrich::{inputs_hash, Analysis, CompanyFacts};
use so_queue::AnalysisKey;
use so_superoffice::{Contact, ProgId, UdefFieldType, UdfValue};

use super::Pipeline;
use crate::errors::JobError;

/// Where an analysis came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The cache: same facts, same analyser.
    Cached,
    /// The analyser, just now.
    Fresh,
}

impl Source {
    /// `cached` or `fresh`, for the job's result.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Cached => "cached",
            Source::Fresh => "fresh",
        }
    }
}

/// A company's analysis with the facts it was made from.
#[derive(Debug, Clone)]
pub struct Analysed {
    /// The analysis, validated by the analyser.
    pub analysis: Analysis,
    /// The facts it read; person openers fill their slots from them.
    pub facts: CompanyFacts,
    /// Cached or fresh.
    pub source: Source,
}

impl Pipeline {
    /// The analysis of `contact`, reusing the stored one when its inputs
    /// hash and the analyser's fingerprint still match.
    pub(super) async fn analysis_of(
        &self,
        tenant: &str,
        contact: &Contact,
    ) -> Result<Analysed, JobError> {
        let facts = company_facts(contact, self.fields.contact_vertical.as_ref());
        let hash = inputs_hash(&facts);
        let analyzer = &self.engine.analyzer;
        let key = AnalysisKey {
            tenant,
            contact_id: contact.id,
            inputs_hash: &hash,
            fingerprint: analyzer.fingerprint(),
        };

        let started = std::time::Instant::now();
        if let Some(stored) = self.store.cached_analysis(&key).await? {
            match serde_json::from_value::<Analysis>(stored) {
                Ok(analysis) => {
                    let took = started.elapsed();
                    self.metrics.analysis(analyzer.name(), "cached", took);
                    return Ok(Analysed {
                        analysis,
                        facts,
                        source: Source::Cached,
                    });
                }
                // Written by an older build with another shape: analyse again.
                Err(error) => tracing::debug!(error = %error, "stored analysis unreadable"),
            }
        }

        let analysis = analyzer.analyse(&facts).await?;
        let took = started.elapsed();
        self.metrics.analysis(analyzer.name(), "fresh", took);
        let json = serde_json::to_value(&analysis)
            .map_err(|error| JobError::Permanent(format!("analysis as JSON: {error}")))?;
        self.store
            .save_analysis(&key, &json, so_queue::now_ms())
            .await?;
        tracing::debug!(
            contact_id = contact.id,
            analyzer = analyzer.name(),
            vertical = analysis.vertical.as_ref().map(|v| v.key.as_str()),
            "company analysed"
        );
        Ok(Analysed {
            analysis,
            facts,
            source: Source::Fresh,
        })
    }
}

/// What the analysis may read about a company, from the fetched contact.
/// Empty values count as missing (the analyser cleans them anyway).
///
/// Notes and person titles stay empty: the client's `Contact` does not
/// read the description yet, and the contact's person summaries carry no
/// titles. Reading them would need a wider `Contact` in `so-superoffice`
/// (and, for titles, one request per person); worth doing when the
/// analyses show the vertical is often missed without them. Website text
/// stays empty too: no web site is fetched (see the README's limitations).
///
/// `vertical_field` is the contact's vertical field: the list item it holds
/// now is a fact too, so that an analysis does not replace a salesperson's
/// choice on a weak guess.
pub fn company_facts(contact: &Contact, vertical_field: Option<&ProgId>) -> CompanyFacts {
    let present = |text: &str| Some(text.trim().to_owned()).filter(|text| !text.is_empty());
    let mut websites = contact.websites().map(str::to_owned);

    CompanyFacts {
        name: contact.name.trim().to_owned(),
        department: present(&contact.department),
        business: contact.business.as_ref().and_then(|b| present(&b.value)),
        category: contact.category.as_ref().and_then(|c| present(&c.value)),
        city: present(&contact.city),
        country: contact.country.as_ref().and_then(|c| present(&c.name)),
        org_number: present(&contact.orgnr),
        web_address: websites.next(),
        domains: websites.chain(contact.domains.iter().cloned()).collect(),
        notes: None,
        website_text: None,
        person_titles: Vec::new(),
        recorded_vertical: vertical_field.and_then(|field| recorded_item(contact, field)),
    }
}

/// The list item a list field holds, if it holds one ("[I:2]" or "2"); an
/// empty field, item 0 or an unreadable value is no item.
fn recorded_item(contact: &Contact, field: &ProgId) -> Option<i32> {
    let raw = contact.custom_fields.raw(field.as_str())?;
    match UdfValue::decode(raw, &UdefFieldType::List) {
        Ok(UdfValue::List(item)) if item > 0 => i32::try_from(item).ok(),
        _ => None,
    }
}
