use so_rules::{event_rule, Decision, EntityKind, EventKind, ReasonCode};

use crate::assert_verdict;

use Decision::{Ignore, Process, Skip};
use ReasonCode::{EventHandled, EventNotHandled, TestEvent};

#[test]
fn event_whitelist_decides_each_event() {
    let table = [
        // (event, entity, decision, code)
        ("contact.created", "contact", Process, EventHandled),
        ("contact.changed", "contact", Process, EventHandled),
        ("person.created", "person", Process, EventHandled),
        ("person.changed", "person", Process, EventHandled),
        ("Contact.Changed", "contact", Process, EventHandled),
        ("PERSON.CREATED", "Person", Process, EventHandled),
        (" contact.changed ", "contact", Process, EventHandled),
        ("test", "test", Ignore, TestEvent),
        ("TEST", "Test", Ignore, TestEvent),
        ("test", "", Ignore, TestEvent),
        ("contact.changed", "test", Ignore, TestEvent),
        ("contact.deleted", "contact", Skip, EventNotHandled),
        ("contact.softdeleted", "contact", Skip, EventNotHandled),
        ("person.deleted", "person", Skip, EventNotHandled),
        ("person.consented", "person", Skip, EventNotHandled),
        ("sale.changed", "sale", Skip, EventNotHandled),
        ("ticket.created", "ticket", Skip, EventNotHandled),
        ("webhook12.stopped", "webhook", Skip, EventNotHandled),
        ("contact.changed.extra", "contact", Skip, EventNotHandled),
        ("contact", "contact", Skip, EventNotHandled),
        ("", "", Skip, EventNotHandled),
    ];

    for (event, entity, decision, code) in table {
        let verdict = event_rule(event, entity);

        assert_verdict(event, &verdict, decision, code);
    }
}

#[test]
fn unhandled_event_reason_names_the_event() {
    let verdict = event_rule("sale.changed", "sale");

    assert_eq!(
        verdict.reason,
        r#"event "sale.changed" is not handled by the connector"#
    );
}

#[test]
fn event_kind_knows_its_entity_and_whether_it_is_a_change() {
    let table = [
        (
            "contact.created",
            EventKind::ContactCreated,
            EntityKind::Contact,
            false,
        ),
        (
            "contact.changed",
            EventKind::ContactChanged,
            EntityKind::Contact,
            true,
        ),
        (
            "person.created",
            EventKind::PersonCreated,
            EntityKind::Person,
            false,
        ),
        (
            "person.changed",
            EventKind::PersonChanged,
            EntityKind::Person,
            true,
        ),
    ];

    for (name, kind, entity, is_change) in table {
        let parsed = EventKind::parse(&name.to_uppercase());

        assert_eq!(parsed, Some(kind), "{name}");
        assert_eq!(kind.as_str(), name);
        assert_eq!(kind.entity(), entity, "{name}");
        assert_eq!(kind.is_change(), is_change, "{name}");
    }
}
