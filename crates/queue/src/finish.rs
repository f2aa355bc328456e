//! Finishing a claimed job, and the other writes a lease holder may make.
//!
//! Every write here is fenced: it names the job AND its lease token, so a
//! worker whose lease ran out and whose job was claimed again gets
//! [`StoreError::LeaseLost`] and changes nothing. A lease that ran out but
//! was not taken over yet still finishes the job: the work was done, and no
//! newer outcome exists to protect.
//!
//! Each is one statement. Finishes made at the same moment share one
//! (`finish_batch.rs`), and the attempt row is closed by a trigger
//! (`migrations/0005_attempt_triggers.sql`) in that same statement.

use std::time::Duration;

use sqlx::SqliteConnection;

use crate::error::StoreError;
use crate::finish_batch::FinishRow;
use crate::model::{CompleteInfo, JobStatus, Lease};
use crate::store::Store;

/// Closes the attempt the lease holder was running.
const CLOSE_ATTEMPT: &str = "
    UPDATE job_attempts SET finished_at = ?2, outcome = ?3, error = ?4, api_calls = ?5
    WHERE job_id = ?1 AND finished_at IS NULL";

/// A final state and what to record with it.
struct Finish<'a> {
    status: JobStatus,
    rule: Option<&'a str>,
    reason: Option<&'a str>,
    error: Option<&'a str>,
    /// JSON text of what a completed job wrote back.
    result: Option<String>,
}

impl Store {
    /// Marks the job completed with what it wrote back.
    pub async fn complete(
        &self,
        lease: &Lease,
        info: CompleteInfo,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let finish = Finish {
            status: JobStatus::Completed,
            rule: None,
            reason: None,
            error: None,
            result: Some(info.result.to_string()),
        };
        self.finish(lease, finish, info.api_calls, now_ms).await
    }

    /// Marks the job skipped: a rule decided not to work on it.
    pub async fn skip(
        &self,
        lease: &Lease,
        rule: &str,
        reason: &str,
        api_calls: u32,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let finish = Finish {
            status: JobStatus::Skipped,
            rule: Some(rule),
            reason: Some(reason),
            error: None,
            result: None,
        };
        self.finish(lease, finish, api_calls, now_ms).await
    }

    /// Marks the job failed for good (rule `error`); it is never retried
    /// automatically.
    pub async fn fail(
        &self,
        lease: &Lease,
        error: &str,
        api_calls: u32,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let finish = Finish {
            status: JobStatus::Failed,
            rule: Some("error"),
            reason: Some(error),
            error: Some(error),
            result: None,
        };
        self.finish(lease, finish, api_calls, now_ms).await
    }

    /// Extends the lease to `now_ms + by` and returns the new expiry. Fails
    /// with [`StoreError::LeaseLost`] once the lease has run out, even if
    /// nobody took the job over: another job of the same record may have
    /// been claimed meanwhile, and reviving the lease would let two workers
    /// work on one record.
    pub async fn extend_lease(
        &self,
        lease: &Lease,
        by: Duration,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let expires_at: Option<i64> = sqlx::query_scalar(
            "UPDATE jobs SET lease_expires_at = ?1 + ?2
             WHERE id = ?3 AND lease_token = ?4 AND status = 'processing'
               AND lease_expires_at > ?1
             RETURNING lease_expires_at",
        )
        .bind(now_ms)
        .bind(crate::millis(by))
        .bind(lease.job_id)
        .bind(&lease.token)
        .fetch_optional(&mut *self.writer.acquire().await?)
        .await?;

        expires_at.ok_or(StoreError::LeaseLost {
            job_id: lease.job_id,
        })
    }

    /// Stores the names the worker resolved (late name resolution), at once,
    /// whatever happens to the job next. `None` keeps a stored value.
    /// `company_key` is the normalised name the duplicate rule compares.
    pub async fn set_names(
        &self,
        lease: &Lease,
        company_name: Option<&str>,
        company_key: Option<&str>,
        owner_id: Option<i64>,
        owner_short_name: Option<&str>,
    ) -> Result<(), StoreError> {
        let updated = sqlx::query(
            "UPDATE jobs SET
                 company_name = coalesce(?1, company_name),
                 company_key = coalesce(?2, company_key),
                 owner_id = coalesce(?3, owner_id),
                 owner_short_name = coalesce(?4, owner_short_name)
             WHERE id = ?5 AND lease_token = ?6 AND status = 'processing'",
        )
        .bind(company_name)
        .bind(company_key)
        .bind(owner_id)
        .bind(owner_short_name)
        .bind(lease.job_id)
        .bind(&lease.token)
        .execute(&mut *self.writer.acquire().await?)
        .await?;

        if updated.rows_affected() == 0 {
            return Err(StoreError::LeaseLost {
                job_id: lease.job_id,
            });
        }
        Ok(())
    }

    /// Writes a final state, fenced by the lease, together with the other
    /// finishes queued at the same moment (`finish_batch.rs`); the attempt
    /// trigger closes the attempt. Returns once the commit holding it is
    /// done.
    async fn finish(
        &self,
        lease: &Lease,
        finish: Finish<'_>,
        api_calls: u32,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let row = FinishRow {
            job_id: lease.job_id,
            token: lease.token.clone(),
            status: finish.status.as_str(),
            rule: finish.rule.map(str::to_owned),
            reason: finish.reason.map(str::to_owned),
            error: finish.error.map(str::to_owned),
            result: finish.result,
            api_calls,
            now: now_ms,
        };
        let (ticket, answered) = self.finishes.push(row);

        // Whoever holds the write connection next writes what is queued,
        // ours included unless an earlier holder took it already.
        match self.writer.acquire().await {
            Ok(mut conn) => self.finishes.write_queued(&mut conn).await,
            Err(error) if self.finishes.withdraw(ticket) => return Err(error),
            Err(_) => {}
        }
        // No answer: the call that took our finish to write was cancelled
        // before it answered, so whether it was written is not known.
        answered
            .await
            .unwrap_or(Err(StoreError::Unavailable(sqlx::Error::WorkerCrashed)))
    }
}

/// Records how the running attempt of a job ended, for writes whose
/// outcome the attempt trigger cannot tell (a retry, a release, a merge):
/// they call it before they change the job. After a finishing write it
/// finds the attempt closed already and changes nothing.
pub(crate) async fn close_attempt(
    conn: &mut SqliteConnection,
    job_id: i64,
    outcome: &str,
    error: Option<&str>,
    api_calls: u32,
    now_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(CLOSE_ATTEMPT)
        .bind(job_id)
        .bind(now_ms)
        .bind(outcome)
        .bind(error)
        .bind(api_calls)
        .execute(conn)
        .await?;
    Ok(())
}
