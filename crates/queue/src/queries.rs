//! Read-only views for the worker's duplicate rule, the dashboard and
//! `soctl`. They run on the read pool and never take the write lock.

use std::sync::LazyLock;
use std::time::Duration;

use sqlx::{QueryBuilder, Sqlite};

use crate::error::StoreError;
use crate::model::JobStatus;
use crate::records::{
    parse_status, AttemptRecord, CompanyJob, DeliveryRecord, JobDetail, JobFilter, JobRecord,
    JobRow, StatusCounts, JOB_COLUMNS,
};
use crate::store::Store;

static JOB_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"));

impl Store {
    /// Other jobs for a company, for the duplicate-creation rule: those
    /// processing now and those completed at or after `since_ms`. The
    /// asking worker's own job (`except_job_id`) is left out, since it is
    /// processing too.
    pub async fn recent_jobs_for_company(
        &self,
        company_key: &str,
        since_ms: i64,
        except_job_id: i64,
    ) -> Result<Vec<CompanyJob>, StoreError> {
        let rows: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT id, status, finished_at FROM jobs
             WHERE company_key = ?1 AND id <> ?3
               AND (status = 'processing' OR (status = 'completed' AND finished_at >= ?2))
             ORDER BY id",
        )
        .bind(company_key)
        .bind(since_ms)
        .bind(except_job_id)
        .fetch_all(&self.reader)
        .await?;

        rows.into_iter()
            .map(|(job_id, status, finished_at)| {
                Ok(CompanyJob {
                    job_id,
                    status: parse_status(&status)?,
                    finished_at,
                })
            })
            .collect()
    }

    /// Jobs per status; with `since_ms`, only jobs changed at or after it.
    pub async fn counts_by_status(
        &self,
        since_ms: Option<i64>,
    ) -> Result<StatusCounts, StoreError> {
        // One indexed count per status: (status, updated_at) answers each
        // with a range, where a GROUP BY with a time filter would scan.
        let mut counts = StatusCounts::default();
        for status in JobStatus::ALL {
            let count: i64 = sqlx::query_scalar(
                "SELECT count(*) FROM jobs WHERE status = ?1 AND updated_at >= ?2",
            )
            .bind(status.as_str())
            .bind(since_ms.unwrap_or(i64::MIN))
            .fetch_one(&self.reader)
            .await?;
            *counts.slot(status) = u64::try_from(count).unwrap_or(0);
        }
        Ok(counts)
    }

    /// A page of jobs matching `filter`, newest first.
    ///
    /// The search matches company or owner names (case-insensitive for
    /// ASCII) or an exact entity id; it reads rows newest first until the
    /// page is full, so a rare match in a large table reads far.
    pub async fn list_jobs(&self, filter: &JobFilter) -> Result<Vec<JobRecord>, StoreError> {
        // Only the filters in use go into the SQL, so that a status filter
        // can walk the (status, id) index.
        let mut query =
            QueryBuilder::<Sqlite>::new(format!("SELECT {JOB_COLUMNS} FROM jobs WHERE 1"));
        if let Some(status) = filter.status {
            query.push(" AND status = ").push_bind(status.as_str());
        }
        if let Some(entity) = &filter.entity {
            query.push(" AND entity = ").push_bind(entity.clone());
        }
        if let Some(before_id) = filter.before_id {
            query.push(" AND id < ").push_bind(before_id);
        }
        if let Some(search) = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let pattern = format!("%{search}%");
            query
                .push(" AND (company_name LIKE ")
                .push_bind(pattern.clone());
            query.push(" OR owner_short_name LIKE ").push_bind(pattern);
            query
                .push(" OR CAST(entity_id AS TEXT) = ")
                .push_bind(search.to_owned());
            query.push(")");
        }
        query
            .push(" ORDER BY id DESC LIMIT ")
            .push_bind(filter.limit);

        let rows: Vec<JobRow> = query.build_query_as().fetch_all(&self.reader).await?;
        rows.into_iter().map(JobRecord::try_from).collect()
    }

    /// One job with its deliveries and attempts, or `None` if the id is
    /// unknown.
    pub async fn job(&self, job_id: i64) -> Result<Option<JobDetail>, StoreError> {
        // One read transaction, so the three reads see the same moment.
        let mut tx = self.reader.begin().await?;
        let row: Option<JobRow> = sqlx::query_as(&JOB_BY_ID)
            .bind(job_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };

        let deliveries: Vec<DeliveryRecord> = sqlx::query_as(
            "SELECT id, event_id, received_at, tenant, event, entity, entity_id, changed_by,
                    changes, payload, decision, rule, reason, job_id
             FROM deliveries WHERE job_id = ?1 ORDER BY id",
        )
        .bind(job_id)
        .fetch_all(&mut *tx)
        .await?;
        let attempts: Vec<AttemptRecord> = sqlx::query_as(
            "SELECT attempt, holder, started_at, finished_at, outcome, error, api_calls
             FROM job_attempts WHERE job_id = ?1 ORDER BY id",
        )
        .bind(job_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;

        Ok(Some(JobDetail {
            job: JobRecord::try_from(row)?,
            deliveries,
            attempts,
        }))
    }

    /// How long the most overdue pending job has been due (`now_ms` minus
    /// the earliest `run_at` that has passed), or `None` when no pending job
    /// is due: the queue's lag, for metrics and `/readyz`.
    pub async fn oldest_pending_age(&self, now_ms: i64) -> Result<Option<Duration>, StoreError> {
        let earliest: Option<i64> = sqlx::query_scalar(
            "SELECT min(run_at) FROM jobs WHERE status = 'pending' AND run_at <= ?1",
        )
        .bind(now_ms)
        .fetch_one(&self.reader)
        .await?;

        Ok(earliest
            .map(|run_at| Duration::from_millis(u64::try_from(now_ms - run_at).unwrap_or(0))))
    }
}
