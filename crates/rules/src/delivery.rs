//! The payload rules together: what the ingest decides about a delivery
//! before it is queued.

use serde::Deserialize;

use crate::codes::ReasonCode;
use crate::echo::echo_rule;
use crate::event::classify;
use crate::fields::{field_rule, WatchedFields};
use crate::owner::{payload_owner_rule, OwnerWhitelist};
use crate::verdict::Verdict;

/// Settings of the payload rules, loaded by the binaries from their
/// configuration as a table of its own (`[rules]`; unknown keys are refused,
/// so a misspelt key fails at start-up instead of silently using a default).
///
/// The default watches the documented fields and has no own associate ids
/// and no owners. An empty owner whitelist means "nothing is ours" to the
/// worker; see [`owner_rule`](crate::owner_rule).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PayloadRules {
    /// Associate ids of the connector's own API user(s); their changes are
    /// echoes of our write-backs (rule 2).
    pub own_associate_ids: Vec<i64>,
    /// Columns whose change makes a `*.changed` event relevant (rule 3).
    pub watched_fields: WatchedFields,
    /// Owners whose accounts are ours (rule 4 here, rule 5 in the worker).
    pub owners: OwnerWhitelist,
}

/// What the payload rules look at, borrowed from a parsed webhook payload.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryFacts<'a> {
    /// `Event`, e.g. `contact.changed`.
    pub event: &'a str,
    /// `Entity`, e.g. `contact`; only consulted to spot the test event.
    pub entity: &'a str,
    /// `Changes`: the changed database column names.
    pub changes: &'a [String],
    /// `ChangedByAssociateId`, when present.
    pub changed_by: Option<i64>,
    /// `FieldValues.associate_id`, when `FieldValues` is present.
    pub payload_owner: Option<i64>,
}

/// Judges a delivery on its payload alone, rule by rule, stopping at the
/// first rule that does not pass:
///
/// 1. event whitelist ([`event_rule`](crate::event_rule)) — may Ignore the
///    test event or Skip an unhandled one;
/// 2. echo breaker ([`echo_rule`]) — before the field whitelist, because an
///    own write that touches `name` is still an echo;
/// 3. changed-field whitelist ([`field_rule`]);
/// 4. owner whitelist on the payload ([`payload_owner_rule`]).
///
/// When all pass, the verdict is Process with [`ReasonCode::Accepted`] and
/// a reason made of the field and owner findings, e.g. "watched field name
/// changed; owner associate 23 is on the owner whitelist".
pub fn judge_delivery(rules: &PayloadRules, facts: &DeliveryFacts<'_>) -> Verdict {
    let event = match classify(facts.event, facts.entity) {
        Ok(event) => event,
        Err(verdict) => return verdict,
    };

    let echo = echo_rule(&rules.own_associate_ids, facts.changed_by);
    if !echo.is_process() {
        return echo;
    }

    let fields = field_rule(&rules.watched_fields, event, facts.changes);
    if !fields.is_process() {
        return fields;
    }

    let owner = payload_owner_rule(&rules.owners, event, facts.payload_owner);
    if !owner.is_process() {
        return owner;
    }

    Verdict::process(
        ReasonCode::Accepted,
        format!("{}; {}", fields.reason, owner.reason),
    )
}
