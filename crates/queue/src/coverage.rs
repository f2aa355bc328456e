//! Which CRM records the queue has seen to since they last changed: the
//! store's half of reconciling (the other half asks SuperOffice what
//! changed, in `so_ctl::reconcile`).

use crate::error::StoreError;
use crate::records::{JobRecord, JobRow, JOB_COLUMNS};
use crate::store::Store;

impl Store {
    /// Of `records` (id and last update in ms), those that no job covers:
    /// no job is pending or processing for the record, and none finished
    /// (completed, skipped or failed) at or after its update. These are
    /// the changes the queue never heard of, or heard of before the change.
    ///
    /// A failed job counts as covering: queueing the record again would
    /// repeat the poison pill; `soctl queue retry-failed` is the tool for
    /// those. The answer keeps the order of `records`.
    pub async fn uncovered(
        &self,
        entity: &str,
        records: &[(i64, i64)],
    ) -> Result<Vec<i64>, StoreError> {
        // One indexed probe per record (jobs_record): reconcile windows are
        // small, and a probe reads a handful of index entries.
        let mut uncovered = Vec::new();
        for &(entity_id, updated_ms) in records {
            let newest: Option<i64> = sqlx::query_scalar(
                "SELECT max(coalesce(finished_at, 9223372036854775807)) FROM jobs
                 WHERE entity = ?1 AND entity_id = ?2",
            )
            .bind(entity)
            .bind(entity_id)
            .fetch_one(&self.reader)
            .await?;
            if newest.is_none_or(|finished| finished < updated_ms) {
                uncovered.push(entity_id);
            }
        }
        Ok(uncovered)
    }

    /// The newest jobs of one record, newest first, at most `limit`.
    pub async fn jobs_of_record(
        &self,
        entity: &str,
        entity_id: i64,
        limit: u32,
    ) -> Result<Vec<JobRecord>, StoreError> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE entity = ?1 AND entity_id = ?2
             ORDER BY id DESC LIMIT ?3"
        );
        let rows: Vec<JobRow> = sqlx::query_as(&sql)
            .bind(entity)
            .bind(entity_id)
            .bind(limit)
            .fetch_all(&self.reader)
            .await?;
        rows.into_iter().map(JobRecord::try_from).collect()
    }
}
