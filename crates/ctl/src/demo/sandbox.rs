//! The sandbox's admin endpoints (`/_sandbox/…`), as the demo drives and
//! reads them: records created and changed as a salesperson would, scripted
//! webhook traffic, faults, and the request and delivery logs.
//!
//! The shapes below are read from the sandbox's JSON, not shared with its
//! crate: soctl does not link the sandbox, and reads only what it shows.

use std::time::Duration;

use anyhow::Context as _;
use serde::Deserialize;
use serde_json::{json, Value};

/// A contact as the admin endpoints show it (storage shape).
#[derive(Debug, Clone, Deserialize)]
pub struct SeedContact {
    /// `ContactId`.
    pub id: i64,
    /// Company name.
    pub name: String,
    /// Owner.
    pub associate_id: i64,
}

/// A person as the admin endpoints show it.
#[derive(Debug, Clone, Deserialize)]
pub struct SeedPerson {
    /// `PersonId`.
    pub id: i64,
    /// Their company, 0 for none.
    pub contact_id: i64,
}

/// One request the tenant served (admin requests are not logged).
#[derive(Debug, Clone, Deserialize)]
pub struct LoggedRequest {
    /// `GET`, `PATCH`, …
    pub method: String,
    /// The path, `/Cust12345/api/v1/Contact/1001`.
    pub path: String,
    /// The status answered.
    pub status: u16,
}

/// One webhook delivery attempt.
#[derive(Debug, Clone, Deserialize)]
pub struct DeliveryAttempt {
    /// The payload's `EventId`.
    pub event_id: String,
    /// `Delivered` (the receiver answered 200), `Failed` or `Dropped`.
    pub outcome: String,
}

impl DeliveryAttempt {
    /// Whether the receiver acknowledged it.
    pub fn acknowledged(&self) -> bool {
        self.outcome == "Delivered"
    }
}

/// One scripted webhook event (`POST /_sandbox/webhook/send`).
#[derive(Debug, Clone)]
pub struct Scripted {
    /// `contact.changed`, …
    pub event: &'static str,
    /// The record.
    pub id: i64,
    /// Changed columns.
    pub changes: &'static [&'static str],
    /// Who changed it.
    pub by: i64,
    /// Deliveries of the same payload (same `EventId`).
    pub copies: u32,
}

