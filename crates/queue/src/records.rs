//! Rows as the store reads them back: jobs, deliveries, attempts, and the
//! small views built from them.

use sqlx::FromRow;

use crate::error::StoreError;
use crate::model::JobStatus;

/// The job columns every query returns, in [`JobRow`]'s order. The lease
/// token is left out on purpose: only the claim hands it out.
pub(crate) const JOB_COLUMNS: &str = "id, tenant, entity, entity_id, event, changes, \
     delivery_count, status, rule, reason, run_at, lease_holder, lease_expires_at, attempts, \
     lease_losses, last_error, company_name, company_key, owner_id, owner_short_name, result, \
     api_calls, created_at, updated_at, started_at, finished_at";

/// One job, as stored. Field meanings are those of the `jobs` columns in
/// `migrations/0001_job_store.sql`.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    /// Job number.
    pub id: i64,
    /// Tenant (ContextIdentifier).
    pub tenant: String,
    /// "contact" or "person".
    pub entity: String,
    /// The record's id in SuperOffice.
    pub entity_id: i64,
    /// Event that made the job (a merged-in creation wins).
    pub event: String,
    /// Distinct changed column names of all merged deliveries.
    pub changes: Vec<String>,
    /// Deliveries merged into the job.
    pub delivery_count: u32,
    /// Where the job is.
    pub status: JobStatus,
    /// Reason code of a skip or failure.
    pub rule: Option<String>,
    /// Human-readable reason of a skip or failure.
    pub reason: Option<String>,
    /// When a pending job is due.
    pub run_at: i64,
    /// Worker holding the job while processing.
    pub lease_holder: Option<String>,
    /// When the current lease runs out.
    pub lease_expires_at: Option<i64>,
    /// Attempts counted against the limit.
    pub attempts: u32,
    /// Claims that found the previous lease expired.
    pub lease_losses: u32,
    /// Error of the latest failed attempt.
    pub last_error: Option<String>,
    /// Company name found by the worker.
    pub company_name: Option<String>,
    /// Normalised company name for the duplicate rule.
    pub company_key: Option<String>,
    /// Owner's associate id.
    pub owner_id: Option<i64>,
    /// Owner's short name.
    pub owner_short_name: Option<String>,
    /// What a completed job wrote back.
    pub result: Option<serde_json::Value>,
    /// SuperOffice requests over all attempts.
    pub api_calls: u32,
    /// When the job was made.
    pub created_at: i64,
    /// When the job last changed.
    pub updated_at: i64,
    /// When the latest attempt was claimed.
    pub started_at: Option<i64>,
    /// When the job was finished.
    pub finished_at: Option<i64>,
}

/// A job row as SQLite hands it over, before the JSON and status are parsed.
#[derive(Debug, FromRow)]
pub(crate) struct JobRow {
    id: i64,
    tenant: String,
    entity: String,
    entity_id: i64,
    event: String,
    changes: String,
    delivery_count: u32,
    status: String,
    rule: Option<String>,
    reason: Option<String>,
    run_at: i64,
    lease_holder: Option<String>,
    lease_expires_at: Option<i64>,
    attempts: u32,
    lease_losses: u32,
    last_error: Option<String>,
    company_name: Option<String>,
    company_key: Option<String>,
    owner_id: Option<i64>,
    owner_short_name: Option<String>,
    result: Option<String>,
    api_calls: u32,
    created_at: i64,
    updated_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

impl TryFrom<JobRow> for JobRecord {
    type Error = StoreError;

    fn try_from(row: JobRow) -> Result<Self, StoreError> {
        let result = row
            .result
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|source| StoreError::Corrupt {
                what: "jobs.result",
                source,
            })?;

        Ok(JobRecord {
            id: row.id,
            tenant: row.tenant,
            entity: row.entity,
            entity_id: row.entity_id,
            event: row.event,
            changes: parse_changes(&row.changes, "jobs.changes")?,
            delivery_count: row.delivery_count,
            status: parse_status(&row.status)?,
            rule: row.rule,
            reason: row.reason,
            run_at: row.run_at,
            lease_holder: row.lease_holder,
            lease_expires_at: row.lease_expires_at,
            attempts: row.attempts,
            lease_losses: row.lease_losses,
            last_error: row.last_error,
            company_name: row.company_name,
            company_key: row.company_key,
            owner_id: row.owner_id,
            owner_short_name: row.owner_short_name,
            result,
            api_calls: row.api_calls,
            created_at: row.created_at,
            updated_at: row.updated_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
        })
    }
}

