//! Putting failed jobs back in the queue, by hand (`soctl queue retry`).
//!
//! A failed job is never retried automatically (the poison pill). When an
//! operator has fixed the cause (renewed the consent, corrected a setting),
//! the job goes back to pending with a fresh attempt count, due at once.
//!
//! The record may already have a pending job: a newer delivery arrived
//! after the failure. That job will fetch the record as it is now, which is
//! all a retry would do, so the failed job is left as it is and the pending
//! one is named instead. (Pending jobs are unique per record, see
//! `migrations/README.md`.)

use serde::Serialize;

use crate::error::StoreError;
use crate::store::Store;

/// What asking for a retry of one job did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RetryFailed {
    /// The job is pending again, with no attempts used.
    Requeued {
        /// The job.
        job_id: i64,
    },
    /// The record already has a pending job, which will do the work; the
    /// failed job was left alone.
    AlreadyPending {
        /// The failed job.
        job_id: i64,
        /// The record's pending job.
        pending_job_id: i64,
    },
    /// The job is not failed (it may have been retried already).
    NotFailed {
        /// The job.
        job_id: i64,
    },
    /// No job has this id.
    Unknown {
        /// The id asked for.
        job_id: i64,
    },
}

/// Back to pending: attempts, lease and finish cleared, the last error
/// kept for the record, the reason saying who put it back.
const REQUEUE_FAILED: &str = "
    UPDATE jobs SET
        status = 'pending', rule = NULL, reason = 'retried by an operator',
        run_at = ?2, attempts = 0, finished_at = NULL, updated_at = ?2
    WHERE id = ?1 AND status = 'failed'";

impl Store {
    /// Puts one failed job back to pending, due at `now_ms`. See the module
    /// documentation for the case of a record with a pending job.
    pub async fn retry_failed(&self, job_id: i64, now_ms: i64) -> Result<RetryFailed, StoreError> {
        let mut tx = self.begin_write().await?;
        let outcome = retry_one(&mut tx, job_id, now_ms).await?;
        tx.commit().await?;

        tracing::debug!(job_id, ?outcome, "failed job retry asked for");
        Ok(outcome)
    }

    /// Puts every failed job back to pending, those that failed at or after
    /// `since_ms` when given, oldest first, in one transaction.
    pub async fn retry_all_failed(
        &self,
        since_ms: Option<i64>,
        now_ms: i64,
    ) -> Result<Vec<RetryFailed>, StoreError> {
        let mut tx = self.begin_write().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM jobs
             WHERE status = 'failed' AND coalesce(finished_at, updated_at) >= ?1
             ORDER BY id",
        )
        .bind(since_ms.unwrap_or(i64::MIN))
        .fetch_all(&mut *tx)
        .await?;

        let mut outcomes = Vec::with_capacity(ids.len());
        for job_id in ids {
            outcomes.push(retry_one(&mut tx, job_id, now_ms).await?);
        }
        tx.commit().await?;
        Ok(outcomes)
    }
}

async fn retry_one(
    conn: &mut sqlx::SqliteConnection,
    job_id: i64,
    now_ms: i64,
) -> Result<RetryFailed, StoreError> {
    let job: Option<(String, String, String, i64)> =
        sqlx::query_as("SELECT status, tenant, entity, entity_id FROM jobs WHERE id = ?1")
            .bind(job_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((status, tenant, entity, entity_id)) = job else {
        return Ok(RetryFailed::Unknown { job_id });
    };
    if status != "failed" {
        return Ok(RetryFailed::NotFailed { job_id });
    }

    let pending: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM jobs
         WHERE tenant = ?1 AND entity = ?2 AND entity_id = ?3 AND status = 'pending'",
    )
    .bind(&tenant)
    .bind(&entity)
    .bind(entity_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(pending_job_id) = pending {
        return Ok(RetryFailed::AlreadyPending {
            job_id,
            pending_job_id,
        });
    }

    sqlx::query(REQUEUE_FAILED)
        .bind(job_id)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    Ok(RetryFailed::Requeued { job_id })
}
