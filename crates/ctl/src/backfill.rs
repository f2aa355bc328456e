//! Backfilling: queueing every account of ours that matches an OData filter,
//! resumably.
//!
//! The run walks the `Contact` archive in `contactId` order, page by page
//! (the client follows `odata.nextLink` or advances `$skip`), at the
//! client's rate limit. Rows are handled in batches of one page: the batch's
//! accounts of ours are queued, then the run's cursor moves to the batch's
//! highest id (`backfill_runs`, migration 0003). A resumed run asks only for
//! `contactId gt <cursor>`. Its deliveries are named
//! `backfill:<run>:contact:<id>`, so a batch queued again after a crash
//! between queueing and moving the cursor is stored once.

use futures::TryStreamExt;
use serde::Serialize;
use so_queue::{BackfillRun, BatchProgress, NewDelivery, Store, StoreError};
use so_superoffice::{ArchiveQuery, ArchiveRow, Client};

use crate::owners::{Owners, Ownership};

/// How to walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackfillOptions {
    /// Rows per page and per batch (1 to 1000).
    pub page_size: u32,
    /// Stop after queueing this many accounts in this session; the run
    /// stays resumable.
    pub limit: Option<u64>,
}

/// What one session of a run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackfillSummary {
    /// The run as it stands now (its counts cover every session).
    pub run: BackfillRun,
    /// Rows read in this session.
    pub seen: i64,
    /// Accounts queued in this session.
    pub queued: i64,
    /// Rows left out as not ours in this session.
    pub not_ours: i64,
    /// The run reached the end of its rows.
    pub finished: bool,
}

/// What the caller hears while a run goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackfillEvent {
    /// A row was read.
    Row,
    /// A batch was queued and the cursor moved to this id.
    Batch {
        /// The new cursor.
        last_id: i64,
        /// Accounts queued in the batch.
        queued: i64,
    },
}

/// Why a run stopped early. The cursor keeps what was done.
#[derive(Debug, thiserror::Error)]
pub enum BackfillError {
    /// Reading the archive failed (an outage, a throttle that outlasted the
    /// client's patience, a filter SuperOffice refused).
    #[error("backfill: reading accounts failed")]
    SuperOffice(#[from] so_superoffice::Error),
    /// Writing to the job store failed.
    #[error("backfill: job store")]
    Store(#[from] StoreError),
}

/// The restriction of a run from its cursor on: the operator's filter and
/// `contactId gt <cursor>`.
pub fn resumed_filter(filter: &str, last_id: i64) -> Option<String> {
    let filter = filter.trim();
    match (filter.is_empty(), last_id > 0) {
        (true, false) => None,
        (true, true) => Some(format!("contactId gt {last_id}")),
        (false, false) => Some(filter.to_owned()),
        (false, true) => Some(format!("({filter}) and contactId gt {last_id}")),
    }
}

/// Continues `run` from its cursor to the end of its rows (or to the
/// session's limit), queueing the accounts of ours.
pub async fn backfill(
    client: &Client,
    store: &Store,
    owners: &Owners,
    run: BackfillRun,
    options: &BackfillOptions,
    progress: &(dyn Fn(BackfillEvent) + Sync),
) -> Result<BackfillSummary, BackfillError> {
    let page_size = options.page_size.clamp(1, so_superoffice::MAX_PAGE);
    let mut query = ArchiveQuery::contacts()
        .select(["contactId", "name", "associateId"])
        .top(page_size);
    if let Some(filter) = resumed_filter(&run.filter, run.last_id) {
        query = query.filter(filter);
    }
    let mut rows = client.archive(query);

    let mut session = Session::new(run.id, options.limit);
    let mut finished = true;
    while let Some(row) = rows.try_next().await? {
        progress(BackfillEvent::Row);
        session.take(client, &row, owners);
        if session.batch_full(page_size) || session.limit_reached() {
            session.flush(store, progress).await?;
        }
        if session.limit_reached() {
            finished = false;
            break;
        }
    }
    session.flush(store, progress).await?;

    if finished {
        store.finish_backfill(run.id, so_queue::now_ms()).await?;
    }
    let run = store.backfill_run(run.id).await?.unwrap_or(run);
    Ok(BackfillSummary {
        run,
        seen: session.seen,
        queued: session.queued,
        not_ours: session.not_ours,
        finished,
    })
}

/// The batch in hand and the session's counts.
struct Session {
    run_id: i64,
    limit: Option<u64>,
    /// Deliveries for the accounts of ours in the batch.
    batch: Vec<NewDelivery>,
    /// The batch's counts and highest id.
    progress: BatchProgress,
    seen: i64,
    queued: i64,
    not_ours: i64,
}

impl Session {
    fn new(run_id: i64, limit: Option<u64>) -> Self {
        Self {
            run_id,
            limit,
            batch: Vec::new(),
            progress: BatchProgress::default(),
            seen: 0,
            queued: 0,
            not_ours: 0,
        }
    }

    fn take(&mut self, client: &Client, row: &ArchiveRow, owners: &Owners) {
        let id = row.primary_key;
        self.progress.seen += 1;
        self.progress.last_id = self.progress.last_id.max(id);
        if owners.judge(row.get("associateId")) == Ownership::NotOurs {
            self.progress.not_ours += 1;
            return;
        }
        let event_id = format!("backfill:{}:contact:{id}", self.run_id);
        let now = so_queue::now_ms();
        let source = "soctl backfill";
        self.batch.push(NewDelivery::synthetic(
            event_id,
            client.context_id(),
            "contact",
            id,
            source,
            now,
        ));
        self.progress.queued += 1;
    }

    fn batch_full(&self, page_size: u32) -> bool {
        self.progress.seen >= i64::from(page_size)
    }

    fn limit_reached(&self) -> bool {
        self.limit
            .is_some_and(|limit| (self.queued + self.progress.queued) as u64 >= limit)
    }

    /// Queues the batch, then moves the cursor past it.
    async fn flush(
        &mut self,
        store: &Store,
        progress: &(dyn Fn(BackfillEvent) + Sync),
    ) -> Result<(), StoreError> {
        if self.progress.seen == 0 {
            return Ok(());
        }
        store.record_deliveries(&self.batch).await?;
        store
            .advance_backfill(self.run_id, self.progress, so_queue::now_ms())
            .await?;

        progress(BackfillEvent::Batch {
            last_id: self.progress.last_id,
            queued: self.progress.queued,
        });
        self.seen += self.progress.seen;
        self.queued += self.progress.queued;
        self.not_ours += self.progress.not_ours;
        self.batch.clear();
        self.progress = BatchProgress::default();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resumed_run_asks_only_for_ids_past_its_cursor() {
        assert_eq!(resumed_filter("", 0), None);
        assert_eq!(
            resumed_filter(" ", 1040).as_deref(),
            Some("contactId gt 1040")
        );
        assert_eq!(
            resumed_filter("name begins 'A'", 0).as_deref(),
            Some("name begins 'A'")
        );
        assert_eq!(
            resumed_filter("name begins 'A'", 7).as_deref(),
            Some("(name begins 'A') and contactId gt 7")
        );
    }
}
