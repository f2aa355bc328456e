//! What callers hand to the store and what they get back from its writes.

use std::fmt;
use std::str::FromStr;

use crate::records::JobRecord;

/// One accepted webhook POST, ready to be recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDelivery {
    /// SuperOffice's `EventId`; a second delivery with the same id is a
    /// redelivery and is stored once.
    pub event_id: String,
    /// When the ingest received the POST (ms since the Unix epoch, UTC). Also
    /// the creation and due time of a job made from it.
    pub received_at: i64,
    /// `ContextIdentifier` of the payload ("Cust12345").
    pub tenant: String,
    /// `Event` of the payload ("contact.changed").
    pub event: String,
    /// `Entity` of the payload as sent ("contact", "person", "sale", ...).
    pub entity: String,
    /// `PrimaryKey` of the payload.
    pub entity_id: i64,
    /// `ChangedByAssociateId` of the payload, when present.
    pub changed_by: Option<i64>,
    /// `Changes` of the payload: changed column names.
    pub changes: Vec<String>,
    /// The raw request body, kept for inspection and replay.
    pub payload: String,
    /// What the ingest decided to do with it.
    pub disposition: Disposition,
}

/// What the ingest decided about a delivery.
///
/// `Enqueue` and `Skip` make job rows, which the schema allows only for the
/// entities `contact` and `person`: use `Ignore` for anything else, or the
/// whole batch fails with [`StoreError::Rejected`](crate::StoreError).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// Work on it: make a pending job, or join the record's pending one.
    Enqueue,
    /// Do not work on it, but show it: a job row is made directly in status
    /// skipped (e.g. an echo of our own write-back).
    Skip {
        /// Reason code ("echo", "irrelevant_fields").
        rule: String,
        /// Human-readable reason.
        reason: String,
    },
    /// Keep the delivery row only, no job (test events, other entities).
    Ignore {
        /// Human-readable reason.
        reason: String,
    },
}

/// What recording one delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// A new pending job was made.
    Queued {
        /// The new job.
        job_id: i64,
    },
    /// The delivery was merged into the record's pending job.
    Joined {
        /// The pending job it joined.
        job_id: i64,
    },
    /// A job was made directly in status skipped.
    Skipped {
        /// The skipped job.
        job_id: i64,
    },
    /// Only the delivery row was stored.
    Ignored {
        /// The stored delivery.
        delivery_id: i64,
    },
    /// The `EventId` was already stored; nothing changed.
    Duplicate {
        /// The delivery stored earlier.
        delivery_id: i64,
    },
}

impl Recorded {
    /// The job the delivery made or joined, if any.
    pub fn job_id(&self) -> Option<i64> {
        match *self {
            Recorded::Queued { job_id }
            | Recorded::Joined { job_id }
            | Recorded::Skipped { job_id } => Some(job_id),
            Recorded::Ignored { .. } | Recorded::Duplicate { .. } => None,
        }
    }
}

/// Where a job is in its life.
///
/// `pending -> processing -> completed | skipped | failed`, and
/// `processing -> pending` for a retry or a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobStatus {
    /// Waiting until `run_at`, then claimable.
    Pending,
    /// Claimed by a worker under a lease.
    Processing,
    /// Done; the write-back (if any) happened.
    Completed,
    /// Deliberately not worked on; `rule` and `reason` say why.
    Skipped,
    /// Given up on; never retried automatically.
    Failed,
}

impl JobStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Pending,
        JobStatus::Processing,
        JobStatus::Completed,
        JobStatus::Skipped,
        JobStatus::Failed,
    ];

    /// The word stored in the `status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Processing => "processing",
            JobStatus::Completed => "completed",
            JobStatus::Skipped => "skipped",
            JobStatus::Failed => "failed",
        }
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JobStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown job status: {s:?}"))
    }
}

/// A worker's proof that it holds a job: presented by every finishing call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The claimed job.
    pub job_id: i64,
    /// Random token of this claim; the next claim of the job replaces it.
    pub token: String,
}

/// A job handed to a worker by [`Store::claim`](crate::Store::claim).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedJob {
    /// Present it to finish, extend or annotate the job.
    pub lease: Lease,
    /// The job as it is after the claim (status processing, attempts counted).
    pub job: JobRecord,
}

/// The outcome of a completed job.
#[derive(Debug, Clone, PartialEq)]
pub struct CompleteInfo {
    /// What was written back, shown on the dashboard (a JSON object).
    pub result: serde_json::Value,
    /// SuperOffice requests spent in this attempt.
    pub api_calls: u32,
}

/// Where a job went when a worker put it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requeued {
    /// The job is pending again, due at `run_at`.
    Pending {
        /// The job, unchanged id.
        job_id: i64,
        /// When it is due.
        run_at: i64,
    },
    /// A newer pending job for the same record existed; this job was merged
    /// into it and marked skipped (rule `merged`).
    Merged {
        /// The pending job that now carries the work.
        into_job_id: i64,
    },
    /// The job had used all its attempts and was failed instead (rule
    /// `max_attempts`).
    GaveUp {
        /// Attempts used.
        attempts: u32,
    },
}
