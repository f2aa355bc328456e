//! The summary at the top of the dashboard: jobs by status, the queue,
//! deliveries per minute and what the rules skipped.

use std::sync::Mutex;

use serde::Serialize;
use so_queue::{JobStatus, SkipShares, StatusCounts, Store, StoreError};

/// Minutes the deliveries chart covers (three hours).
pub const CHART_MINUTES: usize = 180;

/// How far back the skip shares look (a day).
pub const SHARES_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// How long the skip shares are reused before they are read again.
pub const SHARES_CACHE_MS: i64 = 30_000;

const HOUR_MS: i64 = 60 * 60 * 1000;

/// The skip shares of the last read, reused for [`SHARES_CACHE_MS`].
///
/// They are the summary's one costly read: every delivery of the last day
/// with its job (tens of milliseconds at 20,000 deliveries a day). A day's
/// shares barely move in half a minute, while an open page refreshes every
/// few seconds.
#[derive(Debug, Default)]
pub struct SharesCache {
    /// When the shares were read (ms since the epoch), and what they were.
    latest: Mutex<Option<(i64, SkipShares)>>,
}

impl SharesCache {
    /// The shares as of `now_ms`, read again when the cached ones are older
    /// than [`SHARES_CACHE_MS`].
    pub async fn get(&self, store: &Store, now_ms: i64) -> Result<SkipShares, StoreError> {
        let cached = self.lock().clone();
        if let Some((read_at, shares)) = cached {
            if (0..SHARES_CACHE_MS).contains(&(now_ms - read_at)) {
                return Ok(shares);
            }
        }
        let shares = store.skip_shares(now_ms - SHARES_WINDOW_MS).await?;
        *self.lock() = Some((now_ms, shares.clone()));
        Ok(shares)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(i64, SkipShares)>> {
        self.latest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Everything the summary shows, as the JSON API returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    /// When it was read (ms since the epoch, UTC).
    pub now_ms: i64,
    /// Jobs that changed in the last hour, by status.
    pub last_hour: Counts,
    /// Jobs that changed in the last day, by status.
    pub last_day: Counts,
    /// Jobs waiting or running now.
    pub queue: Queue,
    /// Deliveries per minute over the last [`CHART_MINUTES`] minutes,
    /// oldest first, one entry per minute (zeros included).
    pub deliveries_per_minute: Vec<u64>,
    /// The first minute of `deliveries_per_minute` (ms since the epoch).
    pub chart_start_ms: i64,
    /// Deliveries of the last day and the share each rule skipped.
    pub skipped: Skipped,
}

/// Jobs per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Pending.
    pub pending: u64,
    /// Processing.
    pub processing: u64,
    /// Completed.
    pub completed: u64,
    /// Skipped.
    pub skipped: u64,
    /// Failed.
    pub failed: u64,
}

/// The queue now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Queue {
    /// Pending jobs, due or not.
    pub pending: u64,
    /// Pending jobs whose time has come.
    pub due: u64,
    /// Jobs a worker holds.
    pub processing: u64,
    /// Failed jobs waiting for an operator.
    pub failed: u64,
    /// How long the most overdue pending job has waited, in seconds.
    pub oldest_pending_age_secs: Option<f64>,
}

/// What the rules skipped in the last day.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Skipped {
    /// Deliveries received in the window.
    pub deliveries: u64,
    /// Each rule that skipped some, most first.
    pub by_rule: Vec<RuleShare>,
}

/// One rule's share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleShare {
    /// The reason code.
    pub rule: String,
    /// Deliveries it skipped.
    pub deliveries: u64,
    /// Its share of all deliveries in the window, 0 to 1.
    pub share: f64,
}

impl From<StatusCounts> for Counts {
    fn from(counts: StatusCounts) -> Self {
        Counts {
            pending: counts.get(JobStatus::Pending),
            processing: counts.get(JobStatus::Processing),
            completed: counts.get(JobStatus::Completed),
            skipped: counts.get(JobStatus::Skipped),
            failed: counts.get(JobStatus::Failed),
        }
    }
}

impl Counts {
    /// The count of one status.
    pub fn get(&self, status: JobStatus) -> u64 {
        match status {
            JobStatus::Pending => self.pending,
            JobStatus::Processing => self.processing,
            JobStatus::Completed => self.completed,
            JobStatus::Skipped => self.skipped,
            JobStatus::Failed => self.failed,
        }
    }
}

/// Reads the summary as of `now_ms`; the skip shares come through `shares`.
pub async fn load_overview(
    store: &Store,
    shares: &SharesCache,
    now_ms: i64,
) -> Result<Overview, StoreError> {
    let last_hour = store.counts_by_status(Some(now_ms - HOUR_MS)).await?;
    let last_day = store.counts_by_status(Some(now_ms - 24 * HOUR_MS)).await?;
    let depth = store.queue_depth(now_ms).await?;
    let oldest = store.oldest_pending_age(now_ms).await?;

    // Whole minutes, the current one last.
    let this_minute = now_ms - now_ms.rem_euclid(60_000);
    let chart_start_ms = this_minute - (CHART_MINUTES as i64 - 1) * 60_000;
    let minutes = store
        .deliveries_per_minute(chart_start_ms, this_minute + 60_000)
        .await?;
    let mut deliveries_per_minute = vec![0; CHART_MINUTES];
    for minute in minutes {
        let index = (minute.minute_ms - chart_start_ms) / 60_000;
        if let Some(slot) = usize::try_from(index)
            .ok()
            .and_then(|i| deliveries_per_minute.get_mut(i))
        {
            *slot = minute.deliveries;
        }
    }

    let shares = shares.get(store, now_ms).await?;
    let total = shares.total.max(1) as f64;
    let skipped = Skipped {
        deliveries: shares.total,
        by_rule: shares
            .by_rule
            .into_iter()
            .map(|rule| RuleShare {
                share: rule.deliveries as f64 / total,
                rule: rule.rule,
                deliveries: rule.deliveries,
            })
            .collect(),
    };

    Ok(Overview {
        now_ms,
        last_hour: last_hour.into(),
        last_day: last_day.into(),
        queue: Queue {
            pending: depth.pending,
            due: depth.due,
            processing: depth.processing,
            failed: depth.failed,
            oldest_pending_age_secs: oldest.map(|age| age.as_secs_f64()),
        },
        deliveries_per_minute,
        chart_start_ms,
        skipped,
    })
}
