//! The entity calls: read contacts, persons, associates, lists and UDF
//! layouts; write UDF values.

use std::collections::BTreeMap;
use std::sync::Arc;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::time::Instant;

use crate::call::{Call, Target};
use crate::entities::{Associate, Contact, ListItem, Person, UdefField, UdefOwner};
use crate::patch::custom_fields_patch;
use crate::udf::{ProgId, UdfValue};
use crate::{Client, Result};

impl Client {
    /// `GET Contact/{id}`.
    pub async fn get_contact(&self, id: i64) -> Result<Contact> {
        let target = Target::api("Contact").segment(id);
        self.read(
            Method::GET,
            target,
            None,
            "Contact/{id}",
            &format!("contact {id}"),
        )
        .await
    }

    /// `GET Person/{id}`.
    pub async fn get_person(&self, id: i64) -> Result<Person> {
        let target = Target::api("Person").segment(id);
        self.read(
            Method::GET,
            target,
            None,
            "Person/{id}",
            &format!("person {id}"),
        )
        .await
    }

    /// One associate, by `POST Agents/Associate/GetAssociate?associateId=N`
    /// (the documented way; `Associate/{id}` is not in the REST reference).
    pub async fn get_associate(&self, id: i64) -> Result<Associate> {
        let target = Target::api("Agents/Associate/GetAssociate").param("associateId", id);
        let what = format!("associate {id}");
        self.read(
            Method::POST,
            target,
            None,
            "Agents/Associate/GetAssociate",
            &what,
        )
        .await
    }

    /// The items of a list, `GET List/{name}/Items`, by list name (`Category`,
    /// `Business`, a user-defined list's name) or id.
    pub async fn list_items(&self, list: &str) -> Result<Vec<ListItem>> {
        let target = Target::api("List").segment(list).segment("Items");
        let what = format!("list {list} items");
        self.read(Method::GET, target, None, "List/{name}/Items", &what)
            .await
    }

    /// All UDF definitions of contacts or persons, `GET {Owner}/UdefLayout`.
    /// Always asks the server (and refreshes the cache that
    /// [`Client::udef_layout_cached`] and writes use).
    pub async fn udef_layout(&self, owner: UdefOwner) -> Result<Vec<UdefField>> {
        let target = Target::api(owner.resource()).segment("UdefLayout");
        let endpoint = match owner {
            UdefOwner::Contact => "Contact/UdefLayout",
            UdefOwner::Person => "Person/UdefLayout",
        };
        let what = format!("{} udef layout", owner.resource());
        let layout: Vec<UdefField> = self
            .read(Method::GET, target, None, endpoint, &what)
            .await?;

        let mut cache = self
            .shared
            .layouts
            .lock()
            .expect("the layout cache is never poisoned");
        cache.insert(owner, (Instant::now(), Arc::new(layout.clone())));
        Ok(layout)
    }

    /// Sets UDF values of a contact with one JSON Patch replacing
    /// `CustomFields` with only the given keys; text is cut to the field's
    /// length first (see [`crate::truncate_chars`]). Returns the updated
    /// contact. An empty map sends no write and returns the current contact.
    pub async fn patch_contact_custom_fields(
        &self,
        id: i64,
        values: &BTreeMap<ProgId, UdfValue>,
    ) -> Result<Contact> {
        if values.is_empty() {
            return self.get_contact(id).await;
        }
        let patch =
            custom_fields_patch(values, &self.udef_layout_cached(UdefOwner::Contact).await?);
        let target = Target::api("Contact").segment(id);
        let what = format!("patched contact {id}");
        self.read(Method::PATCH, target, Some(&patch), "Contact/{id}", &what)
            .await
    }

    /// [`Client::patch_contact_custom_fields`] for a person.
    pub async fn patch_person_custom_fields(
        &self,
        id: i64,
        values: &BTreeMap<ProgId, UdfValue>,
    ) -> Result<Person> {
        if values.is_empty() {
            return self.get_person(id).await;
        }
        let patch = custom_fields_patch(values, &self.udef_layout_cached(UdefOwner::Person).await?);
        let target = Target::api("Person").segment(id);
        let what = format!("patched person {id}");
        self.read(Method::PATCH, target, Some(&patch), "Person/{id}", &what)
            .await
    }

    /// The UDF layout from the client's cache while fresh (see
    /// [`crate::ClientOptions::layout_cache_ttl`]), else from the server.
    /// Writes use the same copy to cut text to field lengths.
    pub async fn udef_layout_cached(&self, owner: UdefOwner) -> Result<Arc<Vec<UdefField>>> {
        let ttl = self.shared.options.layout_cache_ttl;
        {
            let cache = self
                .shared
                .layouts
                .lock()
                .expect("the layout cache is never poisoned");
            if let Some((read_at, layout)) = cache.get(&owner) {
                if read_at.elapsed() < ttl {
                    return Ok(Arc::clone(layout));
                }
            }
        }
        Ok(Arc::new(self.udef_layout(owner).await?))
    }

    /// Makes a call and reads its JSON answer as `T`, keys in any case.
    pub(crate) async fn read<T: DeserializeOwned>(
        &self,
        method: Method,
        target: Target,
        body: Option<&Value>,
        endpoint: &'static str,
        what: &str,
    ) -> Result<T> {
        let answer = self
            .send(Call {
                method,
                target,
                body,
                endpoint,
            })
            .await?;
        crate::keys::from_slice(&answer.body, what)
    }
}
