//! The job store: one SQLite file shared by `so-ingest`, every `so-worker`
//! process and `soctl`. The processes coordinate through this file only.
//!
//! # What lives here
//!
//! - [`Store::open`] creates the file, applies the migrations under a file lock
//!   (`migrate_lock.rs`, whose file is removed once they are done) and opens
//!   the connections (`store.rs`); the process's one write connection and
//!   its queue of writers are in `writer.rs`.
//! - [`Store::record_deliveries`] stores accepted webhooks and turns them into
//!   jobs, one transaction and a fixed few statements per batch
//!   (`deliveries.rs`), planned in memory (`batch_plan.rs`) and written as
//!   multi-row statements (`padded.rs`).
//! - [`Store::claim`] hands the next due job to a worker under a lease
//!   (`claim.rs`), [`Store::claim_many`] several at once (`claim_many.rs`);
//!   the finishing calls in `finish.rs` and `requeue.rs` end or postpone
//!   a job, fenced by the lease token. Finishes made at the same moment are
//!   written by one statement (`finish_batch.rs`). The attempt list is kept
//!   by triggers (`migrations/0005_attempt_triggers.sql`).
//! - Read-only views for the dashboard and `soctl` are in `queries.rs`.
//! - The dashboard's runs and account names (`runs.rs`) and its summary
//!   counts, also read by the metrics (`activity.rs`).
//! - For the worker: [`Store::next_claimable_at`], a cheap read that lets an
//!   idle worker poll without taking the write lock (`due.rs`);
//!   [`Store::fail_with_rule`], failing with a reason code (`fail_coded.rs`);
//!   the holders of running jobs and ending the leases of one that is gone
//!   (`holders.rs`); and the cache of company analyses (`analyses.rs`).
//! - For `soctl`: retrying failed jobs (`operator.rs`), retention and purges
//!   (`retention.rs`, which the worker can also run on a schedule),
//!   replays and deliveries made by operator tools (`replay.rs`), which
//!   records need reconciling (`coverage.rs`), backfill cursors
//!   (`cursors.rs`) and the schema version (`schema.rs`).
//! - [`StoreSection`], the `store` settings section every binary reads,
//!   which builds the [`StoreOptions`] (`section.rs`).
//!
//! # Durability
//!
//! The file runs in WAL mode. What a commit survives is chosen per process
//! with [`StoreOptions::durability`]:
//!
//! - [`Durability::Full`] (the default; the ingest and `soctl`):
//!   `synchronous=FULL`, every commit is fsynced before the call returns.
//!   Once [`Store::record_deliveries`] returns `Ok` (and the ingest answers
//!   200), the delivery survives the process being killed and also an OS
//!   crash or power loss, provided the disk honours fsync. The ingest
//!   commits many webhooks per transaction (group commit) to spread the
//!   cost of the fsync.
//! - [`Durability::Relaxed`] (the worker): `synchronous=NORMAL`, commits
//!   survive the process being killed, but an OS crash or power loss may
//!   roll back the last claims and outcomes. Such a job is then claimed
//!   again, or runs again once its lease runs out; the pipeline fetches the
//!   record anew and writes only differences, so running it twice is
//!   harmless. Deliveries are committed with `FULL` on such a store too.
//!
//! `migrations/README.md` says the same for operators.
//!
//! # Concurrency
//!
//! SQLite admits one writer at a time. Every transaction that reads and then
//! writes starts with `BEGIN IMMEDIATE`, taking the write lock before its
//! first read, so it can never fail halfway with "database is locked" after
//! another process committed; a single writing statement takes the lock
//! before it reads anyway. Each process writes through a single connection,
//! so its own writers queue for it first come, first served; other
//! processes are waited for through SQLite's busy timeout
//! ([`StoreOptions::busy_timeout`]).
//!
//! # Leases, not locks
//!
//! A worker owns a job for a limited time (its lease), not for as long as its
//! process lives. A worker that dies or hangs leaves a lease that runs out,
//! and another worker takes the job over. Every finishing write presents the
//! lease token and fails with [`StoreError::LeaseLost`] when the job has since
//! been claimed again, so a late worker cannot overwrite a newer outcome.
//!
//! # Time
//!
//! Every timestamp is `i64` milliseconds since the Unix epoch, UTC. Methods
//! that depend on the time take `now_ms` from the caller (use [`now_ms`]), so
//! tests can move time forward without sleeping.

#![warn(missing_docs)]

mod activity;
mod analyses;
mod batch_plan;
mod claim;
mod claim_many;
mod coverage;
mod cursors;
mod deliveries;
mod due;
mod error;
mod fail_coded;
mod finish;
mod finish_batch;
mod holders;
mod migrate_lock;
mod model;
mod operator;
mod padded;
mod probe;
mod queries;
mod records;
mod replay;
mod requeue;
mod retention;
mod runs;
mod schema;
mod section;
mod store;
mod writer;

pub use activity::{MinuteCount, QueueDepth, RuleCount, SkipShares};
pub use analyses::AnalysisKey;
pub use cursors::{BackfillRun, BatchProgress};
pub use error::StoreError;
pub use model::{
    ClaimedJob, CompleteInfo, Disposition, JobStatus, Lease, NewDelivery, Recorded, Requeued,
};
pub use operator::RetryFailed;
pub use records::{
    AttemptRecord, CompanyJob, DeliveryRecord, JobDetail, JobFilter, JobRecord, StatusCounts,
    StoreSettings,
};
pub use replay::{Replayed, SYNTHETIC_PREFIXES};
pub use retention::{PurgeReport, RetentionPolicy, PURGE_BATCH};
pub use runs::{AccountName, RecordKey, RunHeadFilter};
pub use schema::{MigrationInfo, SchemaInfo};
pub use section::StoreSection;
pub use store::{Durability, Store, StoreOptions};

/// The current time as milliseconds since the Unix epoch, UTC: the format of
/// every timestamp in the store.
pub fn now_ms() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}

/// A duration as whole milliseconds, saturating, for adding to timestamps.
pub(crate) fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}
