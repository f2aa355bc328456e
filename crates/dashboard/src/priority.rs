//! The status-priority rule and what makes a run.
//!
//! A *run* is the dashboard's line for one account: the jobs of one record
//! that follow each other closely. Two jobs belong to the same run when the
//! later one was made less than [`RUN_WINDOW_MS`] after the earlier one's
//! last change (its `updated_at`: when it finished, or its latest move).
//!
//! Each run shows one status ([`shown_status`]):
//!
//! 1. work in flight shows first: a run with a processing job is
//!    processing, else one with a pending job is pending;
//! 2. otherwise the latest job's status shows, except that a **completed
//!    job outshines the skipped echoes that follow it**: when the latest
//!    job is skipped and was made less than [`OUTSHINE_WINDOW_MS`] after a
//!    job of the run completed, the run shows completed.
//!
//! Rule 2 is why a freshly enriched account stays green: our own write-back
//! makes SuperOffice send `contact.changed` events, which the ingest skips
//! as echoes seconds later. Both windows are half-open: 14:59 after is
//! inside, 15:00 after is outside. With equal windows, an echo that came
//! too late to be outshone also starts a run of its own.

use so_queue::{JobRecord, JobStatus};

/// Jobs of one record made less than this after the previous job's last
/// change form one run: 15 minutes, in milliseconds.
pub const RUN_WINDOW_MS: i64 = 15 * 60 * 1000;

/// A skipped job made less than this after a completion is outshone by it:
/// 15 minutes, in milliseconds.
pub const OUTSHINE_WINDOW_MS: i64 = 15 * 60 * 1000;

/// What the rule reads of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobFacts {
    /// Job id; orders jobs made in the same millisecond.
    pub id: i64,
    /// Its status now.
    pub status: JobStatus,
    /// When it was made (the delivery's receipt).
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
    /// When it finished; `None` while pending or processing.
    pub finished_at: Option<i64>,
}

impl From<&JobRecord> for JobFacts {
    fn from(job: &JobRecord) -> Self {
        JobFacts {
            id: job.id,
            status: job.status,
            created_at: job.created_at,
            updated_at: job.updated_at,
            finished_at: job.finished_at,
        }
    }
}

/// Whether `later` belongs to the run of `earlier` (made before it).
pub fn same_run(earlier: &JobFacts, later: &JobFacts) -> bool {
    let last_change = earlier.updated_at.max(earlier.created_at);
    later.created_at - last_change < RUN_WINDOW_MS
}

/// How many of `newest_first` (the jobs of one record, newest first,
/// starting with the run's latest job) belong to the run.
pub fn run_length(newest_first: &[JobFacts]) -> usize {
    let Some(first) = newest_first.first() else {
        return 0;
    };
    // The run's earliest start so far; a job joins when its last change
    // is less than a window before it.
    let mut run_start = *first;
    let mut length = 1;
    for job in &newest_first[1..] {
        if !same_run(job, &run_start) {
            break;
        }
        if job.created_at < run_start.created_at {
            run_start = *job;
        }
        length += 1;
    }
    length
}

/// The status a run shows; `run` holds its jobs in any order. `None` for
/// an empty run.
pub fn shown_status(run: &[JobFacts]) -> Option<JobStatus> {
    // Work in flight shows first.
    for in_flight in [JobStatus::Processing, JobStatus::Pending] {
        if run.iter().any(|job| job.status == in_flight) {
            return Some(in_flight);
        }
    }

    let latest = run.iter().max_by_key(|job| (job.created_at, job.id))?;
    if latest.status != JobStatus::Skipped {
        return Some(latest.status);
    }

    // A skipped latest job within the window after a completion is an
    // echo of it (or close enough): the completion shows.
    let outshone = run
        .iter()
        .filter(|job| job.status == JobStatus::Completed)
        .filter_map(|job| job.finished_at)
        .any(|completed_at| latest.created_at - completed_at < OUTSHINE_WINDOW_MS);
    Some(if outshone {
        JobStatus::Completed
    } else {
        JobStatus::Skipped
    })
}

/// The job whose status the run shows (for its reason and link): the
/// in-flight job, the outshining completion, or the latest job.
pub fn deciding_job(run: &[JobFacts]) -> Option<JobFacts> {
    let status = shown_status(run)?;
    run.iter()
        .filter(|job| job.status == status)
        .max_by_key(|job| (job.created_at, job.id))
        .copied()
}
