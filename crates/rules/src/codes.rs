//! The registry of reason codes.
//!
//! Every decision of this crate carries one of these codes. The code is the
//! stable, machine-readable half of a reason: it is stored on the job row,
//! used as a metrics label and grouped on by the dashboard. Renaming a code
//! breaks all three, so codes are only ever added.

use std::fmt;

/// Why a rule decided what it decided, as a stable code.
///
/// Grouped below by the decision they come with. [`ReasonCode::code`] gives
/// the string stored in the database and used as a metrics label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReasonCode {
    // --- Process: the rule found nothing against the delivery or job. ---
    /// Every payload rule passed; the delivery is queued for the worker.
    Accepted,
    /// The event is one of the four the connector handles.
    EventHandled,
    /// The change was made by someone other than the connector itself.
    NotAnEcho,
    /// A `*.created` event, or a `*.changed` event naming a watched field.
    RelevantChange,
    /// The account owner is on the owner whitelist.
    OwnerOurs,
    /// The payload cannot tell whose account it is; the worker decides.
    OwnerDeferred,
    /// No other job for the same company name is running or just finished.
    NotDuplicate,

    // --- Ignore: answered, never queued. ---
    /// The test event SuperOffice sends when a webhook is registered.
    TestEvent,
    /// A delivery for a tenant (`ContextIdentifier`) other than the one
    /// this connector serves.
    OtherTenant,

    // --- Skip: stored with this reason, never processed. ---
    /// An event the connector does not handle (`contact.deleted`, ...).
    EventNotHandled,
    /// A change made by the connector's own API user: the echo of a write.
    EchoOfOwnWrite,
    /// A `*.changed` event that names no watched field.
    NoRelevantChange,
    /// The account belongs to an owner outside the whitelist.
    OwnerNotOurs,
    /// The owner whitelist is empty, so no account counts as ours.
    OwnerWhitelistEmpty,
    /// A repeated `contact.created` for a company already being handled.
    DuplicateCreation,
    /// SuperOffice answered 404: the entity was deleted before we got to it.
    EntityDeleted,

    // --- Retry: the job goes back to the queue with a later run time. ---
    /// SuperOffice throttled us (429).
    RateLimited,
    /// SuperOffice or the network was unavailable (503, 421, timeout, ...).
    Unavailable,
    /// SuperOffice failed with a server error (5xx).
    ServerError,

    // --- Fail: the job stops and waits for an operator. ---
    /// SuperOffice refused the connector's credentials.
    AuthFailed,
    /// An error that retrying cannot fix (400, a malformed answer, ...).
    PermanentError,
    /// The job used up its attempts (the poison pill).
    RetriesExhausted,
}

impl ReasonCode {
    /// Every code, in declaration order.
    pub const ALL: [ReasonCode; 22] = [
        ReasonCode::Accepted,
        ReasonCode::EventHandled,
        ReasonCode::NotAnEcho,
        ReasonCode::RelevantChange,
        ReasonCode::OwnerOurs,
        ReasonCode::OwnerDeferred,
        ReasonCode::NotDuplicate,
        ReasonCode::TestEvent,
        ReasonCode::OtherTenant,
        ReasonCode::EventNotHandled,
        ReasonCode::EchoOfOwnWrite,
        ReasonCode::NoRelevantChange,
        ReasonCode::OwnerNotOurs,
        ReasonCode::OwnerWhitelistEmpty,
        ReasonCode::DuplicateCreation,
        ReasonCode::EntityDeleted,
        ReasonCode::RateLimited,
        ReasonCode::Unavailable,
        ReasonCode::ServerError,
        ReasonCode::AuthFailed,
        ReasonCode::PermanentError,
        ReasonCode::RetriesExhausted,
    ];

    /// The stable snake_case string stored in the database and used as a
    /// metrics label.
    pub const fn code(self) -> &'static str {
        match self {
            ReasonCode::Accepted => "accepted",
            ReasonCode::EventHandled => "event_handled",
            ReasonCode::NotAnEcho => "not_an_echo",
            ReasonCode::RelevantChange => "relevant_change",
            ReasonCode::OwnerOurs => "owner_ours",
            ReasonCode::OwnerDeferred => "owner_deferred",
            ReasonCode::NotDuplicate => "not_duplicate",
            ReasonCode::TestEvent => "test_event",
            ReasonCode::OtherTenant => "other_tenant",
            ReasonCode::EventNotHandled => "event_not_handled",
            ReasonCode::EchoOfOwnWrite => "echo_of_own_write",
            ReasonCode::NoRelevantChange => "no_relevant_change",
            ReasonCode::OwnerNotOurs => "owner_not_ours",
            ReasonCode::OwnerWhitelistEmpty => "owner_whitelist_empty",
            ReasonCode::DuplicateCreation => "duplicate_creation",
            ReasonCode::EntityDeleted => "entity_deleted",
            ReasonCode::RateLimited => "rate_limited",
            ReasonCode::Unavailable => "unavailable",
            ReasonCode::ServerError => "server_error",
            ReasonCode::AuthFailed => "auth_failed",
            ReasonCode::PermanentError => "permanent_error",
            ReasonCode::RetriesExhausted => "retries_exhausted",
        }
    }

    /// The code for a stored string, for readers of the database (the
    /// dashboard, the operator tool). Exact match: codes are written by
    /// [`ReasonCode::code`] only.
    pub fn from_code(code: &str) -> Option<ReasonCode> {
        ReasonCode::ALL
            .into_iter()
            .find(|known| known.code() == code)
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Every reason code string, so metrics can register each label up front and
/// a dashboard shows zeros instead of missing series.
pub fn all_codes() -> Vec<&'static str> {
    ReasonCode::ALL.into_iter().map(ReasonCode::code).collect()
}
