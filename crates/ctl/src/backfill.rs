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
//!
//! SuperOffice refuses a query it cannot read (`400 SoValidationException`,
//! or another 4xx the client does not name): a mistyped filter. Asking again
//! gets the same answer, so such a run must not wait for a resume:
//!
//! - a new filter is tried with one row ([`check_filter`]) before a run is
//!   recorded, so a refused filter leaves no run behind;
//! - a refusal before a session has read a row refuses the run's query
//!   itself (the filter, or the filter with the cursor): the run is ended;
//! - a refusal after rows came back refuses one page request of a query that
//!   worked. A resume does not repeat that request: it asks a new query from
//!   the cursor at `$skip` 0. So the run stays open, and if the resumed query
//!   is refused too, that is a refusal before a row, which ends the run. A
//!   refused run thus costs at most one resume, never a loop.
//!
//! The store has no column for why a run ended: a refused run shows as
//! ended, like one that reached its end or was closed by `--restart`, and
//! its reason is only in the error soctl printed when it ended.

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
    /// SuperOffice refused the query before it returned a row: the filter
    /// (or the filter with the cursor) is not one it accepts. A run of this
    /// session, if any, has been ended: asking again cannot help.
    #[error("superoffice refused the filter {filter:?}")]
    FilterRefused {
        /// The `$filter` sent, the cursor's condition included.
        filter: String,
        /// SuperOffice's answer, with its reason.
        #[source]
        source: so_superoffice::Error,
    },
    /// SuperOffice refused a page after earlier pages of the same query came
    /// back. The run stays open: a resume asks a new query from the cursor.
    #[error("superoffice refused the page after contact {cursor}")]
    PageRefused {
        /// The run's cursor as saved.
        cursor: i64,
        /// SuperOffice's answer, with its reason.
        #[source]
        source: so_superoffice::Error,
    },
    /// Reading the archive failed otherwise (an outage, a throttle that
    /// outlasted the client's patience).
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

/// Asks for one row matching `filter`, so that a filter SuperOffice refuses
/// is caught before a run is recorded for it. Costs one request; an empty
/// filter (every account) costs none.
pub async fn check_filter(client: &Client, filter: &str) -> Result<(), BackfillError> {
    let filter = filter.trim();
    if filter.is_empty() {
        return Ok(());
    }
    let query = ArchiveQuery::contacts()
        .select(["contactId"])
        .filter(filter)
        .top(1);

    match client.archive(query).try_next().await {
        Ok(_) => Ok(()),
        Err(error) if is_refusal(&error) => Err(BackfillError::FilterRefused {
            filter: filter.to_owned(),
            source: error,
        }),
        Err(error) => Err(error.into()),
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
    let filter = resumed_filter(&run.filter, run.last_id);
    let mut query = ArchiveQuery::contacts()
        .select(["contactId", "name", "associateId"])
        .top(page_size);
    if let Some(filter) = &filter {
        query = query.filter(filter.clone());
    }
    let mut rows = client.archive(query);

    let mut session = Session::new(&run, options.limit);
    let mut finished = true;
    loop {
        let row = match rows.try_next().await {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(error) => {
                let filter = filter.unwrap_or_default();
                return Err(session.read_failed(store, filter, error).await);
            }
        };
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
    /// The run's cursor as saved: where a resume would start.
    cursor: i64,
    /// Deliveries for the accounts of ours in the batch.
    batch: Vec<NewDelivery>,
    /// The batch's counts and highest id.
    progress: BatchProgress,
    seen: i64,
    queued: i64,
    not_ours: i64,
}

impl Session {
    fn new(run: &BackfillRun, limit: Option<u64>) -> Self {
        Self {
            run_id: run.id,
            limit,
            cursor: run.last_id,
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

    /// What a failed read means for the run (see the module's notes): a
    /// refusal before any row of this session ends the run.
    async fn read_failed(
        &self,
        store: &Store,
        filter: String,
        error: so_superoffice::Error,
    ) -> BackfillError {
        if !is_refusal(&error) {
            return error.into();
        }
        if self.seen + self.progress.seen > 0 {
            return BackfillError::PageRefused {
                cursor: self.cursor,
                source: error,
            };
        }

        tracing::info!(run_id = self.run_id, %filter, "backfill run ended: filter refused");
        if let Err(store_error) = store.finish_backfill(self.run_id, so_queue::now_ms()).await {
            return store_error.into();
        }
        BackfillError::FilterRefused {
            filter,
            source: error,
        }
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
        self.cursor = self.cursor.max(self.progress.last_id);
        self.seen += self.progress.seen;
        self.queued += self.progress.queued;
        self.not_ours += self.progress.not_ours;
        self.batch.clear();
        self.progress = BatchProgress::default();
        Ok(())
    }
}

/// Whether SuperOffice refused the request itself (400, or another 4xx the
/// client does not name), which asking again cannot change.
fn is_refusal(error: &so_superoffice::Error) -> bool {
    matches!(error, so_superoffice::Error::BadRequest { .. })
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
