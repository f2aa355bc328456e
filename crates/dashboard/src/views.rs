//! What the pages and the JSON API show, built from the store's records.
//! The same structs feed the templates and serialise as the API's JSON.

use serde::Serialize;
use so_queue::{AttemptRecord, DeliveryRecord, JobDetail, JobRecord, JobStatus};

use crate::format::{account_name, duration_ms, Moment};
use crate::runs::Run;

/// One line of the accounts list: one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunView {
    /// The run's latest job.
    pub job_id: i64,
    /// The job whose status the run shows.
    pub deciding_job_id: i64,
    /// "contact" or "person".
    pub entity: String,
    /// The record's id in SuperOffice.
    pub entity_id: i64,
    /// "Acme GmbH (RKAB)", or "contact 4711" until the names are known.
    pub name: String,
    /// Whether a company name is known.
    pub resolved: bool,
    /// The status the run shows (status priority applied).
    pub status: &'static str,
    /// The latest job's event.
    pub last_event: String,
    /// When the latest job last changed.
    pub last_at: Moment,
    /// Jobs in the run.
    pub jobs: usize,
    /// Attempts beyond the first, over the run.
    pub retries: u32,
    /// Reason code of the deciding job, if any.
    pub rule: Option<String>,
    /// Why the run shows what it shows, in words.
    pub reason: String,
}

/// One failed job, with what an operator needs to retry it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedView {
    /// The job.
    pub job_id: i64,
    /// The account's name, or "contact 4711".
    pub name: String,
    /// The job's event.
    pub event: String,
    /// When it failed.
    pub failed_at: Moment,
    /// Attempts used.
    pub attempts: u32,
    /// Reason code of the failure.
    pub rule: Option<String>,
    /// Why it failed.
    pub reason: Option<String>,
    /// The error of its last attempt.
    pub last_error: Option<String>,
}

/// A job with everything behind it: the job page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobView {
    /// Job number.
    pub id: i64,
    /// The account's name, or "contact 4711".
    pub name: String,
    /// Tenant.
    pub tenant: String,
    /// "contact" or "person".
    pub entity: String,
    /// The record's id.
    pub entity_id: i64,
    /// Event that made the job.
    pub event: String,
    /// Changed fields of all its deliveries.
    pub changes: Vec<String>,
    /// Its status.
    pub status: &'static str,
    /// Reason code of a skip or failure.
    pub rule: Option<String>,
    /// Reason of a skip or failure.
    pub reason: Option<String>,
    /// Error of the latest failed attempt.
    pub last_error: Option<String>,
    /// Attempts counted.
    pub attempts: u32,
    /// Times its lease ran out.
    pub lease_losses: u32,
    /// SuperOffice requests over all attempts.
    pub api_calls: u32,
    /// Worker holding it, while processing.
    pub lease_holder: Option<String>,
    /// When it was made.
    pub created: Moment,
    /// When it is (or was) due.
    pub run_at: Moment,
    /// When it finished.
    pub finished: Option<Moment>,
    /// Its deliveries, oldest first.
    pub deliveries: Vec<DeliveryView>,
    /// Its attempts, oldest first.
    pub attempt_list: Vec<AttemptView>,
    /// What it wrote back, if it completed.
    pub result: Option<ResultView>,
    /// Whether an operator may retry it (it failed).
    pub can_retry: bool,
}

/// One delivery of a job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeliveryView {
    /// SuperOffice's EventId.
    pub event_id: String,
    /// When it came.
    pub received: Moment,
    /// Its event.
    pub event: String,
    /// queued, joined, skipped or ignored.
    pub decision: String,
    /// Reason code of a skip.
    pub rule: Option<String>,
    /// Why it was skipped or ignored.
    pub reason: Option<String>,
    /// Changed fields it named.
    pub changes: Vec<String>,
    /// Who changed the record in SuperOffice.
    pub changed_by: Option<i64>,
    /// The raw body as received.
    pub payload: String,
}

