//! The flow of a person job: the person and their company, the company's
//! names and owner, the company's analysis (made now when none is cached),
//! and the person's opener rendered from it.
//!
//! The duplicate rule is for `contact.created` only, and the company's own
//! fields are left to the company's jobs: a person job writes the person.

use serde_json::json;
use so_enrich::PersonFacts;
use so_queue::ClaimedJob;
use so_superoffice::{Client, Person, UdefOwner};

use super::complete::completed;
use super::writeback::Wanted;
use super::{fetch, Pipeline};
use crate::errors::JobError;
use crate::outcome::Outcome;

impl Pipeline {
    pub(super) async fn person_job(
        &self,
        claimed: &ClaimedJob,
        client: &Client,
    ) -> Result<Outcome, JobError> {
        let job = &claimed.job;
        let person = fetch::person(client, job.entity_id).await?;
        let contact_id = match fetch::company_of(&person) {
            Ok(contact_id) => contact_id,
            Err(skip) => return Ok(skip),
        };
        let contact = fetch::contact(client, contact_id).await?;
        if let Some(skip) = self.account_skip(claimed, client, &contact).await? {
            return Ok(skip);
        }

        let analysed = self.analysis_of(&job.tenant, &contact).await?;
        let opener = self.engine.personaliser.person_opener(
            &analysed.analysis,
            &analysed.facts,
            &person_facts(&person),
        );
        let wanted: Vec<_> = self
            .fields
            .person_opener
            .iter()
            .map(|field| {
                let limit = self.limits.person_opener;
                let text = opener.clone();
                (field.clone(), Wanted::Text { text, limit })
            })
            .collect();
        let plan = self
            .write_back(
                client,
                UdefOwner::Person,
                person.id,
                &person.custom_fields,
                &wanted,
            )
            .await?;
        let record = [
            ("entity", json!("person")),
            ("contact_id", json!(contact.id)),
        ];
        Ok(completed(&plan, &record, &analysed))
    }
}

/// What a person opener may read about the person.
fn person_facts(person: &Person) -> PersonFacts {
    let present = |text: &str| Some(text.trim().to_owned()).filter(|text| !text.is_empty());
    PersonFacts {
        first_name: person.first_name.trim().to_owned(),
        last_name: person.last_name.trim().to_owned(),
        title: present(&person.title),
        position: person.position.as_ref().and_then(|p| present(&p.value)),
    }
}
