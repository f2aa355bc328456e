//! Webhooks: what the tenant sends when its data changes.
//!
//! Changes become [`EntityEvent`]s, events become signed payloads in one
//! queue, and a background task delivers them in order with SuperOffice's
//! retry cycle (`delivery.rs`). Every attempt is recorded for tests.

mod changes;
mod delivery;
mod payload;
mod registry;

use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::UnboundedSender;

pub use changes::{
    contact_changes, contact_created_changes, contact_field_values, person_changes,
    person_created_changes, person_field_values,
};
pub(crate) use delivery::spawn;
pub use payload::{sign, Envelope};
pub use registry::{ShownDefinition, WebhookDefinition, WebhookUsage};

use crate::config::WebhookTarget;

/// The states of a webhook definition, as SuperOffice names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum WebhookState {
    /// Delivering.
    #[default]
    Active,
    /// Switched off by someone.
    Stopped,
    /// Switched off after 9 consecutive failed attempts (or a 410).
    TooManyErrors,
}

/// A change worth telling the subscriber about, before it gets an id.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityEvent {
    /// `contact.changed`, `person.created`, ...
    pub event: String,
    /// The row's id.
    pub primary_key: i32,
    /// Changed database columns.
    pub changes: Vec<String>,
    /// Who made the change.
    pub changed_by: i32,
    /// Column values (sent only when field values are switched on).
    pub field_values: serde_json::Map<String, serde_json::Value>,
    /// `Values` of delete events.
    pub values: Option<serde_json::Map<String, serde_json::Value>>,
}

/// What happened to one delivery attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryOutcome {
    /// The receiver answered 200.
    Delivered,
    /// Another status or a transport error.
    Failed,
    /// Not sent: the webhook was not active when the event's turn came.
    Dropped,
}

/// The record of one attempt (or of a dropped event, with attempt 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookDeliveryRecord {
    /// `EventId` of the payload.
    pub event_id: String,
    /// `Event` of the payload.
    pub event: String,
    /// `PrimaryKey` of the payload.
    pub primary_key: i32,
    /// 1, 2, 3 within a cycle; 0 for a dropped event.
    pub attempt: u32,
    /// What happened.
    pub outcome: DeliveryOutcome,
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// The transport error, if it did not.
    pub error: Option<String>,
    /// When the attempt was made, milliseconds since the Unix epoch.
    pub at_ms: i64,
    /// The exact body bytes sent (UTF-8).
    pub body: String,
    /// The `X-SuperOffice-Signature` sent, if a secret is set.
    pub signature: Option<String>,
}

/// Delivery state that switches and admin calls can change.
#[derive(Debug, Clone)]
pub struct HookStatus {
    /// The webhook definition's state.
    pub state: WebhookState,
    /// Failed attempts in a row; 9 switch the webhook off.
    pub consecutive_errors: u32,
    /// Include `FieldValues` in payloads.
    pub with_field_values: bool,
    /// How many times each new event is queued (duplicates keep the EventId).
    pub copies: u32,
}

/// The webhook side of the shared state.
#[derive(Debug)]
pub struct Hooks {
    /// The subscription, if any.
    pub target: Option<WebhookTarget>,
    /// The tenant, for `ContextIdentifier`.
    pub context_identifier: String,
    /// Feeds the delivery task; `None` until it runs or without a target.
    sender: Mutex<Option<UnboundedSender<Envelope>>>,
    /// Changeable delivery state.
    status: Mutex<HookStatus>,
    /// Every attempt so far.
    records: Mutex<Vec<WebhookDeliveryRecord>>,
    /// Webhook definitions and which one events go to (`registry.rs`).
    registry: Mutex<registry::Registry>,
}

impl Hooks {
    /// Webhook state for a tenant with an optional subscription.
    pub fn new(target: Option<WebhookTarget>, context_identifier: String) -> Hooks {
        let with_field_values = target.as_ref().is_none_or(|t| t.with_field_values);
        let registry = Mutex::new(registry::Registry::new(target.as_ref()));
        Hooks {
            target,
            context_identifier,
            sender: Mutex::new(None),
            status: Mutex::new(HookStatus {
                state: WebhookState::Active,
                consecutive_errors: 0,
                with_field_values,
                copies: 1,
            }),
            records: Mutex::new(Vec::new()),
            registry,
        }
    }

    /// Locks the changeable delivery state.
    pub fn status(&self) -> MutexGuard<'_, HookStatus> {
        self.status.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Sets the state; `Active` clears the error count.
    pub fn set_state(&self, state: WebhookState) {
        let mut status = self.status();
        status.state = state;
        if state == WebhookState::Active {
            status.consecutive_errors = 0;
        }
    }

    /// Every attempt so far, oldest first.
    pub fn records(&self) -> Vec<WebhookDeliveryRecord> {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn record(&self, record: WebhookDeliveryRecord) {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(record);
    }

    pub(crate) fn connect(&self, sender: UnboundedSender<Envelope>) {
        *self.sender.lock().unwrap_or_else(|p| p.into_inner()) = Some(sender);
    }

    /// Queues an event for delivery (as many copies as switched on).
    pub fn emit(&self, event: EntityEvent) {
        let (with_field_values, copies) = {
            let status = self.status();
            (status.with_field_values, status.copies)
        };
        let name = self.current_target().map(|t| t.name).unwrap_or_default();
        let envelope = Envelope::new(event, &self.context_identifier, &name, with_field_values);
        tracing::debug!(event = %envelope.event, entity_id = envelope.primary_key,
            event_id = %envelope.event_id, "webhook event queued");
        for _ in 0..copies {
            self.send(envelope.clone());
        }
    }

    /// Queues a payload as it is (scripted traffic).
    pub fn send(&self, envelope: Envelope) {
        if let Some(sender) = self
            .sender
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
        {
            // The receiver only goes away when the sandbox stops.
            let _ = sender.send(envelope);
        }
    }
}
