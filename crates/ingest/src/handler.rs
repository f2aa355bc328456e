//! `POST /connector/webhook`: verify, parse, judge, record, answer.
//!
//! The answer is 200 only after the delivery's row is committed, so an
//! acknowledged webhook is always on disk; every refusal is one of the
//! [`IngestError`] cases.

use actix_web::http::header::{self, HeaderMap};
use actix_web::{web, HttpRequest, HttpResponse};
use futures::StreamExt as _;
use serde_json::json;
use so_metrics::{IngestMetrics, VerificationFailure};
use so_queue::{Disposition, NewDelivery, Recorded};
use so_rules::{
    judge_delivery, Decision, DeliveryFacts, EventKind, PayloadRules, ReasonCode, Verdict,
};

use crate::batcher::BatchSender;
use crate::error::IngestError;
use crate::payload::{self, Webhook};
use crate::settings::TenantSettings;
use crate::verify::{Rejection, Verifier, SIGNATURE_HEADER, TOKEN_HEADER};

/// What every webhook request needs; shared by the HTTP workers.
#[derive(Debug)]
pub struct WebhookState {
    /// Token and signature checks.
    pub verifier: Verifier,
    /// Which deliveries become jobs.
    pub rules: PayloadRules,
    /// The tenant this connector serves; deliveries for others are ignored.
    pub tenant: TenantSettings,
    /// The way to the writer task (group commit).
    pub batcher: BatchSender,
    /// The body limit, `ingest.max_body_bytes`.
    pub max_body_bytes: usize,
    /// Deliveries and refusals, for `/metrics`.
    pub metrics: IngestMetrics,
}

/// Receives one webhook.
pub async fn receive(
    request: HttpRequest,
    body: web::Payload,
    state: web::Data<WebhookState>,
) -> Result<HttpResponse, IngestError> {
    // Cheap checks first: the token and the declared type need no body.
    let counted = |rejection: &Rejection| count_rejection(&state.metrics, rejection);
    state
        .verifier
        .check_token(token(&request).as_deref())
        .inspect_err(counted)?;
    require_json(request.headers())?;
    let body = read_body(request.headers(), body, state.max_body_bytes).await?;
    let signature = request
        .headers()
        .get(SIGNATURE_HEADER)
        .map(|value| value.as_bytes());
    state
        .verifier
        .check_signature(&body, signature)
        .inspect_err(counted)?;

    // The registration test event carries no real tenant or record; any
    // other delivery needs both to become work.
    let webhook = payload::parse(&body)?;
    let hook_test = is_hook_test(request.headers()) || is_test_event(&webhook);
    if !hook_test {
        payload::check_for_work(&webhook)?;
    }

    let verdict = judge(&state, &webhook, hook_test);
    tracing::debug!(
        event_id = %webhook.event_id,
        event = %webhook.event,
        entity_id = webhook.entity_id,
        decision = %verdict.decision,
        rule = %verdict.code,
        reason = %verdict.reason,
        "delivery judged"
    );

    // The body is JSON, so it is UTF-8; the lossy form only guards that.
    let payload = String::from_utf8_lossy(&body).into_owned();
    let delivery = delivery(webhook, &verdict, payload);
    let event_id = delivery.event_id.clone();
    let recorded = state.batcher.record(delivery).await?;
    state
        .metrics
        .delivery(outcome(recorded), verdict.code.code());

    tracing::debug!(
        event_id = %event_id,
        job_id = recorded.job_id(),
        ?recorded,
        "delivery recorded"
    );
    Ok(HttpResponse::Ok().json(answer(&event_id, recorded, &verdict)))
}

/// The token from `?token=` or the `X-Connector-Token` header.
fn token(request: &HttpRequest) -> Option<Vec<u8>> {
    if let Some(value) = request.headers().get(TOKEN_HEADER) {
        return Some(value.as_bytes().to_vec());
    }
    let query = web::Query::<Vec<(String, String)>>::from_query(request.query_string()).ok()?;
    let (_, token) = query
        .into_inner()
        .into_iter()
        .find(|(key, _)| key == "token")?;
    Some(token.into_bytes())
}

/// Refuses anything but `application/json` (parameters such as `charset`
/// allowed), since SuperOffice always declares it.
fn require_json(headers: &HeaderMap) -> Result<(), IngestError> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok());
    let declared = declared.unwrap_or_default();
    let essence = declared.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(IngestError::UnsupportedMediaType {
            got: declared.to_owned(),
        })
    }
}

