//! Read-only views of runs for the dashboard: the jobs that end a run, the
//! jobs of one record back in time, and the names of accounts.
//!
//! A *run* is what the dashboard shows as one line: the jobs of one record
//! (tenant, entity, entity id) where each was made less than a window
//! (15 minutes on the dashboard) after the previous one last changed. The
//! job that ends a run, its *head*, is a job with no later job of its
//! record made within the window after its own last change (`updated_at`). Listing heads
//! newest first pages through runs with a key (the head's id), so a page
//! costs the same on the first screen and the thousandth.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite};

use crate::error::StoreError;
use crate::model::JobStatus;
use crate::records::{JobRecord, JobRow, JOB_COLUMNS};
use crate::store::Store;

/// Which run heads [`Store::run_heads`] returns, newest (highest id) first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunHeadFilter {
    /// Length of the window that joins jobs into one run, in milliseconds.
    pub window_ms: i64,
    /// Only heads in one of these statuses; empty for any.
    pub statuses: Vec<JobStatus>,
    /// Only heads of these records; `None` for any.
    pub records: Option<Vec<RecordKey>>,
    /// Only heads with a smaller id: the last id of the previous page.
    pub before_id: Option<i64>,
    /// At most this many heads.
    pub limit: u32,
}

/// One CRM record.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    /// Tenant (ContextIdentifier).
    pub tenant: String,
    /// "contact" or "person".
    pub entity: String,
    /// The record's id in SuperOffice.
    pub entity_id: i64,
}

/// The latest names the worker resolved for one record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountName {
    /// Company name ("Acme GmbH").
    pub company_name: Option<String>,
    /// Owner's short name ("RKAB").
    pub owner_short_name: Option<String>,
}

/// A row of `account_names`: tenant, entity, entity id, company, owner.
type NameRow = (String, String, i64, Option<String>, Option<String>);

/// Later job of the same record within the window: its presence means the
/// outer job `j` does not end its run. Walks `jobs_record_created`.
const LATER_IN_WINDOW: &str = " AND NOT EXISTS (SELECT 1 FROM jobs n
      WHERE n.entity = j.entity AND n.entity_id = j.entity_id AND n.tenant = j.tenant
        AND n.created_at >= j.created_at AND n.created_at < j.updated_at + ";

impl Store {
    /// Jobs that end a run, newest first; see the module documentation.
    pub async fn run_heads(&self, filter: &RunHeadFilter) -> Result<Vec<JobRecord>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(format!(
            "SELECT {} FROM jobs j WHERE 1",
            qualified_columns("j")
        ));
        if let Some(before_id) = filter.before_id {
            query.push(" AND j.id < ").push_bind(before_id);
        }
        if !filter.statuses.is_empty() {
            query.push(" AND j.status IN (");
            let mut statuses = query.separated(", ");
            for status in &filter.statuses {
                statuses.push_bind(status.as_str());
            }
            query.push(")");
        }
        if let Some(records) = &filter.records {
            push_records(&mut query, records);
        }

        // "Later" is by creation time, then by id for jobs made in the same
        // millisecond.
        query.push(LATER_IN_WINDOW).push_bind(filter.window_ms);
        query.push(" AND (n.created_at, n.id) > (j.created_at, j.id))");
        query
            .push(" ORDER BY j.id DESC LIMIT ")
            .push_bind(filter.limit);

