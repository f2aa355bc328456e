//! The Webhook endpoints under `{Endpoint}/api/v1` and the `webhook_usage`
//! table of `Archive/dynamic` (see `webhooks/registry.rs` for what the
//! sandbox does with definitions).
//!
//! Registering (`POST`, `PUT`) first posts the test event to the target, as
//! SuperOffice does, and fails with 400 unless it answers 200. SuperOffice
//! also insists on HTTPS with a valid certificate; the sandbox takes plain
//! HTTP, since its receivers run on loopback.

use std::time::Duration;

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};
use url::Url;

use crate::dates::Timestamp;
use crate::respond::{recase, ApiError};
use crate::state::Shared;
use crate::webhooks::{sign, Envelope, ShownDefinition, WebhookDefinition, WebhookState};

/// One change of a PATCH, applied once every operation has parsed.
type Change = Box<dyn FnOnce(&mut WebhookDefinition)>;

/// How long the target may take to answer the test event.
const TEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Registers the routes; mounted before the generic archive route, so that
/// `Archive/dynamic` is answered here.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/v1/Webhook", web::get().to(list))
        .route("/v1/Webhook", web::post().to(create))
        .route(r"/v1/Webhook/{id:\d+}", web::get().to(get))
        .route(r"/v1/Webhook/{id:\d+}", web::put().to(replace))
        .route(r"/v1/Webhook/{id:\d+}", web::patch().to(patch))
        .route(r"/v1/Webhook/{id:\d+}", web::delete().to(delete))
        .route("/v1/Archive/dynamic", web::get().to(usage_archive));
}

/// The `{id}` of `Webhook/{id}`.
#[derive(Debug, serde::Deserialize)]
pub struct WebhookPath {
    id: i32,
}

/// `GET Webhook?nameFilter=&statusFilter=`.
async fn list(shared: web::Data<Shared>, request: HttpRequest) -> HttpResponse {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(request.query_string().as_bytes())
            .into_owned()
            .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(key, value)| key.eq_ignore_ascii_case(name) && !value.is_empty())
            .map(|(_, value)| value.to_lowercase())
    };
    let (name, status) = (param("nameFilter"), param("statusFilter"));

    let shown: Vec<Value> = shared
        .hooks
        .definitions()
        .into_iter()
        .filter(|s| {
            name.as_ref()
                .is_none_or(|n| s.definition.name.to_lowercase() == *n)
        })
        .filter(|s| {
            let state = format!("{:?}", s.definition.state).to_lowercase();
            status.as_ref().is_none_or(|wanted| state == *wanted)
        })
        .map(|s| render(&s))
        .collect();
    answer(&shared, Value::Array(shown))
}

async fn get(
    shared: web::Data<Shared>,
    path: web::Path<WebhookPath>,
) -> Result<HttpResponse, ApiError> {
    let shown = find(&shared, path.id)?;
    Ok(answer(&shared, render(&shown)))
}

/// `POST Webhook`: tests the target, then registers.
async fn create(shared: web::Data<Shared>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let fields = Fields::parse(&body)?;
    let target_url = fields.target_url()?;
    send_test_event(&target_url, &fields.name, fields.secret.as_deref()).await?;

    let now = Timestamp::now();
    let definition = WebhookDefinition {
        id: 0,
        name: fields.name,
        events: fields.events,
        target_url,
        secret: fields.secret,
        state: WebhookState::Active,
        registered: now,
        updated: now,
    };
    let id = shared.hooks.register(definition, now_ms());
    tracing::info!(webhook_id = id, "webhook registered");
    Ok(answer(&shared, render(&find(&shared, id)?)))
}

/// `PUT Webhook/{id}`: tests the target, then replaces the definition.
async fn replace(
    shared: web::Data<Shared>,
    path: web::Path<WebhookPath>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    find(&shared, path.id)?;
    let fields = Fields::parse(&body)?;
    let target_url = fields.target_url()?;
    send_test_event(&target_url, &fields.name, fields.secret.as_deref()).await?;

    let state = fields.state.unwrap_or(WebhookState::Active);
    shared.hooks.update(path.id, |definition| {
        definition.name = fields.name;
        definition.events = fields.events;
        definition.target_url = target_url;
        definition.secret = fields.secret;
        definition.state = state;
    });
    Ok(answer(&shared, render(&find(&shared, path.id)?)))
}

