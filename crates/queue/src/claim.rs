//! Handing the next due job to a worker under a lease.

use std::sync::LazyLock;
use std::time::Duration;

use sqlx::SqliteConnection;

use crate::error::StoreError;
use crate::model::{ClaimedJob, Lease};
use crate::records::{JobRecord, JobRow, JOB_COLUMNS};
use crate::store::Store;

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

/// Which job the claim takes. First choice is a processing job
/// whose lease ran out (its worker died or hung), else the pending job due
/// earliest. Either way no other job of the same record may be processing
/// under a live lease, so two workers never work on one record at once.
/// Each subquery walks a partial index in due order and stops at the first
/// fit, so the claim costs the same with a backlog of a thousand jobs or of
/// a million. `INDEXED BY` pins those indexes: without statistics SQLite
/// may pick the (status, ...) index instead and sort every pending job.
const CLAIM_CANDIDATE: &str = "
    coalesce(
        (SELECT j.id FROM jobs j INDEXED BY jobs_processing_lease
          WHERE j.status = 'processing' AND j.lease_expires_at <= ?2
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

/// The claim itself: takes the candidate, counts the attempt, and issues a
/// fresh random lease token that every finishing call must present. In SET,
/// column names read the row as it was before the update, so
/// `status = 'processing'` counts the takeover of an expired lease.
static CLAIM: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE jobs SET
             status = 'processing',
             lease_holder = ?1,
             lease_token = lower(hex(randomblob(16))),
             lease_expires_at = ?2 + ?3,
             attempts = attempts + 1,
             lease_losses = lease_losses + (status = 'processing'),
             started_at = ?2, updated_at = ?2
         WHERE id = {CLAIM_CANDIDATE}
         RETURNING lease_token, {JOB_COLUMNS}"
    )
});

/// Closes the attempt that was running when the lease ran out.
const CLOSE_LOST_ATTEMPT: &str = "
    UPDATE job_attempts SET finished_at = ?2, outcome = 'lease_lost', error = 'lease expired'
    WHERE job_id = ?1 AND finished_at IS NULL";

const INSERT_ATTEMPT: &str = "
    INSERT INTO job_attempts (job_id, attempt, holder, started_at) VALUES (?1, ?2, ?3, ?4)";

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
        let mut tx = self.begin_write().await?;
        reap_lost_leases(&mut tx, self.max_attempts, now_ms).await?;

        let claimed: Option<(String, JobRow)> = sqlx::query_as::<_, ClaimRow>(&CLAIM)
            .bind(holder)
            .bind(now_ms)
            .bind(crate::millis(lease))
            .fetch_optional(&mut *tx)
            .await?
            .map(|row| (row.lease_token, row.job));

        let Some((token, row)) = claimed else {
            tx.commit().await?;
            return Ok(None);
        };
        let job = JobRecord::try_from(row)?;

        // Bookkeeping for the dashboard's attempt list.
        sqlx::query(CLOSE_LOST_ATTEMPT)
            .bind(job.id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        sqlx::query(INSERT_ATTEMPT)
            .bind(job.id)
            .bind(job.attempts)
            .bind(holder)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;

        tracing::debug!(
            job_id = job.id,
            attempt = job.attempts,
            holder,
            "job claimed"
        );
        Ok(Some(ClaimedJob {
            lease: Lease {
                job_id: job.id,
                token,
            },
            job,
        }))
    }

    /// SQLite's plan for the statements of a claim (the reap, then the claim
    /// itself), one line per step, for `soctl` and tests: every step on
    /// `jobs` should be a `SEARCH`, never a `SCAN`.
    pub async fn claim_query_plan(&self) -> Result<Vec<String>, StoreError> {
        let now = crate::now_ms();
        let reap = format!("EXPLAIN QUERY PLAN {REAP_LOST_LEASES}");
        let claim = format!("EXPLAIN QUERY PLAN {}", *CLAIM);
        let mut rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&reap)
            .bind(now)
            .bind(self.max_attempts)
            .fetch_all(&self.reader)
            .await?;
        rows.extend(
            sqlx::query_as(&claim)
                .bind("plan")
                .bind(now)
                .bind(0_i64)
                .fetch_all(&self.reader)
                .await?,
        );
        Ok(rows.into_iter().map(|(_, _, _, detail)| detail).collect())
    }
}

/// Fails the jobs whose last allowed attempt lost its lease, and closes
/// those attempts.
async fn reap_lost_leases(
    conn: &mut SqliteConnection,
    max_attempts: u32,
    now_ms: i64,
) -> Result<(), StoreError> {
    let reaped: Vec<i64> = sqlx::query_scalar(REAP_LOST_LEASES)
        .bind(now_ms)
        .bind(max_attempts)
        .fetch_all(&mut *conn)
        .await?;

    for job_id in reaped {
        sqlx::query(CLOSE_LOST_ATTEMPT)
            .bind(job_id)
            .bind(now_ms)
            .execute(&mut *conn)
            .await?;
        tracing::warn!(
            job_id,
            max_attempts,
            "job failed: worker lost its lease on every attempt"
        );
    }
    Ok(())
}

/// The claim's RETURNING row: the fresh token, then the job.
#[derive(sqlx::FromRow)]
struct ClaimRow {
    lease_token: String,
    #[sqlx(flatten)]
    job: JobRow,
}
