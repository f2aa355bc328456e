//! A cheap look at the queue for idle workers: when could a claim next find
//! something?
//!
//! A claim is a write transaction: it takes the file's write lock, which
//! the ingest and every other worker need too. An idle worker that polls
//! every few milliseconds asks this read first and claims only when a job
//! may be due, so idle polling never touches the write lock.

use crate::error::StoreError;
use crate::store::Store;

/// The earliest due time of a pending job and the earliest lease expiry of
/// a processing job: two probes of partial indexes, each reading one entry
/// whatever the backlog. `INDEXED BY` makes SQLite refuse the statement
/// rather than fall back to a scan should the indexes ever change.
const NEXT_CLAIMABLE: &str = "
    SELECT
        (SELECT run_at FROM jobs INDEXED BY jobs_pending_due
          WHERE status = 'pending' ORDER BY run_at LIMIT 1),
        (SELECT lease_expires_at FROM jobs INDEXED BY jobs_processing_lease
          WHERE status = 'processing' ORDER BY lease_expires_at LIMIT 1)";

impl Store {
    /// The earliest time (ms since the epoch) at which [`Store::claim`] may
    /// find a job: the earliest `run_at` of a pending job or the earliest
    /// lease expiry of a processing job. `None` when neither exists.
    ///
    /// A time at or before now does not promise a job: the pending job may
    /// wait for another job of its record, or another worker may claim it
    /// first. It only says that a claim is worth trying.
    pub async fn next_claimable_at(&self) -> Result<Option<i64>, StoreError> {
        let (due, expiry): (Option<i64>, Option<i64>) = sqlx::query_as(NEXT_CLAIMABLE)
            .fetch_one(&self.reader)
            .await?;

        Ok(match (due, expiry) {
            (Some(due), Some(expiry)) => Some(due.min(expiry)),
            (due, expiry) => due.or(expiry),
        })
    }
}
