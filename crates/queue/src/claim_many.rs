//! Claiming several jobs in one statement, for a worker that runs several
//! jobs at once: one statement and one commit for all of them, where
//! separate claims would cost one each.

use std::sync::LazyLock;
use std::time::Duration;

use crate::claim::{ClaimRow, CLAIM_RETURNING, CLAIM_SET};
use crate::error::StoreError;
use crate::model::ClaimedJob;
use crate::store::Store;

/// The jobs a claim of up to `?5` takes (`?2` is now, `?4` the attempt
/// limit), by the rules of a single claim: processing jobs whose lease ran
/// out with attempts left, then pending jobs due earliest, and never a job
/// of a record that is processing under a live lease.
///
/// One claim may also not take two jobs of one record: a record can have
/// an expired job and a pending one, or two expired ones. So the
/// candidates (at most `?5` of each kind, read in due order from partial
/// indexes, whatever the backlog) are numbered per record in order of
/// preference, and only each record's first is taken.
const CANDIDATES: &str = "
    SELECT id FROM (
        SELECT id, pass, due,
               row_number() OVER (PARTITION BY tenant, entity, entity_id
                                  ORDER BY pass, due, id) AS nth
        FROM (
            SELECT * FROM (
                SELECT j.id, j.tenant, j.entity, j.entity_id, 0 AS pass,
                       j.lease_expires_at AS due
                  FROM jobs j INDEXED BY jobs_processing_lease
                 WHERE j.status = 'processing' AND j.lease_expires_at <= ?2
                   AND j.attempts < ?4
                   AND NOT EXISTS (SELECT 1 FROM jobs p
                                    WHERE p.tenant = j.tenant AND p.entity = j.entity
                                      AND p.entity_id = j.entity_id
                                      AND p.status = 'processing'
                                      AND p.lease_expires_at > ?2)
                 ORDER BY j.lease_expires_at LIMIT ?5)
            UNION ALL
            SELECT * FROM (
                SELECT j.id, j.tenant, j.entity, j.entity_id, 1 AS pass, j.run_at AS due
                  FROM jobs j INDEXED BY jobs_pending_due
                 WHERE j.status = 'pending' AND j.run_at <= ?2
                   AND NOT EXISTS (SELECT 1 FROM jobs p
                                    WHERE p.tenant = j.tenant AND p.entity = j.entity
                                      AND p.entity_id = j.entity_id
                                      AND p.status = 'processing'
                                      AND p.lease_expires_at > ?2)
                 ORDER BY j.run_at, j.id LIMIT ?5)))
    WHERE nth = 1
    ORDER BY pass, due, id
    LIMIT ?5";

static CLAIM_MANY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE jobs SET {CLAIM_SET} WHERE id IN ({CANDIDATES}) {}",
        *CLAIM_RETURNING
    )
});

impl Store {
    /// Claims up to `limit` due jobs for `holder` at once, each under its
    /// own lease and token, as [`Store::claim`] would one after another:
    /// expired leases first, then the pending jobs due earliest, never two
    /// jobs of one record. Returns them by due time (`run_at`, then id);
    /// empty when nothing is due.
    ///
    /// Every job is the caller's to finish before its lease runs out, so
    /// ask only for as many as there are free slots.
    pub async fn claim_many(
        &self,
        holder: &str,
        limit: u32,
        lease: Duration,
        now_ms: i64,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }

        let rows: Vec<ClaimRow> = sqlx::query_as(&CLAIM_MANY)
            .bind(holder)
            .bind(now_ms)
            .bind(crate::millis(lease))
            .bind(self.max_attempts)
            .bind(limit)
            .fetch_all(&mut *self.writer.acquire().await?)
            .await?;

        let reap_due = match rows.first() {
            Some(row) => row.reap_due,
            None => self.reap_due(now_ms).await?,
        };
        if reap_due {
            self.reap_lost_leases(now_ms).await?;
        }

        // RETURNING hands the rows back in no promised order.
        let mut claimed = rows
            .into_iter()
            .map(|row| row.into_claimed(holder))
            .collect::<Result<Vec<_>, _>>()?;
        claimed.sort_by_key(|claimed| (claimed.job.run_at, claimed.job.id));
        Ok(claimed)
    }
}

#[cfg(test)]
mod tests {
    use crate::{Store, StoreOptions};

    #[tokio::test]
    async fn claim_many_searches_jobs_through_indexes_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("jobs.db"), StoreOptions::default())
            .await
            .unwrap();

        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {}", *super::CLAIM_MANY))
                .bind("plan")
                .bind(crate::now_ms())
                .bind(0_i64)
                .bind(5_u32)
                .bind(8_u32)
                .fetch_all(&store.reader)
                .await
                .unwrap();

        let steps: Vec<&str> = plan.iter().map(|(_, _, _, step)| step.as_str()).collect();
        for index in [
            "jobs_pending_due",
            "jobs_processing_lease",
            "jobs_processing_record",
        ] {
            assert!(steps.iter().any(|step| step.contains(index)), "{steps:#?}");
        }
        let table_scans: Vec<&&str> = steps
            .iter()
            .filter(|step| step.starts_with("SCAN j") || step.starts_with("SCAN jobs"))
            .collect();
        assert!(table_scans.is_empty(), "{steps:#?}");
    }
}
