//! Deliveries that did not come from SuperOffice, and replays of stored
//! ones (`soctl replay`, `soctl backfill`, `soctl reconcile`).
//!
//! Operator tools queue work the same way the ingest does: they record a
//! delivery, which makes or joins the record's pending job. Their event ids
//! say where they came from and are deterministic, so running a tool twice
//! for the same reason stores the delivery once:
//!
//! | prefix | made by | id |
//! |---|---|---|
//! | `replay:` | `soctl replay` | `replay:<original event id>:<n>`, n = 1, 2, … |
//! | `backfill:` | `soctl backfill` | `backfill:<run>:<entity>:<id>` |
//! | `reconcile:` | reconcile | `reconcile:<entity>:<id>:<updated ms>` |

use serde::Serialize;
use serde_json::json;

use crate::error::StoreError;
use crate::model::{Disposition, NewDelivery};
use crate::records::DeliveryRecord;
use crate::store::Store;

/// Event id prefixes of deliveries made by operator tools; anything else
/// came from SuperOffice.
pub const SYNTHETIC_PREFIXES: [&str; 3] = ["replay:", "backfill:", "reconcile:"];

/// The delivery columns, in [`DeliveryRecord`]'s order.
const DELIVERY_COLUMNS: &str = "id, event_id, received_at, tenant, event, entity, entity_id, \
     changed_by, changes, payload, decision, rule, reason, job_id";

/// What replaying one stored delivery did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replayed {
    /// The stored delivery's event id.
    pub original_event_id: String,
    /// The new delivery's event id (`replay:<original>:<n>`); empty when
    /// the delivery cannot make a job (an entity other than contact or
    /// person, e.g. the registration test event).
    pub event_id: String,
    /// The job it made or joined, if any.
    pub job_id: Option<i64>,
}

impl NewDelivery {
    /// A delivery made by an operator tool, to be worked on: the payload is
    /// shaped like a webhook's, with no changed fields and `source` as the
    /// webhook name, so the dashboard and a later replay read it alike.
    pub fn synthetic(
        event_id: String,
        tenant: &str,
        entity: &str,
        entity_id: i64,
        source: &str,
        now_ms: i64,
    ) -> NewDelivery {
        let event = format!("{entity}.changed");
        let payload = json!({
            "EventId": event_id,
            "Event": event,
            "Entity": entity,
            "PrimaryKey": entity_id,
            "ContextIdentifier": tenant,
            "Changes": [],
            "ChangedByAssociateId": 0,
            "WebhookName": source,
        });
        NewDelivery {
            event_id,
            received_at: now_ms,
            tenant: tenant.to_owned(),
            event,
            entity: entity.to_owned(),
            entity_id,
            changed_by: None,
            changes: Vec::new(),
            payload: payload.to_string(),
            disposition: Disposition::Enqueue,
        }
    }
}

impl Store {
    /// Every stored delivery about one record, oldest first.
    pub async fn deliveries_of_record(
        &self,
        entity: &str,
        entity_id: i64,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries
             WHERE entity = ?1 AND entity_id = ?2 ORDER BY id"
        );
        Ok(sqlx::query_as(&sql)
            .bind(entity)
            .bind(entity_id)
            .fetch_all(&self.reader)
            .await?)
    }

    /// Every stored delivery received in `[from_ms, to_ms)`, oldest first.
    pub async fn deliveries_between(
        &self,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<DeliveryRecord>, StoreError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries
             WHERE received_at >= ?1 AND received_at < ?2 ORDER BY received_at, id"
        );
        Ok(sqlx::query_as(&sql)
            .bind(from_ms)
            .bind(to_ms)
            .fetch_all(&self.reader)
            .await?)
    }

    /// When the newest delivery from SuperOffice (not from an operator
    /// tool) was received: the last moment the webhook is known to have
    /// worked.
    pub async fn last_webhook_delivery_at(&self) -> Result<Option<i64>, StoreError> {
        let [replay, backfill, reconcile] = SYNTHETIC_PREFIXES.map(|p| format!("{p}%"));
        let at = sqlx::query_scalar(
            "SELECT received_at FROM deliveries
             WHERE event_id NOT LIKE ?1 AND event_id NOT LIKE ?2 AND event_id NOT LIKE ?3
             ORDER BY received_at DESC LIMIT 1",
        )
        .bind(replay)
        .bind(backfill)
        .bind(reconcile)
        .fetch_optional(&self.reader)
        .await?;
        Ok(at)
    }

    /// Records each delivery again under a new event id (`replay:<id>:<n>`)
    /// as work to do, whatever was decided the first time, so the record's
    /// pending job is made or joined. Deliveries about other entities than
    /// contact and person cannot make jobs and are left out.
    pub async fn replay(
        &self,
        deliveries: &[DeliveryRecord],
        now_ms: i64,
    ) -> Result<Vec<Replayed>, StoreError> {
        // One entry per delivery, in order; the job ids follow once the
        // whole batch is recorded in one transaction.
        let mut replayed = Vec::with_capacity(deliveries.len());
        let mut batch = Vec::new();
        for original in deliveries {
            let replayable = matches!(original.entity.as_str(), "contact" | "person");
            let event_id = if replayable {
                let event_id = self.next_replay_id(&original.event_id).await?;
                batch.push(replay_of(original, event_id.clone(), now_ms));
                event_id
            } else {
                String::new()
            };
            replayed.push(Replayed {
                original_event_id: original.event_id.clone(),
                event_id,
                job_id: None,
            });
        }

        let recorded = self.record_deliveries(&batch).await?;
        let made = replayed.iter_mut().filter(|r| !r.event_id.is_empty());
        for (entry, outcome) in made.zip(recorded) {
            entry.job_id = outcome.job_id();
        }
        Ok(replayed)
    }

    /// `replay:<original>:<n>` with n one more than the replays stored.
    async fn next_replay_id(&self, original: &str) -> Result<String, StoreError> {
        let prefix = format!("replay:{original}:");
        let earlier: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM deliveries WHERE substr(event_id, 1, ?2) = ?1",
        )
        .bind(&prefix)
        .bind(prefix.chars().count() as i64)
        .fetch_one(&self.reader)
        .await?;
        Ok(format!("{prefix}{}", earlier + 1))
    }
}

fn replay_of(original: &DeliveryRecord, event_id: String, now_ms: i64) -> NewDelivery {
    NewDelivery {
        event_id,
        received_at: now_ms,
        tenant: original.tenant.clone(),
        event: original.event.clone(),
        entity: original.entity.clone(),
        entity_id: original.entity_id,
        changed_by: original.changed_by,
        changes: serde_json::from_str(&original.changes).unwrap_or_default(),
        payload: original.payload.clone(),
        disposition: Disposition::Enqueue,
    }
}
