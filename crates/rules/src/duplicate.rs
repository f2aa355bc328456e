//! Rule 6: repeated `contact.created` for one new company.
//!
//! SuperOffice sometimes sends several `contact.created` for one new contact
//! within seconds, each with its own event id, so the queue's "same event id
//! is stored once" does not catch them. The worker, once it knows the
//! company's name, asks the queue for recent jobs of the same name and lets
//! this rule decide. Names are compared after [`normalise_company_name`].

use unicode_normalization::UnicodeNormalization;

use crate::codes::ReasonCode;
use crate::event::EventKind;
use crate::text::human_millis;
use crate::verdict::Verdict;

/// How long after a completed job another `contact.created` for the same
/// company name counts as a duplicate: 5 minutes, in milliseconds.
pub const DEFAULT_DUPLICATE_WINDOW_MS: i64 = 5 * 60 * 1_000;

/// A company name in the form the queue stores and compares:
///
/// 1. Unicode NFC, so "Müller" typed with `ü` (U+00FC) and with `u` plus a
///    combining diaeresis (U+0308) become the same string;
/// 2. lower case (Unicode, not just ASCII), then NFC again, since lowering
///    can leave a sequence NFC would compose;
/// 3. surrounding whitespace trimmed and inner runs of whitespace (tabs,
///    no-break spaces) collapsed to one space.
///
/// The result is stable: normalising it again changes nothing.
///
/// Full Unicode case folding is *not* done, so `ß` stays `ß` and
/// "Straße GmbH" does not match "STRASSE GMBH". Folding needs a table the
/// standard library does not have, and a missed duplicate is cheap: the
/// second job enriches the same contact again and the idempotent write-back
/// sends nothing. Worth revisiting only if the dashboard shows such pairs.
pub fn normalise_company_name(name: &str) -> String {
    let folded: String = name.nfc().flat_map(char::to_lowercase).nfc().collect();

    let mut normalised = String::with_capacity(folded.len());
    for word in folded.split_whitespace() {
        if !normalised.is_empty() {
            normalised.push(' ');
        }
        normalised.push_str(word);
    }
    normalised
}

/// Where a recent job of some company stands, as far as duplicates go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecentJobState {
    /// Claimed by a worker and not finished yet.
    Processing,
    /// Finished successfully at this time (epoch milliseconds, UTC).
    Completed {
        /// When the job completed.
        finished_at_ms: i64,
    },
}

/// A recent job the worker found for a company name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentJobFact {
    /// The job's company name as stored, i.e. after
    /// [`normalise_company_name`].
    pub normalised_name: String,
    /// Whether it is running or when it completed.
    pub state: RecentJobState,
}

/// Rule 6: Skip a `contact.created` ([`ReasonCode::DuplicateCreation`])
/// when another job for the same normalised company name is processing, or
/// completed at most `window_ms` before `now_ms` (the boundary counts as
/// inside). Other events, and a blank company name, always pass.
///
/// `recent` must not contain the job being judged: it is itself processing
/// and would match its own name. A completion time after `now_ms` (clocks
/// of two processes slightly apart) counts as inside the window.
pub fn duplicate_rule(
    event: &str,
    company_name: &str,
    recent: &[RecentJobFact],
    now_ms: i64,
    window_ms: i64,
) -> Verdict {
    if EventKind::parse(event) != Some(EventKind::ContactCreated) {
        return Verdict::process(
            ReasonCode::NotDuplicate,
            "only contact.created is checked for duplicates",
        );
    }
    let name = normalise_company_name(company_name);
    if name.is_empty() {
        return Verdict::process(ReasonCode::NotDuplicate, "no company name to compare");
    }

    // Stored names are normalised already; normalising again is a no-op for
    // them and protects against a caller that passed a raw name.
    let same_name = recent
        .iter()
        .filter(|fact| normalise_company_name(&fact.normalised_name) == name);
    let shown = company_name.trim();
    for fact in same_name {
        match fact.state {
            RecentJobState::Processing => {
                return Verdict::skip(
                    ReasonCode::DuplicateCreation,
                    format!("another job for {shown} is already processing"),
                );
            }
            RecentJobState::Completed { finished_at_ms } => {
                let age_ms = now_ms.saturating_sub(finished_at_ms);
                if age_ms <= window_ms {
                    return Verdict::skip(
                        ReasonCode::DuplicateCreation,
                        format!(
                            "another job for {shown} completed {} ago, within the {} window",
                            human_millis(age_ms),
                            human_millis(window_ms),
                        ),
                    );
                }
            }
        }
    }

    Verdict::process(
        ReasonCode::NotDuplicate,
        format!("no other job for {shown} is processing or completed recently"),
    )
}
