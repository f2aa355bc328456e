//! Every change of the tenant's records goes through here, whoever makes
//! it (a PATCH of the connector, an admin call, a test): the record gets its
//! stamps and the webhook event is emitted after the data lock is released.

use std::time::SystemTime;

use serde_json::{json, Map};

use crate::dates::Timestamp;
use crate::model::{Contact, Person, UdfOwner};
use crate::respond::ApiError;
use crate::state::Shared;
use crate::tenant::TenantData;
use crate::webhooks::{self, EntityEvent};

/// An edit of a record copy; an error leaves the record untouched.
pub type Edit<'a, T> = Box<dyn FnOnce(&TenantData, &mut T) -> Result<(), ApiError> + 'a>;

/// Changes a contact; `unmodified_since` is the `If-Unmodified-Since` check.
pub fn update_contact(
    shared: &Shared,
    id: i32,
    changed_by: i32,
    unmodified_since: Option<SystemTime>,
    edit: Edit<'_, Contact>,
) -> Result<Contact, ApiError> {
    let mut data = shared.data();
    let Some(old) = data.contacts.get(&id).cloned() else {
        return Err(ApiError::not_found(format!("Contact id {id} not found")));
    };
    check_unmodified(old.updated, unmodified_since, "Contact", id)?;

    let mut new = old.clone();
    edit(&data, &mut new)?;
    stamp(
        &mut new.updated,
        &mut new.updated_by,
        &mut new.updated_count,
        changed_by,
    );
    let udfs: Vec<_> = data.udfs_of(UdfOwner::Contact).cloned().collect();
    data.contacts.insert(id, new.clone());
    drop(data);

    let mode = shared.faults().udf_changes;
    if let Some(changes) = webhooks::contact_changes(&old, &new, &udfs, mode) {
        let field_values = webhooks::contact_field_values(&new);
        emit(
            shared,
            "contact.changed",
            id,
            changes,
            changed_by,
            field_values,
        );
    }
    Ok(new)
}

/// Changes a person, as [`update_contact`].
pub fn update_person(
    shared: &Shared,
    id: i32,
    changed_by: i32,
    unmodified_since: Option<SystemTime>,
    edit: Edit<'_, Person>,
) -> Result<Person, ApiError> {
    let mut data = shared.data();
    let Some(old) = data.persons.get(&id).cloned() else {
        return Err(ApiError::not_found(format!("Person id {id} not found")));
    };
    check_unmodified(old.updated, unmodified_since, "Person", id)?;

    let mut new = old.clone();
    edit(&data, &mut new)?;
    stamp(
        &mut new.updated,
        &mut new.updated_by,
        &mut new.updated_count,
        changed_by,
    );
    let udfs: Vec<_> = data.udfs_of(UdfOwner::Person).cloned().collect();
    let (owner, country) = employer_facts(&data, new.contact_id);
    data.persons.insert(id, new.clone());
    drop(data);

    let mode = shared.faults().udf_changes;
    if let Some(changes) = webhooks::person_changes(&old, &new, &udfs, mode) {
        let field_values = webhooks::person_field_values(&new, owner, country);
        emit(
            shared,
            "person.changed",
            id,
            changes,
            changed_by,
            field_values,
        );
    }
    Ok(new)
}

/// Adds a contact; an id of 0 takes the next free one.
pub fn create_contact(shared: &Shared, mut contact: Contact, by: i32) -> Result<Contact, ApiError> {
    let mut data = shared.data();
    if contact.id == 0 {
        contact.id = data.next_contact_id();
    }
    if data.contacts.contains_key(&contact.id) {
        return Err(ApiError::conflict(format!(
            "Contact id {} exists",
            contact.id
        )));
    }
    contact.created = Timestamp::now();
    contact.created_by = by;
    contact.updated = Some(contact.created);
    contact.updated_by = by;
    contact.updated_count = 0;
    data.contacts.insert(contact.id, contact.clone());
    drop(data);

    let changes = webhooks::contact_created_changes();
    let field_values = webhooks::contact_field_values(&contact);
    emit(
        shared,
        "contact.created",
        contact.id,
        changes,
        by,
        field_values,
    );
    Ok(contact)
}

