//! Recording webhook deliveries and turning them into jobs.
//!
//! A batch costs the same few statements whatever its size. Every
//! statement is a round trip to sqlx's SQLite thread, and so is every row a
//! statement returns; at thousands of webhooks per second those round
//! trips, not SQLite's work, bounded the ingest. So a statement writes
//! many rows (bound as multi-row `VALUES`, see `padded.rs`), no statement
//! returns more than one row, and `batch_plan.rs` decides in memory what to
//! write, with the same rules as recording the deliveries one by one.
//!
//! One `BEGIN IMMEDIATE` transaction per batch:
//! 1. one read: the largest ids, the event ids stored already, and the
//!    pending jobs of the batch's records;
//! 2. insert the new jobs and merge into the pending ones;
//! 3. insert the new deliveries, each pointing at its job.
//!
//! Steps 2 and 3 take one statement per 64 rows.
//!
//! The read can be trusted because the transaction holds the write lock
//! from its first statement: nobody else can store a delivery or a job
//! until it commits. The schema still has the last word: a repeated event
//! id or a second pending job for a record fails the whole batch instead
//! of being stored twice.

use std::collections::HashMap;
use std::sync::LazyLock;

use sqlx::{Connection, SqliteConnection};

use crate::batch_plan::{record_of, BatchPlan, Found};
use crate::error::StoreError;
use crate::model::{Disposition, NewDelivery, Recorded};
use crate::padded::Padded;
use crate::store::Store;

/// Step 1. `?1` is the batch's event ids, `?2` the records of its
/// deliveries to be worked on as `[tenant, entity, entity_id]` arrays. The
/// look-ups probe the event id's unique index and the unique index of
/// pending jobs once per element, whatever the backlog: `CROSS JOIN` keeps
/// the batch as the outer loop and `INDEXED BY` pins the index (without
/// statistics SQLite would rather walk every pending job). Each list comes
/// back as one JSON array.
const FIND: &str = "
    SELECT
        (SELECT coalesce(max(id), 0) FROM deliveries),
        (SELECT coalesce(max(id), 0) FROM jobs),
        (SELECT json_group_array(json_array(id, event_id)) FROM deliveries
          WHERE event_id IN (SELECT value FROM json_each(?1))),
        (SELECT json_group_array(json_array(j.id, j.tenant, j.entity, j.entity_id))
           FROM json_each(?2) AS r
           CROSS JOIN jobs AS j INDEXED BY jobs_one_pending_per_record
          WHERE j.tenant = r.value ->> 0 AND j.entity = r.value ->> 1
            AND j.entity_id = r.value ->> 2 AND j.status = 'pending')";

/// Step 2: skipped jobs, and one row per record that makes its pending job
/// or merges into it: changed fields become the distinct union (earlier
/// ones first), the count grows by the row's deliveries, and a creation
/// event wins over a change. A processing job is not a conflict target
/// (the partial index covers pending rows only), so deliveries arriving
/// while the record is worked on make a new pending job.
///
/// Every row names its id: a new one, or the pending job it joins. SQLite
/// checks the conflict target before the primary key, so a joining row
/// updates that job; a new id that was taken would fail the batch.
static UPSERT_JOBS: LazyLock<Padded> = LazyLock::new(|| {
    Padded::new(
        "INSERT INTO jobs (id, tenant, entity, entity_id, event, changes, delivery_count,
                           status, rule, reason, run_at, created_at, updated_at, finished_at)",
        14,
        "ON CONFLICT (tenant, entity, entity_id) WHERE status = 'pending' DO UPDATE SET
             changes = (SELECT json_group_array(value) FROM (
                            SELECT value FROM json_each(jobs.changes)
                            UNION ALL
                            SELECT value FROM json_each(excluded.changes)
                             WHERE value NOT IN (SELECT value FROM json_each(jobs.changes)))),
             delivery_count = jobs.delivery_count + excluded.delivery_count,
             event = CASE WHEN excluded.event LIKE '%.created' THEN excluded.event
                          ELSE jobs.event END,
             updated_at = max(jobs.updated_at, excluded.updated_at)",
    )
});

/// Step 3: the new deliveries with their ids, decisions and jobs. A plain
/// insert: the UNIQUE event id refuses a delivery stored already.
static INSERT_DELIVERIES: LazyLock<Padded> = LazyLock::new(|| {
    Padded::new(
        "INSERT INTO deliveries (id, event_id, received_at, tenant, event, entity, entity_id,
                                 changed_by, changes, payload, decision, rule, reason, job_id)",
        14,
        "",
    )
});