/// `PATCH Webhook/{id}`: JSON Patch or merge patch of `State`, `Name`,
/// `TargetUrl`, `Secret` or `Events`.
async fn patch(
    shared: web::Data<Shared>,
    path: web::Path<WebhookPath>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    find(&shared, path.id)?;
    let operations = crate::patch::parse(&body)?;

    let mut changes: Vec<Change> = Vec::new();
    for operation in operations {
        let value = operation.value.clone();
        let text = value.as_str().map(str::to_owned);
        let change: Change = match operation.head().as_str() {
            "state" => {
                let state = parse_state(&value)?;
                Box::new(move |d| d.state = state)
            }
            "name" => Box::new(move |d| d.name = text.unwrap_or_default()),
            "secret" => Box::new(move |d| d.secret = text.filter(|s| !s.is_empty())),
            "targeturl" => {
                let url = parse_url(text.as_deref().unwrap_or(""))?;
                Box::new(move |d| d.target_url = url)
            }
            "events" => {
                let events = strings(&value);
                Box::new(move |d| d.events = events)
            }
            other => {
                return Err(ApiError::bad_request(format!(
                    "Webhook: cannot patch {other}"
                )))
            }
        };
        changes.push(change);
    }

    shared.hooks.update(path.id, |definition| {
        for change in changes {
            change(definition);
        }
    });
    Ok(answer(&shared, render(&find(&shared, path.id)?)))
}

async fn delete(
    shared: web::Data<Shared>,
    path: web::Path<WebhookPath>,
) -> Result<HttpResponse, ApiError> {
    if !shared.hooks.unregister(path.id) {
        return Err(not_found(path.id));
    }
    Ok(HttpResponse::NoContent().finish())
}

/// `GET Archive/dynamic?$select=webhook_usage.…`: one row per definition.
/// Only the `webhook_usage` table is known here.
async fn usage_archive(
    shared: web::Data<Shared>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(request.query_string().as_bytes())
            .into_owned()
            .collect();
    let select = params
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("$select"))
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let columns: Vec<&str> = select.split(',').map(str::trim).collect();
    if let Some(unknown) = columns.iter().find(|c| usage_column(c).is_none()) {
        return Err(ApiError::bad_request(format!(
            "Archive/dynamic: the sandbox knows only webhook_usage columns, not {unknown:?}"
        )));
    }

    let rows: Vec<Value> = shared
        .hooks
        .definitions()
        .iter()
        .map(|shown| usage_row(&shared, shown.definition.id, &columns))
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "odata.metadata": format!("{}/archive/$metadata", shared.api_v1()),
        "odata.nextLink": null,
        "value": rows,
    })))
}

/// The `webhook_usage` column a selected name stands for.
fn usage_column(selected: &str) -> Option<&'static str> {
    let column = selected.to_lowercase();
    let column = column.strip_prefix("webhook_usage.")?;
    [
        "webhook_usage_id",
        "total_calls",
        "total_errors",
        "consecutive_errors",
        "last_error",
    ]
    .into_iter()
    .find(|known| *known == column)
}

fn usage_row(shared: &Shared, id: i32, columns: &[&str]) -> Value {
    let usage = shared.hooks.usage(id);
    let mut row = Map::new();
    row.insert("PrimaryKey".into(), json!(id.to_string()));
    row.insert("EntityName".into(), json!("webhook_usage"));
    for selected in columns {
        let value = match usage_column(selected) {
            Some("webhook_usage_id") => json!(id),
            Some("total_calls") => json!(usage.total_calls),
            Some("total_errors") => json!(usage.total_errors),
            Some("consecutive_errors") => json!(usage.consecutive_errors),
            _ => json!(shared.hooks.last_error(id)),
        };
        row.insert((*selected).to_owned(), value);
    }
    Value::Object(row)
}