/// A client for one sandbox's admin endpoints.
#[derive(Debug, Clone)]
pub struct Admin {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT/_sandbox`.
    base: String,
}

impl Admin {
    /// The admin endpoints of the sandbox at `url`.
    pub fn new(url: &str) -> anyhow::Result<Admin> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .context("cannot build an HTTP client")?;
        Ok(Admin {
            http,
            base: format!("{url}/_sandbox"),
        })
    }

    /// Whether the sandbox answers yet.
    pub async fn is_up(&self) -> bool {
        let answer = self.http.get(format!("{}/state", self.base)).send().await;
        answer.is_ok_and(|a| a.status().is_success())
    }

    /// A seeded or created contact; `None` when there is none with `id`.
    pub async fn contact(&self, id: i64) -> anyhow::Result<Option<SeedContact>> {
        self.get_optional(&format!("contacts/{id}")).await
    }

    /// A seeded or created person; `None` when there is none with `id`.
    pub async fn person(&self, id: i64) -> anyhow::Result<Option<SeedPerson>> {
        self.get_optional(&format!("persons/{id}")).await
    }

    /// Creates a company owned by `owner` (its webhook says `by` = owner).
    pub async fn create_contact(&self, name: &str, owner: i64, url: &str) -> anyhow::Result<i64> {
        let body = json!({ "name": name, "associate_id": owner, "urls": [url] });
        let created: SeedContact = self.send("POST", "contacts", owner, &body).await?;
        Ok(created.id)
    }

    /// Creates a person at company `contact_id`.
    pub async fn create_person(
        &self,
        contact_id: i64,
        (first, last, title): (&str, &str, &str),
        by: i64,
    ) -> anyhow::Result<i64> {
        let body = json!({
            "contact_id": contact_id, "first_name": first, "last_name": last, "title": title,
        });
        let created: SeedPerson = self.send("POST", "persons", by, &body).await?;
        Ok(created.id)
    }

    /// Changes a contact with a merge patch (`{"Name": "…"}`) as `by`.
    pub async fn change_contact(&self, id: i64, patch: Value, by: i64) -> anyhow::Result<()> {
        let _: Value = self
            .send("PATCH", &format!("contacts/{id}"), by, &patch)
            .await?;
        Ok(())
    }

    /// Changes a person with a merge patch (`{"Title": "…"}`) as `by`.
    pub async fn change_person(&self, id: i64, patch: Value, by: i64) -> anyhow::Result<()> {
        let _: Value = self
            .send("PATCH", &format!("persons/{id}"), by, &patch)
            .await?;
        Ok(())
    }

    /// Sends scripted webhook events in the order given.
    pub async fn send_events(&self, events: &[Scripted]) -> anyhow::Result<()> {
        let body: Vec<Value> = events
            .iter()
            .map(|e| {
                json!({
                    "event": e.event, "primary_key": e.id, "changes": e.changes,
                    "changed_by": e.by, "copies": e.copies,
                })
            })
            .collect();
        let url = format!("{}/webhook/send", self.base);
        let answer = self.http.post(url).json(&body).send().await;
        checked(answer, "webhook/send").await.map(drop)
    }

    /// Switches a fault on or off (`so-sandbox --help` lists them).
    pub async fn fault(&self, name: &str, arguments: Value) -> anyhow::Result<()> {
        let url = format!("{}/faults/{name}", self.base);
        let answer = self.http.post(url).json(&arguments).send().await;
        checked(answer, &format!("faults/{name}")).await.map(drop)
    }

    /// Every webhook delivery attempt so far.
    pub async fn deliveries(&self) -> anyhow::Result<Vec<DeliveryAttempt>> {
        self.get("deliveries").await
    }

    /// Every request the tenant served so far.
    pub async fn requests(&self) -> anyhow::Result<Vec<LoggedRequest>> {
        self.get("requests").await
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let answer = self.http.get(format!("{}/{path}", self.base)).send().await;
        let answer = checked(answer, path).await?;
        answer
            .json()
            .await
            .with_context(|| format!("sandbox {path}: unexpected answer"))
    }

    async fn get_optional<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
    ) -> anyhow::Result<Option<T>> {
        let answer = self.http.get(format!("{}/{path}", self.base)).send().await;
        if answer
            .as_ref()
            .is_ok_and(|a| a.status() == reqwest::StatusCode::NOT_FOUND)
        {
            return Ok(None);
        }
        let answer = checked(answer, path).await?;
        let value = answer
            .json()
            .await
            .with_context(|| format!("sandbox {path}: unexpected answer"))?;
        Ok(Some(value))
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        by: i64,
        body: &Value,
    ) -> anyhow::Result<T> {
        let url = format!("{}/{path}?by={by}", self.base);
        let request = match method {
            "POST" => self.http.post(url),
            _ => self.http.patch(url),
        };
        let answer = checked(request.json(body).send().await, path).await?;
        answer
            .json()
            .await
            .with_context(|| format!("sandbox {method} {path}: unexpected answer"))
    }
}

/// The answer when it is a success; otherwise an error naming the endpoint
/// and the sandbox's message.
async fn checked(
    answer: reqwest::Result<reqwest::Response>,
    what: &str,
) -> anyhow::Result<reqwest::Response> {
    let answer = answer.with_context(|| format!("sandbox {what}: no answer"))?;
    let status = answer.status();
    if status.is_success() {
        return Ok(answer);
    }
    let text = answer.text().await.unwrap_or_default();
    anyhow::bail!("sandbox {what}: {status}: {}", text.trim())
}
