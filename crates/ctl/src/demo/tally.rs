//! What the run did, counted from both sides: the job store (deliveries,
//! jobs, outcomes) and the sandbox (webhooks acknowledged, API requests
//! served). Where the two disagree, something was lost.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use so_queue::{DeliveryRecord, JobFilter, JobRecord, JobStatus, Store};

use super::sandbox::{DeliveryAttempt, LoggedRequest};
use super::specs::CONTEXT_ID;
use super::traffic::{Change, Played};

/// More jobs than any demo makes: one page holds them all.
const ALL_JOBS: u32 = 100_000;

/// The counts the report prints.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Rows in the store's `deliveries` table.
    pub deliveries: usize,
    /// Those rows by the ingest's decision (`queued`, `joined`, …).
    pub decisions: BTreeMap<String, usize>,
    /// Job rows.
    pub jobs: usize,
    /// Completed jobs.
    pub completed: usize,
    /// Skipped jobs by reason code.
    pub skipped: BTreeMap<String, usize>,
    /// Failed jobs.
    pub failed: usize,
    /// Jobs still pending or processing (0 once settled).
    pub open: usize,
    /// Failed jobs about records that were not poisoned on purpose.
    pub unexpected_failures: Vec<JobRecord>,
    /// Webhook attempts the sandbox made.
    pub attempts: usize,
    /// Distinct `EventId`s the ingest acknowledged (answered 200).
    pub acknowledged: usize,
    /// Acknowledged attempts beyond the first of their `EventId`.
    pub redelivered: usize,
    /// Acknowledged `EventId`s with no row in the store.
    pub lost_event_ids: Vec<String>,
    /// Changes of ours that reached no final outcome.
    pub unfinished: Vec<Change>,
    /// Requests the tenant served (token, tenant status, API).
    pub api_calls: usize,
    /// Successful PATCHes: the connector's writes.
    pub patches: usize,
    /// Requests by method and resource (`GET Contact/{id}`).
    pub calls: BTreeMap<String, usize>,
    /// Answers that were not 2xx, by status.
    pub refused: BTreeMap<u16, usize>,
    /// SuperOffice calls the jobs counted themselves.
    pub job_calls: u64,
    /// Every job, for the accounts table.
    pub all_jobs: Vec<JobRecord>,
}

impl Tally {
    /// Everything lost: acknowledged but not stored, or changed but never
    /// finished.
    pub fn lost(&self) -> usize {
        self.lost_event_ids.len() + self.unfinished.len()
    }

    /// Counts the store's and the sandbox's sides.
    pub async fn count(
        store: &Store,
        attempts: &[DeliveryAttempt],
        requests: &[LoggedRequest],
        played: &Played,
    ) -> anyhow::Result<Tally> {
        let stored = store.deliveries_between(0, i64::MAX).await?;
        let filter = JobFilter {
            limit: ALL_JOBS,
            ..JobFilter::default()
        };
        let jobs = store.list_jobs(&filter).await?;

        let mut tally = Tally::default();
        tally.count_jobs(&jobs, played);
        tally.count_deliveries(&stored, attempts);
        tally.unfinished = unfinished(&played.changes, &stored, &jobs);
        tally.count_requests(requests);
        tally.all_jobs = jobs;
        Ok(tally)
    }

    fn count_jobs(&mut self, jobs: &[JobRecord], played: &Played) {
        self.jobs = jobs.len();
        for job in jobs {
            self.job_calls += u64::from(job.api_calls);
            match job.status {
                JobStatus::Completed => self.completed += 1,
                JobStatus::Skipped => {
                    let rule = job.rule.clone().unwrap_or_else(|| "unknown".to_owned());
                    *self.skipped.entry(rule).or_default() += 1;
                }
                JobStatus::Failed => {
                    self.failed += 1;
                    let poisoned = played
                        .poisoned
                        .iter()
                        .any(|(entity, id)| job.entity == *entity && job.entity_id == *id);
                    if !poisoned {
                        self.unexpected_failures.push(job.clone());
                    }
                }
                JobStatus::Pending | JobStatus::Processing => self.open += 1,
            }
        }
    }

    fn count_deliveries(&mut self, stored: &[DeliveryRecord], attempts: &[DeliveryAttempt]) {
        self.deliveries = stored.len();
        for delivery in stored {
            *self.decisions.entry(delivery.decision.clone()).or_default() += 1;
        }

        self.attempts = attempts.len();
        let acknowledged: Vec<&str> = attempts
            .iter()
            .filter(|a| a.acknowledged())
            .map(|a| a.event_id.as_str())
            .collect();
        let distinct: BTreeSet<&str> = acknowledged.iter().copied().collect();
        self.acknowledged = distinct.len();
        self.redelivered = acknowledged.len() - distinct.len();

        let on_disk: BTreeSet<&str> = stored.iter().map(|d| d.event_id.as_str()).collect();
        self.lost_event_ids = distinct
            .difference(&on_disk)
            .map(|id| (*id).to_owned())
            .collect();
    }

    fn count_requests(&mut self, requests: &[LoggedRequest]) {
        self.api_calls = requests.len();
        for request in requests {
            let ok = (200..300).contains(&request.status);
            if request.method == "PATCH" && ok {
                self.patches += 1;
            }
            if !ok {
                *self.refused.entry(request.status).or_default() += 1;
            }
            *self.calls.entry(resource(request)).or_default() += 1;
        }
    }
}

/// The changes of ours none of whose deliveries (received after the
/// change) belongs to a finished job.
fn unfinished(changes: &[Change], stored: &[DeliveryRecord], jobs: &[JobRecord]) -> Vec<Change> {
    let status: HashMap<i64, JobStatus> = jobs.iter().map(|job| (job.id, job.status)).collect();
    let finished = |delivery: &DeliveryRecord| {
        delivery
            .job_id
            .and_then(|id| status.get(&id))
            .is_some_and(|status| {
                matches!(
                    status,
                    JobStatus::Completed | JobStatus::Skipped | JobStatus::Failed
                )
            })
    };

    changes
        .iter()
        .filter(|change| {
            !stored.iter().any(|delivery| {
                delivery.entity == change.entity
                    && delivery.entity_id == change.id
                    && delivery.received_at >= change.at_ms
                    && finished(delivery)
            })
        })
        .cloned()
        .collect()
}

/// `GET Contact/{id}`, `POST token`, `GET tenant status`: a request's
/// method and resource with ids left out.
fn resource(request: &LoggedRequest) -> String {
    let api = format!("/{CONTEXT_ID}/api/v1/");
    let path = request.path.as_str();
    let what = if let Some(rest) = path.strip_prefix(&api) {
        rest.split('/')
            .map(|part| {
                if part.chars().all(|c| c.is_ascii_digit()) {
                    "{id}"
                } else {
                    part
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    } else if path.ends_with("/oauth/tokens") {
        "token".to_owned()
    } else if path.starts_with("/api/state/") {
        "tenant status".to_owned()
    } else {
        path.to_owned()
    };
    format!("{} {what}", request.method)
}
