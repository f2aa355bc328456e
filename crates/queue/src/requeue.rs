//! Putting a claimed job back to pending: a retry after an error, a wait
//! for a rate limit, or a release at shutdown.
//!
//! While a job is processing, deliveries for the same record make a new
//! pending job beside it. Putting the first job back to pending would then
//! break the rule "at most one pending job per record" (a unique index). In
//! that case the returning job is merged into the pending one: the pending
//! job takes the union of the changed fields, the sum of the deliveries, the
//! larger attempt count, the earlier due time, a creation event if either
//! had one, and the deliveries are re-pointed to it; the returning job is
//! marked skipped with rule `merged` ("merged into job N"). One job then
//! carries all the work for the record, and the attempt count still moves
//! toward the limit.

use sqlx::SqliteConnection;

use crate::error::StoreError;
use crate::finish::close_attempt;
use crate::model::{Lease, Requeued};
use crate::store::Store;

/// How a job goes back.
struct Requeue<'a> {
    run_at: i64,
    error: Option<&'a str>,
    /// False refunds the claim's attempt (rate limit, shutdown).
    counts_attempt: bool,
    api_calls: u32,
    /// The attempt's outcome in `job_attempts`.
    outcome: &'static str,
}

/// The leased job's record and attempt count; read inside the write
/// transaction, so it cannot change before the transaction ends.
const LEASED_JOB: &str = "
    SELECT tenant, entity, entity_id, attempts FROM jobs
    WHERE id = ?1 AND lease_token = ?2 AND status = 'processing'";

const PENDING_TWIN: &str = "
    SELECT id FROM jobs
    WHERE tenant = ?1 AND entity = ?2 AND entity_id = ?3 AND status = 'pending'";

const BACK_TO_PENDING: &str = "
    UPDATE jobs SET
        status = 'pending', run_at = ?2, attempts = ?3,
        last_error = coalesce(?4, last_error),
        api_calls = api_calls + ?5,
        lease_holder = NULL, lease_token = NULL, lease_expires_at = NULL,
        updated_at = ?6
    WHERE id = ?1";

/// Folds job `?2` (returning) into the pending job `?1`.
const MERGE_INTO_TWIN: &str = "
    UPDATE jobs AS twin SET
        changes = (SELECT json_group_array(value) FROM (
                       SELECT value FROM json_each(twin.changes)
                       UNION ALL
                       SELECT value FROM json_each(mine.changes)
                        WHERE value NOT IN (SELECT value FROM json_each(twin.changes)))),
        delivery_count = twin.delivery_count + mine.delivery_count,
        attempts = max(twin.attempts, ?3),
        run_at = min(twin.run_at, ?4),
        event = CASE WHEN mine.event LIKE '%.created' THEN mine.event ELSE twin.event END,
        last_error = coalesce(?5, twin.last_error),
        company_name = coalesce(twin.company_name, mine.company_name),
        company_key = coalesce(twin.company_key, mine.company_key),
        owner_id = coalesce(twin.owner_id, mine.owner_id),
        owner_short_name = coalesce(twin.owner_short_name, mine.owner_short_name),
        updated_at = ?6
    FROM jobs AS mine
    WHERE twin.id = ?1 AND mine.id = ?2";

const MARK_MERGED: &str = "
    UPDATE jobs SET
        status = 'skipped', rule = 'merged', reason = 'merged into job ' || ?2,
        last_error = coalesce(?3, last_error),
        api_calls = api_calls + ?4,
        lease_holder = NULL, lease_token = NULL, lease_expires_at = NULL,
        finished_at = ?5, updated_at = ?5
    WHERE id = ?1";

impl Store {
    /// Puts the job back to pending, due at `run_at`, after `error`.
    ///
    /// With `counts_attempt` false the claim's attempt is refunded: for a
    /// rate limit (429), which says nothing about the job. With it true and
    /// the job at its attempt limit, the job is failed instead (rule
    /// `max_attempts`) and [`Requeued::GaveUp`] returned. See the module
    /// docs for the merge with a newer pending job.
    pub async fn retry_later(
        &self,
        lease: &Lease,
        run_at: i64,
        error: &str,
        counts_attempt: bool,
        api_calls: u32,
        now_ms: i64,
    ) -> Result<Requeued, StoreError> {
        let outcome = if counts_attempt { "retry" } else { "deferred" };
        let requeue = Requeue {
            run_at,
            error: Some(error),
            counts_attempt,
            api_calls,
            outcome,
        };
        self.requeue(lease, requeue, now_ms).await
    }

