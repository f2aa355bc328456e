//! Opening the store: file settings, migrations under a cross-process lock,
//! and the two connection pools.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::error::StoreError;
use crate::finish_batch::FinishQueue;
use crate::migrate_lock::MigrationLock;
use crate::records::StoreSettings;
use crate::writer::{DurableWriter, WriteTransaction, Writer};

/// The migrations in the workspace's `migrations/` folder, built into every
/// binary so that whichever process starts first brings the file up to date.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// How the store connects and the limits it enforces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// How long a statement waits for another process's write lock before it
    /// fails with [`StoreError::Busy`]. Set on every pooled connection.
    pub busy_timeout: Duration,
    /// How long a call waits for a free connection of this process's pools
    /// before it fails with [`StoreError::Busy`].
    pub acquire_timeout: Duration,
    /// Connections for reads (dashboard, `soctl`), beside the one write
    /// connection.
    pub read_connections: u32,
    /// Attempts a job may use. A job whose lease runs out after its last
    /// attempt, or that is retried after it, is failed instead (poison pill).
    pub max_attempts: u32,
    /// What this process's commits survive. [`Durability::Full`] (the
    /// default) for the ingest and `soctl`; [`Durability::Relaxed`] for the
    /// worker, whose writes can be lost and redone.
    pub durability: Durability,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            busy_timeout: Duration::from_secs(10),
            acquire_timeout: Duration::from_secs(30),
            read_connections: 4,
            max_attempts: 5,
            durability: Durability::Full,
        }
    }
}

/// What a commit survives once the call that made it returned: SQLite's
/// `synchronous` setting of this process's write connection. The file is
/// in WAL mode either way; `migrations/README.md` has the table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous=FULL`: each commit is fsynced before the call returns,
    /// so it survives the process being killed and an OS crash or power
    /// loss. For processes whose writes cannot be made again: the ingest
    /// answers 200 only after the commit, and SuperOffice does not send an
    /// acknowledged webhook again.
    #[default]
    Full,
    /// `synchronous=NORMAL`: commits survive the process being killed (the
    /// WAL is in the OS's hands), but an OS crash or power loss may roll
    /// back the last ones. For the worker: a lost claim or outcome leaves
    /// the job pending or processing, so it runs again, and the pipeline is
    /// idempotent. The fsync then happens only at checkpoints, or at the
    /// next `FULL` commit of any process, which makes earlier WAL frames
    /// durable too. [`Store::record_deliveries`] still commits with `FULL`
    /// on such a store.
    Relaxed,
}

impl Durability {
    fn synchronous(self) -> SqliteSynchronous {
        match self {
            Durability::Full => SqliteSynchronous::Full,
            Durability::Relaxed => SqliteSynchronous::Normal,
        }
    }
}

/// The job store. Cheap to clone: clones share the connections.
#[derive(Debug, Clone)]
pub struct Store {
    /// The one connection this process writes through, its writers queued
    /// first come, first served (see `writer.rs`).
    pub(crate) writer: Arc<Writer>,
    /// Connections for reads; WAL lets them read while a write is under way.
    pub(crate) reader: SqlitePool,
    /// Attempts a job may use; see [`StoreOptions::max_attempts`].
    pub(crate) max_attempts: u32,
    /// What the write connection's commits survive; deliveries are raised
    /// to `FULL` on a relaxed store (see [`Store::durable_writer`]).
    pub(crate) durability: Durability,
    /// Finishing writes waiting to be written together (group commit; see
    /// `finish_batch.rs`).
    pub(crate) finishes: Arc<FinishQueue>,
    /// The database file, for logs.
    path: PathBuf,
}

