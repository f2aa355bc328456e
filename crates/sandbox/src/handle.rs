//! Direct access to the tenant's records for tests and the demo: read,
//! create, change and delete without HTTP. Changes made here emit webhooks
//! exactly like changes through the API.

use std::sync::Arc;

use serde_json::Value;

use crate::model::{Associate, Contact, ListDef, Person};
use crate::respond::ApiError;
use crate::state::Shared;
use crate::webhooks::{EntityEvent, Envelope};
use crate::{apply, patch, writes};

/// A handle on the tenant's data (cheap to clone).
#[derive(Debug, Clone)]
pub struct TenantHandle {
    shared: Arc<Shared>,
}

impl TenantHandle {
    pub(crate) fn new(shared: Arc<Shared>) -> TenantHandle {
        TenantHandle { shared }
    }

    /// A contact, soft-deleted ones included.
    pub fn contact(&self, id: i32) -> Option<Contact> {
        self.shared.data().contacts.get(&id).cloned()
    }

    /// A person.
    pub fn person(&self, id: i32) -> Option<Person> {
        self.shared.data().persons.get(&id).cloned()
    }

    /// All contacts in id order.
    pub fn contacts(&self) -> Vec<Contact> {
        self.shared.data().contacts.values().cloned().collect()
    }

    /// All persons in id order.
    pub fn persons(&self) -> Vec<Person> {
        self.shared.data().persons.values().cloned().collect()
    }

    /// All associates in id order.
    pub fn associates(&self) -> Vec<Associate> {
        self.shared.data().associates.values().cloned().collect()
    }

    /// A list by id, MDO name or name.
    pub fn list(&self, key: &str) -> Option<ListDef> {
        self.shared.data().list(key).cloned()
    }

    /// Adds a contact as `by` (id 0 takes the next free id); emits
    /// `contact.created`.
    pub fn create_contact(&self, contact: Contact, by: i32) -> Result<Contact, ApiError> {
        writes::create_contact(&self.shared, contact, by)
    }

    /// Adds a person as `by`; emits `person.created`.
    pub fn create_person(&self, person: Person, by: i32) -> Result<Person, ApiError> {
        writes::create_person(&self.shared, person, by)
    }

    /// Changes a contact as `by` with a closure; emits `contact.changed`.
    pub fn change_contact(
        &self,
        id: i32,
        by: i32,
        edit: impl FnOnce(&mut Contact),
    ) -> Result<Contact, ApiError> {
        let edit = Box::new(|_: &_, contact: &mut Contact| {
            edit(contact);
            Ok(())
        });
        writes::update_contact(&self.shared, id, by, None, edit)
    }

    /// Changes a person as `by` with a closure; emits `person.changed`.
    pub fn change_person(
        &self,
        id: i32,
        by: i32,
        edit: impl FnOnce(&mut Person),
    ) -> Result<Person, ApiError> {
        let edit = Box::new(|_: &_, person: &mut Person| {
            edit(person);
            Ok(())
        });
        writes::update_person(&self.shared, id, by, None, edit)
    }

    /// Applies a JSON Patch array or merge-patch object to a contact as `by`.
    pub fn patch_contact(&self, id: i32, by: i32, body: &Value) -> Result<Contact, ApiError> {
        let operations = patch::parse(body.to_string().as_bytes())?;
        let edit = Box::new(|data: &_, c: &mut Contact| apply::contact(data, c, &operations));
        writes::update_contact(&self.shared, id, by, None, edit)
    }

    /// Applies a JSON Patch array or merge-patch object to a person as `by`.
    pub fn patch_person(&self, id: i32, by: i32, body: &Value) -> Result<Person, ApiError> {
        let operations = patch::parse(body.to_string().as_bytes())?;
        let edit = Box::new(|data: &_, p: &mut Person| apply::person(data, p, &operations));
        writes::update_person(&self.shared, id, by, None, edit)
    }

    /// Soft-deletes a contact as `by`; emits `contact.softdeleted`.
    pub fn soft_delete_contact(&self, id: i32, by: i32) -> Result<Contact, ApiError> {
        writes::soft_delete_contact(&self.shared, id, by)
    }

    /// Soft-deletes a person as `by`; emits `person.softdeleted`.
    pub fn soft_delete_person(&self, id: i32, by: i32) -> Result<Person, ApiError> {
        writes::soft_delete_person(&self.shared, id, by)
    }

    /// Removes a contact and its persons; emits `contact.deleted`.
    pub fn delete_contact(&self, id: i32, by: i32) -> Result<(), ApiError> {
        writes::hard_delete_contact(&self.shared, id, by)
    }

    /// Queues an event as if the tenant had raised it (scripted traffic:
    /// events for changes that did not happen, out of order, ...).
    pub fn emit(&self, event: EntityEvent) {
        self.shared.hooks.emit(event);
    }

    /// Queues a payload exactly as given (same `EventId` for duplicates).
    pub fn send_envelope(&self, envelope: Envelope) {
        self.shared.hooks.send(envelope);
    }

    /// Queues the registration test event (`X-Hook-Test: true`).
    pub fn send_test_event(&self) {
        let name = self
            .shared
            .hooks
            .target
            .as_ref()
            .map(|t| t.name.clone())
            .unwrap_or_default();
        self.shared.hooks.send(Envelope::test_event(&name));
    }
}