/// One attempt of a job.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttemptView {
    /// Its number.
    pub attempt: u32,
    /// The worker.
    pub holder: String,
    /// When it was claimed.
    pub started: Moment,
    /// How long it took, while it is not running.
    pub took: Option<String>,
    /// How it ended; `None` while running.
    pub outcome: Option<String>,
    /// Its error.
    pub error: Option<String>,
    /// SuperOffice requests it made.
    pub api_calls: u32,
}

/// What a completed job wrote, beside what the fields held before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultView {
    /// Each field written.
    pub changes: Vec<FieldChange>,
    /// Fields that already held the wanted value.
    pub unchanged: Vec<String>,
    /// Facts about the analysis, as `(name, value)` pairs.
    pub analysis: Vec<(String, String)>,
    /// The whole result, pretty-printed.
    pub raw: String,
}

/// One written field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// The field (a UDF prog id such as `SuperOffice:3`, or its label).
    pub field: String,
    /// What it held before.
    pub before: String,
    /// What was written.
    pub after: String,
}

impl RunView {
    /// The line for `run`.
    pub fn from_run(run: &Run) -> Self {
        let head = run.head();
        let company = run.name.as_ref().and_then(|n| n.company_name.as_deref());
        let owner = run
            .name
            .as_ref()
            .and_then(|n| n.owner_short_name.as_deref());
        let company = company.or(head.company_name.as_deref());
        let owner = owner.or(head.owner_short_name.as_deref());

        RunView {
            job_id: head.id,
            deciding_job_id: run.deciding.id,
            entity: head.entity.clone(),
            entity_id: head.entity_id,
            name: account_name(&head.entity, head.entity_id, company, owner),
            resolved: company.is_some(),
            status: run.status.as_str(),
            last_event: head.event.clone(),
            last_at: Moment::from_ms(head.updated_at),
            jobs: run.jobs.len(),
            retries: run.retries(),
            rule: run.deciding.rule.clone(),
            reason: run_reason(run),
        }
    }
}

/// Why the run shows its status, in a few words.
fn run_reason(run: &Run) -> String {
    let job = &run.deciding;
    let echoes = run
        .jobs
        .iter()
        .filter(|other| other.status == JobStatus::Skipped && other.created_at > job.created_at)
        .count();
    match job.status {
        JobStatus::Completed => {
            let written = written_fields(job);
            let summary = match written {
                Some(0) => "nothing to change".to_owned(),
                Some(1) => "wrote 1 field".to_owned(),
                Some(n) => format!("wrote {n} fields"),
                None => "completed".to_owned(),
            };
            match echoes {
                0 => summary,
                1 => format!("{summary}; 1 echo skipped since"),
                n => format!("{summary}; {n} echoes skipped since"),
            }
        }
        JobStatus::Processing => {
            let holder = job.lease_holder.as_deref().unwrap_or("a worker");
            format!("held by {holder}")
        }
        JobStatus::Pending => job
            .last_error
            .clone()
            .or_else(|| job.reason.clone())
            .unwrap_or_else(|| "waiting for a worker".to_owned()),
        JobStatus::Skipped | JobStatus::Failed => job.reason.clone().unwrap_or_default(),
    }
}

/// How many fields a completed job wrote, from its result.
fn written_fields(job: &JobRecord) -> Option<usize> {
    let changes = job.result.as_ref()?.get("changes")?.as_array()?;
    Some(changes.len())
}

impl FailedView {
    /// The line for a failed `job`.
    pub fn from_job(job: &JobRecord) -> Self {
        FailedView {
            job_id: job.id,
            name: job_name(job),
            event: job.event.clone(),
            failed_at: Moment::from_ms(job.finished_at.unwrap_or(job.updated_at)),
            attempts: job.attempts,
            rule: job.rule.clone(),
            reason: job.reason.clone(),
            last_error: job.last_error.clone(),
        }
    }
}

