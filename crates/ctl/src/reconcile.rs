//! Reconciling: queueing the changes the webhook never delivered.
//!
//! SuperOffice drops events when our endpoint fails them (after a failed
//! delivery cycle) and sends none at all while the webhook is stopped
//! (`TooManyErrors`). Those changes are not lost in the CRM: the records'
//! `updatedDate` moved. Reconciling asks which contacts and persons changed
//! after a moment and queues those whose change no job has covered: no job
//! is pending or processing for the record, and none finished after its
//! update (see [`so_queue::Store::uncovered`]).
//!
//! `soctl reconcile` and `soctl webhook activate` run it by hand. The worker
//! can run it on a schedule with the same call:
//!
//! ```no_run
//! # async fn demo(client: so_superoffice::Client, store: so_queue::Store,
//! #               owners: so_ctl::owners::Owners, last_run_ms: i64) {
//! use so_ctl::reconcile::{reconcile, ReconcileOptions};
//! let options = ReconcileOptions::since(last_run_ms - 5 * 60_000);
//! let report = reconcile(&client, &store, &owners, &options, &|_| {}).await;
//! # }
//! ```
//!
//! Accounts that are not ours (owner whitelist) are left out, as the
//! worker would skip them anyway; persons are judged by their company's
//! owner, the `associateId` column of the person archive.
//!
//! A known limit: `updatedDate` has whole seconds. A change made in the same
//! second in which a job for the record finished counts as covered. Such a
//! change follows its job by less than a second, and the next change or
//! reconcile with an earlier start catches it; exact times would need
//! SuperOffice to publish them.

use futures::TryStreamExt;
use serde::Serialize;
use so_queue::{NewDelivery, Store, StoreError};
use so_superoffice::{ArchiveQuery, ArchiveRow, Client};

use crate::owners::{Owners, Ownership};
use crate::when;

/// Rows per archive page.
const PAGE: u32 = 500;

/// What to reconcile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconcileOptions {
    /// Records updated after this moment (ms since the epoch) are looked at.
    pub since_ms: i64,
    /// Persons too, not only contacts (default true).
    pub persons: bool,
    /// Only report what would be queued.
    pub dry_run: bool,
}

impl ReconcileOptions {
    /// Contacts and persons changed after `since_ms`, queued for real.
    pub fn since(since_ms: i64) -> Self {
        Self {
            since_ms,
            persons: true,
            dry_run: false,
        }
    }
}

/// What a reconcile found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReconcileReport {
    /// The moment it looked after.
    pub since_ms: i64,
    /// Records SuperOffice reported as changed since then.
    pub changed: usize,
    /// Of those, records whose account is not ours.
    pub not_ours: usize,
    /// Of those, records a job already covers.
    pub covered: usize,
    /// Records queued (or, in a dry run, that would be).
    pub queued: Vec<QueuedRecord>,
    /// Whether nothing was queued on purpose.
    pub dry_run: bool,
}

/// One record queued by a reconcile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueuedRecord {
    /// `contact` or `person`.
    pub entity: String,
    /// Its id.
    pub id: i64,
    /// Company or person name, for people reading the report.
    pub name: String,
    /// Its `updatedDate`, ms since the epoch.
    pub updated_ms: i64,
    /// The job it made or joined; `None` in a dry run.
    pub job_id: Option<i64>,
}

