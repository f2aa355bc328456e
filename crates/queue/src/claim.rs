//! Handing the next due jobs to a worker under a lease.
//!
//! A claim is one UPDATE, committed on its own: it picks the job, takes it
//! and returns it, and a trigger (`migrations/0005_attempt_triggers.sql`)
//! opens the attempt row in the same statement. SQLite takes the write
//! lock when a writing statement starts, before it reads anything, so a
//! single statement needs no `BEGIN IMMEDIATE` to be safe between
//! processes.
//!
//! A job whose lease ran out after its last allowed attempt is never handed
//! out again (poison pill). The claim skips it and says whether such a job
//! exists; only then does a second statement fail it (the reap), so the
//! common claim costs one statement.

use std::sync::LazyLock;
use std::time::Duration;

use sqlx::{Connection, SqliteConnection};

use crate::error::StoreError;
use crate::model::{ClaimedJob, Lease};
use crate::records::{JobRecord, JobRow, JOB_COLUMNS};
use crate::store::Store;

/// Which job a claim takes (`?2` is now, `?4` the attempt limit). First
/// choice is a processing job whose lease ran out (its worker died or
/// hung) with attempts left, else the pending job due earliest. Either way
/// no other job of the same record may be processing under a live lease,
/// so two workers never work on one record at once. Each subquery walks a
/// partial index in due order and stops at the first fit, so the claim
/// costs the same with a backlog of a thousand jobs or of a million.
/// `INDEXED BY` pins those indexes: without statistics SQLite may pick the
/// (status, ...) index instead and sort every pending job.
const CLAIM_CANDIDATE: &str = "
    coalesce(
        (SELECT j.id FROM jobs j INDEXED BY jobs_processing_lease
          WHERE j.status = 'processing' AND j.lease_expires_at <= ?2 AND j.attempts < ?4
            AND NOT EXISTS (SELECT 1 FROM jobs p
                             WHERE p.tenant = j.tenant AND p.entity = j.entity
                               AND p.entity_id = j.entity_id
                               AND p.status = 'processing' AND p.lease_expires_at > ?2)
          ORDER BY j.lease_expires_at LIMIT 1),
        (SELECT j.id FROM jobs j INDEXED BY jobs_pending_due
          WHERE j.status = 'pending' AND j.run_at <= ?2
            AND NOT EXISTS (SELECT 1 FROM jobs p
                             WHERE p.tenant = j.tenant AND p.entity = j.entity
                               AND p.entity_id = j.entity_id
                               AND p.status = 'processing' AND p.lease_expires_at > ?2)
          ORDER BY j.run_at, j.id LIMIT 1))";

/// The claim's SET clause: takes the job, counts the attempt, and issues a
/// fresh random lease token that every finishing call must present. In
/// SET, column names read the row as it was before the update, so
/// `status = 'processing'` counts the takeover of an expired lease.
/// `?1` is the holder, `?2` now, `?3` the lease in milliseconds.
pub(crate) const CLAIM_SET: &str = "
    status = 'processing',
    lease_holder = ?1,
    lease_token = lower(hex(randomblob(16))),
    lease_expires_at = ?2 + ?3,
    attempts = attempts + 1,
    lease_losses = lease_losses + (status = 'processing'),
    started_at = ?2, updated_at = ?2";

/// Whether a job waits for the reap: a processing job whose lease ran out
/// (`?1` is now) at the attempt limit (`?2`). Reads the small index of
/// processing jobs.
const REAP_DUE: &str = "
    SELECT EXISTS (SELECT 1 FROM jobs INDEXED BY jobs_processing_lease
                    WHERE status = 'processing' AND lease_expires_at <= ?1
                      AND attempts >= ?2)";

/// What a claim returns for each job it took: the token, the job, and
/// whether a job waits for the reap (as [`REAP_DUE`], with now `?2` and the
/// attempt limit `?4`).
pub(crate) static CLAIM_RETURNING: LazyLock<String> = LazyLock::new(|| {
    format!(
        "RETURNING lease_token, {JOB_COLUMNS},
             EXISTS (SELECT 1 FROM jobs r INDEXED BY jobs_processing_lease
                      WHERE r.status = 'processing' AND r.lease_expires_at <= ?2
                        AND r.attempts >= ?4) AS reap_due"
    )
});

static CLAIM: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE jobs SET {CLAIM_SET} WHERE id = {CLAIM_CANDIDATE} {}",
        *CLAIM_RETURNING
    )
});

/// Closes the attempts of the jobs the reap is about to fail, as lost
/// leases (the attempt trigger would record them as plain failures).
const CLOSE_REAPED_ATTEMPTS: &str = "
    UPDATE job_attempts SET finished_at = ?1, outcome = 'lease_lost', error = 'lease expired'
    WHERE finished_at IS NULL AND job_id IN (
        SELECT id FROM jobs INDEXED BY jobs_processing_lease
        WHERE status = 'processing' AND lease_expires_at <= ?1 AND attempts >= ?2)";

