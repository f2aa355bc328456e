//! Step 4: a repeated `contact.created` for a company that is being handled
//! or was just handled is skipped (duplicate creation).
//!
//! The names of other jobs come from the store: each job stores its
//! company's normalised name as soon as it knows it (step 2), so the check
//! sees jobs of other workers and other processes too.

use so_queue::{ClaimedJob, JobStatus};
use so_rules::{duplicate_rule, normalise_company_name, EventKind, RecentJobFact, RecentJobState};

use super::Pipeline;
use crate::errors::JobError;
use crate::outcome::Outcome;

impl Pipeline {
    /// The skip for a duplicate `contact.created`; `None` for any other job.
    pub(super) async fn duplicate(
        &self,
        claimed: &ClaimedJob,
        company_name: &str,
    ) -> Result<Option<Outcome>, JobError> {
        let job = &claimed.job;
        let key = normalise_company_name(company_name);
        if EventKind::parse(&job.event) != Some(EventKind::ContactCreated) || key.is_empty() {
            return Ok(None);
        }

        let now = so_queue::now_ms();
        let since = now.saturating_sub(self.duplicate_window_ms);
        let others = self
            .store
            .recent_jobs_for_company(&key, since, job.id)
            .await?;

        // Of two jobs for one company processing at the same moment, the
        // older one goes on; were each to see the other as a duplicate,
        // both would be skipped and nobody would enrich the company.
        let recent: Vec<RecentJobFact> = others
            .into_iter()
            .filter_map(|other| {
                let state = match (other.status, other.finished_at) {
                    (JobStatus::Processing, _) if other.job_id < job.id => {
                        RecentJobState::Processing
                    }
                    (JobStatus::Completed, Some(finished_at_ms)) => {
                        RecentJobState::Completed { finished_at_ms }
                    }
                    _ => return None,
                };
                Some(RecentJobFact {
                    normalised_name: key.clone(),
                    state,
                })
            })
            .collect();

        let verdict = duplicate_rule(
            &job.event,
            company_name,
            &recent,
            now,
            self.duplicate_window_ms,
        );
        tracing::debug!(job_id = job.id, %verdict, "duplicate rule");
        Ok((!verdict.is_process()).then(|| Outcome::skip(verdict.code, verdict.reason)))
    }
}
