//! Read-only aggregates for the dashboard's summary and the metrics: the
//! queue's depth, deliveries per minute, what the rules skipped, lease
//! take-overs. Each is one query on an index; none takes the write lock.

use crate::error::StoreError;
use crate::store::Store;

/// Jobs waiting or running now: the queue's depth.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueDepth {
    /// Pending jobs, due or not.
    pub pending: u64,
    /// Pending jobs whose `run_at` has passed.
    pub due: u64,
    /// Jobs claimed by a worker.
    pub processing: u64,
    /// Failed jobs waiting for an operator.
    pub failed: u64,
}

/// Deliveries received in one minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinuteCount {
    /// The minute's first millisecond (ms since the epoch, UTC).
    pub minute_ms: i64,
    /// Deliveries received in it.
    pub deliveries: u64,
}

/// How many deliveries one rule skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    /// The reason code (`echo_of_own_write`, `owner_not_ours`, ...).
    pub rule: String,
    /// Deliveries it skipped.
    pub deliveries: u64,
}

/// What happened to the deliveries received since a moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkipShares {
    /// Deliveries received, whatever became of them.
    pub total: u64,
    /// Deliveries skipped, by rule, most first. A delivery counts as skipped
    /// by the ingest's rule when the ingest skipped it, else by the worker's
    /// rule when the job it joined was skipped.
    pub by_rule: Vec<RuleCount>,
}

impl Store {
    /// The queue's depth now; `now_ms` decides which pending jobs are due.
    pub async fn queue_depth(&self, now_ms: i64) -> Result<QueueDepth, StoreError> {
        // The partial indexes of pending and processing jobs hold only those
        // rows, so these counts stay cheap beside a million finished jobs.
        let (pending, due): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE run_at <= ?1)
             FROM jobs INDEXED BY jobs_pending_due WHERE status = 'pending'",
        )
        .bind(now_ms)
        .fetch_one(&self.reader)
        .await?;
        let processing: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM jobs INDEXED BY jobs_processing_lease
             WHERE status = 'processing'",
        )
        .fetch_one(&self.reader)
        .await?;
        // Failed jobs stay until retried or purged; (status, id) counts them.
        let failed: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM jobs INDEXED BY jobs_status_id WHERE status = 'failed'",
        )
        .fetch_one(&self.reader)
        .await?;

        Ok(QueueDepth {
            pending: count(pending),
            due: count(due),
            processing: count(processing),
            failed: count(failed),
        })
    }

    /// Deliveries per minute received in `[since_ms, until_ms)`, oldest
    /// first; minutes without deliveries are left out.
    pub async fn deliveries_per_minute(
        &self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<MinuteCount>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT received_at / 60000 AS minute, count(*) FROM deliveries
             WHERE received_at >= ?1 AND received_at < ?2
             GROUP BY minute ORDER BY minute",
        )
        .bind(since_ms)
        .bind(until_ms)
        .fetch_all(&self.reader)
        .await?;

        Ok(rows
            .into_iter()
            .map(|(minute, deliveries)| MinuteCount {
                minute_ms: minute * 60_000,
                deliveries: count(deliveries),
            })
            .collect())
    }

    /// What the rules skipped among the deliveries received at or after
    /// `since_ms`.
    pub async fn skip_shares(&self, since_ms: i64) -> Result<SkipShares, StoreError> {
        // Reads the deliveries of the window by their receipt index and
        // looks up each one's job by primary key.
        let rows: Vec<(Option<String>, i64)> = sqlx::query_as(
            "SELECT CASE
                        WHEN d.decision = 'skipped' THEN coalesce(d.rule, 'unknown')
                        WHEN j.status = 'skipped' THEN coalesce(j.rule, 'unknown')
                    END AS skipped_by,
                    count(*)
             FROM deliveries d LEFT JOIN jobs j ON j.id = d.job_id
             WHERE d.received_at >= ?1
             GROUP BY skipped_by",
        )
        .bind(since_ms)
        .fetch_all(&self.reader)
        .await?;

        let mut shares = SkipShares::default();
        for (rule, deliveries) in rows {
            shares.total += count(deliveries);
            if let Some(rule) = rule {
                shares.by_rule.push(RuleCount {
                    rule,
                    deliveries: count(deliveries),
                });
            }
        }
        shares
            .by_rule
            .sort_by(|a, b| b.deliveries.cmp(&a.deliveries).then(a.rule.cmp(&b.rule)));
        Ok(shares)
    }

    /// Attempts that ended because their lease ran out and another claim
    /// took the job over, over the whole file. Rows removed by retention
    /// are no longer counted.
    pub async fn lease_takeovers(&self) -> Result<u64, StoreError> {
        let takeovers: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM job_attempts INDEXED BY job_attempts_lease_lost
             WHERE outcome = 'lease_lost'",
        )
        .fetch_one(&self.reader)
        .await?;
        Ok(count(takeovers))
    }
}

/// A SQLite count as unsigned (counts are never negative).
fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}
