//! Who holds the jobs in processing, and cutting short the leases of a
//! holder known to be gone.
//!
//! A worker killed with SIGKILL (or by the OOM killer) leaves its jobs in
//! processing until their leases run out, a minute by default. A worker on
//! the same host can tell that the holder's process no longer exists and
//! end those leases now; the jobs are then taken over by the usual claim,
//! which counts the lost lease and the attempt as for any expired lease.
//! Deciding that a holder is gone is the worker's business: this file only
//! lists holders and ends leases.

use crate::error::StoreError;
use crate::Store;

/// The holders of processing jobs, each once. Reads the partial index of
/// processing jobs, which is as small as the number of running jobs.
const PROCESSING_HOLDERS: &str = "
    SELECT DISTINCT lease_holder FROM jobs INDEXED BY jobs_processing_lease
    WHERE status = 'processing' AND lease_expires_at IS NOT NULL
      AND lease_holder IS NOT NULL
    ORDER BY lease_holder";

/// Notes on the open attempts of the jobs `END_LEASES_OF` is about to
/// free why their attempt is lost; the takeover trigger keeps the note.
const NOTE_GONE: &str = "
    UPDATE job_attempts SET error = 'worker process gone'
    WHERE finished_at IS NULL AND job_id IN (
        SELECT id FROM jobs INDEXED BY jobs_processing_lease
        WHERE status = 'processing' AND lease_expires_at > ?2
          AND (lease_holder = ?1 OR substr(lease_holder, 1, length(?1) + 1) = ?1 || '/'))";

/// Ends, as of `?2`, the unexpired leases of processing jobs held by `?1`
/// or by one of its slots (`?1/…`). The prefix is compared with `substr`,
/// not `LIKE`, because a host name may hold `_`, a `LIKE` wildcard.
const END_LEASES_OF: &str = "
    UPDATE jobs INDEXED BY jobs_processing_lease SET lease_expires_at = ?2, updated_at = ?2
    WHERE status = 'processing' AND lease_expires_at > ?2
      AND (lease_holder = ?1 OR substr(lease_holder, 1, length(?1) + 1) = ?1 || '/')";

impl Store {
    /// The holder names of the jobs in processing now, sorted.
    pub async fn processing_holders(&self) -> Result<Vec<String>, StoreError> {
        let holders = sqlx::query_scalar(PROCESSING_HOLDERS)
            .fetch_all(&self.reader)
            .await?;
        Ok(holders)
    }

    /// Ends now (`now_ms`) the leases held by `holder` and its slots
    /// (`holder/0`, `holder/1`, ...), so that the next claim takes their jobs
    /// over; returns how many leases ended. Only for a holder known to be
    /// gone: a live holder would find its lease lost when it finishes, and
    /// its job would run twice.
    pub async fn end_leases_of(&self, holder: &str, now_ms: i64) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(NOTE_GONE)
            .bind(holder)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        let ended = sqlx::query(END_LEASES_OF)
            .bind(holder)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(ended.rows_affected())
    }
}