/// Fails jobs whose lease ran out after their last allowed attempt, instead
/// of handing them out again: a job that kills or hangs its worker every
/// time must not cycle forever (poison pill). Reads the small index of
/// processing jobs by lease expiry.
const REAP_LOST_LEASES: &str = "
    UPDATE jobs INDEXED BY jobs_processing_lease SET
        status = 'failed',
        rule = 'lease_lost',
        reason = 'worker lost its lease ' || (lease_losses + 1) || ' times',
        lease_losses = lease_losses + 1,
        lease_holder = NULL, lease_token = NULL, lease_expires_at = NULL,
        finished_at = ?1, updated_at = ?1
    WHERE status = 'processing' AND lease_expires_at <= ?1 AND attempts >= ?2
    RETURNING id";

impl Store {
    /// Claims the next due job for `holder` (a free-text worker name, e.g.
    /// `host:pid:task`) for `lease`, or returns `None` when nothing is due.
    ///
    /// The claim counts an attempt. A job whose lease ran out becomes
    /// claimable again and its next claim counts another attempt, so a job
    /// that crashes its worker every time still reaches the attempt limit;
    /// at the limit it is failed (rule `lease_lost`) rather than handed out.
    ///
    /// The worker must finish the job before `lease_expires_at`, or extend
    /// the lease; otherwise another worker may take the job over and the
    /// first worker's finishing call fails with [`StoreError::LeaseLost`].
    pub async fn claim(
        &self,
        holder: &str,
        lease: Duration,
        now_ms: i64,
    ) -> Result<Option<ClaimedJob>, StoreError> {
        let row: Option<ClaimRow> = sqlx::query_as(&CLAIM)
            .bind(holder)
            .bind(now_ms)
            .bind(crate::millis(lease))
            .bind(self.max_attempts)
            .fetch_optional(&mut *self.writer.acquire().await?)
            .await?;

        let reap_due = match &row {
            Some(row) => row.reap_due,
            // Nothing claimed: the queue may hold nothing but jobs waiting
            // for the reap. Ask without taking the write lock.
            None => self.reap_due(now_ms).await?,
        };
        if reap_due {
            self.reap_lost_leases(now_ms).await?;
        }
        row.map(|row| row.into_claimed(holder)).transpose()
    }

    /// SQLite's plan for the statements of a claim (the claim itself and
    /// the reap), one line per step, for `soctl` and tests: every step on
    /// `jobs` should be a `SEARCH`, never a `SCAN`.
    pub async fn claim_query_plan(&self) -> Result<Vec<String>, StoreError> {
        let now = crate::now_ms();
        let claim = format!("EXPLAIN QUERY PLAN {}", *CLAIM);
        let reap = format!("EXPLAIN QUERY PLAN {REAP_LOST_LEASES}");
        let mut rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&claim)
            .bind("plan")
            .bind(now)
            .bind(0_i64)
            .bind(self.max_attempts)
            .fetch_all(&self.reader)
            .await?;
        rows.extend(
            sqlx::query_as(&reap)
                .bind(now)
                .bind(self.max_attempts)
                .fetch_all(&self.reader)
                .await?,
        );
        Ok(rows.into_iter().map(|(_, _, _, detail)| detail).collect())
    }

    /// Whether a job waits for the reap: a read, no write lock.
    pub(crate) async fn reap_due(&self, now_ms: i64) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(REAP_DUE)
            .bind(now_ms)
            .bind(self.max_attempts)
            .fetch_one(&self.reader)
            .await?)
    }

    /// Fails the jobs whose last allowed attempt lost its lease, and closes
    /// those attempts, in one transaction.
    pub(crate) async fn reap_lost_leases(&self, now_ms: i64) -> Result<(), StoreError> {
        let mut conn = self.writer.acquire().await?;
        let reaped = reap(&mut conn, self.max_attempts, now_ms).await?;

        for job_id in reaped {
            tracing::warn!(
                job_id,
                max_attempts = self.max_attempts,
                "job failed: worker lost its lease on every attempt"
            );
        }
        Ok(())
    }
}

async fn reap(
    conn: &mut SqliteConnection,
    max_attempts: u32,
    now_ms: i64,
) -> Result<Vec<i64>, StoreError> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(CLOSE_REAPED_ATTEMPTS)
        .bind(now_ms)
        .bind(max_attempts)
        .execute(&mut *tx)
        .await?;
    let reaped: Vec<i64> = sqlx::query_scalar(REAP_LOST_LEASES)
        .bind(now_ms)
        .bind(max_attempts)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(reaped)
}

/// A claim's RETURNING row: the fresh token, the job, and whether the reap
/// has work.
#[derive(sqlx::FromRow)]
pub(crate) struct ClaimRow {
    lease_token: String,
    #[sqlx(flatten)]
    job: JobRow,
    pub(crate) reap_due: bool,
}

impl ClaimRow {
    pub(crate) fn into_claimed(self, holder: &str) -> Result<ClaimedJob, StoreError> {
        let job = JobRecord::try_from(self.job)?;
        tracing::debug!(
            job_id = job.id,
            attempt = job.attempts,
            holder,
            "job claimed"
        );
        Ok(ClaimedJob {
            lease: Lease {
                job_id: job.id,
                token: self.lease_token,
            },
            job,
        })
    }
}
