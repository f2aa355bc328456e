//! Webhook definitions (`Webhook`, `Webhook/{id}`) and their usage counters
//! (the `webhook_usage` table through `Archive/dynamic`).
//!
//! Webhook management is restricted in Online: the application must have
//! been granted the Webhook agent when it was registered, otherwise these
//! calls answer 403 ([`crate::Error::Forbidden`]).

use std::fmt;

use futures::TryStreamExt;
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};
use time::OffsetDateTime;

use crate::call::{Call, Target};
use crate::odata::{ArchiveQuery, ArchiveRow};
use crate::{Client, Result};

/// The events the connector subscribes to.
pub const CONNECTOR_EVENTS: [&str; 4] = [
    "contact.created",
    "contact.changed",
    "person.created",
    "person.changed",
];

/// The columns of `webhook_usage` asked for, in the documented spelling.
const USAGE_COLUMNS: [&str; 5] = [
    "webhook_usage.webhook_usage_id",
    "webhook_usage.total_calls",
    "webhook_usage.total_errors",
    "webhook_usage.consecutive_errors",
    "webhook_usage.last_error",
];

/// The state of a webhook definition.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum WebhookState {
    /// `Unknown` (0), or a state this client does not know.
    #[default]
    Unknown,
    /// `Active` (1): delivering.
    Active,
    /// `Stopped` (2): switched off by someone.
    Stopped,
    /// `TooManyErrors` (3): switched off after repeated failed deliveries
    /// (or one 410); stays off until set `Active` again.
    TooManyErrors,
}

impl WebhookState {
    /// The name SuperOffice uses in JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            WebhookState::Unknown => "Unknown",
            WebhookState::Active => "Active",
            WebhookState::Stopped => "Stopped",
            WebhookState::TooManyErrors => "TooManyErrors",
        }
    }

    fn from_wire(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "active" | "1" => WebhookState::Active,
            "stopped" | "2" => WebhookState::Stopped,
            "toomanyerrors" | "3" => WebhookState::TooManyErrors,
            _ => WebhookState::Unknown,
        }
    }
}

impl fmt::Display for WebhookState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for WebhookState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let text = crate::lenient::value_to_string(&value).unwrap_or_default();
        Ok(WebhookState::from_wire(&text))
    }
}

/// A webhook definition as read back. The secret is never read.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Webhook {
    /// `WebhookId`.
    #[serde(rename = "webhookid", deserialize_with = "crate::lenient::i64")]
    pub id: i64,
    /// `Name`; need not be unique.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    /// `Events`, e.g. `contact.changed`.
    pub events: Vec<String>,
    /// `TargetUrl`.
    #[serde(rename = "targeturl", deserialize_with = "crate::lenient::string")]
    pub target_url: String,
    /// `State`.
    pub state: WebhookState,
    /// `Type`: `webhook` (or `crmscript`).
    #[serde(rename = "type", deserialize_with = "crate::lenient::string")]
    pub kind: String,
    /// `Registered`.
    #[serde(deserialize_with = "crate::dates::deserialize_opt")]
    pub registered: Option<OffsetDateTime>,
    /// `Updated`.
    #[serde(deserialize_with = "crate::dates::deserialize_opt")]
    pub updated: Option<OffsetDateTime>,
}

/// What to register: a definition posting `events` to `target_url`, signed
/// with `secret`.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    /// `Name`.
    pub name: String,
    /// `Events`.
    pub events: Vec<String>,
    /// `TargetUrl`; SuperOffice requires HTTPS with a valid certificate.
    pub target_url: String,
    /// `Secret`: the key of `X-SuperOffice-Signature`.
    pub secret: SecretString,
}

impl NewWebhook {
    fn body(&self, state: &WebhookState) -> Value {
        json!({
            "Name": self.name,
            "Events": self.events,
            "TargetUrl": self.target_url,
            "Secret": self.secret.expose_secret(),
            "State": state.as_str(),
            "Type": "webhook",
        })
    }
}

