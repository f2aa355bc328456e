//! The one connection a process writes through, and write transactions on
//! it.
//!
//! SQLite admits one writer at a time, so each process writes through a
//! single connection, and its writers queue for it first come, first
//! served (a fair async lock) rather than polling for the file's lock in
//! SQLite's busy handler. A sqlx pool of one connection would queue them
//! too, but it pings the connection every time it goes back to the pool, a
//! round trip to SQLite's thread from a spawned task; for the store's short
//! writes (a claim, a finish) that more than doubled the cost of each. So
//! the store keeps the connection itself.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteTransactionManager};
use sqlx::{ConnectOptions, Connection, SqliteConnection, TransactionManager};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::error::StoreError;

/// The write connection of one store and its clones.
#[derive(Debug)]
pub(crate) struct Writer {
    state: Arc<Mutex<State>>,
    /// How a new connection is opened: the store's per-connection settings.
    connect: SqliteConnectOptions,
    /// How long a caller waits for the connection before [`StoreError::Busy`].
    acquire_timeout: Duration,
}

#[derive(Debug)]
struct State {
    /// The connection; `None` when the last one was discarded, then the
    /// next caller opens a fresh one.
    conn: Option<SqliteConnection>,
    /// Set by [`Writer::close`]: every later call fails.
    closed: bool,
}

impl Writer {
    /// Opens the connection at once, so a store that cannot write fails to
    /// open rather than at its first write.
    pub(crate) async fn open(
        connect: SqliteConnectOptions,
        acquire_timeout: Duration,
    ) -> Result<Writer, StoreError> {
        let conn = connect.connect().await?;
        let state = State {
            conn: Some(conn),
            closed: false,
        };
        Ok(Writer {
            state: Arc::new(Mutex::new(state)),
            connect,
            acquire_timeout,
        })
    }

    /// Waits for the connection, in turn with this process's other
    /// writers.
    pub(crate) async fn acquire(&self) -> Result<WriterGuard, StoreError> {
        let locked = Arc::clone(&self.state).lock_owned();
        let mut state = tokio::time::timeout(self.acquire_timeout, locked)
            .await
            .map_err(|_| StoreError::Busy(sqlx::Error::PoolTimedOut))?;

        if state.closed {
            return Err(StoreError::Unavailable(sqlx::Error::PoolClosed));
        }
        if state.conn.is_none() {
            state.conn = Some(self.connect.connect().await?);
        }
        Ok(WriterGuard { state })
    }

    /// Closes the connection once the calls ahead are done; later calls
    /// fail with [`StoreError::Unavailable`].
    pub(crate) async fn close(&self) {
        let mut state = self.state.lock().await;
        state.closed = true;
        if let Some(conn) = state.conn.take() {
            if let Err(error) = conn.close().await {
                tracing::warn!(%error, "closing the job store's write connection failed");
            }
        }
    }
}

/// The write connection, held: other writers of this process wait.
#[derive(Debug)]
pub(crate) struct WriterGuard {
    state: OwnedMutexGuard<State>,
}

impl WriterGuard {
    /// Drops the connection instead of handing it on (its settings may be
    /// wrong, or it failed); the next caller opens a fresh one.
    pub(crate) fn discard(&mut self) {
        self.state.conn = None;
    }
}

impl Deref for WriterGuard {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        self.state
            .conn
            .as_ref()
            .expect("a held writer has its connection")
    }
}

impl DerefMut for WriterGuard {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.state
            .conn
            .as_mut()
            .expect("a held writer has its connection")
    }
}

/// A `BEGIN IMMEDIATE` transaction on the write connection, holding it
/// until the transaction ends. Dropped without [`WriteTransaction::commit`]
/// it rolls back, as a sqlx transaction does.
#[derive(Debug)]
pub(crate) struct WriteTransaction {
    conn: WriterGuard,
    /// Whether the transaction still needs a commit or a rollback.
    open: bool,
}

impl WriteTransaction {
    /// Takes the write lock of the file before the first statement, so a
    /// transaction that reads and then writes cannot fail halfway with
    /// "database is locked" after another process committed.
    pub(crate) async fn begin(mut conn: WriterGuard) -> Result<Self, StoreError> {
        SqliteTransactionManager::begin(&mut conn, Some("BEGIN IMMEDIATE".into())).await?;
        Ok(WriteTransaction { conn, open: true })
    }

