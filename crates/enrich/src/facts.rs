//! What the analysis knows about a company and a person, and the hash that
//! says whether those inputs changed.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::text::{clean, clean_opt};

/// The facts about one company (a SuperOffice contact) that an analysis reads.
///
/// The worker fills this from the contact it fetched; every field but the
/// name may be missing. Empty strings count as missing everywhere, because
/// SuperOffice answers `""` for a field nobody filled in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompanyFacts {
    /// The company's name as written in the CRM.
    pub name: String,
    /// The contact's department line ("Zentrale Verwaltung").
    pub department: Option<String>,
    /// The SuperOffice business (industry list) value, as display text.
    pub business: Option<String>,
    /// The SuperOffice category value, as display text.
    pub category: Option<String>,
    /// City of the postal or street address.
    pub city: Option<String>,
    /// Country name or ISO code, as the CRM shows it.
    pub country: Option<String>,
    /// Organisation number (VAT or register number).
    pub org_number: Option<String>,
    /// The contact's main web address.
    pub web_address: Option<String>,
    /// Further domains or URLs known for the company.
    pub domains: Vec<String>,
    /// Free-text description or notes from the CRM.
    pub notes: Option<String>,
    /// Text fetched from the company's website, when fetching is enabled.
    pub website_text: Option<String>,
    /// Job titles of the company's persons, when the worker has them; they
    /// hint at the vertical ("Pflegedienstleitung", "Hoteldirektor").
    pub person_titles: Vec<String>,
    /// The list item id the CRM's vertical field holds now, if any: a
    /// salesperson's choice or an earlier analysis. An analyser weighs it as
    /// evidence, so that a right vertical is not replaced on a weak guess.
    pub recorded_vertical: Option<i32>,
}

/// The facts about one person (a SuperOffice person) that a person opener
/// reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersonFacts {
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
    /// The free-text job title ("Leiter Facility Management").
    pub title: Option<String>,
    /// The SuperOffice position list value ("Geschäftsführer").
    pub position: Option<String>,
}

/// Bumped whenever the canonical form below changes, and hashed with it, so
/// a new form gives new hashes instead of colliding with old ones.
const CANONICAL_VERSION: u32 = 2;

/// The facts in one canonical form: cleaned (NFC, white space collapsed),
/// empty as absent, domains lowercased, lists sorted and deduplicated.
#[derive(Serialize)]
struct Canonical {
    version: u32,
    name: String,
    department: Option<String>,
    business: Option<String>,
    category: Option<String>,
    city: Option<String>,
    country: Option<String>,
    org_number: Option<String>,
    web_address: Option<String>,
    domains: Vec<String>,
    notes: Option<String>,
    website_text: Option<String>,
    person_titles: Vec<String>,
    recorded_vertical: Option<i32>,
}

impl Canonical {
    fn of(facts: &CompanyFacts) -> Self {
        Canonical {
            version: CANONICAL_VERSION,
            name: clean(&facts.name),
            department: clean_opt(facts.department.as_deref()),
            business: clean_opt(facts.business.as_deref()),
            category: clean_opt(facts.category.as_deref()),
            city: clean_opt(facts.city.as_deref()),
            country: clean_opt(facts.country.as_deref()),
            org_number: clean_opt(facts.org_number.as_deref()),
            web_address: clean_opt(facts.web_address.as_deref()).map(|web| web.to_lowercase()),
            domains: sorted(
                facts
                    .domains
                    .iter()
                    .map(|domain| clean(domain).to_lowercase()),
            ),
            notes: clean_opt(facts.notes.as_deref()),
            website_text: clean_opt(facts.website_text.as_deref()),
            person_titles: sorted(facts.person_titles.iter().map(|title| clean(title))),
            recorded_vertical: facts.recorded_vertical,
        }
    }
}

fn sorted(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut items: Vec<String> = items.filter(|item| !item.is_empty()).collect();
    items.sort();
    items.dedup();
    items
}

/// A stable hash of everything an analysis reads: SHA-256 over the facts'
/// canonical JSON, as 64 lowercase hex digits.
///
/// The worker stores results keyed by this hash (together with the
/// backend's [`fingerprint`](crate::Analyzer::fingerprint)) and skips the
/// analysis when neither changed. Differences an analysis cannot see do not
/// change the hash: white space, composed versus decomposed umlauts, `""`
/// versus missing, the order of domains and titles, the case of a domain.
/// Every other change of any field does.
pub fn inputs_hash(facts: &CompanyFacts) -> String {
    // Serialising strings, options and vectors of strings cannot fail.
    let json = serde_json::to_vec(&Canonical::of(facts)).unwrap_or_default();
    hex(&Sha256::digest(json))
}

/// Lowercase hex of a digest.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;

    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}
