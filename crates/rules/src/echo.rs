//! Rule 2: the echo breaker.
//!
//! Every write-back of the connector makes SuperOffice send a new
//! `contact.changed` or `person.changed`. Processing it would write again,
//! which would send another event, forever. The payload says who made the
//! change (`ChangedByAssociateId`); a change made by the connector's own API
//! user is its own echo and is skipped outright, whatever fields it touched.

use crate::codes::ReasonCode;
use crate::verdict::Verdict;

/// Rule 2: Skip [`ReasonCode::EchoOfOwnWrite`] when `changed_by` is one of
/// the connector's own associate ids.
///
/// `own_associate_ids` is configuration, not looked up: `Associate/Me` can
/// answer 500 for an API user without a person, and nothing may depend on it.
/// It is a list because one tenant may run the connector under more than one
/// API user (say, during a credential rotation).
///
/// A payload without `ChangedByAssociateId` passes: an echo always carries
/// the connector's id, so a missing id cannot be one.
pub fn echo_rule(own_associate_ids: &[i64], changed_by: Option<i64>) -> Verdict {
    let Some(changed_by) = changed_by else {
        return Verdict::process(
            ReasonCode::NotAnEcho,
            "the payload does not say who made the change",
        );
    };

    if own_associate_ids.contains(&changed_by) {
        Verdict::skip(
            ReasonCode::EchoOfOwnWrite,
            format!("changed by associate {changed_by}, the connector's own API user"),
        )
    } else {
        Verdict::process(
            ReasonCode::NotAnEcho,
            format!("changed by associate {changed_by}, not the connector"),
        )
    }
}
