//! Pure decisions about webhook deliveries and jobs.
//!
//! This crate owns every *whether* of the connector: whether a delivery is
//! worth a job, whether an account is ours, whether a job is a duplicate, and
//! whether a failed job is retried, skipped or failed. It does no I/O, has
//! no async and holds no state: callers pass in the facts (from a webhook
//! payload, from the SuperOffice API, from the queue, the clock, a random
//! number) and get back a decision with its reason. Each reason has two
//! halves that end up on the job row: a stable code ([`ReasonCode`], listed
//! by [`all_codes`] for metrics labels) and a sentence for a human.
//!
//! # Payload rules (the ingest, before queueing)
//!
//! [`judge_delivery`] applies these in order and stops at the first that
//! does not pass:
//!
//! 1. [`event_rule`]: `contact.created`, `contact.changed`,
//!    `person.created` and `person.changed` go on; the registration test
//!    event is Ignored (answered, never queued); anything else is Skipped.
//! 2. [`echo_rule`]: a change made by the connector's own API user is the
//!    echo of a write-back and is Skipped. It runs before the field
//!    whitelist, because an echo that touches `name` is still an echo.
//! 3. [`field_rule`]: a `*.changed` event must name a watched column.
//! 4. [`payload_owner_rule`]: a contact event whose owner id is provably not
//!    whitelisted is Skipped; anything the payload cannot prove is left to
//!    the worker.
//!
//! Skipped deliveries are still stored (with their reason), so nothing a
//! webhook said is lost; Ignored ones are not.
//!
//! # Worker rules (after fetching the entity)
//!
//! 5. [`owner_rule`]: the account owner's id or short name must be
//!    whitelisted; an empty whitelist means nothing is ours.
//! 6. [`duplicate_rule`]: a `contact.created` for a company name that
//!    another job is processing, or completed within 5 minutes, is Skipped.
//!    [`normalise_company_name`] gives the form the queue stores.
//! 7. [`retry_policy`]: a failed step is retried after a backoff (429 and
//!    outages without using up an attempt), skipped (404) or failed (refused
//!    credentials, permanent errors, the attempt limit: the poison pill).

#![warn(missing_docs)]

mod codes;
mod delivery;
mod duplicate;
mod echo;
mod event;
mod fields;
mod owner;
mod retry;
mod text;
mod verdict;

pub use codes::{all_codes, ReasonCode};
pub use delivery::{judge_delivery, DeliveryFacts, PayloadRules};
pub use duplicate::{
    duplicate_rule, normalise_company_name, RecentJobFact, RecentJobState,
    DEFAULT_DUPLICATE_WINDOW_MS,
};
pub use echo::echo_rule;
pub use event::{event_rule, EntityKind, EventKind};
pub use fields::{field_rule, WatchedFields};
pub use owner::{owner_rule, payload_owner_rule, OwnerWhitelist};
pub use retry::{retry_policy, ErrorClass, RetryDecision, RetryPolicy};
pub use verdict::{Decision, Verdict};
