//! The webhook body and its signature.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::Sha256;

use super::EntityEvent;
use crate::dates::Timestamp;

/// One webhook payload, serialized in SuperOffice's field order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Envelope {
    /// GUID of this event; retries in a cycle reuse it.
    pub event_id: String,
    /// When it happened, `…1234567Z`.
    pub timestamp: String,
    /// Changed database columns.
    pub changes: Vec<String>,
    /// `contact.changed`, ...
    pub event: String,
    /// Row id.
    pub primary_key: i32,
    /// `contact`, `person`, `test`.
    pub entity: String,
    /// The tenant (`Default` for the registration test event).
    pub context_identifier: String,
    /// Who made the change.
    pub changed_by_associate_id: i32,
    /// Name of the webhook definition.
    pub webhook_name: String,
    /// Column values, when switched on.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field_values: Option<Map<String, Value>>,
    /// Values of delete events.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub values: Option<Map<String, Value>>,
    /// Sent with `X-Hook-Test: true` (the registration test event).
    #[serde(skip)]
    pub hook_test: bool,
}

impl Envelope {
    /// Gives an event a fresh id and timestamp.
    pub fn new(event: EntityEvent, context: &str, webhook: &str, with_field_values: bool) -> Self {
        let entity = event.event.split('.').next().unwrap_or_default().to_owned();
        Envelope {
            event_id: uuid::Uuid::new_v4().to_string(),
            timestamp: Timestamp::now().webhook(),
            changes: event.changes,
            event: event.event,
            primary_key: event.primary_key,
            entity,
            context_identifier: context.to_owned(),
            changed_by_associate_id: event.changed_by,
            webhook_name: webhook.to_owned(),
            field_values: with_field_values.then_some(event.field_values),
            values: event.values,
            hook_test: false,
        }
    }

    /// The test event SuperOffice sends when a webhook is registered.
    pub fn test_event(webhook: &str) -> Envelope {
        Envelope {
            event_id: uuid::Uuid::new_v4().to_string(),
            timestamp: Timestamp::now().webhook(),
            changes: Vec::new(),
            event: "test".to_owned(),
            primary_key: 0,
            entity: "test".to_owned(),
            context_identifier: "Default".to_owned(),
            changed_by_associate_id: 0,
            webhook_name: webhook.to_owned(),
            field_values: None,
            values: None,
            hook_test: true,
        }
    }

    /// The same event under a new `EventId`, as when a failed event is
    /// queued again.
    pub fn renewed(&self) -> Envelope {
        Envelope {
            event_id: uuid::Uuid::new_v4().to_string(),
            ..self.clone()
        }
    }

    /// The exact body bytes: compact JSON, no trailing newline.
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("an envelope always serializes")
    }
}

/// `X-SuperOffice-Signature`: base64 of HMAC-SHA256(secret, body).
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any size");
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `contact.changed` sample of the API notes, one line, no newline.
    const BODY: &str = concat!(
        r#"{"EventId":"3f1c2a9e-7b4d-4c1e-9a55-0d2e8f6b1a10","#,
        r#""Timestamp":"2025-03-11T09:15:42.1234567Z","#,
        r#""Changes":["contact_id","name","department","#,
        r#""updated","updated_associate_id","updatedCount"],"#,
        r#""Event":"contact.changed","PrimaryKey":4711,"Entity":"contact","#,
        r#""ContextIdentifier":"Cust12345","#,
        r#""ChangedByAssociateId":17,"WebhookName":"enrichment-connector"}"#,
    );

    #[test]
    fn signature_matches_the_documented_test_vector() {
        let signature = sign("sandbox-shared-secret", BODY.as_bytes());

        assert_eq!(signature, "xsNbRkwIfI9txs38RB83Q8BTCxEpAIfp/F7zQ7qdrCk=");
    }

    #[test]
    fn envelope_serializes_byte_for_byte_like_the_documented_sample() {
        let envelope: Envelope = serde_json::from_str(BODY).unwrap();

        assert_eq!(envelope.body(), BODY.as_bytes());
    }
}
