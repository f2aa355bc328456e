//! Steps 6 and 7 for both flows: send the fields the plan changes, and the
//! completed outcome with what the dashboard shows of it.

use serde_json::{json, Value};
use so_superoffice::{Client, CustomFields, ProgId, UdefOwner};

use super::analyse::Analysed;
use super::writeback::{plan, Plan, Wanted};
use super::Pipeline;
use crate::errors::JobError;
use crate::outcome::Outcome;

impl Pipeline {
    /// Writes those `wanted` fields of the `owner` record `id` that differ
    /// from `current`, compared with the owner's UDF layout, and returns
    /// the plan. Idempotent: when nothing differs, nothing is sent.
    pub(super) async fn write_back(
        &self,
        client: &Client,
        owner: UdefOwner,
        id: i64,
        current: &CustomFields,
        wanted: &[(ProgId, Wanted)],
    ) -> Result<Plan, JobError> {
        let layout = self.layout(client, owner).await?;
        let plan = plan(current, wanted, &layout);
        if plan.is_empty() {
            return Ok(plan);
        }

        let values = plan.values();
        match owner {
            UdefOwner::Contact => {
                client.patch_contact_custom_fields(id, &values).await?;
            }
            UdefOwner::Person => {
                client.patch_person_custom_fields(id, &values).await?;
            }
        }
        Ok(plan)
    }
}

/// The completed outcome of a write-back. Its result holds the plan, the
/// `record` written to (`entity`, for a person also its `contact_id`) and
/// the analysis; its summary says how many fields were written.
pub(super) fn completed(plan: &Plan, record: &[(&str, Value)], analysed: &Analysed) -> Outcome {
    let mut result = plan.to_json();
    for (key, value) in record {
        result[*key] = value.clone();
    }
    result["analysis"] = analysis_json(analysed);
    Outcome::Completed {
        result,
        summary: written_summary(plan.changes.len()),
    }
}

/// "wrote 3 fields" or "nothing to change", for the job's log line.
fn written_summary(changes: usize) -> String {
    match changes {
        0 => "nothing to change".to_owned(),
        1 => "wrote 1 field".to_owned(),
        n => format!("wrote {n} fields"),
    }
}

/// What the result says about the analysis.
fn analysis_json(analysed: &Analysed) -> Value {
    let vertical = analysed.analysis.vertical.as_ref();
    json!({
        "source": analysed.source.as_str(),
        "vertical": vertical.map(|v| v.key.as_str()),
        "list_item_id": vertical.map(|v| v.list_item_id),
        "confidence": vertical.map(|v| v.confidence),
        // The CRM's own vertical, kept over a weaker guess.
        "vertical_kept": vertical.is_some_and(|v| v.kept),
        "prospect": analysed.analysis.prospect,
    })
}
