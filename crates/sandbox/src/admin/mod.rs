//! Admin endpoints under `/_sandbox/…`: the library API over HTTP, for the
//! demo and for tests in other processes. `so-sandbox --help` lists them
//! with curl examples.

mod data;
mod faults;

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use crate::state::Shared;
use crate::webhooks::{EntityEvent, Envelope, WebhookState};

/// Registers the admin routes (mounted under `/_sandbox`).
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/state", web::get().to(state))
        .route("/requests", web::get().to(requests))
        .route("/requests", web::delete().to(clear_requests))
        .route("/deliveries", web::get().to(deliveries))
        .route("/webhook", web::get().to(webhook))
        .route("/webhook", web::put().to(set_webhook))
        .route("/webhook/send", web::post().to(send_events))
        .route("/webhook/test", web::post().to(send_test_event))
        .route("/faults", web::get().to(faults::snapshot))
        .route("/faults/{name}", web::post().to(faults::apply))
        .configure(data::routes);
}

/// `GET /_sandbox/state`: where everything is and what is switched on.
async fn state(shared: web::Data<Shared>) -> HttpResponse {
    let config = &shared.config;
    let base = &shared.base_url;
    HttpResponse::Ok().json(json!({
        "base_url": base.as_str(),
        "token_url": format!("{base}login/common/oauth/tokens"),
        "status_url": format!("{base}api/state/{}", config.context_identifier),
        "endpoint": shared.endpoint().as_str(),
        "context_identifier": config.context_identifier,
        "client_id": config.client_id,
        "client_secret": config.client_secret,
        "refresh_token": config.refresh_token,
        "connector_associate_id": config.connector_associate_id,
        "webhook": webhook_json(&shared),
        "faults": *shared.faults(),
    }))
}

fn webhook_json(shared: &Shared) -> serde_json::Value {
    let status = shared.hooks.status().clone();
    json!({
        "url": shared.hooks.target.as_ref().map(|t| t.url.to_string()),
        "state": status.state,
        "consecutive_errors": status.consecutive_errors,
        "with_field_values": status.with_field_values,
        "copies": status.copies,
    })
}

async fn requests(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(shared.log.all())
}

async fn clear_requests(shared: web::Data<Shared>) -> HttpResponse {
    shared.log.clear();
    HttpResponse::NoContent().finish()
}

async fn deliveries(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(shared.hooks.records())
}

async fn webhook(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(webhook_json(&shared))
}

#[derive(Debug, Deserialize)]
struct WebhookUpdate {
    state: WebhookState,
}

/// `PUT /_sandbox/webhook {"state":"Active"}`: reactivates (or stops).
async fn set_webhook(shared: web::Data<Shared>, update: web::Json<WebhookUpdate>) -> HttpResponse {
    shared.hooks.set_state(update.state);
    HttpResponse::Ok().json(webhook_json(&shared))
}

/// One scripted event of `POST /_sandbox/webhook/send`.
#[derive(Debug, Deserialize)]
struct ScriptedEvent {
    event: String,
    primary_key: i32,
    #[serde(default)]
    changes: Vec<String>,
    #[serde(default = "default_actor")]
    changed_by: i32,
    /// Deliveries of this very payload (same `EventId`).
    #[serde(default = "one")]
    copies: u32,
}

fn default_actor() -> i32 {
    23
}

fn one() -> u32 {
    1
}

/// Sends events in the order given (out-of-order traffic is scripted by
/// listing it so), each `copies` times with one `EventId`.
async fn send_events(
    shared: web::Data<Shared>,
    events: web::Json<Vec<ScriptedEvent>>,
) -> HttpResponse {
    let name = shared
        .hooks
        .target
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let with_field_values = shared.hooks.status().with_field_values;
    let mut ids = Vec::new();
    for scripted in events.into_inner() {
        let event = EntityEvent {
            event: scripted.event,
            primary_key: scripted.primary_key,
            changes: scripted.changes,
            changed_by: scripted.changed_by,
            field_values: serde_json::Map::new(),
            values: None,
        };
        let context = &shared.config.context_identifier;
        let envelope = Envelope::new(event, context, &name, with_field_values);
        ids.push(envelope.event_id.clone());
        for _ in 0..scripted.copies.max(1) {
            shared.hooks.send(envelope.clone());
        }
    }
    HttpResponse::Accepted().json(json!({ "event_ids": ids }))
}

async fn send_test_event(shared: web::Data<Shared>) -> HttpResponse {
    let name = shared
        .hooks
        .target
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let envelope = Envelope::test_event(&name);
    let id = envelope.event_id.clone();
    shared.hooks.send(envelope);
    HttpResponse::Accepted().json(json!({ "event_ids": [id] }))
}
