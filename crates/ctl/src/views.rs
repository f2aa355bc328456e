//! Jobs, deliveries and attempts as soctl shows them: JSON with readable
//! times beside the stored milliseconds, and table rows.

use serde_json::{json, Value};
use so_ctl::when;
use so_queue::{AttemptRecord, DeliveryRecord, JobRecord};

use crate::output::{cut, or_dash, table};

/// A time in ms as RFC 3339, `null` when absent.
pub fn time(ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, |ms| Value::String(when::rfc3339(ms)))
}

/// A job as JSON.
pub fn job(job: &JobRecord) -> Value {
    json!({
        "id": job.id,
        "tenant": job.tenant,
        "entity": job.entity,
        "entity_id": job.entity_id,
        "event": job.event,
        "changes": job.changes,
        "delivery_count": job.delivery_count,
        "status": job.status.as_str(),
        "rule": job.rule,
        "reason": job.reason,
        "run_at": time(Some(job.run_at)),
        "lease_holder": job.lease_holder,
        "lease_expires_at": time(job.lease_expires_at),
        "attempts": job.attempts,
        "lease_losses": job.lease_losses,
        "last_error": job.last_error,
        "company_name": job.company_name,
        "owner_id": job.owner_id,
        "owner_short_name": job.owner_short_name,
        "result": job.result,
        "api_calls": job.api_calls,
        "created_at": time(Some(job.created_at)),
        "updated_at": time(Some(job.updated_at)),
        "started_at": time(job.started_at),
        "finished_at": time(job.finished_at),
    })
}

/// A delivery as JSON; the payload parsed when it is JSON.
pub fn delivery(delivery: &DeliveryRecord) -> Value {
    let payload = serde_json::from_str::<Value>(&delivery.payload)
        .unwrap_or_else(|_| Value::String(delivery.payload.clone()));
    let changes = serde_json::from_str::<Value>(&delivery.changes).unwrap_or(Value::Null);
    json!({
        "id": delivery.id,
        "event_id": delivery.event_id,
        "received_at": time(Some(delivery.received_at)),
        "event": delivery.event,
        "entity": delivery.entity,
        "entity_id": delivery.entity_id,
        "changed_by": delivery.changed_by,
        "changes": changes,
        "decision": delivery.decision,
        "rule": delivery.rule,
        "reason": delivery.reason,
        "job_id": delivery.job_id,
        "payload": payload,
    })
}

/// An attempt as JSON.
pub fn attempt(attempt: &AttemptRecord) -> Value {
    json!({
        "attempt": attempt.attempt,
        "holder": attempt.holder,
        "started_at": time(Some(attempt.started_at)),
        "finished_at": time(attempt.finished_at),
        "outcome": attempt.outcome,
        "error": attempt.error,
        "api_calls": attempt.api_calls,
    })
}

/// The record a job is about, for people: `Acme GmbH (RKAB)` once the
/// worker has resolved the names, `contact 4711` before.
pub fn subject(job: &JobRecord) -> String {
    match (&job.company_name, &job.owner_short_name) {
        (Some(name), Some(owner)) => format!("{name} ({owner})"),
        (Some(name), None) => name.clone(),
        _ => format!("{} {}", job.entity, job.entity_id),
    }
}

/// Jobs as a table.
pub fn jobs_table(jobs: &[JobRecord]) -> String {
    let rows = jobs.iter().map(|job| {
        let why = job.rule.clone().or_else(|| job.last_error.clone());
        vec![
            job.id.to_string(),
            job.status.to_string(),
            format!("{}:{}", job.entity, job.entity_id),
            cut(&subject(job), 40),
            job.event.clone(),
            job.attempts.to_string(),
            when::human(job.updated_at),
            cut(&or_dash(why), 40),
        ]
    });
    table(
        &[
            "job",
            "status",
            "record",
            "subject",
            "event",
            "tries",
            "updated",
            "rule / error",
        ],
        rows,
    )
}