/// The parts of a definition a `POST` or `PUT` body gives; keys in any case.
struct Fields {
    name: String,
    events: Vec<String>,
    target_url: String,
    secret: Option<String>,
    state: Option<WebhookState>,
}

impl Fields {
    fn parse(body: &[u8]) -> Result<Fields, ApiError> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|error| ApiError::bad_request(format!("body: invalid JSON: {error}")))?;
        let Value::Object(map) = value else {
            return Err(ApiError::bad_request("Webhook: the body must be an object"));
        };
        let get = |key: &str| {
            map.iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(key))
                .map(|(_, value)| value)
        };
        let text = |key: &str| get(key).and_then(Value::as_str).map(str::to_owned);
        Ok(Fields {
            name: text("Name").unwrap_or_default(),
            events: get("Events").map(strings).unwrap_or_default(),
            target_url: text("TargetUrl").unwrap_or_default(),
            secret: text("Secret").filter(|s| !s.is_empty()),
            state: get("State").map(parse_state).transpose()?,
        })
    }

    fn target_url(&self) -> Result<Url, ApiError> {
        parse_url(&self.target_url)
    }
}

fn parse_url(text: &str) -> Result<Url, ApiError> {
    let url = Url::parse(text.trim())
        .map_err(|_| ApiError::bad_request(format!("Webhook: TargetUrl {text:?} is not a URL")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ApiError::bad_request("Webhook: TargetUrl must be http(s)"));
    }
    Ok(url)
}

fn parse_state(value: &Value) -> Result<WebhookState, ApiError> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        other => other.as_str().unwrap_or_default().to_lowercase(),
    };
    match text.as_str() {
        "active" | "1" => Ok(WebhookState::Active),
        "stopped" | "2" => Ok(WebhookState::Stopped),
        "toomanyerrors" | "3" => Ok(WebhookState::TooManyErrors),
        _ => Err(ApiError::bad_request(format!(
            "Webhook: unknown State {value}"
        ))),
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// Posts the registration test event; anything but 200 refuses the
/// registration.
async fn send_test_event(url: &Url, name: &str, secret: Option<&str>) -> Result<(), ApiError> {
    let envelope = Envelope::test_event(name);
    let body = envelope.body();
    let client = reqwest::Client::builder()
        .timeout(TEST_TIMEOUT)
        .build()
        .map_err(|error| ApiError::internal("HttpClientException", error.to_string()))?;
    let mut request = client
        .post(url.clone())
        .header("Content-Type", "application/json; charset=utf-8")
        .header("X-SuperOffice-Event", "test")
        .header("X-SuperOffice-EventId", &envelope.event_id)
        .header("X-Hook-Test", "true");
    if let Some(secret) = secret {
        request = request.header("X-SuperOffice-Signature", sign(secret, &body));
    }

    let refused = |why: String| {
        ApiError::bad_request(format!(
            "Webhook test event to {url} failed ({why}); the target must answer 200"
        ))
    };
    let response = request
        .body(body)
        .send()
        .await
        .map_err(|error| refused(error.to_string()))?;
    match response.status().as_u16() {
        200 => Ok(()),
        status => Err(refused(format!("HTTP {status}"))),
    }
}

fn find(shared: &Shared, id: i32) -> Result<ShownDefinition, ApiError> {
    shared.hooks.definition(id).ok_or_else(|| not_found(id))
}

fn not_found(id: i32) -> ApiError {
    ApiError::not_found(format!("Webhook id {id} not found"))
}

fn render(shown: &ShownDefinition) -> Value {
    let d = &shown.definition;
    json!({
        "WebhookId": d.id,
        "Name": d.name,
        "Events": d.events,
        "TargetUrl": d.target_url.as_str(),
        "Secret": "",
        "State": format!("{:?}", d.state),
        "Type": "webhook",
        "Headers": {},
        "Properties": {},
        "ErrorsEmail": "",
        "Registered": d.registered.entity(),
        "Updated": d.updated.entity(),
    })
}

fn answer(shared: &Shared, body: Value) -> HttpResponse {
    HttpResponse::Ok().json(recase(body, shared.faults().key_case))
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64
}
