//! A write probe: can this process write to the store file now?
//!
//! Taking the write lock is not proof of that. SQLite opens a file it may
//! not write read-only without a word, and on such a connection
//! `BEGIN IMMEDIATE` still succeeds: the refusal (`SQLITE_READONLY`) comes
//! with the first statement that changes a page. So the probe makes such a
//! change, inside a transaction it rolls back.

use sqlx::{Connection as _, SqliteConnection};

use crate::error::StoreError;
use crate::Store;

/// The probe's change: a table created and, with the rollback, never
/// there. DDL writes the schema page, so it needs no table of ours and
/// leaves the rows alone; in WAL mode an uncommitted change writes nothing
/// to the file.
const PROBE_WRITE: &str = "CREATE TABLE write_probe (x INTEGER)";

impl Store {
    /// Checks that this process can write to the store now, for readiness
    /// and start-up checks: takes the write lock, changes the schema and
    /// rolls back. Fails with [`StoreError::Unavailable`] when the file (or
    /// its directory, which holds the `-wal` and `-shm` files) cannot be
    /// written, with [`StoreError::Busy`] when another process holds the
    /// lock past the busy timeout.
    pub async fn probe_write(&self) -> Result<(), StoreError> {
        let mut conn = self.writer.acquire().await?;
        probe(&mut conn).await
    }
}

/// The probe on one connection. The transaction rolls back on drop too, so
/// a cancelled probe leaves nothing behind either.
pub(crate) async fn probe(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(PROBE_WRITE).execute(&mut *tx).await?;
    tx.rollback().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::ConnectOptions as _;

    use super::*;
    use crate::StoreOptions;

    /// A store file with its schema, and a connection to it that SQLite
    /// opened read-only: what a process without write permission gets.
    /// (Tests may run as root, which file permissions do not stop, so the
    /// read-only open is asked for instead of provoked with `chmod`.)
    async fn read_only_connection(dir: &tempfile::TempDir) -> SqliteConnection {
        let path = dir.path().join("jobs.db");
        let store = Store::open(&path, StoreOptions::default()).await.unwrap();
        store.close().await;
        SqliteConnectOptions::new()
            .filename(&path)
            .read_only(true)
            .connect()
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn the_probe_fails_on_a_connection_sqlite_opened_read_only() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = read_only_connection(&dir).await;

        let probed = probe(&mut conn).await;

        assert!(
            matches!(probed, Err(StoreError::Unavailable(_))),
            "{probed:?}"
        );
    }

    #[tokio::test]
    async fn taking_the_write_lock_alone_succeeds_on_a_read_only_connection() {
        // Why the probe writes: the lock says nothing about permission.
        let dir = tempfile::tempdir().unwrap();
        let mut conn = read_only_connection(&dir).await;

        let tx = conn.begin_with("BEGIN IMMEDIATE").await;

        assert!(tx.is_ok(), "{:?}", tx.err());
    }

    #[tokio::test]
    async fn the_probe_succeeds_on_a_writable_store_and_leaves_no_table() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("jobs.db"), StoreOptions::default())
            .await
            .unwrap();

        store.probe_write().await.unwrap();
        store.probe_write().await.unwrap();

        let left: i64 =
            sqlx::query_scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'write_probe'")
                .fetch_one(&store.reader)
                .await
                .unwrap();
        assert_eq!(left, 0);
    }

    #[tokio::test]
    async fn the_probe_fails_once_the_store_is_closed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("jobs.db"), StoreOptions::default())
            .await
            .unwrap();
        store.close().await;

        let probed = store.probe_write().await;

        assert!(
            matches!(probed, Err(StoreError::Unavailable(_))),
            "{probed:?}"
        );
    }
}
