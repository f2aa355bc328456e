//! The enriched accounts, read back from the sandbox through the same
//! REST API and client the worker writes with: what a salesperson would see
//! in the CRM.

use anyhow::Context as _;
use secrecy::SecretString;
use so_ctl::settings::FieldsSection;
use so_queue::{JobRecord, JobStatus};
use so_superoffice::{ClientSettings, Environment};

use super::specs::{self, API_USER, CONTEXT_ID};

/// One company as the CRM shows it after the run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Account {
    /// `ContactId`.
    pub id: i64,
    /// Company name.
    pub company: String,
    /// The owner's short name (`RKAB`).
    pub owner: String,
    /// The vertical list field's display text.
    pub vertical: String,
    /// The summary field.
    pub summary: String,
    /// The company opener field.
    pub opener: String,
}

/// Reads every company a completed job was about and keeps those whose
/// summary is filled in, lowest id first.
pub async fn read_back(sandbox_url: &str, jobs: &[JobRecord]) -> anyhow::Result<Vec<Account>> {
    let client = client(sandbox_url)
        .client(Some(API_USER))
        .context("cannot build a client for the sandbox")?;
    let fields = FieldsSection::default();

    let mut ids: Vec<i64> = jobs
        .iter()
        .filter(|job| job.entity == "contact" && job.status == JobStatus::Completed)
        .map(|job| job.entity_id)
        .collect();
    ids.sort_unstable();
    ids.dedup();

    let mut accounts = Vec::new();
    for id in ids {
        let contact = client
            .get_contact(id)
            .await
            .with_context(|| format!("cannot read contact {id} back"))?;
        let text = |prog_id: &str| contact.custom_fields.raw(prog_id).unwrap_or("").to_owned();
        let summary = text(&fields.contact_summary);
        if summary.is_empty() {
            continue;
        }
        let vertical = contact
            .custom_fields
            .display_text(&fields.contact_vertical)
            .unwrap_or("")
            .to_owned();
        accounts.push(Account {
            id,
            owner: contact.owner.map(|owner| owner.name).unwrap_or_default(),
            vertical,
            summary,
            opener: text(&fields.contact_opener),
            company: contact.name,
        });
    }
    Ok(accounts)
}

/// The sandbox tenant's settings, as the workers get them.
fn client(sandbox_url: &str) -> ClientSettings {
    ClientSettings {
        environment: Environment::Sod,
        context_id: CONTEXT_ID.to_owned(),
        client_id: specs::CLIENT_ID.to_owned(),
        client_secret: Some(SecretString::from(specs::CLIENT_SECRET)),
        refresh_token: Some(SecretString::from(specs::REFRESH_TOKEN)),
        auth_base: Some(sandbox_url.to_owned()),
        ..ClientSettings::default()
    }
}
