//! The flow of a contact (company) job: fetch, names, owner, duplicate,
//! analysis, write-back of the contact's vertical, summary and opener.

use serde_json::json;
use so_enrich::Analysis;
use so_queue::ClaimedJob;
use so_superoffice::{Client, ProgId, UdefOwner};

use super::analyse::Analysed;
use super::writeback::{plan, Wanted};
use super::{fetch, owner, Pipeline};
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
        if let Some(skip) = fetch::deleted(&contact) {
            return Ok(skip);
        }

        let owner = self.owner_of(client, &contact).await?;
        self.record_names(claimed, &contact, &owner).await?;
        if let Some(skip) = owner::not_ours(&self.owners, &owner) {
            return Ok(skip);
        }
        if let Some(skip) = self.duplicate(claimed, &contact.name).await? {
            return Ok(skip);
        }

        let analysed = self.analysis_of(&job.tenant, &contact).await?;
        let layout = self.layout(client, UdefOwner::Contact).await?;
        let wanted = self.contact_wants(&analysed.analysis);
        let plan = plan(&contact.custom_fields, &wanted, &layout);

        // Idempotent write-back: nothing differs, nothing is sent.
        if !plan.is_empty() {
            client
                .patch_contact_custom_fields(contact.id, &plan.values())
                .await?;
        }
        let summary = written_summary(plan.changes.len());
        let mut result = plan.to_json();
        result["entity"] = json!("contact");
        result["analysis"] = analysis_json(&analysed);
        Ok(Outcome::Completed { result, summary })
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

/// "wrote 3 fields" or "nothing to change", for the job's log line.
pub(super) fn written_summary(changes: usize) -> String {
    match changes {
        0 => "nothing to change".to_owned(),
        1 => "wrote 1 field".to_owned(),
        n => format!("wrote {n} fields"),
    }
}

/// What the result says about the analysis.
pub(super) fn analysis_json(analysed: &Analysed) -> serde_json::Value {
    let vertical = analysed.analysis.vertical.as_ref();
    json!({
        "source": analysed.source.as_str(),
        "vertical": vertical.map(|v| v.key.as_str()),
        "list_item_id": vertical.map(|v| v.list_item_id),
        "prospect": analysed.analysis.prospect,
    })
}
