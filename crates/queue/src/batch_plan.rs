//! Planning a batch of deliveries in memory, so that the database sees a
//! few set-based statements per batch instead of several per delivery.
//!
//! A first read, under the batch's write lock, tells which event ids are
//! stored already, which records have a pending job, and the largest ids
//! of both tables. From that, this module decides everything the batch will
//! write, with the same rules as recording the deliveries one by one: the
//! id of every new delivery and job, the skipped jobs, one row per record
//! that makes its pending job or joins the one it has (the batch's
//! deliveries for the record merged), and the answer for each delivery.
//! `deliveries.rs` holds the statements.

use std::collections::HashMap;

use crate::model::{Disposition, NewDelivery, Recorded};
use crate::padded::{BindRow, Bound};

/// What the batch's first read found, all under the write lock.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// The largest delivery id; new deliveries are numbered after it.
    pub(crate) max_delivery_id: i64,
    /// The largest job id; new jobs are numbered after it.
    pub(crate) max_job_id: i64,
    /// Deliveries stored by earlier batches, by event id.
    pub(crate) stored: HashMap<String, i64>,
    /// Pending jobs of the batch's records, by (tenant, entity, entity id).
    pub(crate) pending: HashMap<(String, String, i64), i64>,
}

/// A new delivery, in the column order of the insert statement.
#[derive(Debug)]
pub(crate) struct DeliveryRow<'a> {
    id: i64,
    event_id: &'a str,
    received_at: i64,
    tenant: &'a str,
    event: &'a str,
    entity: &'a str,
    entity_id: i64,
    changed_by: Option<i64>,
    /// JSON array of each changed column once, first mention first.
    changes: String,
    payload: &'a str,
    decision: &'static str,
    rule: Option<&'a str>,
    reason: Option<&'a str>,
    job_id: Option<i64>,
}

/// A job row for the jobs statement: a skipped job, or the batch's
/// deliveries for one record merged into one pending row, which makes that
/// record's pending job or joins it. In the statement's column order.
#[derive(Debug)]
pub(crate) struct JobRow<'a> {
    /// A new job's id, or the id of the pending job the row joins.
    id: i64,
    tenant: &'a str,
    entity: &'a str,
    entity_id: i64,
    /// The first delivery's event, or the last creation event among them:
    /// a creation wins, as it does when deliveries join one by one.
    event: &'a str,
    /// The distinct union of the deliveries' changes, in order.
    changes: Vec<&'a str>,
    /// Deliveries merged into this row.
    count: u32,
    status: &'static str,
    rule: Option<&'a str>,
    reason: Option<&'a str>,
    /// The first delivery's receipt: creation and due time of a new job.
    first_at: i64,
    /// The latest receipt among the deliveries: the job's `updated_at`.
    last_at: i64,
    /// Set for a skipped job, which is finished from the start.
    finished_at: Option<i64>,
}

/// Everything a batch writes, and the answers.
#[derive(Debug, Default)]
pub(crate) struct BatchPlan<'a> {
    /// The new deliveries, each with its job and decision.
    pub(crate) deliveries: Vec<DeliveryRow<'a>>,
    /// New skipped jobs, and one row per record with new deliveries.
    pub(crate) jobs: Vec<JobRow<'a>>,
    /// One per delivery, in the batch's order.
    pub(crate) answers: Vec<Recorded>,
}

impl<'a> BatchPlan<'a> {
    /// Plans `batch` on what the first read `found`.
    pub(crate) fn new(batch: &'a [NewDelivery], found: &Found) -> Self {
        let mut planner = Planner {
            found,
            plan: BatchPlan::default(),
            last_delivery_id: found.max_delivery_id,
            last_job_id: found.max_job_id,
            new_events: HashMap::new(),
            record_rows: HashMap::new(),
        };
        for delivery in batch {
            planner.add(delivery);
        }
        planner.plan
    }
}

/// The state of planning, delivery after delivery.
struct Planner<'a, 'f> {
    found: &'f Found,
    plan: BatchPlan<'a>,
    /// The last delivery id handed out.
    last_delivery_id: i64,
    /// The last job id handed out.
    last_job_id: i64,
    /// Event ids this batch stores, with their delivery ids.
    new_events: HashMap<&'a str, i64>,
    /// Where each record's row is in `plan.jobs`.
    record_rows: HashMap<(&'a str, &'a str, i64), usize>,
}

impl<'a> Planner<'a, '_> {
    fn add(&mut self, delivery: &'a NewDelivery) {
        // A repeated event id is stored once: the first time it came.
        let event_id = delivery.event_id.as_str();
        let stored = self.found.stored.get(event_id);
        if let Some(&delivery_id) = stored.or(self.new_events.get(event_id)) {
            self.plan.answers.push(Recorded::Duplicate { delivery_id });
            return;
        }
        self.last_delivery_id += 1;
        let delivery_id = self.last_delivery_id;
        self.new_events.insert(event_id, delivery_id);

        let answer = match &delivery.disposition {
            Disposition::Ignore { .. } => Recorded::Ignored { delivery_id },
            Disposition::Skip { rule, reason } => self.skip(delivery, rule, reason),
            Disposition::Enqueue => self.enqueue(delivery),
        };
        self.plan.answers.push(answer);
        self.plan
            .deliveries
            .push(DeliveryRow::new(delivery_id, delivery, answer));
    }

    /// A new skipped job for the delivery.
    fn skip(&mut self, delivery: &'a NewDelivery, rule: &'a str, reason: &'a str) -> Recorded {
        self.last_job_id += 1;
        let job_id = self.last_job_id;
        self.plan
            .jobs
            .push(skipped_job(job_id, delivery, rule, reason));
        Recorded::Skipped { job_id }
    }

    /// Merges the delivery into its record's row: the batch's first
    /// delivery for a record makes the row, which makes a new pending job
    /// (`Queued`) unless the record has one (`Joined`); later ones join.
    fn enqueue(&mut self, delivery: &'a NewDelivery) -> Recorded {
        let key = record_of(delivery);
        if let Some(&row) = self.record_rows.get(&key) {
            merge_into(&mut self.plan.jobs[row], delivery);
            return Recorded::Joined {
                job_id: self.plan.jobs[row].id,
            };
        }

        let owned_key = (key.0.to_owned(), key.1.to_owned(), key.2);
        let answer = match self.found.pending.get(&owned_key) {
            Some(&job_id) => Recorded::Joined { job_id },
            None => {
                self.last_job_id += 1;
                Recorded::Queued {
                    job_id: self.last_job_id,
                }
            }
        };
        let job_id = answer.job_id().expect("queued and joined name a job");
        self.record_rows.insert(key, self.plan.jobs.len());
        self.plan.jobs.push(pending_job(job_id, delivery));
        answer
    }
}

