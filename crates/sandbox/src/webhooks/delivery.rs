//! The delivery task: one queue, events in order, SuperOffice's retry cycle.
//!
//! A cycle is up to 1 + `retry_delays.len()` attempts (documented: 3, with
//! 1 s and 4 s between them), all with the same `EventId`. Only 200 counts
//! as success. Every failed attempt adds to the webhook's error count; at 9
//! in a row (or at once on 410 Gone) the webhook becomes `TooManyErrors`
//! and events reaching the front of the queue are dropped for good until
//! someone sets it `Active` again.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

use super::{sign, DeliveryOutcome, Envelope, WebhookDeliveryRecord, WebhookState};
use crate::config::{AfterFailedCycle, WebhookTarget};
use crate::error::SandboxError;
use crate::state::Shared;

/// Failed attempts in a row that switch a webhook off.
const MAX_CONSECUTIVE_ERRORS: u32 = 9;
/// How long one attempt may take before it counts as failed.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// The `User-Agent` SuperOffice's sender uses.
const USER_AGENT: &str = "NetServer-Webhook/10.5.0.0";

/// Starts the delivery task. It runs even without a configured target, so
/// that a webhook registered later through the API gets events.
pub(crate) fn spawn(shared: Arc<Shared>) -> Result<Option<JoinHandle<()>>, SandboxError> {
    let client = reqwest::Client::builder()
        .timeout(ATTEMPT_TIMEOUT)
        .build()
        .map_err(SandboxError::WebhookClient)?;
    let (sender, receiver) = unbounded_channel();
    shared.hooks.connect(sender.clone());
    Ok(Some(tokio::spawn(run(shared, client, sender, receiver))))
}

async fn run(
    shared: Arc<Shared>,
    client: reqwest::Client,
    sender: UnboundedSender<Envelope>,
    mut receiver: UnboundedReceiver<Envelope>,
) {
    while let Some(envelope) = receiver.recv().await {
        // Looked up per event: the subscription may have been registered,
        // moved or removed through the Webhook API since (registry.rs).
        let Some(target) = shared.hooks.current_target() else {
            continue;
        };
        let delivered = deliver_cycle(&shared, &target, &client, &envelope).await;

        // The other documented story: a failed event goes to the end of the
        // queue under a new EventId (only while the webhook is still active).
        let active = shared.hooks.status().state == WebhookState::Active;
        if !delivered && active && target.after_failed_cycle == AfterFailedCycle::Requeue {
            let _ = sender.send(envelope.renewed());
        }
    }
}

/// One delivery cycle; true when the receiver took the event.
async fn deliver_cycle(
    shared: &Shared,
    target: &WebhookTarget,
    client: &reqwest::Client,
    envelope: &Envelope,
) -> bool {
    let body = envelope.body();
    let signature = target.secret.as_deref().map(|secret| sign(secret, &body));
    let attempts = 1 + target.retry_delays.len() as u32;

    for attempt in 1..=attempts {
        let mut record = WebhookDeliveryRecord {
            event_id: envelope.event_id.clone(),
            event: envelope.event.clone(),
            primary_key: envelope.primary_key,
            attempt,
            outcome: DeliveryOutcome::Dropped,
            status: None,
            error: None,
            at_ms: now_ms(),
            body: String::from_utf8_lossy(&body).into_owned(),
            signature: signature.clone(),
        };
        if shared.hooks.status().state != WebhookState::Active {
            record.attempt = 0;
            shared.hooks.record(record);
            return false;
        }

        let result = post(
            client,
            target,
            envelope,
            &body,
            signature.as_deref(),
            attempt,
        )
        .await;
        match result {
            Ok(status) => record.status = Some(status),
            Err(error) => record.error = Some(error),
        }
        tracing::debug!(event = %envelope.event, event_id = %envelope.event_id, attempt,
            status = ?record.status, error = ?record.error, "webhook delivery attempt");
        let delivered = record.status == Some(200);
        record.outcome = if delivered {
            DeliveryOutcome::Delivered
        } else {
            DeliveryOutcome::Failed
        };
        let gone = record.status == Some(410);
        shared.hooks.record(record);

        if delivered {
            shared.hooks.status().consecutive_errors = 0;
            return true;
        }
        if count_failure(shared, gone) {
            return false;
        }
        if let Some(delay) = target.retry_delays.get(attempt as usize - 1) {
            tokio::time::sleep(*delay).await;
        }
    }
    false
}

/// Counts a failed attempt; true when the webhook was switched off by it.
fn count_failure(shared: &Shared, gone: bool) -> bool {
    let mut status = shared.hooks.status();
    status.consecutive_errors += 1;
    if gone || status.consecutive_errors >= MAX_CONSECUTIVE_ERRORS {
        status.state = WebhookState::TooManyErrors;
        tracing::info!(
            errors = status.consecutive_errors,
            "webhook switched off: TooManyErrors"
        );
        return true;
    }
    false
}

async fn post(
    client: &reqwest::Client,
    target: &WebhookTarget,
    envelope: &Envelope,
    body: &[u8],
    signature: Option<&str>,
    attempt: u32,
) -> Result<u16, String> {
    let mut request = client
        .post(target.url.clone())
        .header("Content-Type", "application/json; charset=utf-8")
        .header("User-Agent", USER_AGENT)
        .header("X-SuperOffice-Event", &envelope.event)
        .header("X-SuperOffice-EventId", &envelope.event_id)
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("X-SuperOffice-Signature", signature);
    }
    if attempt > 1 {
        request = request.header("X-SuperOffice-Retry", (attempt - 1).to_string());
    }
    if envelope.hook_test {
        request = request.header("X-Hook-Test", "true");
    }
    let response = request.send().await.map_err(|error| error.to_string())?;
    Ok(response.status().as_u16())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64
}
