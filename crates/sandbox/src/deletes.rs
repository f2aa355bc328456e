//! `DELETE Contact/{id}` and `DELETE Person/{id}`: hard deletes, as an
//! administrator's clean-up (or `soctl cleanup-test-data`) makes them. Each
//! raises its `*.deleted` webhook with `Values` instead of changes.

use actix_web::{web, HttpResponse};
use serde_json::{json, Map};

use crate::entities::RecordId;
use crate::respond::ApiError;
use crate::state::Shared;
use crate::webhooks::EntityEvent;
use crate::writes;

/// Registers the two routes.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route(r"/v1/Contact/{id:\d+}", web::delete().to(delete_contact))
        .route(r"/v1/Person/{id:\d+}", web::delete().to(delete_person));
}

/// Removes the contact and its persons; 204.
async fn delete_contact(
    shared: web::Data<Shared>,
    id: web::Path<RecordId>,
) -> Result<HttpResponse, ApiError> {
    refuse_if_failing(&shared, id.id, true)?;
    writes::hard_delete_contact(&shared, id.id, shared.config.connector_associate_id)?;
    Ok(HttpResponse::NoContent().finish())
}

/// Removes the person; 204.
async fn delete_person(
    shared: web::Data<Shared>,
    id: web::Path<RecordId>,
) -> Result<HttpResponse, ApiError> {
    refuse_if_failing(&shared, id.id, false)?;
    hard_delete_person(&shared, id.id, shared.config.connector_associate_id)?;
    Ok(HttpResponse::NoContent().finish())
}

/// Removes a person for good and emits `person.deleted`.
pub fn hard_delete_person(shared: &Shared, id: i32, by: i32) -> Result<(), ApiError> {
    let mut data = shared.data();
    let Some(person) = data.persons.remove(&id) else {
        return Err(ApiError::not_found(format!("Person id {id} not found")));
    };
    let owner = data
        .contacts
        .get(&person.contact_id)
        .map_or(0, |contact| contact.associate_id);
    drop(data);

    let values = json!({
        "associate_id": owner, "contact_id": person.contact_id, "person_id": id,
    });
    shared.hooks.emit(EntityEvent {
        event: "person.deleted".to_owned(),
        primary_key: id,
        changes: Vec::new(),
        changed_by: by,
        field_values: Map::new(),
        values: values.as_object().cloned(),
    });
    Ok(())
}

/// The injected "500 on this record" fault applies to deletes too.
fn refuse_if_failing(shared: &Shared, id: i32, contact: bool) -> Result<(), ApiError> {
    let faults = shared.faults();
    let failing = if contact {
        faults.failing_contacts.contains(&id)
    } else {
        faults.failing_persons.contains(&id)
    };
    if failing {
        return Err(ApiError::internal(
            "SqlException",
            "Timeout expired (injected)",
        ));
    }
    Ok(())
}
