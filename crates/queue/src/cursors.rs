//! The cursors of resumable backfills (`backfill_runs`, migration 0003).
//!
//! A backfill walks SuperOffice's accounts in id order and queues ours. After
//! each batch it moves its cursor to the highest id handled, so an
//! interrupted run resumes after that id instead of starting over. Its
//! deliveries are named `backfill:<run>:<entity>:<id>`: a batch queued again
//! after a crash between queueing and moving the cursor is stored once.

use serde::Serialize;
use sqlx::FromRow;

use crate::error::StoreError;
use crate::store::Store;

const RUN_COLUMNS: &str =
    "id, entity, filter, last_id, seen, queued, not_ours, started_at, updated_at, finished_at";

/// One backfill run and how far it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
pub struct BackfillRun {
    /// Run number.
    pub id: i64,
    /// `contact` (or `person`).
    pub entity: String,
    /// The OData `$filter` as given; empty for every record.
    pub filter: String,
    /// The cursor: the highest record id handled; 0 before the first batch.
    pub last_id: i64,
    /// Rows the API returned so far.
    pub seen: i64,
    /// Accounts queued so far.
    pub queued: i64,
    /// Rows left out: their owner is not on the owner whitelist.
    pub not_ours: i64,
    /// When the run started.
    pub started_at: i64,
    /// When the cursor last moved.
    pub updated_at: i64,
    /// When the run reached its end; `None` while it can be resumed.
    pub finished_at: Option<i64>,
}

/// What one batch added to a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchProgress {
    /// The highest record id of the batch: the new cursor.
    pub last_id: i64,
    /// Rows in the batch.
    pub seen: i64,
    /// Accounts queued from it.
    pub queued: i64,
    /// Rows left out as not ours.
    pub not_ours: i64,
}

impl Store {
    /// Starts a run over `entity` records matching `filter`.
    pub async fn start_backfill(
        &self,
        entity: &str,
        filter: &str,
        now_ms: i64,
    ) -> Result<BackfillRun, StoreError> {
        let sql = format!(
            "INSERT INTO backfill_runs (entity, filter, started_at, updated_at)
             VALUES (?1, ?2, ?3, ?3) RETURNING {RUN_COLUMNS}"
        );
        let mut tx = self.begin_write().await?;
        let run: BackfillRun = sqlx::query_as(&sql)
            .bind(entity)
            .bind(filter)
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(run)
    }

    /// The newest unfinished run, only among runs with this filter when one
    /// is given.
    pub async fn open_backfill(
        &self,
        filter: Option<&str>,
    ) -> Result<Option<BackfillRun>, StoreError> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM backfill_runs
             WHERE finished_at IS NULL AND (?1 IS NULL OR filter = ?1)
             ORDER BY id DESC LIMIT 1"
        );
        Ok(sqlx::query_as(&sql)
            .bind(filter)
            .fetch_optional(&self.reader)
            .await?)
    }

    /// One run.
    pub async fn backfill_run(&self, run_id: i64) -> Result<Option<BackfillRun>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM backfill_runs WHERE id = ?1");
        Ok(sqlx::query_as(&sql)
            .bind(run_id)
            .fetch_optional(&self.reader)
            .await?)
    }

    /// The newest runs, newest first.
    pub async fn backfill_runs(&self, limit: u32) -> Result<Vec<BackfillRun>, StoreError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM backfill_runs ORDER BY id DESC LIMIT ?1");
        Ok(sqlx::query_as(&sql)
            .bind(limit)
            .fetch_all(&self.reader)
            .await?)
    }

    /// Moves the run's cursor after a batch and adds the batch's counts.
    /// The cursor never moves back.
    pub async fn advance_backfill(
        &self,
        run_id: i64,
        batch: BatchProgress,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE backfill_runs SET
                 last_id = max(last_id, ?2), seen = seen + ?3, queued = queued + ?4,
                 not_ours = not_ours + ?5, updated_at = ?6
             WHERE id = ?1",
        )
        .bind(run_id)
        .bind(batch.last_id)
        .bind(batch.seen)
        .bind(batch.queued)
        .bind(batch.not_ours)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks the run done; it can no longer be resumed.
    pub async fn finish_backfill(&self, run_id: i64, now_ms: i64) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE backfill_runs SET finished_at = ?2, updated_at = ?2 WHERE id = ?1")
            .bind(run_id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
