//! Loading a page of runs (the accounts list) from the store.
//!
//! The store lists the jobs that end a run, newest first, keyed by id
//! ([`so_queue::Store::run_heads`]). For each, the run's other jobs are
//! read back in time and the status-priority rule decides what the run
//! shows. A status filter is first narrowed in SQL to the head statuses
//! that can show it, then checked exactly here; how far one request
//! reads is bounded ([`MAX_HEADS_READ`]), so a rare status costs a page of
//! short results with a "more" link rather than a slow page.

use std::collections::HashSet;

use so_queue::{AccountName, JobRecord, JobStatus, RecordKey, RunHeadFilter, Store, StoreError};

use crate::priority::{self, JobFacts, RUN_WINDOW_MS};

/// Most heads one request reads while looking for runs that match a
/// status filter.
pub const MAX_HEADS_READ: u32 = 2_000;

/// Most jobs of one run read back (a run longer than this shows its
/// newest jobs only; an account with hundreds of events in a row is rare).
pub const MAX_RUN_JOBS: u32 = 100;

/// How far back before its latest job a run is read: 6 hours. Reading
/// only this far keeps an account with a long history from costing the
/// page its whole history; a run is longer only when its account had an
/// event at least every 15 minutes for 6 hours, and then it shows the
/// jobs of its last 6 hours.
pub const MAX_RUN_SPAN_MS: i64 = 6 * 60 * 60 * 1000;

/// Most accounts a name search looks at (the most recently named first).
pub const MAX_SEARCH_RECORDS: u32 = 20_000;

/// Up to this many found accounts, a search reads only their jobs (an
/// index search per account). A broader search (an owner's short name
/// matches thousands) reads the newest runs and keeps those of the found
/// accounts, which fills a page sooner than sorting all their jobs.
pub const SEARCH_BY_ACCOUNT: usize = 64;

/// Which runs to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunQuery {
    /// Only runs showing this status.
    pub status: Option<JobStatus>,
    /// Only accounts whose company or owner name contains this, or whose
    /// id is this.
    pub search: Option<String>,
    /// Only runs ending before this job id (the previous page's key).
    pub before: Option<i64>,
    /// Runs per page.
    pub limit: u32,
}

/// One run, as the accounts list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// The run's jobs, newest first; the first is its head.
    pub jobs: Vec<JobRecord>,
    /// What the run shows (the status-priority rule).
    pub status: JobStatus,
    /// The job whose status shows.
    pub deciding: JobRecord,
    /// The account's stored names, if the worker resolved them.
    pub name: Option<AccountName>,
}

impl Run {
    /// The latest job.
    pub fn head(&self) -> &JobRecord {
        &self.jobs[0]
    }

    /// Attempts beyond the first, over the run's jobs.
    pub fn retries(&self) -> u32 {
        self.jobs
            .iter()
            .map(|job| job.attempts.saturating_sub(1))
            .sum()
    }
}

/// A page of runs and the key of the next one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunPage {
    /// The runs, newest first.
    pub runs: Vec<Run>,
    /// `before` for the next page; `None` when there is no more.
    pub next_before: Option<i64>,
}

/// Reads one page of runs.
pub async fn load_runs(store: &Store, query: &RunQuery) -> Result<RunPage, StoreError> {
    let limit = query.limit.clamp(1, 500);

    // A search first finds the accounts, then lists only their runs.
    let records = match query.search.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => {
            let found = store.search_records(text, MAX_SEARCH_RECORDS).await?;
            if found.is_empty() {
                return Ok(RunPage::default());
            }
            Some(found)
        }
        _ => None,
    };
    let wanted: Option<HashSet<RecordKey>> = records.as_ref().map(|r| r.iter().cloned().collect());
    let records = records.filter(|records| records.len() <= SEARCH_BY_ACCOUNT);

    let batch = (limit * 2).min(MAX_HEADS_READ);
    let mut filter = RunHeadFilter {
        window_ms: RUN_WINDOW_MS,
        statuses: head_statuses(query.status),
        records,
        before_id: query.before,
        limit: batch,
    };
    let mut runs = Vec::new();
    let mut read = 0;
    loop {
        let heads = store.run_heads(&filter).await?;
        let exhausted = heads.len() < batch as usize;
        read += heads.len() as u32;

        for (index, head) in heads.iter().enumerate() {
            filter.before_id = Some(head.id);
            let key = record_key(head);
            if wanted.as_ref().is_some_and(|wanted| !wanted.contains(&key)) {
                continue;
            }
            let run = load_run(store, &key, head).await?;
            if query.status.is_none_or(|status| run.status == status) {
                runs.push(run);
            }
            if runs.len() == limit as usize {
                let more = !exhausted || index + 1 < heads.len();
                let next_before = more.then_some(head.id);
                return finish(store, runs, next_before).await;
            }
        }

        if exhausted {
            return finish(store, runs, None).await;
        }
        if read >= MAX_HEADS_READ {
            // Enough read for one request; the next page goes on from here.
            let next_before = filter.before_id;
            return finish(store, runs, next_before).await;
        }
    }
}

/// The run that `head` ends.
pub async fn load_run(store: &Store, key: &RecordKey, head: &JobRecord) -> Result<Run, StoreError> {
    let since = head.created_at - MAX_RUN_SPAN_MS;
    let mut jobs = store
        .record_jobs_until(key, head, since, MAX_RUN_JOBS)
        .await?;
    let facts: Vec<JobFacts> = jobs.iter().map(JobFacts::from).collect();
    let length = priority::run_length(&facts);
    jobs.truncate(length.max(1));

    let facts = &facts[..jobs.len()];
    let status = priority::shown_status(facts).unwrap_or(head.status);
    let deciding_id = priority::deciding_job(facts).map_or(head.id, |job| job.id);
    let deciding = jobs
        .iter()
        .find(|job| job.id == deciding_id)
        .unwrap_or(head)
        .clone();
    Ok(Run {
        jobs,
        status,
        deciding,
        name: None,
    })
}

/// Adds the account names and builds the page.
async fn finish(
    store: &Store,
    mut runs: Vec<Run>,
    next_before: Option<i64>,
) -> Result<RunPage, StoreError> {
    let keys: Vec<RecordKey> = runs.iter().map(|run| record_key(run.head())).collect();
    let names = store.account_names(&keys).await?;
    for (run, key) in runs.iter_mut().zip(&keys) {
        run.name = names.get(key).cloned();
    }
    Ok(RunPage { runs, next_before })
}

/// The head statuses that can end up showing `status` (see
/// [`priority::shown_status`]): in-flight work and outshining completions
/// can change what a skipped head shows.
fn head_statuses(status: Option<JobStatus>) -> Vec<JobStatus> {
    use JobStatus::{Completed, Failed, Pending, Processing, Skipped};
    match status {
        None => Vec::new(),
        Some(Completed) => vec![Completed, Skipped],
        Some(Skipped) => vec![Skipped],
        Some(Failed) => vec![Failed],
        Some(Pending) => vec![Pending, Skipped, Completed, Failed],
        Some(Processing) => vec![Processing, Skipped, Completed, Failed],
    }
}

/// The record a job belongs to.
pub fn record_key(job: &JobRecord) -> RecordKey {
    RecordKey {
        tenant: job.tenant.clone(),
        entity: job.entity.clone(),
        entity_id: job.entity_id,
    }
}
