//! The commit ceiling of a bare SQLite file: what the disk allows before
//! the store adds any work of its own.

use std::path::Path;
use std::time::Instant;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};

use crate::jobs::SPELL;

/// Rows per second into a bare table, `per_commit` rows per transaction,
/// in WAL mode with synchronous=FULL (the ingest's settings).
pub async fn commit_ceiling(path: &Path, per_commit: usize) -> f64 {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await
        .expect("raw connection");
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .execute(&mut conn)
        .await
        .expect("table");

    let start = Instant::now();
    let mut rows = 0_usize;
    while start.elapsed() < SPELL {
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.expect("begin");
        for _ in 0..per_commit {
            sqlx::query("INSERT INTO t (body) VALUES (?)")
                .bind("a webhook body of about this size, give or take")
                .execute(&mut *tx)
                .await
                .expect("insert");
        }
        tx.commit().await.expect("commit");
        rows += per_commit;
    }
    rows as f64 / start.elapsed().as_secs_f64()
}