impl Store {
    /// [`Store::open`], creating the file's directory first when it is
    /// missing, as on a fresh install (`var/`). The binaries open their
    /// store this way; [`Store::open`] alone leaves a missing directory an
    /// error, for callers that must not create one.
    pub async fn open_creating_dir(
        path: impl AsRef<Path>,
        options: StoreOptions,
    ) -> Result<Store, StoreError> {
        let path = path.as_ref();
        if let Some(directory) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(directory).map_err(|source| StoreError::Directory {
                path: directory.to_owned(),
                source,
            })?;
        }
        Store::open(path, options).await
    }

    /// Opens the store at `path`, creating the file if it is missing, and
    /// applies any pending migrations.
    ///
    /// Every connection runs with the `synchronous` setting of
    /// `options.durability`, foreign keys on and the busy timeout of
    /// `options`; the file is switched to WAL once. Several processes may
    /// open the same fresh file at the same moment: they take turns through
    /// an OS lock on the sibling file `<db>.migrate.lock`, held while one of
    /// them migrates and removed when it is done.
    pub async fn open(path: impl AsRef<Path>, options: StoreOptions) -> Result<Store, StoreError> {
        let path = path.as_ref().to_path_buf();
        let connect = SqliteConnectOptions::new()
            .filename(&path)
            .busy_timeout(options.busy_timeout)
            .synchronous(options.durability.synchronous())
            .foreign_keys(true)
            .pragma("temp_store", "memory");

        // Migrations are always committed durably.
        migrate_under_lock(&path, &connect.clone().synchronous(SqliteSynchronous::Full)).await?;

        // The file exists and is in WAL mode now; the pools only connect.
        // A local file needs no liveness ping before each use, and the ping
        // is a round trip to SQLite's thread on every call.
        let writer = Arc::new(Writer::open(connect.clone(), options.acquire_timeout).await?);
        let reader = SqlitePoolOptions::new()
            .max_connections(options.read_connections.max(1))
            .acquire_timeout(options.acquire_timeout)
            .test_before_acquire(false)
            .connect_with(connect)
            .await?;

        tracing::info!(path = %path.display(), "job store open");
        Ok(Store {
            writer,
            reader,
            max_attempts: options.max_attempts,
            durability: options.durability,
            finishes: Arc::default(),
            path,
        })
    }

    /// Closes the connections, waiting for calls in flight. Later calls fail with
    /// [`StoreError::Unavailable`].
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
        tracing::info!(path = %self.path.display(), "job store closed");
    }

    /// Checks that this process can take the write lock now (for `/readyz`):
    /// `BEGIN IMMEDIATE` then `ROLLBACK`, which writes nothing.
    pub async fn ping_writable(&self) -> Result<(), StoreError> {
        let tx = self.begin_write().await?;
        tx.rollback().await?;
        Ok(())
    }

    /// The attempt limit this store enforces.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The SQLite settings of the write connection, as SQLite reports them.
    pub async fn settings(&self) -> Result<StoreSettings, StoreError> {
        let mut conn = self.writer.acquire().await?;
        let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await?;
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await?;
        let busy_timeout_ms: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await?;
        let foreign_keys: bool = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await?;

        Ok(StoreSettings {
            journal_mode,
            synchronous,
            busy_timeout_ms,
            foreign_keys,
        })
    }

    /// Starts a write transaction that holds the write lock from its first
    /// statement on. A deferred `BEGIN` would take the lock only at the first
    /// write, and fail at once with "database is locked" (no busy wait) if
    /// another process committed since the transaction's first read.
    pub(crate) async fn begin_write(&self) -> Result<WriteTransaction, StoreError> {
        WriteTransaction::begin(self.writer.acquire().await?).await
    }

    /// The write connection, set to `synchronous=FULL` for as long as it is
    /// held: on a [`Durability::Relaxed`] store for the price of two more
    /// round trips, on a `Full` one for nothing. Give it back with
    /// [`DurableWriter::release`].
    pub(crate) async fn durable_writer(&self) -> Result<DurableWriter, StoreError> {
        let conn = self.writer.acquire().await?;
        DurableWriter::lend(conn, self.durability == Durability::Relaxed).await
    }
}

/// Creates the file, switches it to WAL and applies the migrations while
/// holding an OS lock on the sibling file `<db>.migrate.lock`.
///
/// sqlx's migrator takes no lock on SQLite, and switching a fresh file to
/// WAL needs an exclusive lock that SQLite does not wait for. Two processes
/// starting at once on a new file could therefore both fail, or both try to
/// apply the first migration. The OS lock makes them take turns: the second
/// finds the file in WAL mode with every migration applied, and does nothing.
/// The lock is released when the lock file is closed, also when the process
/// dies, so a crash cannot leave it held; the file is removed as the lock
/// is let go (`migrate_lock.rs` says why that is safe).
async fn migrate_under_lock(path: &Path, connect: &SqliteConnectOptions) -> Result<(), StoreError> {
    let lock_path = sibling(path, ".migrate.lock");
    let lock = tokio::task::spawn_blocking(move || MigrationLock::acquire(lock_path))
        .await
        .expect("locking the migration lock file does not panic")?;

    // A one-connection pool rather than a bare connection: the migrator's
    // future is then Send, so `Store::open` can run in a spawned task.
    let setup = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            connect
                .clone()
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal),
        )
        .await?;
    let migrated = apply_migrations(&setup).await;
    setup.close().await;

    // Removes the file and releases the lock.
    drop(lock);
    migrated
}

/// Applies pending migrations and logs when it did.
async fn apply_migrations(setup: &SqlitePool) -> Result<(), StoreError> {
    let version_before = schema_version(setup).await;
    MIGRATOR.run(setup).await?;
    let version_after = schema_version(setup).await;

    if version_after != version_before {
        tracing::info!(
            from = version_before,
            to = version_after,
            "migrations applied"
        );
    }
    Ok(())
}

/// The newest applied migration, 0 on a fresh file.
async fn schema_version(setup: &SqlitePool) -> i64 {
    sqlx::query_scalar::<_, Option<i64>>("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(setup)
        .await
        .ok()
        .flatten()
        .unwrap_or(0)
}

/// `path` with `suffix` appended to its file name (`jobs.db.migrate.lock`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use sqlx::SqliteConnection;

    use super::*;

    async fn synchronous(conn: &mut SqliteConnection) -> i64 {
        sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(conn)
            .await
            .unwrap()
    }

    async fn relaxed_store(dir: &Path) -> Store {
        let options = StoreOptions {
            durability: Durability::Relaxed,
            ..StoreOptions::default()
        };
        Store::open(dir.join("jobs.db"), options).await.unwrap()
    }

    #[tokio::test]
    async fn the_durable_writer_of_a_relaxed_store_is_full_until_released() {
        let dir = tempfile::tempdir().unwrap();
        let store = relaxed_store(dir.path()).await;

        let mut writer = store.durable_writer().await.unwrap();
        let lent = synchronous(&mut writer).await;
        writer.release().await;

        assert_eq!(lent, 2, "FULL while lent");
        assert_eq!(store.settings().await.unwrap().synchronous, 1);
    }

    #[tokio::test]
    async fn a_durable_writer_dropped_unreleased_is_discarded_not_left_full() {
        let dir = tempfile::tempdir().unwrap();
        let store = relaxed_store(dir.path()).await;

        let writer = store.durable_writer().await.unwrap();
        drop(writer);

        // The pool opens a fresh connection with the store's setting.
        assert_eq!(store.settings().await.unwrap().synchronous, 1);
    }
}