/// A webhook's delivery counters (`webhook_usage`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookUsage {
    /// `webhook_usage_id`, the same as the `WebhookId`.
    pub webhook_id: i64,
    /// Deliveries attempted.
    pub total_calls: i64,
    /// Failed deliveries.
    pub total_errors: i64,
    /// Failed deliveries since the last success; 9 stop the webhook.
    pub consecutive_errors: i64,
    /// The last error, as the server words it.
    pub last_error: String,
}

impl WebhookUsage {
    fn from_row(row: &ArchiveRow) -> Self {
        let int = |column: &str| row.int(&format!("webhook_usage.{column}")).unwrap_or(0);
        Self {
            webhook_id: row
                .int("webhook_usage.webhook_usage_id")
                .unwrap_or(row.primary_key),
            total_calls: int("total_calls"),
            total_errors: int("total_errors"),
            consecutive_errors: int("consecutive_errors"),
            last_error: row.text("webhook_usage.last_error").unwrap_or_default(),
        }
    }
}

impl Client {
    /// `GET Webhook`, every definition; with `name`, those of that name
    /// (`nameFilter`).
    pub async fn list_webhooks(&self, name: Option<&str>) -> Result<Vec<Webhook>> {
        let mut target = Target::api("Webhook");
        if let Some(name) = name {
            target = target.param("nameFilter", name);
        }
        self.read(Method::GET, target, None, "Webhook", "webhooks")
            .await
    }

    /// `GET Webhook/{id}`.
    pub async fn get_webhook(&self, id: i64) -> Result<Webhook> {
        let target = Target::api("Webhook").segment(id);
        let what = format!("webhook {id}");
        self.read(Method::GET, target, None, "Webhook/{id}", &what)
            .await
    }

    /// `POST Webhook`: registers a definition, `Active`. SuperOffice first
    /// posts a test event to the target, which must answer 200, or the
    /// call fails ([`crate::Error::BadRequest`]).
    pub async fn create_webhook(&self, webhook: &NewWebhook) -> Result<Webhook> {
        let body = webhook.body(&WebhookState::Active);
        let target = Target::api("Webhook");
        self.read(Method::POST, target, Some(&body), "Webhook", "new webhook")
            .await
    }

    /// `PUT Webhook/{id}`: replaces a definition with `webhook`, `Active`
    /// (a new target or secret for an existing registration).
    pub async fn replace_webhook(&self, id: i64, webhook: &NewWebhook) -> Result<Webhook> {
        let body = webhook.body(&WebhookState::Active);
        let target = Target::api("Webhook").segment(id);
        let what = format!("webhook {id}");
        self.read(Method::PUT, target, Some(&body), "Webhook/{id}", &what)
            .await
    }

    /// `PATCH Webhook/{id}` setting `State` (e.g. back to `Active` after
    /// `TooManyErrors`).
    pub async fn set_webhook_state(&self, id: i64, state: WebhookState) -> Result<Webhook> {
        let body = json!([{ "op": "replace", "path": "State", "value": state.as_str() }]);
        let target = Target::api("Webhook").segment(id);
        let what = format!("webhook {id}");
        self.read(Method::PATCH, target, Some(&body), "Webhook/{id}", &what)
            .await
    }

    /// `DELETE Webhook/{id}`.
    pub async fn delete_webhook(&self, id: i64) -> Result<()> {
        let call = Call {
            method: Method::DELETE,
            target: Target::api("Webhook").segment(id),
            body: None,
            endpoint: "Webhook/{id}",
        };
        self.send(call).await.map(|_| ())
    }

    /// The delivery counters of every webhook, from
    /// `Archive/dynamic?$select=webhook_usage.…`.
    pub async fn webhook_usage(&self) -> Result<Vec<WebhookUsage>> {
        let query = ArchiveQuery::new("Archive/dynamic", "webhook_usage.webhook_usage_id")
            .select(USAGE_COLUMNS);
        let rows: Vec<ArchiveRow> = self.archive(query).try_collect().await?;
        Ok(rows.iter().map(WebhookUsage::from_row).collect())
    }
}
