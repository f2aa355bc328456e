//! Rules 4 and 5: is this account ours?
//!
//! The tenant is shared with another company, and only accounts whose owner
//! (the contact's associate) is whitelisted are ours to enrich. The owner is
//! known by id in a contact event's `FieldValues.associate_id`; its short name
//! ("RKAB") only through the API. So the ingest decides what the payload can
//! decide (rule 4) and the worker decides the rest with API facts (rule 5).
//!
//! An empty whitelist means that *nothing* is ours. The opposite reading,
//! "no whitelist, so everything", would enrich and write into the other
//! company's accounts on a shared tenant the moment a setting was forgotten.
//! Skipping everything is loud and harmless; the configuration layer refuses
//! to start with an empty whitelist anyway.

use serde::Deserialize;

use crate::codes::ReasonCode;
use crate::event::{EntityKind, EventKind};
use crate::verdict::Verdict;

/// The owners whose accounts the connector processes. An account is ours
/// when its owner's id or its owner's short name is listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OwnerWhitelist {
    /// Associate ids of our owners (`Contact.Associate.AssociateId`).
    pub associate_ids: Vec<i64>,
    /// Associate short names of our owners (`Contact.Associate.Name`, e.g.
    /// `RKAB`), compared trimmed and case-insensitively.
    pub short_names: Vec<String>,
}

impl OwnerWhitelist {
    /// Whether neither ids nor short names are listed, i.e. nothing is ours.
    pub fn is_empty(&self) -> bool {
        self.associate_ids.is_empty() && self.short_names.iter().all(|n| n.trim().is_empty())
    }

    /// Whether `id` is a whitelisted owner id.
    pub fn contains_id(&self, id: i64) -> bool {
        self.associate_ids.contains(&id)
    }

    /// Whether `short_name` is a whitelisted short name. A blank name
    /// matches nothing, not even a blank entry.
    pub fn contains_short_name(&self, short_name: &str) -> bool {
        let short_name = short_name.trim();
        !short_name.is_empty()
            && self
                .short_names
                .iter()
                .any(|listed| eq_caseless(listed.trim(), short_name))
    }

    /// Whether the payload alone could ever reject an owner: only ids are
    /// in the payload, and a listed short name may belong to any id.
    fn decidable_from_ids(&self) -> bool {
        !self.associate_ids.is_empty() && self.short_names.iter().all(|n| n.trim().is_empty())
    }
}

/// Rule 4, the owner whitelist on the payload alone (used by the ingest).
///
/// Skips [`ReasonCode::OwnerNotOurs`] only when the payload can prove it:
/// a contact event whose `FieldValues.associate_id` is not among the
/// whitelisted ids, while no short names are configured. Everything else
/// passes with [`ReasonCode::OwnerDeferred`] (the worker decides) or
/// [`ReasonCode::OwnerOurs`]:
///
/// - person events: their `associate_id` is the person's, but the owner of
///   the account is the contact's, which only the worker fetches;
/// - no `FieldValues` in the payload (older SuperOffice versions);
/// - short names configured: a short name can only be resolved through the
///   API;
/// - no ids configured: the worker's rule, with the whole whitelist, has the
///   final word (and treats an empty whitelist as "nothing is ours").
pub fn payload_owner_rule(
    owners: &OwnerWhitelist,
    event: EventKind,
    payload_owner: Option<i64>,
) -> Verdict {
    if event.entity() == EntityKind::Person {
        return Verdict::process(
            ReasonCode::OwnerDeferred,
            "the account owner of a person is decided later by the worker",
        );
    }
    let Some(owner) = payload_owner else {
        return Verdict::process(
            ReasonCode::OwnerDeferred,
            "owner not in the payload; decided later by the worker",
        );
    };

    if owners.contains_id(owner) {
        Verdict::process(
            ReasonCode::OwnerOurs,
            format!("owner associate {owner} is on the owner whitelist"),
        )
    } else if owners.decidable_from_ids() {
        Verdict::skip(
            ReasonCode::OwnerNotOurs,
            format!("owner associate {owner} is not on the owner whitelist"),
        )
    } else if owners.associate_ids.is_empty() {
        Verdict::process(
            ReasonCode::OwnerDeferred,
            "no owner ids configured; decided later by the worker",
        )
    } else {
        Verdict::process(
            ReasonCode::OwnerDeferred,
            format!("owner associate {owner} is not a listed id; the worker checks short names"),
        )
    }
}

/// Rule 5, the owner whitelist with API facts (used by the worker once it
/// has fetched the account's owner).
///
/// Processes [`ReasonCode::OwnerOurs`] when `owner_id` is a listed id or
/// `owner_short_name` a listed short name. Skips
/// [`ReasonCode::OwnerWhitelistEmpty`] when nothing is listed (see the
/// module documentation for why empty means "nothing is ours"), and
/// [`ReasonCode::OwnerNotOurs`] otherwise, including for an account without
/// an owner. SuperOffice writes "no owner" as associate id 0; the caller
/// passes `None` for it.
pub fn owner_rule(
    owners: &OwnerWhitelist,
    owner_id: Option<i64>,
    owner_short_name: Option<&str>,
) -> Verdict {
    if owners.is_empty() {
        return Verdict::skip(
            ReasonCode::OwnerWhitelistEmpty,
            "the owner whitelist is empty, so no account counts as ours; \
             configure owner associate ids or short names",
        );
    }

    if owner_id.is_none() && owner_short_name.is_none_or(|name| name.trim().is_empty()) {
        return Verdict::skip(ReasonCode::OwnerNotOurs, "the account has no owner");
    }

    let owner = describe_owner(owner_id, owner_short_name);
    let by_id = owner_id.is_some_and(|id| owners.contains_id(id));
    let by_name = owner_short_name.is_some_and(|name| owners.contains_short_name(name));
    if by_id || by_name {
        Verdict::process(
            ReasonCode::OwnerOurs,
            format!("owner {owner} is on the owner whitelist"),
        )
    } else {
        Verdict::skip(
            ReasonCode::OwnerNotOurs,
            format!("owner {owner} is not on the owner whitelist"),
        )
    }
}

/// `associate 23 (KN)`, `associate 23` or `KN`; the caller has ruled out
/// that both are missing.
fn describe_owner(id: Option<i64>, short_name: Option<&str>) -> String {
    let short_name = short_name.map(str::trim).filter(|name| !name.is_empty());
    match (id, short_name) {
        (Some(id), Some(name)) => format!("associate {id} ({name})"),
        (Some(id), None) => format!("associate {id}"),
        (None, Some(name)) => name.to_string(),
        (None, None) => "unknown".to_string(),
    }
}

/// Unicode-aware case-insensitive equality without allocating.
fn eq_caseless(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}
