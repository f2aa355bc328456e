//! The one error type of the store, and how SQLite failures map onto it.

use std::path::PathBuf;

/// SQLite's primary result codes that this module tells apart.
/// <https://www.sqlite.org/rescode.html>
mod code {
    pub const BUSY: i32 = 5;
    pub const LOCKED: i32 = 6;
    pub const READONLY: i32 = 8;
    pub const IOERR: i32 = 10;
    pub const FULL: i32 = 13;
    pub const CANTOPEN: i32 = 14;
    pub const CONSTRAINT: i32 = 19;
}

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Other writers held the database past the busy timeout, or no pooled
    /// connection came free in time. Transient: nothing was written; the
    /// ingest answers 503 so that SuperOffice delivers again.
    #[error("job store: busy, try again later")]
    Busy(#[source] sqlx::Error),

    /// The file could not be read or written (disk full, I/O error, missing
    /// permission) or the store was closed. Also answered with 503.
    #[error("job store: unavailable")]
    Unavailable(#[source] sqlx::Error),

    /// A fenced call presented a lease the job no longer has: the lease ran
    /// out and another worker claimed the job, or the job was already
    /// finished. The caller must drop its result; the newer outcome stands.
    #[error("job {job_id}: lease lost, another worker owns the job or it is finished")]
    LeaseLost {
        /// The job the stale lease was for.
        job_id: i64,
    },

    /// The schema refused a row (a CHECK, NOT NULL or foreign key
    /// constraint), e.g. a job for an entity other than contact or person.
    /// A bug in the caller; the whole transaction was rolled back.
    #[error("job store: row refused by the schema")]
    Rejected(#[source] sqlx::Error),

    /// Any other database failure.
    #[error("job store: query failed")]
    Query(#[source] sqlx::Error),

    /// The store's directory is missing and could not be created.
    #[error("job store: cannot create its directory {}", path.display())]
    Directory {
        /// The directory.
        path: PathBuf,
        /// Why creating it failed.
        #[source]
        source: std::io::Error,
    },

    /// The lock file that serialises migrations between processes could not
    /// be opened or locked.
    #[error("job store: cannot lock {path}")]
    MigrationLock {
        /// The lock file, `<db>.migrate.lock`.
        path: PathBuf,
        /// Why opening or locking failed.
        #[source]
        source: std::io::Error,
    },

    /// Applying the migrations failed, or the file holds a migration that
    /// this build does not know or whose text changed.
    #[error("job store: migration failed")]
    Migrate(#[source] sqlx::migrate::MigrateError),

    /// A JSON column held text that does not parse; the file was edited by
    /// hand or by a newer, incompatible build.
    #[error("job store: stored {what} is not valid JSON")]
    Corrupt {
        /// Which column.
        what: &'static str,
        /// The parse failure.
        #[source]
        source: serde_json::Error,
    },
}

impl StoreError {
    /// Whether trying again later can succeed: busy or unavailable. The
    /// ingest answers 503 to these.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Busy(_) | StoreError::Unavailable(_))
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) => {
                // sqlx reports SQLite's extended code; its low byte is the
                // primary code.
                let extended: i32 = db.code().and_then(|c| c.parse().ok()).unwrap_or(0);
                match extended & 0xff {
                    code::BUSY | code::LOCKED => StoreError::Busy(error),
                    code::READONLY | code::IOERR | code::FULL | code::CANTOPEN => {
                        StoreError::Unavailable(error)
                    }
                    code::CONSTRAINT => StoreError::Rejected(error),
                    _ => StoreError::Query(error),
                }
            }
            sqlx::Error::PoolTimedOut => StoreError::Busy(error),
            sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::WorkerCrashed => {
                StoreError::Unavailable(error)
            }
            _ => StoreError::Query(error),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migrate(error)
    }
}