/// A job's account name from its own columns.
fn job_name(job: &JobRecord) -> String {
    account_name(
        &job.entity,
        job.entity_id,
        job.company_name.as_deref(),
        job.owner_short_name.as_deref(),
    )
}

impl JobView {
    /// The page of `detail`; `name` is the account's name when the job
    /// itself never learned it.
    pub fn from_detail(detail: &JobDetail, name: Option<String>) -> Self {
        let job = &detail.job;
        let own_name = job.company_name.is_some().then(|| job_name(job));
        JobView {
            id: job.id,
            name: own_name.or(name).unwrap_or_else(|| job_name(job)),
            tenant: job.tenant.clone(),
            entity: job.entity.clone(),
            entity_id: job.entity_id,
            event: job.event.clone(),
            changes: job.changes.clone(),
            status: job.status.as_str(),
            rule: job.rule.clone(),
            reason: job.reason.clone(),
            last_error: job.last_error.clone(),
            attempts: job.attempts,
            lease_losses: job.lease_losses,
            api_calls: job.api_calls,
            lease_holder: job.lease_holder.clone(),
            created: Moment::from_ms(job.created_at),
            run_at: Moment::from_ms(job.run_at),
            finished: job.finished_at.map(Moment::from_ms),
            deliveries: detail.deliveries.iter().map(DeliveryView::from).collect(),
            attempt_list: detail.attempts.iter().map(AttemptView::from).collect(),
            result: job.result.as_ref().map(ResultView::from_json),
            can_retry: job.status == JobStatus::Failed,
        }
    }
}

impl From<&DeliveryRecord> for DeliveryView {
    fn from(delivery: &DeliveryRecord) -> Self {
        DeliveryView {
            event_id: delivery.event_id.clone(),
            received: Moment::from_ms(delivery.received_at),
            event: delivery.event.clone(),
            decision: delivery.decision.clone(),
            rule: delivery.rule.clone(),
            reason: delivery.reason.clone(),
            changes: serde_json::from_str(&delivery.changes).unwrap_or_default(),
            changed_by: delivery.changed_by,
            payload: delivery.payload.clone(),
        }
    }
}

impl From<&AttemptRecord> for AttemptView {
    fn from(attempt: &AttemptRecord) -> Self {
        AttemptView {
            attempt: attempt.attempt,
            holder: attempt.holder.clone(),
            started: Moment::from_ms(attempt.started_at),
            took: attempt
                .finished_at
                .map(|finished| duration_ms(finished - attempt.started_at)),
            outcome: attempt.outcome.clone(),
            error: attempt.error.clone(),
            api_calls: attempt.api_calls,
        }
    }
}

impl ResultView {
    /// Reads the worker's result object: `changes` (`field`, `before`,
    /// `after`, optionally `label`), `unchanged`, `analysis`. Unknown keys
    /// are kept in `raw` only.
    pub fn from_json(result: &serde_json::Value) -> Self {
        let text = |value: Option<&serde_json::Value>| match value {
            Some(serde_json::Value::String(text)) => text.clone(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let changes = result
            .get("changes")
            .and_then(|changes| changes.as_array())
            .map(|changes| {
                changes
                    .iter()
                    .map(|change| FieldChange {
                        field: text(change.get("label").or_else(|| change.get("field"))),
                        before: text(change.get("before")),
                        after: text(change.get("after")),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let unchanged = result
            .get("unchanged")
            .and_then(|fields| fields.as_array())
            .map(|fields| fields.iter().map(|field| text(Some(field))).collect())
            .unwrap_or_default();
        let analysis = result
            .get("analysis")
            .and_then(|analysis| analysis.as_object())
            .map(|analysis| {
                analysis
                    .iter()
                    .map(|(key, value)| (key.replace('_', " "), text(Some(value))))
                    .collect()
            })
            .unwrap_or_default();

        ResultView {
            changes,
            unchanged,
            analysis,
            raw: serde_json::to_string_pretty(result).unwrap_or_default(),
        }
    }
}