    /// Hands the job back at shutdown: pending, due now, attempt refunded.
    pub async fn release(&self, lease: &Lease, now_ms: i64) -> Result<Requeued, StoreError> {
        let requeue = Requeue {
            run_at: now_ms,
            error: None,
            counts_attempt: false,
            api_calls: 0,
            outcome: "released",
        };
        self.requeue(lease, requeue, now_ms).await
    }

    async fn requeue(
        &self,
        lease: &Lease,
        requeue: Requeue<'_>,
        now_ms: i64,
    ) -> Result<Requeued, StoreError> {
        let job_id = lease.job_id;
        let mut tx = self.begin_write().await?;
        let leased: Option<(String, String, i64, u32)> = sqlx::query_as(LEASED_JOB)
            .bind(job_id)
            .bind(&lease.token)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((tenant, entity, entity_id, attempts)) = leased else {
            return Err(StoreError::LeaseLost { job_id });
        };

        // Poison pill: a counted retry after the last attempt fails the job.
        if requeue.counts_attempt && attempts >= self.max_attempts {
            give_up(&mut tx, job_id, attempts, &requeue, now_ms).await?;
            tx.commit().await?;
            tracing::debug!(job_id, attempts, "job failed: attempts used up");
            return Ok(Requeued::GaveUp { attempts });
        }
        let attempts = if requeue.counts_attempt {
            attempts
        } else {
            attempts.saturating_sub(1)
        };

        // The attempt ends as a retry, a deferral or a release. Closed before
        // the job changes, so that the attempt trigger does not take a
        // merge (the job is marked skipped) for a skip.
        close_attempt(
            &mut tx,
            job_id,
            requeue.outcome,
            requeue.error,
            requeue.api_calls,
            now_ms,
        )
        .await?;
        let twin: Option<i64> = sqlx::query_scalar(PENDING_TWIN)
            .bind(&tenant)
            .bind(&entity)
            .bind(entity_id)
            .fetch_optional(&mut *tx)
            .await?;
        let requeued = match twin {
            None => back_to_pending(&mut tx, job_id, attempts, &requeue, now_ms).await?,
            Some(twin) => merge(&mut tx, job_id, twin, attempts, &requeue, now_ms).await?,
        };
        tx.commit().await?;

        tracing::debug!(job_id, ?requeued, "job put back");
        Ok(requeued)
    }
}

async fn back_to_pending(
    conn: &mut SqliteConnection,
    job_id: i64,
    attempts: u32,
    requeue: &Requeue<'_>,
    now_ms: i64,
) -> Result<Requeued, StoreError> {
    sqlx::query(BACK_TO_PENDING)
        .bind(job_id)
        .bind(requeue.run_at)
        .bind(attempts)
        .bind(requeue.error)
        .bind(requeue.api_calls)
        .bind(now_ms)
        .execute(conn)
        .await?;
    Ok(Requeued::Pending {
        job_id,
        run_at: requeue.run_at,
    })
}

async fn merge(
    conn: &mut SqliteConnection,
    job_id: i64,
    twin: i64,
    attempts: u32,
    requeue: &Requeue<'_>,
    now_ms: i64,
) -> Result<Requeued, StoreError> {
    sqlx::query(MERGE_INTO_TWIN)
        .bind(twin)
        .bind(job_id)
        .bind(attempts)
        .bind(requeue.run_at)
        .bind(requeue.error)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE deliveries SET job_id = ?1 WHERE job_id = ?2")
        .bind(twin)
        .bind(job_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(MARK_MERGED)
        .bind(job_id)
        .bind(twin)
        .bind(requeue.error)
        .bind(requeue.api_calls)
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
    Ok(Requeued::Merged { into_job_id: twin })
}

/// Fails a job that used all its attempts. The attempt trigger closes the
/// attempt as failed, with the error.
async fn give_up(
    conn: &mut SqliteConnection,
    job_id: i64,
    attempts: u32,
    requeue: &Requeue<'_>,
    now_ms: i64,
) -> Result<(), StoreError> {
    let error = requeue.error.unwrap_or("no error recorded");
    sqlx::query(
        "UPDATE jobs SET
             status = 'failed', rule = 'max_attempts', reason = ?2, last_error = ?3,
             api_calls = api_calls + ?4,
             lease_holder = NULL, lease_token = NULL, lease_expires_at = NULL,
             finished_at = ?5, updated_at = ?5
         WHERE id = ?1",
    )
    .bind(job_id)
    .bind(format!("gave up after {attempts} attempts: {error}"))
    .bind(error)
    .bind(requeue.api_calls)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
