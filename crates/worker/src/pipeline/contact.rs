//! The flow of a contact (company) job: fetch, names, owner, duplicate,
//! analysis, write-back of the contact's vertical, summary and opener.

use serde_json::json;
use so_enrich::Analysis;
use so_queue::ClaimedJob;
use so_superoffice::{Client, ProgId, UdefOwner};

use super::complete::completed;
use super::writeback::Wanted;
use super::{fetch, Pipeline};
use crate::errors::JobError;
use crate::outcome::Outcome;

impl Pipeline {
    pub(super) async fn contact_job(
        &self,
        claimed: &ClaimedJob,
        client: &Client,
    ) -> Result<Outcome, JobError> {
        let job = &claimed.job;
        let contact = fetch::contact(client, job.entity_id).await?;
        if let Some(skip) = self.account_skip(claimed, client, &contact).await? {
            return Ok(skip);
        }
        if let Some(skip) = self.duplicate(claimed, &contact.name).await? {
            return Ok(skip);
        }

        let analysed = self.analysis_of(&job.tenant, &contact).await?;
        let wanted = self.contact_wants(&analysed.analysis);
        let plan = self
            .write_back(
                client,
                UdefOwner::Contact,
                contact.id,
                &contact.custom_fields,
                &wanted,
            )
            .await?;
        let record = [("entity", json!("contact"))];
        Ok(completed(&plan, &record, &analysed))
    }

    /// The contact fields the analysis fills. The vertical is left alone
    /// when the analysis found none, rather than cleared: an unknown
    /// vertical says nothing against the one a salesperson chose.
    fn contact_wants(&self, analysis: &Analysis) -> Vec<(ProgId, Wanted)> {
        let fields = &self.fields;
        let mut wanted = Vec::new();
        if let (Some(field), Some(vertical)) = (&fields.contact_vertical, &analysis.vertical) {
            wanted.push((
                field.clone(),
                Wanted::List(i64::from(vertical.list_item_id)),
            ));
        }
        if let Some(field) = &fields.contact_summary {
            let text = analysis.summary.clone();
            let limit = self.limits.summary;
            wanted.push((field.clone(), Wanted::Text { text, limit }));
        }
        if let Some(field) = &fields.contact_opener {
            let text = analysis.opener.clone();
            let limit = self.limits.opener;
            wanted.push((field.clone(), Wanted::Text { text, limit }));
        }
        wanted
    }
}