/// Adds a person; an id of 0 takes the next free one.
pub fn create_person(shared: &Shared, mut person: Person, by: i32) -> Result<Person, ApiError> {
    let mut data = shared.data();
    if person.id == 0 {
        person.id = data.next_person_id();
    }
    if data.persons.contains_key(&person.id) {
        return Err(ApiError::conflict(format!(
            "Person id {} exists",
            person.id
        )));
    }
    if person.contact_id != 0 && !data.contacts.contains_key(&person.contact_id) {
        return Err(ApiError::bad_request(format!(
            "no contact {}",
            person.contact_id
        )));
    }
    person.created = Timestamp::now();
    person.created_by = by;
    person.updated = Some(person.created);
    person.updated_by = by;
    person.updated_count = 0;
    let (owner, country) = employer_facts(&data, person.contact_id);
    data.persons.insert(person.id, person.clone());
    drop(data);

    let changes = webhooks::person_created_changes();
    let field_values = webhooks::person_field_values(&person, owner, country);
    emit(
        shared,
        "person.created",
        person.id,
        changes,
        by,
        field_values,
    );
    Ok(person)
}

/// Soft-deletes a contact (`contact.softdeleted`); it stays readable with
/// `Deleted: 1`.
pub fn soft_delete_contact(shared: &Shared, id: i32, by: i32) -> Result<Contact, ApiError> {
    let mut data = shared.data();
    let Some(contact) = data.contacts.get_mut(&id) else {
        return Err(ApiError::not_found(format!("Contact id {id} not found")));
    };
    contact.deleted_date = Some(Timestamp::now());
    stamp(
        &mut contact.updated,
        &mut contact.updated_by,
        &mut contact.updated_count,
        by,
    );
    let contact = contact.clone();
    drop(data);

    let field_values = webhooks::contact_field_values(&contact);
    emit(
        shared,
        "contact.softdeleted",
        id,
        Vec::new(),
        by,
        field_values,
    );
    Ok(contact)
}

/// Soft-deletes a person (`person.softdeleted`).
pub fn soft_delete_person(shared: &Shared, id: i32, by: i32) -> Result<Person, ApiError> {
    let mut data = shared.data();
    let Some(person) = data.persons.get_mut(&id) else {
        return Err(ApiError::not_found(format!("Person id {id} not found")));
    };
    person.deleted_date = Some(Timestamp::now());
    stamp(
        &mut person.updated,
        &mut person.updated_by,
        &mut person.updated_count,
        by,
    );
    let person = person.clone();
    let (owner, country) = employer_facts(&data, person.contact_id);
    drop(data);

    let field_values = webhooks::person_field_values(&person, owner, country);
    emit(
        shared,
        "person.softdeleted",
        id,
        Vec::new(),
        by,
        field_values,
    );
    Ok(person)
}

/// Removes a contact and its persons for good (`contact.deleted`, with
/// `Values` instead of changes, as delete events carry).
pub fn hard_delete_contact(shared: &Shared, id: i32, by: i32) -> Result<(), ApiError> {
    let mut data = shared.data();
    let Some(contact) = data.contacts.remove(&id) else {
        return Err(ApiError::not_found(format!("Contact id {id} not found")));
    };
    data.persons.retain(|_, person| person.contact_id != id);
    drop(data);

    let values = json!({ "associate_id": contact.associate_id, "contact_id": id });
    let event = EntityEvent {
        event: "contact.deleted".to_owned(),
        primary_key: id,
        changes: Vec::new(),
        changed_by: by,
        field_values: Map::new(),
        values: values.as_object().cloned(),
    };
    shared.hooks.emit(event);
    Ok(())
}

fn emit(
    shared: &Shared,
    event: &str,
    id: i32,
    changes: Vec<String>,
    by: i32,
    field_values: Map<String, serde_json::Value>,
) {
    shared.hooks.emit(EntityEvent {
        event: event.to_owned(),
        primary_key: id,
        changes,
        changed_by: by,
        field_values,
        values: None,
    });
}

/// The contact's owner and country, which person events carry.
fn employer_facts(data: &TenantData, contact_id: i32) -> (i32, i32) {
    data.contacts
        .get(&contact_id)
        .map_or((0, 0), |c| (c.associate_id, c.country_id))
}

fn stamp(updated: &mut Option<Timestamp>, updated_by: &mut i32, count: &mut i32, by: i32) {
    *updated = Some(Timestamp::now());
    *updated_by = by;
    *count += 1;
}

/// 412 when the record changed after the given date (HTTP dates have whole
/// seconds, so the record's time is cut to seconds before comparing).
fn check_unmodified(
    updated: Option<Timestamp>,
    since: Option<SystemTime>,
    entity: &str,
    id: i32,
) -> Result<(), ApiError> {
    let (Some(updated), Some(since)) = (updated, since) else {
        return Ok(());
    };
    if updated.whole_seconds() > Timestamp::from_system_time(since) {
        return Err(ApiError::precondition_failed(format!(
            "{entity} id {id} was modified at {updated} (after If-Unmodified-Since)"
        )));
    }
    Ok(())
}
