//! Removing old finished jobs, with their deliveries and attempts.
//!
//! The file grows by a job row and a delivery row (with its raw payload)
//! for every webhook. Finished jobs are worth keeping for a while (the
//! dashboard, `soctl queue show`, replays), not forever. Two ways to prune:
//!
//! - by hand, `soctl queue purge --status completed --older-than 30d`
//!   ([`Store::purge_finished`]);
//! - on a schedule, [`Store::apply_retention`] with a [`RetentionPolicy`]
//!   read from the `retention` settings section, which the worker can call
//!   every hour or so.
//!
//! A job is old when it *finished* before the cutoff. Pending and processing
//! jobs are never removed. Deletes run in batches of [`PURGE_BATCH`] jobs, one
//! short transaction each, so the ingest and the workers never wait long
//! for the write lock.

use serde::{Deserialize, Serialize};

use crate::error::StoreError;
use crate::model::JobStatus;
use crate::store::Store;

/// Jobs removed per transaction.
pub const PURGE_BATCH: i64 = 500;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// One purge batch: deliveries and attempts first (they point at the jobs),
/// then the jobs. Each statement's subquery picks the same jobs, since
/// nothing else writes while the batch's transaction holds the write lock.
const PURGE_STATEMENTS: [&str; 3] = [
    "DELETE FROM deliveries WHERE job_id IN (
         SELECT id FROM jobs WHERE status = ?1 AND finished_at < ?2
         ORDER BY finished_at, id LIMIT ?3)",
    "DELETE FROM job_attempts WHERE job_id IN (
         SELECT id FROM jobs WHERE status = ?1 AND finished_at < ?2
         ORDER BY finished_at, id LIMIT ?3)",
    "DELETE FROM jobs WHERE id IN (
         SELECT id FROM jobs WHERE status = ?1 AND finished_at < ?2
         ORDER BY finished_at, id LIMIT ?3)",
];

/// How long finished jobs are kept, per status, in days. `None` (or an
/// empty setting) keeps them forever. Read from the `retention` section:
/// `SO__RETENTION__COMPLETED_DAYS=30`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionPolicy {
    /// Completed jobs (default 30 days).
    pub completed_days: Option<u32>,
    /// Skipped jobs: echoes, irrelevant changes, other owners' accounts
    /// (default 14 days; they are the bulk of the file).
    pub skipped_days: Option<u32>,
    /// Failed jobs (default: kept until an operator retries or purges
    /// them, since each one is a case to look at).
    pub failed_days: Option<u32>,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self {
            completed_days: Some(30),
            skipped_days: Some(14),
            failed_days: None,
        }
    }
}

impl RetentionPolicy {
    /// The kept days for one finished status; `None` for keep forever and
    /// for the unfinished statuses.
    pub fn days(&self, status: JobStatus) -> Option<u32> {
        match status {
            JobStatus::Completed => self.completed_days,
            JobStatus::Skipped => self.skipped_days,
            JobStatus::Failed => self.failed_days,
            JobStatus::Pending | JobStatus::Processing => None,
        }
    }
}

/// What a purge removed (or, in a dry run, would remove).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// Jobs.
    pub jobs: u64,
    /// Deliveries that made or joined those jobs.
    pub deliveries: u64,
    /// Attempts at those jobs.
    pub attempts: u64,
}

impl PurgeReport {
    fn add(&mut self, other: PurgeReport) {
        self.jobs += other.jobs;
        self.deliveries += other.deliveries;
        self.attempts += other.attempts;
    }
}

impl Store {
    /// Removes the jobs in `status` that finished before `before_ms`, with
    /// their deliveries and attempts; with `dry_run`, only counts them.
    /// Pending and processing jobs are refused with an empty report.
    pub async fn purge_finished(
        &self,
        status: JobStatus,
        before_ms: i64,
        dry_run: bool,
    ) -> Result<PurgeReport, StoreError> {
        if matches!(status, JobStatus::Pending | JobStatus::Processing) {
            return Ok(PurgeReport::default());
        }
        if dry_run {
            return self.count_purgeable(status, before_ms).await;
        }

        let mut total = PurgeReport::default();
        loop {
            let batch = self.purge_batch(status, before_ms).await?;
            total.add(batch);
            if batch.jobs < PURGE_BATCH as u64 {
                break;
            }
        }
        if total.jobs > 0 {
            tracing::info!(status = %status, jobs = total.jobs, "old jobs purged");
        }
        Ok(total)
    }

    /// Applies `policy` at `now_ms`: purges each finished status older than
    /// its kept days. Meant to be called on a schedule (the worker).
    pub async fn apply_retention(
        &self,
        policy: &RetentionPolicy,
        now_ms: i64,
    ) -> Result<PurgeReport, StoreError> {
        let mut total = PurgeReport::default();
        for status in [JobStatus::Completed, JobStatus::Skipped, JobStatus::Failed] {
            if let Some(days) = policy.days(status) {
                let cutoff = now_ms.saturating_sub(i64::from(days) * DAY_MS);
                total.add(self.purge_finished(status, cutoff, false).await?);
            }
        }
        Ok(total)
    }

    async fn count_purgeable(
        &self,
        status: JobStatus,
        before_ms: i64,
    ) -> Result<PurgeReport, StoreError> {
        let (jobs, deliveries, attempts): (i64, i64, i64) = sqlx::query_as(
            "WITH old AS (SELECT id FROM jobs WHERE status = ?1 AND finished_at < ?2)
             SELECT (SELECT count(*) FROM old),
                    (SELECT count(*) FROM deliveries WHERE job_id IN (SELECT id FROM old)),
                    (SELECT count(*) FROM job_attempts WHERE job_id IN (SELECT id FROM old))",
        )
        .bind(status.as_str())
        .bind(before_ms)
        .fetch_one(&self.reader)
        .await?;
        Ok(PurgeReport {
            jobs: jobs as u64,
            deliveries: deliveries as u64,
            attempts: attempts as u64,
        })
    }

    /// One transaction: the oldest [`PURGE_BATCH`] matching jobs and what
    /// hangs off them (deliveries and attempts first, for the foreign keys).
    async fn purge_batch(
        &self,
        status: JobStatus,
        before_ms: i64,
    ) -> Result<PurgeReport, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut removed = [0u64; 3];
        for (count, sql) in removed.iter_mut().zip(PURGE_STATEMENTS) {
            *count = sqlx::query(sql)
                .bind(status.as_str())
                .bind(before_ms)
                .bind(PURGE_BATCH)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        let [deliveries, attempts, jobs] = removed;
        tx.commit().await?;

        Ok(PurgeReport {
            jobs,
            deliveries,
            attempts,
        })
    }
}
