//! Rule 1: which webhook events the connector handles at all.

use std::fmt;

use crate::codes::ReasonCode;
use crate::verdict::Verdict;

/// The name SuperOffice puts in `Event` and `Entity` of the test delivery it
/// sends when a webhook is registered.
const TEST_EVENT: &str = "test";

/// The kind of CRM record an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// A SuperOffice contact, i.e. a company (an account).
    Contact,
    /// A person working at a contact.
    Person,
}

impl EntityKind {
    /// The lower-case entity name SuperOffice uses (`contact`, `person`).
    pub const fn as_str(self) -> &'static str {
        match self {
            EntityKind::Contact => "contact",
            EntityKind::Person => "person",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of the four events the connector handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// `contact.created`
    ContactCreated,
    /// `contact.changed`
    ContactChanged,
    /// `person.created`
    PersonCreated,
    /// `person.changed`
    PersonChanged,
}

impl EventKind {
    /// Every handled event.
    pub const ALL: [EventKind; 4] = [
        EventKind::ContactCreated,
        EventKind::ContactChanged,
        EventKind::PersonCreated,
        EventKind::PersonChanged,
    ];

    /// The handled event with this name, compared case-insensitively and
    /// ignoring surrounding whitespace; `None` for every other event.
    pub fn parse(event: &str) -> Option<EventKind> {
        let event = event.trim();
        EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(event))
    }

    /// The canonical lower-case name (`contact.changed`).
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::ContactCreated => "contact.created",
            EventKind::ContactChanged => "contact.changed",
            EventKind::PersonCreated => "person.created",
            EventKind::PersonChanged => "person.changed",
        }
    }

    /// The kind of record the event is about.
    pub const fn entity(self) -> EntityKind {
        match self {
            EventKind::ContactCreated | EventKind::ContactChanged => EntityKind::Contact,
            EventKind::PersonCreated | EventKind::PersonChanged => EntityKind::Person,
        }
    }

    /// Whether this is a `*.changed` event, the only kind the field
    /// whitelist applies to.
    pub const fn is_change(self) -> bool {
        matches!(self, EventKind::ContactChanged | EventKind::PersonChanged)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Rule 1, the event whitelist.
///
/// - the registration test event (`Event` or `Entity` is `test`) is Ignored:
///   SuperOffice only needs a 200 for it, and it is no work;
/// - `contact.created`, `contact.changed`, `person.created`,
///   `person.changed` are Processed;
/// - everything else (`contact.deleted`, `sale.changed`, ...) is Skipped with
///   [`ReasonCode::EventNotHandled`].
///
/// The event name decides the entity; `entity` is only looked at for the
/// test event, so a payload whose `Entity` disagrees with its `Event` is
/// judged by `Event`.
pub fn event_rule(event: &str, entity: &str) -> Verdict {
    match classify(event, entity) {
        Ok(kind) => Verdict::process(
            ReasonCode::EventHandled,
            format!("{kind} is a handled event"),
        ),
        Err(verdict) => verdict,
    }
}

/// The handled event, or the verdict that ends the judgement here.
pub(crate) fn classify(event: &str, entity: &str) -> Result<EventKind, Verdict> {
    let is_test = |name: &str| name.trim().eq_ignore_ascii_case(TEST_EVENT);
    if is_test(event) || is_test(entity) {
        return Err(Verdict::ignore(
            ReasonCode::TestEvent,
            "webhook registration test event; answered and not queued",
        ));
    }

    EventKind::parse(event).ok_or_else(|| {
        Verdict::skip(
            ReasonCode::EventNotHandled,
            format!("event {:?} is not handled by the connector", event.trim()),
        )
    })
}
