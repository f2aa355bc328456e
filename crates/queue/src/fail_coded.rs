//! Failing a job with the reason code of the rule that failed it.
//!
//! [`Store::fail`] records every failure under rule `error`. The worker
//! knows better: refused credentials, a permanent error and used-up retries
//! are different things for an operator (only the first is fixed by renewing
//! the consent), so it stores the retry policy's code as the job's rule.

use crate::error::StoreError;
use crate::finish::close_attempt;
use crate::model::Lease;
use crate::store::Store;

/// Like the finishing write of `finish.rs`, with the rule given.
const FAIL_JOB: &str = "
    UPDATE jobs SET
        status = 'failed', rule = ?1, reason = ?2, last_error = ?2,
        api_calls = api_calls + ?3,
        lease_holder = NULL, lease_token = NULL, lease_expires_at = NULL,
        finished_at = ?4, updated_at = ?4
    WHERE id = ?5 AND lease_token = ?6 AND status = 'processing'
    RETURNING id";

impl Store {
    /// Marks the job failed for good with `rule` (a reason code such as
    /// `auth_failed` or `retries_exhausted`) and `reason`, which tells the
    /// operator what to do. Fenced by the lease like every finishing call;
    /// never retried automatically.
    pub async fn fail_with_rule(
        &self,
        lease: &Lease,
        rule: &str,
        reason: &str,
        api_calls: u32,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let failed: Option<i64> = sqlx::query_scalar(FAIL_JOB)
            .bind(rule)
            .bind(reason)
            .bind(api_calls)
            .bind(now_ms)
            .bind(lease.job_id)
            .bind(&lease.token)
            .fetch_optional(&mut *tx)
            .await?;

        // Dropping the transaction rolls it back; nothing was written anyway.
        if failed.is_none() {
            return Err(StoreError::LeaseLost {
                job_id: lease.job_id,
            });
        }
        close_attempt(
            &mut tx,
            lease.job_id,
            "failed",
            Some(reason),
            api_calls,
            now_ms,
        )
        .await?;
        tx.commit().await?;

        tracing::debug!(job_id = lease.job_id, rule, "job failed");
        Ok(())
    }
}