/// Why a reconcile stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    /// Asking SuperOffice what changed failed.
    #[error("reconcile: cannot list changed records")]
    SuperOffice(#[from] so_superoffice::Error),
    /// Reading or writing the job store failed.
    #[error("reconcile: job store")]
    Store(#[from] StoreError),
}

/// A changed record as the archive lists it.
struct Changed {
    id: i64,
    name: String,
    updated_ms: i64,
}

/// Finds the records changed after `options.since_ms` that no job covers
/// and queues them (see the module docs). `progress` hears of every
/// archive row read.
pub async fn reconcile(
    client: &Client,
    store: &Store,
    owners: &Owners,
    options: &ReconcileOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ReconcileReport, ReconcileError> {
    let mut report = ReconcileReport {
        since_ms: options.since_ms,
        dry_run: options.dry_run,
        ..ReconcileReport::default()
    };
    let mut entities = vec!["contact"];
    if options.persons {
        entities.push("person");
    }

    for entity in entities {
        let changed = changed_since(
            client,
            owners,
            entity,
            options.since_ms,
            &mut report,
            progress,
        )
        .await?;
        let stamps: Vec<(i64, i64)> = changed.iter().map(|c| (c.id, c.updated_ms)).collect();
        let uncovered = store.uncovered(entity, &stamps).await?;
        report.covered += changed.len() - uncovered.len();

        let chosen: Vec<&Changed> = changed
            .iter()
            .filter(|c| uncovered.contains(&c.id))
            .collect();
        let jobs = if options.dry_run {
            vec![None; chosen.len()]
        } else {
            queue(client, store, entity, &chosen).await?
        };
        for (record, job_id) in chosen.into_iter().zip(jobs) {
            report.queued.push(QueuedRecord {
                entity: entity.to_owned(),
                id: record.id,
                name: record.name.clone(),
                updated_ms: record.updated_ms,
                job_id,
            });
        }
    }

    if !options.dry_run && !report.queued.is_empty() {
        tracing::info!(
            queued = report.queued.len(),
            since = %when::rfc3339(options.since_ms),
            "reconcile queued missed changes"
        );
    }
    Ok(report)
}

/// The records of ours changed after `since_ms`, in id order.
async fn changed_since(
    client: &Client,
    owners: &Owners,
    entity: &str,
    since_ms: i64,
    report: &mut ReconcileReport,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Changed>, so_superoffice::Error> {
    let filter = format!("updatedDate afterTime '{}'", when::odata_literal(since_ms));
    let query = match entity {
        "contact" => {
            ArchiveQuery::contacts().select(["contactId", "name", "associateId", "updatedDate"])
        }
        _ => ArchiveQuery::persons().select([
            "personId",
            "firstName",
            "lastName",
            "associateId",
            "updatedDate",
        ]),
    };
    let mut rows = client.archive(query.filter(filter).top(PAGE));

    let mut changed = Vec::new();
    while let Some(row) = rows.try_next().await? {
        report.changed += 1;
        progress(1);
        if owners.judge(row.get("associateId")) == Ownership::NotOurs {
            report.not_ours += 1;
            continue;
        }
        // A row without a readable date is taken as changed now: queueing
        // it once too often is cheaper than missing it.
        let updated_ms = row
            .text("updatedDate")
            .and_then(|text| when::superoffice_ms(&text))
            .unwrap_or(i64::MAX);
        changed.push(Changed {
            id: row.primary_key,
            name: display_name(entity, &row),
            updated_ms,
        });
    }
    Ok(changed)
}

/// Queues the records as synthetic deliveries named after their update, so
/// a second reconcile over the same window stores each once.
async fn queue(
    client: &Client,
    store: &Store,
    entity: &str,
    records: &[&Changed],
) -> Result<Vec<Option<i64>>, StoreError> {
    let now = so_queue::now_ms();
    let deliveries: Vec<NewDelivery> = records
        .iter()
        .map(|record| {
            let event_id = format!("reconcile:{entity}:{}:{}", record.id, record.updated_ms);
            NewDelivery::synthetic(
                event_id,
                client.context_id(),
                entity,
                record.id,
                "soctl reconcile",
                now,
            )
        })
        .collect();
    let recorded = store.record_deliveries(&deliveries).await?;
    Ok(recorded.iter().map(|r| r.job_id()).collect())
}

fn display_name(entity: &str, row: &ArchiveRow) -> String {
    let text = |column: &str| row.text(column).unwrap_or_default();
    match entity {
        "contact" => text("name"),
        _ => format!("{} {}", text("firstName"), text("lastName"))
            .trim()
            .to_owned(),
    }
}