    /// Commits and hands the connection on.
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        SqliteTransactionManager::commit(&mut self.conn).await?;
        self.open = false;
        Ok(())
    }

    /// Rolls back and hands the connection on.
    pub(crate) async fn rollback(mut self) -> Result<(), StoreError> {
        SqliteTransactionManager::rollback(&mut self.conn).await?;
        self.open = false;
        Ok(())
    }
}

impl Deref for WriteTransaction {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.conn
    }
}

impl DerefMut for WriteTransaction {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }
}

impl Drop for WriteTransaction {
    fn drop(&mut self) {
        // Queued on the connection's thread ahead of the next holder's
        // statements, so nobody sees the half-done transaction.
        if self.open {
            SqliteTransactionManager::start_rollback(&mut self.conn);
        }
    }
}

/// The write connection lent out by `Store::durable_writer`, set to
/// `synchronous=FULL` while it is held.
pub(crate) struct DurableWriter {
    conn: WriterGuard,
    /// Whether the connection must go back to `synchronous=NORMAL`. If
    /// that cannot be done (an error, or the holder dropped it without
    /// [`DurableWriter::release`], e.g. a cancelled call), the connection
    /// is discarded rather than left `FULL`: the next writer opens a fresh
    /// one with the store's setting.
    restore: bool,
}

impl DurableWriter {
    /// Lends `conn`, switched to `FULL` first when it runs `NORMAL`.
    pub(crate) async fn lend(mut conn: WriterGuard, relaxed: bool) -> Result<Self, StoreError> {
        if relaxed {
            sqlx::query("PRAGMA synchronous = FULL")
                .execute(&mut *conn)
                .await?;
        }
        Ok(DurableWriter {
            conn,
            restore: relaxed,
        })
    }

    /// Puts the relaxed store's setting back and returns the connection.
    pub(crate) async fn release(mut self) {
        if !self.restore {
            return;
        }
        let restored = sqlx::query("PRAGMA synchronous = NORMAL")
            .execute(&mut *self.conn)
            .await;
        match restored {
            Ok(_) => self.restore = false,
            Err(error) => tracing::warn!(%error, "closing a write connection left at FULL"),
        }
    }
}

impl Deref for DurableWriter {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        &self.conn
    }
}

impl DerefMut for DurableWriter {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }
}

impl Drop for DurableWriter {
    fn drop(&mut self) {
        if self.restore {
            self.conn.discard();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::{Store, StoreError, StoreOptions};

    async fn store(dir: &tempfile::TempDir, acquire_timeout: Duration) -> Store {
        let options = StoreOptions {
            acquire_timeout,
            ..StoreOptions::default()
        };
        Store::open(dir.path().join("jobs.db"), options)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_writer_held_past_the_acquire_timeout_makes_others_busy() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir, Duration::from_millis(50)).await;

        let held = store.writer.acquire().await.unwrap();
        let waiting = store.writer.acquire().await;
        drop(held);

        assert!(matches!(waiting, Err(StoreError::Busy(_))), "{waiting:?}");
        assert!(store.writer.acquire().await.is_ok());
    }

    #[tokio::test]
    async fn a_transaction_dropped_unfinished_is_rolled_back_before_the_next_writer() {
        let dir = tempfile::tempdir().unwrap();
        let store = store(&dir, Duration::from_secs(5)).await;
        let insert = "INSERT INTO backfill_runs (entity, filter, started_at, updated_at)
                      VALUES ('contact', '', 0, 0)";
        let count = "SELECT count(*) FROM backfill_runs";

        let mut tx = store.begin_write().await.unwrap();
        sqlx::query(insert).execute(&mut *tx).await.unwrap();
        drop(tx);
        let mut next = store.begin_write().await.unwrap();
        let seen: i64 = sqlx::query_scalar(count)
            .fetch_one(&mut *next)
            .await
            .unwrap();
        sqlx::query(insert).execute(&mut *next).await.unwrap();
        next.commit().await.unwrap();

        assert_eq!(seen, 0);
        let kept: i64 = sqlx::query_scalar(count)
            .fetch_one(&store.reader)
            .await
            .unwrap();
        assert_eq!(kept, 1);
    }
}