/// Reads the body, refusing it as soon as it passes `limit`: a declared
/// length over the limit is refused before reading anything.
async fn read_body(
    headers: &HeaderMap,
    mut body: web::Payload,
    limit: usize,
) -> Result<web::BytesMut, IngestError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(IngestError::TooLarge { limit });
    }

    let mut bytes = web::BytesMut::with_capacity(declared.unwrap_or(1024).min(limit));
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|error| IngestError::BodyRead(error.to_string()))?;
        if bytes.len() + chunk.len() > limit {
            return Err(IngestError::TooLarge { limit });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// `X-Hook-Test: true`, which SuperOffice sets on the registration test.
fn is_hook_test(headers: &HeaderMap) -> bool {
    let value = headers
        .get("X-Hook-Test")
        .and_then(|value| value.to_str().ok());
    value.is_some_and(|value| value.trim().eq_ignore_ascii_case("true"))
}

/// `Event` or `Entity` is `test`, as on the registration test event.
fn is_test_event(webhook: &Webhook) -> bool {
    let verdict = so_rules::event_rule(&webhook.event, &webhook.entity);
    verdict.code == ReasonCode::TestEvent
}

/// The payload rules' verdict; the test header alone also marks a test, and
/// a delivery for another tenant is ignored before any rule looks at it.
fn judge(state: &WebhookState, webhook: &Webhook, hook_test: bool) -> Verdict {
    if hook_test {
        let reason = "webhook registration test; answered and not queued";
        return Verdict::ignore(ReasonCode::TestEvent, reason);
    }
    if !state.tenant.serves(&webhook.tenant) {
        let reason = format!(
            "delivery for tenant {:?}; this connector serves {:?}",
            webhook.tenant,
            state.tenant.context_id.trim()
        );
        return Verdict::ignore(ReasonCode::OtherTenant, reason);
    }
    let facts = DeliveryFacts {
        event: &webhook.event,
        entity: &webhook.entity,
        changes: &webhook.changes,
        changed_by: webhook.changed_by,
        payload_owner: webhook.owner,
    };
    judge_delivery(&state.rules, &facts)
}

/// The row to record. Jobs (queued or skipped) exist only for the handled
/// events, named in their canonical spelling; every other delivery is kept
/// as a delivery row with the reason, and makes no job.
fn delivery(webhook: Webhook, verdict: &Verdict, payload: String) -> NewDelivery {
    let kind = EventKind::parse(&webhook.event);
    let disposition = match (verdict.decision, kind) {
        (Decision::Process, Some(_)) => Disposition::Enqueue,
        (Decision::Skip, Some(_)) => Disposition::Skip {
            rule: verdict.code.code().to_owned(),
            reason: verdict.reason.clone(),
        },
        _ => Disposition::Ignore {
            reason: format!("{}: {}", verdict.code, verdict.reason),
        },
    };
    let (event, entity) = match kind {
        Some(kind) => (kind.as_str().to_owned(), kind.entity().as_str().to_owned()),
        None => (webhook.event, webhook.entity),
    };

    NewDelivery {
        event_id: webhook.event_id,
        received_at: so_queue::now_ms(),
        tenant: webhook.tenant,
        event,
        entity,
        entity_id: webhook.entity_id,
        changed_by: webhook.changed_by,
        changes: webhook.changes,
        payload,
        disposition,
    }
}

/// The `outcome` label of a recorded delivery.
fn outcome(recorded: Recorded) -> &'static str {
    match recorded {
        Recorded::Queued { .. } => "queued",
        Recorded::Joined { .. } => "joined",
        Recorded::Skipped { .. } => "skipped",
        Recorded::Ignored { .. } => "ignored",
        Recorded::Duplicate { .. } => "duplicate",
    }
}

fn count_rejection(metrics: &IngestMetrics, rejection: &Rejection) {
    let failure = match rejection {
        Rejection::TokenMissing => VerificationFailure::TokenMissing,
        Rejection::TokenWrong => VerificationFailure::TokenWrong,
        Rejection::SignatureMissing => VerificationFailure::SignatureMissing,
        Rejection::SignatureWrong => VerificationFailure::SignatureWrong,
    };
    metrics.verification_failed(failure);
}

/// The 200 body: what happened to the delivery.
fn answer(event_id: &str, recorded: Recorded, verdict: &Verdict) -> serde_json::Value {
    match recorded {
        Recorded::Queued { job_id } => json!({ "status": "queued", "event_id": event_id,
            "job_id": job_id }),
        Recorded::Joined { job_id } => json!({ "status": "joined", "event_id": event_id,
            "job_id": job_id }),
        Recorded::Skipped { job_id } => json!({ "status": "skipped", "event_id": event_id,
            "job_id": job_id, "rule": verdict.code.code(), "reason": verdict.reason }),
        Recorded::Ignored { .. } => json!({ "status": "ignored", "event_id": event_id,
            "rule": verdict.code.code(), "reason": verdict.reason }),
        Recorded::Duplicate { .. } => json!({ "status": "duplicate", "event_id": event_id }),
    }
}
