//! Webhook definitions, as `GET/POST/PUT/PATCH/DELETE Webhook` manage them,
//! and their usage counters.
//!
//! The sandbox delivers through one subscription at a time: the *delivering*
//! definition. At start it is the target of [`crate::SandboxConfig::webhook`]
//! (definition 1, when configured). Registering a new definition makes it
//! the delivering one (the subscription moved); replacing or patching the
//! delivering one changes where and how events go from the next event on.
//! Other definitions are listed and kept, but receive nothing.
//!
//! The delivering definition's state is the webhook state that deliveries,
//! [`crate::Faults::set_webhook_state`] and `/_sandbox/webhook` share; the
//! usage counters are counted from its delivery records.

use std::collections::BTreeMap;

use serde::Serialize;
use url::Url;

use super::{DeliveryOutcome, Hooks, WebhookState};
use crate::config::WebhookTarget;
use crate::dates::Timestamp;

/// The events a definition made from the start configuration lists.
const DEFAULT_EVENTS: [&str; 4] = [
    "contact.created",
    "contact.changed",
    "person.created",
    "person.changed",
];

/// One webhook definition.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDefinition {
    /// `WebhookId`.
    pub id: i32,
    /// `Name`.
    pub name: String,
    /// `Events` it subscribes to (the sandbox sends every event anyway).
    pub events: Vec<String>,
    /// `TargetUrl`.
    pub target_url: Url,
    /// `Secret`; never shown in answers.
    pub secret: Option<String>,
    /// `State` of a definition that is not the delivering one.
    pub state: WebhookState,
    /// `Registered`.
    pub registered: Timestamp,
    /// `Updated`.
    pub updated: Timestamp,
}

/// A definition's delivery counters (`webhook_usage`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct WebhookUsage {
    /// Delivery attempts.
    pub total_calls: u64,
    /// Failed attempts.
    pub total_errors: u64,
    /// Failed attempts since the last success.
    pub consecutive_errors: u64,
}

/// Every definition, and which one events go to.
#[derive(Debug)]
pub(crate) struct Registry {
    /// Definitions by id.
    definitions: BTreeMap<i32, WebhookDefinition>,
    /// The id the next registration gets.
    next_id: i32,
    /// The definition events are delivered to; `None` delivers nothing.
    delivering: Option<i32>,
    /// When the delivering definition took over: its counters count the
    /// attempts from then on (milliseconds since the Unix epoch).
    delivering_since_ms: i64,
    /// Delivery settings beyond target and secret (pauses between
    /// attempts, what a failed cycle does): the start configuration's, or
    /// the documented defaults.
    base: Option<WebhookTarget>,
}

impl Registry {
    /// The registry at start: definition 1 for a configured target.
    pub(crate) fn new(target: Option<&WebhookTarget>) -> Registry {
        let mut registry = Registry {
            definitions: BTreeMap::new(),
            next_id: 1,
            delivering: None,
            delivering_since_ms: 0,
            base: target.cloned(),
        };
        if let Some(target) = target {
            let now = Timestamp::now();
            let definition = WebhookDefinition {
                id: 1,
                name: target.name.clone(),
                events: DEFAULT_EVENTS.map(str::to_owned).to_vec(),
                target_url: target.url.clone(),
                secret: target.secret.clone(),
                state: WebhookState::Active,
                registered: now,
                updated: now,
            };
            registry.definitions.insert(1, definition);
            registry.next_id = 2;
            registry.delivering = Some(1);
        }
        registry
    }
}

/// A definition as the API shows it: the delivering one carries the live
/// state.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownDefinition {
    /// The definition.
    pub definition: WebhookDefinition,
    /// Whether events go to it.
    pub delivering: bool,
}

