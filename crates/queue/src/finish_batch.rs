//! Group commit of finishing writes: the finishes that callers make at the
//! same time are written by ONE statement.
//!
//! A worker runs several jobs at once, and each ends with a finish. Written
//! one by one, each finish is a statement and a commit of its own, and each
//! commit appends every page it changed to the WAL: nine pages, most of
//! them the same few index pages every time. Combined, the finishes share
//! one round trip to SQLite's thread and one commit, and a page changed by
//! all of them is written once.
//!
//! How: a finish joins a queue, then waits for the process's write
//! connection. Whoever gets the connection writes every finish queued by
//! then, and answers each. A finish made while nothing else is queued is
//! written alone, at once, as before. Each caller still returns only after
//! the commit that holds its finish.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use serde::Serialize;
use sqlx::SqliteConnection;
use tokio::sync::oneshot;

use crate::error::StoreError;

/// Ends each listed job for good and drops its lease, fenced: only a job
/// still processing under the listed token changes. A NULL error or result
/// keeps the stored value. Returns the ids of the jobs it finished; the
/// attempt trigger closes their attempts.
const FINISH_JOBS: &str = "
    WITH finish AS MATERIALIZED (SELECT value AS f FROM json_each(?1))
    UPDATE jobs SET
        status = f ->> 'status', rule = f ->> 'rule', reason = f ->> 'reason',
        last_error = coalesce(f ->> 'error', jobs.last_error),
        result = coalesce(f ->> 'result', jobs.result),
        api_calls = jobs.api_calls + (f ->> 'api_calls'),
        lease_holder = NULL, lease_token = NULL, lease_expires_at = NULL,
        finished_at = f ->> 'now', updated_at = f ->> 'now'
    FROM finish
    WHERE jobs.id = f ->> 'job_id' AND jobs.lease_token = f ->> 'token'
      AND jobs.status = 'processing'
    RETURNING jobs.id";

/// One finishing write, as the statement reads it from JSON.
#[derive(Debug, Serialize)]
pub(crate) struct FinishRow {
    pub(crate) job_id: i64,
    pub(crate) token: String,
    pub(crate) status: &'static str,
    pub(crate) rule: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) error: Option<String>,
    /// JSON text of a completed job's result.
    pub(crate) result: Option<String>,
    pub(crate) api_calls: u32,
    pub(crate) now: i64,
}

type Answer = Result<(), StoreError>;

/// Finishes waiting for the write connection. Shared by a store's clones.
#[derive(Debug, Default)]
pub(crate) struct FinishQueue {
    waiting: Mutex<Vec<Waiting>>,
    /// Numbers the waiting finishes, so a caller can take its own back.
    tickets: AtomicU64,
}

#[derive(Debug)]
struct Waiting {
    ticket: u64,
    row: FinishRow,
    answer: oneshot::Sender<Answer>,
}

impl FinishQueue {
    /// Queues a finish; returns its ticket and where its answer will come.
    pub(crate) fn push(&self, row: FinishRow) -> (u64, oneshot::Receiver<Answer>) {
        let ticket = self.tickets.fetch_add(1, Ordering::Relaxed);
        let (answer, answered) = oneshot::channel();
        self.lock().push(Waiting {
            ticket,
            row,
            answer,
        });
        (ticket, answered)
    }

    /// Takes a finish back if nobody has taken it to write yet.
    pub(crate) fn withdraw(&self, ticket: u64) -> bool {
        let mut waiting = self.lock();
        let before = waiting.len();
        waiting.retain(|w| w.ticket != ticket);
        waiting.len() < before
    }

    /// Writes every queued finish on `conn`, the write connection, and
    /// answers each.
    pub(crate) async fn write_queued(&self, conn: &mut SqliteConnection) {
        let mut batch = std::mem::take(&mut *self.lock());
        while !batch.is_empty() {
            // Two finishes of one job cannot share the statement (it would
            // update the row once and report both done): the later one
            // waits for the next round, and meets the fence there.
            let (now, later) = first_of_each_job(batch);
            write(conn, now).await;
            batch = later;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Waiting>> {
        // A panic while holding the lock leaves a valid Vec; keep going.
        self.waiting
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Splits off the finishes of jobs that came earlier in the batch.
fn first_of_each_job(batch: Vec<Waiting>) -> (Vec<Waiting>, Vec<Waiting>) {
    let mut seen = std::collections::HashSet::new();
    batch.into_iter().partition(|w| seen.insert(w.row.job_id))
}

/// One statement for the batch, then one answer per finish.
async fn write(conn: &mut SqliteConnection, batch: Vec<Waiting>) {
    let rows: Vec<&FinishRow> = batch.iter().map(|w| &w.row).collect();
    let json = serde_json::to_string(&rows).expect("finish rows serialise");
    let finished = sqlx::query_scalar::<_, i64>(FINISH_JOBS)
        .bind(json)
        .fetch_all(&mut *conn)
        .await;

    match finished {
        Ok(finished) => {
            for waiting in batch {
                let job_id = waiting.row.job_id;
                let answer = if finished.contains(&job_id) {
                    tracing::debug!(job_id, status = waiting.row.status, "job finished");
                    Ok(())
                } else {
                    Err(StoreError::LeaseLost { job_id })
                };
                let _ = waiting.answer.send(answer);
            }
        }
        // Nothing of the batch was written. The first caller gets the
        // error; the others a copy of the same kind, since the cause
        // cannot be cloned.
        Err(error) => {
            let error = StoreError::from(error);
            let mut batch = batch.into_iter();
            let first = batch.next().expect("a written batch is never empty");
            for waiting in batch {
                let _ = waiting.answer.send(Err(same_kind(&error)));
            }
            let _ = first.answer.send(Err(error));
        }
    }
}

/// An error of the same kind as `error` (so `is_transient` agrees), its
/// cause carried as text.
fn same_kind(error: &StoreError) -> StoreError {
    let text = std::error::Error::source(error)
        .map(ToString::to_string)
        .unwrap_or_else(|| error.to_string());
    let cause = sqlx::Error::Io(std::io::Error::other(text));
    match error {
        StoreError::Busy(_) => StoreError::Busy(cause),
        StoreError::Unavailable(_) => StoreError::Unavailable(cause),
        StoreError::Rejected(_) => StoreError::Rejected(cause),
        _ => StoreError::Query(cause),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Store, StoreOptions};

    #[tokio::test]
    async fn the_combined_finish_finds_each_job_by_its_row_id() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("jobs.db"), StoreOptions::default())
            .await
            .unwrap();

        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {}", super::FINISH_JOBS))
                .bind("[]")
                .fetch_all(&store.reader)
                .await
                .unwrap();

        let steps: Vec<&str> = plan.iter().map(|(_, _, _, step)| step.as_str()).collect();
        assert!(
            steps.contains(&"SEARCH jobs USING INTEGER PRIMARY KEY (rowid=?)"),
            "{steps:#?}"
        );
        assert!(
            !steps.iter().any(|step| step.starts_with("SCAN jobs")),
            "{steps:#?}"
        );
    }
}
