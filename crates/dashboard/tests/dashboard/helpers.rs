//! A fresh store per test, jobs written straight into it with the times a
//! test needs, and the dashboard served from it.

use std::path::PathBuf;

use so_dashboard::Dashboard;
use so_queue::{Store, StoreOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqliteConnection};
use tempfile::TempDir;

/// A fixed "now": 2023-11-14T22:13:20Z, in milliseconds.
pub const T0: i64 = 1_700_000_000_000;

/// Milliseconds in a minute and a second, for readable offsets.
pub const MINUTE: i64 = 60_000;
pub const SECOND: i64 = 1_000;

/// A store on a fresh file; the directory lives as long as this value.
pub struct TestStore {
    pub store: Store,
    pub path: PathBuf,
    _dir: TempDir,
}

impl TestStore {
    pub async fn fresh() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("connector.sqlite");
        let store = Store::open(&path, StoreOptions::default())
            .await
            .expect("store opens");
        TestStore {
            store,
            path,
            _dir: dir,
        }
    }

    /// A plain connection to the file, for writing rows as a test needs.
    pub async fn raw(&self) -> SqliteConnection {
        SqliteConnectOptions::new()
            .filename(&self.path)
            .connect()
            .await
            .expect("raw connect")
    }

    pub fn dashboard(&self) -> Dashboard {
        Dashboard {
            refresh_secs: 0,
            ..Dashboard::new(self.store.clone())
        }
    }
}

/// A job as a test writes it.
#[derive(Debug, Clone)]
pub struct JobSeed {
    pub entity: &'static str,
    pub entity_id: i64,
    pub event: &'static str,
    pub status: &'static str,
    pub created_at: i64,
    /// When it finished (completed, skipped, failed); also its updated_at.
    pub finished_at: Option<i64>,
    pub rule: Option<&'static str>,
    pub reason: Option<&'static str>,
    pub attempts: u32,
    pub last_error: Option<&'static str>,
    pub result: Option<serde_json::Value>,
}

impl JobSeed {
    /// A contact job completed at `at` (made a second earlier).
    pub fn completed(entity_id: i64, at: i64) -> Self {
        JobSeed {
            status: "completed",
            created_at: at - SECOND,
            finished_at: Some(at),
            attempts: 1,
            result: Some(serde_json::json!({
                "changes": [
                    {"field": "SuperOffice:1", "before": "", "after": "Hotels and hospitality"},
                    {"field": "SuperOffice:2", "before": "Old summary.", "after": "A hotel group."}
                ],
                "unchanged": ["SuperOffice:3"],
                "entity": "contact",
                "analysis": {"source": "fresh", "vertical": "hotels", "list_item_id": 7,
                             "prospect": true}
            })),
            ..Self::pending(entity_id, at - SECOND)
        }
    }

    /// An echo of our own write skipped by the ingest at `at`.
    pub fn echo(entity_id: i64, at: i64) -> Self {
        JobSeed {
            status: "skipped",
            finished_at: Some(at),
            rule: Some("echo_of_own_write"),
            reason: Some("changed by the connector's own user"),
            ..Self::pending(entity_id, at)
        }
    }

    /// A job failed at `at` after 5 attempts.
    pub fn failed(entity_id: i64, at: i64) -> Self {
        JobSeed {
            status: "failed",
            created_at: at - MINUTE,
            finished_at: Some(at),
            rule: Some("retries_exhausted"),
            reason: Some("gave up after 5 attempts"),
            attempts: 5,
            last_error: Some("SuperOffice answered 500 on GET Contact/7"),
            ..Self::pending(entity_id, at)
        }
    }

    /// A contact.changed job waiting since `at`.
    pub fn pending(entity_id: i64, at: i64) -> Self {
        JobSeed {
            entity: "contact",
            entity_id,
            event: "contact.changed",
            status: "pending",
            created_at: at,
            finished_at: None,
            rule: None,
            reason: None,
            attempts: 0,
            last_error: None,
            result: None,
        }
    }
}

/// Writes `job` and one delivery for it; returns the job's id.
pub async fn insert_job(conn: &mut SqliteConnection, job: &JobSeed) -> i64 {
    let updated_at = job.finished_at.unwrap_or(job.created_at);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO jobs (tenant, entity, entity_id, event, changes, status, rule, reason,
                           run_at, attempts, last_error, result, created_at, updated_at,
                           finished_at)
         VALUES ('Cust1', ?1, ?2, ?3, '[\"name\"]', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?7, ?11, ?12)
         RETURNING id",
    )
    .bind(job.entity)
    .bind(job.entity_id)
    .bind(job.event)
    .bind(job.status)
    .bind(job.rule)
    .bind(job.reason)
    .bind(job.created_at)
    .bind(job.attempts)
    .bind(job.last_error)
    .bind(job.result.as_ref().map(|r| r.to_string()))
    .bind(updated_at)
    .bind(job.finished_at)
    .fetch_one(&mut *conn)
    .await
    .expect("job inserted");

    let decision = if job.status == "skipped" && job.rule == Some("echo_of_own_write") {
        "skipped"
    } else {
        "queued"
    };
    sqlx::query(
        "INSERT INTO deliveries (event_id, received_at, tenant, event, entity, entity_id,
                                 changes, payload, decision, rule, reason, job_id)
         VALUES (?1, ?2, 'Cust1', ?3, ?4, ?5, '[\"name\"]', '{}', ?6, ?7, ?8, ?9)",
    )
    .bind(format!("ev-{id}"))
    .bind(job.created_at)
    .bind(job.event)
    .bind(job.entity)
    .bind(job.entity_id)
    .bind(decision)
    .bind((decision == "skipped").then_some(job.rule).flatten())
    .bind((decision == "skipped").then_some(job.reason).flatten())
    .bind(id)
    .execute(&mut *conn)
    .await
    .expect("delivery inserted");
    id
}

/// Stores the names the worker would have resolved on job `job_id`, the
/// way `Store::set_names` does (an UPDATE, which the trigger copies into
/// `account_names`).
pub async fn name_job(conn: &mut SqliteConnection, job_id: i64, company: &str, owner: &str) {
    sqlx::query("UPDATE jobs SET company_name = ?1, owner_short_name = ?2 WHERE id = ?3")
        .bind(company)
        .bind(owner)
        .bind(job_id)
        .execute(&mut *conn)
        .await
        .expect("names stored");
}