impl Hooks {
    fn registry(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Where the next event goes, if anywhere: the delivering definition's
    /// target and secret with the base delivery settings.
    pub(crate) fn current_target(&self) -> Option<WebhookTarget> {
        let registry = self.registry();
        let definition = registry.definitions.get(&registry.delivering?)?;
        let mut target = registry.base.clone().unwrap_or_else(|| {
            WebhookTarget::new(definition.target_url.clone(), definition.secret.clone())
        });
        target.url = definition.target_url.clone();
        target.secret = definition.secret.clone();
        target.name = definition.name.clone();
        Some(target)
    }

    /// Every definition in id order.
    pub fn definitions(&self) -> Vec<ShownDefinition> {
        let ids: Vec<i32> = self.registry().definitions.keys().copied().collect();
        ids.into_iter()
            .filter_map(|id| self.definition(id))
            .collect()
    }

    /// One definition.
    pub fn definition(&self, id: i32) -> Option<ShownDefinition> {
        let (mut definition, delivering) = {
            let registry = self.registry();
            let definition = registry.definitions.get(&id)?.clone();
            (definition, registry.delivering == Some(id))
        };
        if delivering {
            definition.state = self.status().state;
        }
        Some(ShownDefinition {
            definition,
            delivering,
        })
    }

    /// Adds a definition, which becomes the delivering one, `Active`.
    pub fn register(&self, mut definition: WebhookDefinition, now_ms: i64) -> i32 {
        let id = {
            let mut registry = self.registry();
            let id = registry.next_id;
            registry.next_id += 1;
            definition.id = id;
            registry.definitions.insert(id, definition);
            registry.delivering = Some(id);
            registry.delivering_since_ms = now_ms;
            id
        };
        self.set_state(WebhookState::Active);
        id
    }

    /// Changes a definition in place; `false` when the id is unknown. The
    /// state given applies to the live state if it is the delivering one.
    pub fn update(&self, id: i32, edit: impl FnOnce(&mut WebhookDefinition)) -> bool {
        let (state, delivering) = {
            let mut registry = self.registry();
            let delivering = registry.delivering == Some(id);
            let Some(definition) = registry.definitions.get_mut(&id) else {
                return false;
            };
            if delivering {
                definition.state = self.status().state;
            }
            edit(definition);
            definition.updated = Timestamp::now();
            (definition.state, delivering)
        };
        if delivering && self.status().state != state {
            self.set_state(state);
        }
        true
    }

    /// Removes a definition; deliveries stop if it was the delivering one.
    pub fn unregister(&self, id: i32) -> bool {
        let mut registry = self.registry();
        if registry.delivering == Some(id) {
            registry.delivering = None;
        }
        registry.definitions.remove(&id).is_some()
    }

    /// The counters of one definition: attempts made while it was the
    /// delivering one. Others have none.
    pub fn usage(&self, id: i32) -> WebhookUsage {
        let since = {
            let registry = self.registry();
            if registry.delivering != Some(id) {
                return WebhookUsage::default();
            }
            registry.delivering_since_ms
        };
        let attempts: Vec<_> = self
            .records()
            .into_iter()
            .filter(|r| r.attempt > 0 && r.at_ms >= since)
            .collect();
        let errors = attempts
            .iter()
            .filter(|r| r.outcome == DeliveryOutcome::Failed)
            .count();
        WebhookUsage {
            total_calls: attempts.len() as u64,
            total_errors: errors as u64,
            consecutive_errors: u64::from(self.status().consecutive_errors),
        }
    }

    /// The newest failed attempt of the delivering definition, in words.
    pub fn last_error(&self, id: i32) -> String {
        if self.registry().delivering != Some(id) {
            return String::new();
        }
        let records = self.records();
        let failed = records
            .iter()
            .rev()
            .find(|r| r.outcome == DeliveryOutcome::Failed);
        match failed {
            Some(r) => match (&r.status, &r.error) {
                (Some(status), _) => format!("target answered HTTP {status}"),
                (None, Some(error)) => error.clone(),
                (None, None) => "delivery failed".to_owned(),
            },
            None => String::new(),
        }
    }
}
