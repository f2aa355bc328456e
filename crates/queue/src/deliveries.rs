//! Recording webhook deliveries and turning them into jobs.

use sqlx::SqliteConnection;

use crate::error::StoreError;
use crate::model::{Disposition, NewDelivery, Recorded};
use crate::store::Store;

/// Stores a delivery unless its event id is known. Returns nothing on a
/// redelivery: the UNIQUE constraint decides, not an earlier read.
const INSERT_DELIVERY: &str = "
    INSERT INTO deliveries (event_id, received_at, tenant, event, entity, entity_id,
                            changed_by, changes, payload, decision, rule, reason)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
    ON CONFLICT (event_id) DO NOTHING
    RETURNING id";

/// Makes the record's pending job, or merges the delivery into it: changed
/// fields become the distinct union (earlier ones first), the count goes up,
/// and a creation event wins over a change. A processing job is not a
/// conflict target (the partial index covers pending rows only), so a
/// delivery arriving while the record is worked on makes a new pending job.
const UPSERT_PENDING_JOB: &str = "
    INSERT INTO jobs (tenant, entity, entity_id, event, changes, status,
                      run_at, created_at, updated_at)
    VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?6, ?6)
    ON CONFLICT (tenant, entity, entity_id) WHERE status = 'pending' DO UPDATE SET
        changes = (SELECT json_group_array(value) FROM (
                       SELECT value FROM json_each(jobs.changes)
                       UNION ALL
                       SELECT value FROM json_each(excluded.changes)
                        WHERE value NOT IN (SELECT value FROM json_each(jobs.changes)))),
        delivery_count = jobs.delivery_count + 1,
        event = CASE WHEN excluded.event LIKE '%.created' THEN excluded.event
                     ELSE jobs.event END,
        updated_at = max(jobs.updated_at, excluded.updated_at)
    RETURNING id, delivery_count";

/// A job that is skipped from the start, so the dashboard shows the echo or
/// irrelevant change and why it was left alone.
const INSERT_SKIPPED_JOB: &str = "
    INSERT INTO jobs (tenant, entity, entity_id, event, changes, status, rule, reason,
                      run_at, created_at, updated_at, finished_at)
    VALUES (?1, ?2, ?3, ?4, ?5, 'skipped', ?6, ?7, ?8, ?8, ?8, ?8)
    RETURNING id";

const LINK_DELIVERY: &str = "UPDATE deliveries SET job_id = ?1, decision = ?2 WHERE id = ?3";

impl Store {
    /// Records a batch of deliveries in ONE transaction, so many concurrent
    /// webhooks share one commit and one fsync (group commit).
    ///
    /// All or nothing: if any delivery fails, nothing of the batch is
    /// stored and the error is returned; the ingest answers 503 to the whole
    /// batch and SuperOffice delivers again. On `Ok` every delivery is
    /// durable (see the crate docs). The results are in the batch's order.
    pub async fn record_deliveries(
        &self,
        batch: &[NewDelivery],
    ) -> Result<Vec<Recorded>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }

        let mut tx = self.begin_write().await?;
        let mut recorded = Vec::with_capacity(batch.len());
        for delivery in batch {
            recorded.push(record_one(&mut tx, delivery).await?);
        }
        tx.commit().await?;

        Ok(recorded)
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

/// Stores one delivery and applies its disposition, inside the batch's
/// transaction.
async fn record_one(
    conn: &mut SqliteConnection,
    delivery: &NewDelivery,
) -> Result<Recorded, StoreError> {
    let changes = changes_json(&delivery.changes);
    let (decision, rule, reason) = match &delivery.disposition {
        Disposition::Enqueue => ("queued", None, None),
        Disposition::Skip { rule, reason } => ("skipped", Some(rule), Some(reason)),
        Disposition::Ignore { reason } => ("ignored", None, Some(reason)),
    };

    let inserted: Option<i64> = sqlx::query_scalar(INSERT_DELIVERY)
        .bind(&delivery.event_id)
        .bind(delivery.received_at)
        .bind(&delivery.tenant)
        .bind(&delivery.event)
        .bind(&delivery.entity)
        .bind(delivery.entity_id)
        .bind(delivery.changed_by)
        .bind(&changes)
        .bind(&delivery.payload)
        .bind(decision)
        .bind(rule)
        .bind(reason)
        .fetch_optional(&mut *conn)
        .await?;

    // A redelivery changes nothing; report the row stored the first time.
    let Some(delivery_id) = inserted else {
        let delivery_id = sqlx::query_scalar("SELECT id FROM deliveries WHERE event_id = ?")
            .bind(&delivery.event_id)
            .fetch_one(&mut *conn)
            .await?;
        return Ok(Recorded::Duplicate { delivery_id });
    };

    let recorded = match &delivery.disposition {
        Disposition::Enqueue => enqueue(conn, delivery, &changes).await?,
        Disposition::Skip { rule, reason } => {
            let job_id = sqlx::query_scalar(INSERT_SKIPPED_JOB)
                .bind(&delivery.tenant)
                .bind(&delivery.entity)
                .bind(delivery.entity_id)
                .bind(&delivery.event)
                .bind(&changes)
                .bind(rule)
                .bind(reason)
                .bind(delivery.received_at)
                .fetch_one(&mut *conn)
                .await?;
            Recorded::Skipped { job_id }
        }
        Disposition::Ignore { .. } => return Ok(Recorded::Ignored { delivery_id }),
    };

    // Point the delivery at its job; a join also corrects the decision.
    let decision = if matches!(recorded, Recorded::Joined { .. }) {
        "joined"
    } else {
        decision
    };
    sqlx::query(LINK_DELIVERY)
        .bind(recorded.job_id())
        .bind(decision)
        .bind(delivery_id)
        .execute(&mut *conn)
        .await?;

    Ok(recorded)
}

/// Makes or joins the record's pending job.
async fn enqueue(
    conn: &mut SqliteConnection,
    delivery: &NewDelivery,
    changes: &str,
) -> Result<Recorded, StoreError> {
    let (job_id, delivery_count): (i64, i64) = sqlx::query_as(UPSERT_PENDING_JOB)
        .bind(&delivery.tenant)
        .bind(&delivery.entity)
        .bind(delivery.entity_id)
        .bind(&delivery.event)
        .bind(changes)
        .bind(delivery.received_at)
        .fetch_one(&mut *conn)
        .await?;

    // A fresh row starts at one delivery; a join has counted at least two.
    Ok(if delivery_count == 1 {
        Recorded::Queued { job_id }
    } else {
        Recorded::Joined { job_id }
    })
}

/// The changed fields as a JSON array, each name once, first mention first.
fn changes_json(changes: &[String]) -> String {
    let mut distinct: Vec<&str> = Vec::with_capacity(changes.len());
    for change in changes {
        if !distinct.contains(&change.as_str()) {
            distinct.push(change);
        }
    }
    serde_json::to_string(&distinct).expect("a list of strings serialises")
}
