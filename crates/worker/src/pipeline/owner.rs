//! Steps 2 and 3: store the names as soon as they are known (late name
//! resolution), then decide whether the account is ours (owner rule). Both
//! flows run them, after step 1's check for a deleted company, through
//! `account_skip`.
//!
//! The owner is the contact's associate. Its id and short name (`Name`,
//! "RKAB") usually come with the contact; when only the id does, the short
//! name is looked up once and kept for a while, since associates rarely
//! change. Group membership is never asked: in production those queries
//! were slow and often failed, so the whitelist names owners directly.

use so_queue::ClaimedJob;
use so_rules::{normalise_company_name, owner_rule, OwnerWhitelist};
use so_superoffice::{Client, Contact};

use super::{fetch, Pipeline};
use crate::errors::JobError;
use crate::outcome::Outcome;

/// The owner of an account, as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// The associate id; `None` when the account has no owner.
    pub id: Option<i64>,
    /// The associate's short name, when known.
    pub short_name: Option<String>,
}

impl Pipeline {
    /// Steps 1 to 3 for the job's company, once fetched: the skip for a
    /// deleted company or for one that is not ours, `None` to go on. The
    /// names are stored before the owner rule decides, so that a skipped
    /// job shows them too.
    pub(super) async fn account_skip(
        &self,
        claimed: &ClaimedJob,
        client: &Client,
        contact: &Contact,
    ) -> Result<Option<Outcome>, JobError> {
        if let Some(skip) = fetch::deleted(contact) {
            return Ok(Some(skip));
        }

        let owner = self.owner_of(client, contact).await?;
        self.record_names(claimed, contact, &owner).await?;
        Ok(not_ours(&self.owners, &owner))
    }

    /// The contact's owner with its short name, looked up through the
    /// associate cache when the contact carries only the id.
    async fn owner_of(&self, client: &Client, contact: &Contact) -> Result<Owner, JobError> {
        let Some(associate) = &contact.owner else {
            return Ok(Owner {
                id: None,
                short_name: None,
            });
        };
        let id = associate.id;
        let name = associate.name.trim();
        if !name.is_empty() {
            return Ok(Owner {
                id: Some(id),
                short_name: Some(name.to_owned()),
            });
        }

        let short_name = self
            .associates
            .get_or_try_load(id, || async {
                let associate = client.get_associate(id).await?;
                Ok::<_, JobError>(associate.name.trim().to_owned())
            })
            .await?;
        tracing::debug!(
            associate_id = id,
            short_name,
            "owner's short name looked up"
        );
        Ok(Owner {
            id: Some(id),
            short_name: Some(short_name).filter(|name| !name.is_empty()),
        })
    }

    /// Stores the company name, its normalised key and the owner with the
    /// job at once, so the dashboard shows "Acme GmbH (RKAB)" whatever the
    /// job does next, and the duplicate rule of other jobs can see it.
    async fn record_names(
        &self,
        claimed: &ClaimedJob,
        contact: &Contact,
        owner: &Owner,
    ) -> Result<(), JobError> {
        let name = contact.name.trim();
        let key = normalise_company_name(name);
        self.store
            .set_names(
                &claimed.lease,
                Some(name).filter(|name| !name.is_empty()),
                Some(key.as_str()).filter(|key| !key.is_empty()),
                owner.id,
                owner.short_name.as_deref(),
            )
            .await?;
        Ok(())
    }
}

/// The skip for an account that is not ours; `None` when it is.
pub fn not_ours(owners: &OwnerWhitelist, owner: &Owner) -> Option<Outcome> {
    let verdict = owner_rule(owners, owner.id, owner.short_name.as_deref());
    tracing::debug!(%verdict, "owner rule");
    (!verdict.is_process()).then(|| Outcome::skip(verdict.code, verdict.reason))
}