impl<'a> DeliveryRow<'a> {
    fn new(id: i64, delivery: &'a NewDelivery, answer: Recorded) -> Self {
        let decision = match answer {
            Recorded::Queued { .. } => "queued",
            Recorded::Joined { .. } => "joined",
            Recorded::Skipped { .. } => "skipped",
            Recorded::Ignored { .. } | Recorded::Duplicate { .. } => "ignored",
        };
        let (rule, reason) = match &delivery.disposition {
            Disposition::Enqueue => (None, None),
            Disposition::Skip { rule, reason } => (Some(rule.as_str()), Some(reason.as_str())),
            Disposition::Ignore { reason } => (None, Some(reason.as_str())),
        };
        DeliveryRow {
            id,
            event_id: &delivery.event_id,
            received_at: delivery.received_at,
            tenant: &delivery.tenant,
            event: &delivery.event,
            entity: &delivery.entity,
            entity_id: delivery.entity_id,
            changed_by: delivery.changed_by,
            changes: json_array(&distinct(&delivery.changes)),
            payload: &delivery.payload,
            decision,
            rule,
            reason,
            job_id: answer.job_id(),
        }
    }
}

/// The record a delivery is about: the key of "one pending job per record".
pub(crate) fn record_of(delivery: &NewDelivery) -> (&str, &str, i64) {
    (&delivery.tenant, &delivery.entity, delivery.entity_id)
}

fn skipped_job<'a>(
    id: i64,
    delivery: &'a NewDelivery,
    rule: &'a str,
    reason: &'a str,
) -> JobRow<'a> {
    JobRow {
        status: "skipped",
        rule: Some(rule),
        reason: Some(reason),
        finished_at: Some(delivery.received_at),
        ..pending_job(id, delivery)
    }
}

fn pending_job(id: i64, delivery: &NewDelivery) -> JobRow<'_> {
    JobRow {
        id,
        tenant: &delivery.tenant,
        entity: &delivery.entity,
        entity_id: delivery.entity_id,
        event: &delivery.event,
        changes: distinct(&delivery.changes),
        count: 1,
        status: "pending",
        rule: None,
        reason: None,
        first_at: delivery.received_at,
        last_at: delivery.received_at,
        finished_at: None,
    }
}

/// Merges a later delivery for the same record into its pending row.
fn merge_into<'a>(row: &mut JobRow<'a>, delivery: &'a NewDelivery) {
    for change in &delivery.changes {
        if !row.changes.contains(&change.as_str()) {
            row.changes.push(change);
        }
    }
    if is_creation(&delivery.event) {
        row.event = &delivery.event;
    }
    row.count += 1;
    row.last_at = row.last_at.max(delivery.received_at);
}

/// Whether an event creates its record, as SQL's `event LIKE '%.created'`
/// (which ignores ASCII case) decides when a row joins a stored job.
fn is_creation(event: &str) -> bool {
    const SUFFIX: &[u8] = b".created";
    let event = event.as_bytes();
    event.len() >= SUFFIX.len() && event[event.len() - SUFFIX.len()..].eq_ignore_ascii_case(SUFFIX)
}

/// Each name once, first mention first.
fn distinct(changes: &[String]) -> Vec<&str> {
    let mut distinct: Vec<&str> = Vec::with_capacity(changes.len());
    for change in changes {
        if !distinct.contains(&change.as_str()) {
            distinct.push(change);
        }
    }
    distinct
}

/// A list of names as a JSON array text.
fn json_array(names: &[&str]) -> String {
    serde_json::to_string(names).expect("a list of strings serialises")
}

impl BindRow for DeliveryRow<'_> {
    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.id)
            .bind(self.event_id)
            .bind(self.received_at)
            .bind(self.tenant)
            .bind(self.event)
            .bind(self.entity)
            .bind(self.entity_id)
            .bind(self.changed_by)
            .bind(self.changes.as_str())
            .bind(self.payload)
            .bind(self.decision)
            .bind(self.rule)
            .bind(self.reason)
            .bind(self.job_id)
    }
}

impl BindRow for JobRow<'_> {
    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q> {
        query
            .bind(self.id)
            .bind(self.tenant)
            .bind(self.entity)
            .bind(self.entity_id)
            .bind(self.event)
            .bind(json_array(&self.changes))
            .bind(self.count)
            .bind(self.status)
            .bind(self.rule)
            .bind(self.reason)
            .bind(self.first_at)
            .bind(self.first_at)
            .bind(self.last_at)
            .bind(self.finished_at)
    }
}