impl Store {
    /// Records a batch of deliveries in ONE transaction, so many concurrent
    /// webhooks share one commit and one fsync (group commit).
    ///
    /// All or nothing: if any delivery fails, nothing of the batch is
    /// stored and the error is returned; the ingest answers 503 to the whole
    /// batch and SuperOffice delivers again. On `Ok` every delivery is
    /// durable, also on a store opened with
    /// [`Durability::Relaxed`](crate::Durability) (see the crate docs).
    /// The results are in the batch's order; a delivery whose event id is
    /// stored already, or came earlier in the batch, is a
    /// [`Recorded::Duplicate`] and changes nothing.
    pub async fn record_deliveries(
        &self,
        batch: &[NewDelivery],
    ) -> Result<Vec<Recorded>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }

        let mut conn = self.durable_writer().await?;
        let recorded = record_batch(&mut conn, batch).await;
        conn.release().await;
        recorded
    }

    /// Records one delivery; see [`Store::record_deliveries`].
    pub async fn record_delivery(&self, delivery: &NewDelivery) -> Result<Recorded, StoreError> {
        let recorded = self
            .record_deliveries(std::slice::from_ref(delivery))
            .await?;
        Ok(recorded[0])
    }

    /// Whether a delivery with this event id is stored.
    pub async fn delivery_exists(&self, event_id: &str) -> Result<bool, StoreError> {
        let exists =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM deliveries WHERE event_id = ?)")
                .bind(event_id)
                .fetch_one(&self.reader)
                .await?;
        Ok(exists)
    }
}

/// Records a non-empty batch in one write transaction.
async fn record_batch(
    conn: &mut SqliteConnection,
    batch: &[NewDelivery],
) -> Result<Vec<Recorded>, StoreError> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let found = find(&mut tx, batch).await?;
    let plan = BatchPlan::new(batch, &found);

    UPSERT_JOBS.execute(&mut tx, &plan.jobs).await?;
    INSERT_DELIVERIES.execute(&mut tx, &plan.deliveries).await?;
    tx.commit().await?;

    Ok(plan.answers)
}

/// Step 1: what the batch needs to know before it writes.
async fn find(conn: &mut SqliteConnection, batch: &[NewDelivery]) -> Result<Found, StoreError> {
    let event_ids: Vec<&str> = batch.iter().map(|d| d.event_id.as_str()).collect();
    let records: Vec<(&str, &str, i64)> = batch
        .iter()
        .filter(|d| d.disposition == Disposition::Enqueue)
        .map(record_of)
        .collect();

    let (max_delivery_id, max_job_id, stored, pending): (i64, i64, String, String) =
        sqlx::query_as(FIND)
            .bind(to_json(&event_ids))
            .bind(to_json(&records))
            .fetch_one(&mut *conn)
            .await?;

    let stored: Vec<(i64, String)> = from_json(&stored)?;
    let pending: Vec<(i64, String, String, i64)> = from_json(&pending)?;
    Ok(Found {
        max_delivery_id,
        max_job_id,
        stored: stored
            .into_iter()
            .map(|(id, event_id)| (event_id, id))
            .collect(),
        pending: pending
            .into_iter()
            .map(|(id, tenant, entity, entity_id)| ((tenant, entity, entity_id), id))
            .collect::<HashMap<_, _>>(),
    })
}

/// The JSON text of rows the statements read with `json_each`.
fn to_json<T: serde::Serialize + ?Sized>(rows: &T) -> String {
    serde_json::to_string(rows).expect("rows of strings and numbers serialise")
}

/// A list the look-up built with `json_group_array`.
fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|source| StoreError::Corrupt {
        what: "batch look-up",
        source,
    })
}

#[cfg(test)]
mod tests {
    use crate::{Store, StoreOptions};

    #[tokio::test]
    async fn the_batch_look_up_reads_indexes_not_whole_tables() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("jobs.db"), StoreOptions::default())
            .await
            .unwrap();

        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {}", super::FIND))
                .bind("[]")
                .bind("[]")
                .fetch_all(&store.reader)
                .await
                .unwrap();

        let steps: Vec<&str> = plan.iter().map(|(_, _, _, step)| step.as_str()).collect();
        let scans: Vec<&&str> = steps
            .iter()
            .filter(|step| step.starts_with("SCAN") && !step.contains("VIRTUAL TABLE"))
            .filter(|step| !step.contains("CONSTANT ROW"))
            .collect();
        assert!(scans.is_empty(), "{steps:#?}");
        assert!(
            steps
                .iter()
                .any(|step| step.contains("jobs_one_pending_per_record")),
            "{steps:#?}"
        );
    }
}
