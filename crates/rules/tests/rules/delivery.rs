use so_rules::{judge_delivery, Decision, DeliveryFacts, OwnerWhitelist, PayloadRules, ReasonCode};

use crate::{assert_verdict, columns};

use Decision::{Ignore, Process, Skip};
use ReasonCode::{
    Accepted, EchoOfOwnWrite, EventNotHandled, NoRelevantChange, OwnerNotOurs, TestEvent,
};

/// The connector writes as associate 17; accounts of associate 23 are ours.
fn rules() -> PayloadRules {
    PayloadRules {
        own_associate_ids: vec![17],
        owners: OwnerWhitelist {
            associate_ids: vec![23],
            short_names: Vec::new(),
        },
        ..PayloadRules::default()
    }
}

/// (case, event, changes, changed by, payload owner, decision, code)
type Row = (
    &'static str,
    &'static str,
    &'static [&'static str],
    Option<i64>,
    Option<i64>,
    Decision,
    ReasonCode,
);

#[test]
fn judge_delivery_applies_rules_in_order_event_echo_fields_owner() {
    let changed = "contact.changed";
    let created = "contact.created";
    #[rustfmt::skip]
    let table: [Row; 15] = [
        ("salesperson renames", changed, &["name"], Some(23), Some(23), Process, Accepted),
        ("new contact", created, &["name"], Some(23), Some(23), Process, Accepted),
        ("new person", "person.created", &[], Some(23), Some(99), Process, Accepted),
        ("person title", "person.changed", &["title"], Some(23), None, Process, Accepted),
        ("no FieldValues", changed, &["orgNr"], Some(23), None, Process, Accepted),
        ("no changed-by", changed, &["urls"], None, Some(23), Process, Accepted),
        // Echo beats fields: an own write touching `name` is still an echo.
        ("own write of name", changed, &["name"], Some(17), Some(23), Skip, EchoOfOwnWrite),
        ("own write of udf", changed, &["userdef_id"], Some(17), None, Skip, EchoOfOwnWrite),
        ("own create", created, &[], Some(17), Some(23), Skip, EchoOfOwnWrite),
        // Event beats echo: an unhandled event is not judged further.
        ("own delete", "contact.deleted", &[], Some(17), None, Skip, EventNotHandled),
        ("sale", "sale.changed", &["name"], Some(23), Some(23), Skip, EventNotHandled),
        ("test event", "test", &[], Some(17), None, Ignore, TestEvent),
        // Fields beat owner.
        ("foreign bookkeeping", changed, &["updated"], Some(5), Some(99), Skip, NoRelevantChange),
        ("foreign rename", changed, &["name"], Some(5), Some(99), Skip, OwnerNotOurs),
        ("foreign create", created, &[], Some(5), Some(99), Skip, OwnerNotOurs),
    ];

    for (case, event, changes, changed_by, payload_owner, decision, code) in table {
        let changes = columns(changes);
        let entity = event.split('.').next().unwrap_or_default();
        let facts = DeliveryFacts {
            event,
            entity,
            changes: &changes,
            changed_by,
            payload_owner,
        };

        let verdict = judge_delivery(&rules(), &facts);

        assert_verdict(case, &verdict, decision, code);
    }
}

#[test]
fn accepted_reason_joins_the_field_and_owner_findings() {
    let changes = columns(&["contact_id", "name", "updated"]);
    let facts = DeliveryFacts {
        event: "contact.changed",
        entity: "contact",
        changes: &changes,
        changed_by: Some(23),
        payload_owner: Some(23),
    };

    let verdict = judge_delivery(&rules(), &facts);

    assert_eq!(
        verdict.reason,
        "watched field name changed; owner associate 23 is on the owner whitelist"
    );
}

#[test]
fn default_rules_accept_a_relevant_change_and_leave_the_owner_to_the_worker() {
    let changes = columns(&["name"]);
    let facts = DeliveryFacts {
        event: "contact.changed",
        entity: "contact",
        changes: &changes,
        changed_by: Some(17),
        payload_owner: Some(23),
    };

    let verdict = judge_delivery(&PayloadRules::default(), &facts);

    assert_verdict("default rules", &verdict, Process, Accepted);
    assert!(
        verdict.reason.contains("decided later by the worker"),
        "{verdict}"
    );
}
