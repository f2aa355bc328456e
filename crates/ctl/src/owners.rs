//! Which accounts are ours, decided from archive rows.
//!
//! The worker decides with the owner's id and short name from the fetched
//! contact (`so_rules::owner_rule`). An archive row names the owner in its
//! `associateId` column, which Slim mode fills with the owner's *short name*
//! (`RKAB`) and other modes with the id. The tenant's user list
//! (`Archive/InternalUsers`) gives the other half, so the same rule decides
//! here as in the worker, whichever half a row carries.

use std::collections::BTreeMap;

use futures::TryStreamExt;
use serde_json::Value;
use so_rules::{owner_rule, OwnerWhitelist};
use so_superoffice::{ArchiveQuery, ArchiveRow, Client};

/// Whether a row's account is ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// The owner is on the whitelist.
    Ours,
    /// The owner is not, or the account has none.
    NotOurs,
}

/// The owner whitelist with the tenant's users beside it.
#[derive(Debug, Clone)]
pub struct Owners {
    whitelist: OwnerWhitelist,
    /// Short name by associate id. Empty when the user list could not be
    /// read: then only what a row itself carries is compared.
    names: BTreeMap<i64, String>,
}

impl Owners {
    /// Reads the tenant's users. A server error there (identity look-ups
    /// have been seen answering 500) leaves the directory empty rather than
    /// failing; authentication and transport errors are returned.
    pub async fn load(client: &Client, whitelist: OwnerWhitelist) -> so_superoffice::Result<Self> {
        let query = ArchiveQuery::new("Archive/InternalUsers", "associateDbId")
            .select(["associateDbId", "name"])
            .top(so_superoffice::MAX_PAGE);
        let names = match client.archive(query).try_collect::<Vec<ArchiveRow>>().await {
            Ok(rows) => rows
                .iter()
                .filter_map(|row| Some((row.int("associateDbId")?, row.text("name")?)))
                .collect(),
            Err(
                error @ (so_superoffice::Error::Server { .. }
                | so_superoffice::Error::Decode { .. }),
            ) => {
                let what = "cannot read the user list; owners are compared as rows give them";
                tracing::warn!(%error, "{what}");
                BTreeMap::new()
            }
            Err(error) => return Err(error),
        };
        Ok(Self { whitelist, names })
    }

    /// Owners from a known list of users (tests, and callers that have one).
    pub fn with_names(whitelist: OwnerWhitelist, names: BTreeMap<i64, String>) -> Self {
        Self { whitelist, names }
    }

    /// The whitelist.
    pub fn whitelist(&self) -> &OwnerWhitelist {
        &self.whitelist
    }

    /// Decides from a row's owner column (`associateId`), id or short name.
    pub fn judge(&self, owner: Option<&Value>) -> Ownership {
        let (id, name) = self.identify(owner);
        if owner_rule(&self.whitelist, id, name.as_deref()).is_process() {
            Ownership::Ours
        } else {
            Ownership::NotOurs
        }
    }

    /// The owner's id and short name, as far as the row and the user list
    /// tell them. Id 0 and a blank name mean no owner.
    pub fn identify(&self, owner: Option<&Value>) -> (Option<i64>, Option<String>) {
        let text = match owner {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.trim().to_owned(),
            _ => String::new(),
        };
        if let Ok(id) = text.parse::<i64>() {
            let id = Some(id).filter(|id| *id > 0);
            return (id, id.and_then(|id| self.names.get(&id).cloned()));
        }
        if text.is_empty() {
            return (None, None);
        }
        (self.id_of(&text), Some(text))
    }

    /// Every owner id the whitelist admits: the listed ids and the ids of
    /// the listed short names, sorted.
    pub fn admitted_ids(&self) -> Vec<i64> {
        let mut ids = self.whitelist.associate_ids.clone();
        ids.extend(
            self.names
                .iter()
                .filter(|(_, name)| self.whitelist.contains_short_name(name))
                .map(|(id, _)| *id),
        );
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Short names of the whitelist that no user has.
    pub fn unknown_short_names(&self) -> Vec<String> {
        self.whitelist
            .short_names
            .iter()
            .filter(|listed| !listed.trim().is_empty() && self.id_of(listed).is_none())
            .cloned()
            .collect()
    }

    /// An owner given as an id or a short name, as `(id, short name)`.
    pub fn resolve(&self, token: &str) -> Option<(i64, String)> {
        let token = token.trim();
        if let Ok(id) = token.parse::<i64>() {
            let name = self.names.get(&id).cloned().unwrap_or_default();
            return Some((id, name));
        }
        let id = self.id_of(token)?;
        Some((id, self.names[&id].clone()))
    }

    /// The short name of an associate id.
    pub fn short_name(&self, id: i64) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    fn id_of(&self, short_name: &str) -> Option<i64> {
        let wanted = short_name.trim().to_lowercase();
        self.names
            .iter()
            .find(|(_, name)| name.trim().to_lowercase() == wanted)
            .map(|(id, _)| *id)
    }
}

/// An OData restriction that admits exactly these owners:
/// `associateId associateIsOneOf(23,24)`. `None` for an empty list (no
/// restriction can say "nobody").
pub fn owner_filter(ids: &[i64]) -> Option<String> {
    if ids.is_empty() {
        return None;
    }
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    Some(format!("associateId associateIsOneOf({})", ids.join(",")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn owners() -> Owners {
        let whitelist = OwnerWhitelist {
            associate_ids: vec![23],
            short_names: vec!["jmue".into()],
        };
        let names = [(23, "RKAB"), (24, "JMUE"), (40, "OTHR")]
            .map(|(id, name)| (id, name.to_owned()))
            .into_iter()
            .collect();
        Owners::with_names(whitelist, names)
    }

    #[test]
    fn rows_naming_the_owner_by_id_or_short_name_are_judged_alike() {
        let owners = owners();
        assert_eq!(owners.judge(Some(&json!(23))), Ownership::Ours);
        assert_eq!(owners.judge(Some(&json!("RKAB"))), Ownership::Ours);
        assert_eq!(owners.judge(Some(&json!("24"))), Ownership::Ours);
        assert_eq!(owners.judge(Some(&json!("JMUE"))), Ownership::Ours);
        assert_eq!(owners.judge(Some(&json!("OTHR"))), Ownership::NotOurs);
        assert_eq!(owners.judge(Some(&json!(0))), Ownership::NotOurs);
        assert_eq!(owners.judge(None), Ownership::NotOurs);
    }

    #[test]
    fn admitted_ids_include_the_ids_of_listed_short_names() {
        assert_eq!(owners().admitted_ids(), vec![23, 24]);
        assert_eq!(
            owner_filter(&[23, 24]).as_deref(),
            Some("associateId associateIsOneOf(23,24)")
        );
        assert_eq!(owner_filter(&[]), None);
    }
}