        let rows: Vec<JobRow> = query.build_query_as().fetch_all(&self.reader).await?;
        rows.into_iter().map(JobRecord::try_from).collect()
    }

    /// The jobs of one record made at or before the job `until` (by creation
    /// time, then id) and at or after `since_ms`, newest first, at most
    /// `limit`.
    pub async fn record_jobs_until(
        &self,
        record: &RecordKey,
        until: &JobRecord,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<JobRecord>, StoreError> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs
             WHERE entity = ?1 AND entity_id = ?2 AND tenant = ?3
               AND created_at >= ?7 AND (created_at, id) <= (?4, ?5)
             ORDER BY created_at DESC, id DESC LIMIT ?6"
        );
        let rows: Vec<JobRow> = sqlx::query_as(&sql)
            .bind(&record.entity)
            .bind(record.entity_id)
            .bind(&record.tenant)
            .bind(until.created_at)
            .bind(until.id)
            .bind(limit)
            .bind(since_ms)
            .fetch_all(&self.reader)
            .await?;
        rows.into_iter().map(JobRecord::try_from).collect()
    }

    /// The stored names of these records; records without a name are left
    /// out of the map. One query: the keys go in as a JSON array.
    pub async fn account_names(
        &self,
        records: &[RecordKey],
    ) -> Result<HashMap<RecordKey, AccountName>, StoreError> {
        if records.is_empty() {
            return Ok(HashMap::new());
        }
        let keys: Vec<(&str, &str, i64)> = records
            .iter()
            .map(|record| {
                (
                    record.tenant.as_str(),
                    record.entity.as_str(),
                    record.entity_id,
                )
            })
            .collect();
        let keys = serde_json::json!(keys).to_string();

        // Each key is a primary-key look-up.
        let rows: Vec<NameRow> = sqlx::query_as(
            "SELECT n.tenant, n.entity, n.entity_id, n.company_name, n.owner_short_name
             FROM json_each(?1) AS k
             JOIN account_names n
               ON n.tenant = k.value ->> 0 AND n.entity = k.value ->> 1
              AND n.entity_id = k.value ->> 2",
        )
        .bind(keys)
        .fetch_all(&self.reader)
        .await?;

        Ok(rows
            .into_iter()
            .map(
                |(tenant, entity, entity_id, company_name, owner_short_name)| {
                    let key = RecordKey {
                        tenant,
                        entity,
                        entity_id,
                    };
                    let name = AccountName {
                        company_name,
                        owner_short_name,
                    };
                    (key, name)
                },
            )
            .collect())
    }

    /// Records whose company or owner name contains `text` (ASCII case
    /// ignored), or whose id is `text`, at most `limit`, most recently
    /// named first. Reads every row of `account_names` (one per account,
    /// not per job).
    pub async fn search_records(
        &self,
        text: &str,
        limit: u32,
    ) -> Result<Vec<RecordKey>, StoreError> {
        let text = text.trim();
        let pattern = format!("%{}%", escape_like(text));
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT tenant, entity, entity_id FROM account_names
             WHERE company_name LIKE ?1 ESCAPE '\\' OR owner_short_name LIKE ?1 ESCAPE '\\'
             ORDER BY updated_at DESC LIMIT ?2",
        )
        .bind(&pattern)
        .bind(limit)
        .fetch_all(&self.reader)
        .await?;
        let mut records: Vec<RecordKey> = rows
            .into_iter()
            .map(|(tenant, entity, entity_id)| RecordKey {
                tenant,
                entity,
                entity_id,
            })
            .collect();

        // An id matches records never named as well: read them from jobs.
        if let Ok(entity_id) = text.parse::<i64>() {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT DISTINCT tenant, entity FROM jobs
                 WHERE entity IN ('contact', 'person') AND entity_id = ?1",
            )
            .bind(entity_id)
            .fetch_all(&self.reader)
            .await?;
            for (tenant, entity) in rows {
                let key = RecordKey {
                    tenant,
                    entity,
                    entity_id,
                };
                if !records.contains(&key) {
                    records.push(key);
                }
            }
        }
        Ok(records)
    }
}

/// `id, tenant, ...` with each column prefixed by `alias.`.
fn qualified_columns(alias: &str) -> String {
    JOB_COLUMNS
        .split(',')
        .map(|column| format!("{alias}.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Restricts `j` to `records`, grouped by entity so that each group walks
/// the `(entity, entity_id, created_at)` index with a list of ids. The
/// terms are joined by a bare OR, which SQLite answers with one index
/// search per term; wrapping them (`0 OR ...`) would make it scan.
fn push_records(query: &mut QueryBuilder<'_, Sqlite>, records: &[RecordKey]) {
    let mut groups = Vec::new();
    for entity in ["contact", "person"] {
        let ids: Vec<i64> = records
            .iter()
            .filter(|record| record.entity == entity)
            .map(|record| record.entity_id)
            .collect();
        if !ids.is_empty() {
            groups.push((entity, ids));
        }
    }
    if groups.is_empty() {
        query.push(" AND 0");
        return;
    }

    query.push(" AND (");
    for (index, (entity, ids)) in groups.into_iter().enumerate() {
        if index > 0 {
            query.push(" OR ");
        }
        query.push("(j.entity = ").push_bind(entity);
        query.push(" AND j.entity_id IN (");
        let mut separated = query.separated(", ");
        for id in ids {
            separated.push_bind(id);
        }
        query.push("))");
    }
    query.push(")");
}

/// Escapes `%`, `_` and `\` so that the search text matches literally.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