/// One stored webhook delivery.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct DeliveryRecord {
    /// Row id.
    pub id: i64,
    /// SuperOffice's EventId.
    pub event_id: String,
    /// When the ingest received it.
    pub received_at: i64,
    /// Tenant from the payload.
    pub tenant: String,
    /// Event from the payload.
    pub event: String,
    /// Entity from the payload, as sent.
    pub entity: String,
    /// PrimaryKey from the payload.
    pub entity_id: i64,
    /// ChangedByAssociateId from the payload.
    pub changed_by: Option<i64>,
    /// Changes from the payload, as a JSON array text.
    pub changes: String,
    /// The raw body.
    pub payload: String,
    /// "queued", "joined", "skipped" or "ignored".
    pub decision: String,
    /// Reason code of a skip.
    pub rule: Option<String>,
    /// Human-readable reason of a skip or ignore.
    pub reason: Option<String>,
    /// The job it made or joined.
    pub job_id: Option<i64>,
}

/// One claim of a job and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct AttemptRecord {
    /// The job's attempt count after this claim.
    pub attempt: u32,
    /// The worker that claimed it.
    pub holder: String,
    /// When it was claimed.
    pub started_at: i64,
    /// When it ended; `None` while it runs.
    pub finished_at: Option<i64>,
    /// "completed", "skipped", "failed", "retry", "deferred", "released" or
    /// "lease_lost"; `None` while it runs.
    pub outcome: Option<String>,
    /// The error that ended it.
    pub error: Option<String>,
    /// SuperOffice requests spent in it.
    pub api_calls: u32,
}

/// A job with the deliveries behind it and its attempts, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct JobDetail {
    /// The job.
    pub job: JobRecord,
    /// Deliveries that made or joined it.
    pub deliveries: Vec<DeliveryRecord>,
    /// Its claims.
    pub attempts: Vec<AttemptRecord>,
}

/// Which jobs [`Store::list_jobs`](crate::Store::list_jobs) returns, newest
/// (highest id) first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFilter {
    /// Only this status.
    pub status: Option<JobStatus>,
    /// Only jobs whose company name or owner short name contains this text
    /// (any case), or whose entity id equals it.
    pub search: Option<String>,
    /// Only this entity ("contact" or "person").
    pub entity: Option<String>,
    /// At most this many jobs.
    pub limit: u32,
    /// Only jobs with a smaller id: the last id of the previous page.
    pub before_id: Option<i64>,
}

impl Default for JobFilter {
    fn default() -> Self {
        JobFilter {
            status: None,
            search: None,
            entity: None,
            limit: 50,
            before_id: None,
        }
    }
}

/// Number of jobs in each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts {
    /// Waiting jobs.
    pub pending: u64,
    /// Claimed jobs.
    pub processing: u64,
    /// Completed jobs.
    pub completed: u64,
    /// Skipped jobs.
    pub skipped: u64,
    /// Failed jobs.
    pub failed: u64,
}

impl StatusCounts {
    /// The count for one status.
    pub fn get(&self, status: JobStatus) -> u64 {
        match status {
            JobStatus::Pending => self.pending,
            JobStatus::Processing => self.processing,
            JobStatus::Completed => self.completed,
            JobStatus::Skipped => self.skipped,
            JobStatus::Failed => self.failed,
        }
    }

    pub(crate) fn slot(&mut self, status: JobStatus) -> &mut u64 {
        match status {
            JobStatus::Pending => &mut self.pending,
            JobStatus::Processing => &mut self.processing,
            JobStatus::Completed => &mut self.completed,
            JobStatus::Skipped => &mut self.skipped,
            JobStatus::Failed => &mut self.failed,
        }
    }
}

/// Another job for the same company, as the duplicate-creation rule sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompanyJob {
    /// The job.
    pub job_id: i64,
    /// Processing or completed.
    pub status: JobStatus,
    /// When it completed; `None` while processing.
    pub finished_at: Option<i64>,
}

/// The SQLite settings of the store's write connection, as SQLite reports
/// them (for `soctl` and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSettings {
    /// "wal".
    pub journal_mode: String,
    /// 2 is FULL, 1 NORMAL.
    pub synchronous: i64,
    /// Busy timeout in milliseconds.
    pub busy_timeout_ms: i64,
    /// Whether foreign keys are enforced.
    pub foreign_keys: bool,
}

/// Parses a stored JSON array of strings.
pub(crate) fn parse_changes(text: &str, what: &'static str) -> Result<Vec<String>, StoreError> {
    serde_json::from_str(text).map_err(|source| StoreError::Corrupt { what, source })
}

/// Parses a stored status word; the CHECK constraint keeps it one of five.
pub(crate) fn parse_status(text: &str) -> Result<JobStatus, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt {
        what: "jobs.status",
        source: serde::de::Error::custom(format!("unknown status {text:?}")),
    })
}
