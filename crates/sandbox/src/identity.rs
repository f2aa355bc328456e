//! Who-am-I and associate look-ups (section 9.1 of the API notes).
//!
//! Every access token acts as the connector's API user. The production
//! connector saw `Associate/Me` answer 500 for an API user without a
//! person; the sandbox does the same by default (switchable).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::model::Associate;
use crate::render;
use crate::respond::{recase, ApiError};
use crate::state::Shared;

/// The injected "identity look-ups fail" fault.
fn guard(shared: &Shared) -> Result<(), ApiError> {
    if shared.faults().identity_fails {
        return Err(ApiError::internal(
            "GenericADOException",
            "could not execute query (injected)",
        ));
    }
    Ok(())
}

fn json(shared: &Shared, value: Value) -> HttpResponse {
    HttpResponse::Ok().json(recase(value, shared.faults().key_case))
}

fn api_user(shared: &Shared) -> Result<Associate, ApiError> {
    let id = shared.config.connector_associate_id;
    let data = shared.data();
    data.associates
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::not_found(format!("associate {id}")))
}

/// `GET User/currentPrincipal`: the `SoPrincipalCarrier` of the API user.
pub async fn current_principal(shared: web::Data<Shared>) -> Result<HttpResponse, ApiError> {
    guard(&shared)?;
    let user = api_user(&shared)?;
    let data = shared.data();
    let person = data.persons.get(&user.person_id);
    let contact_id = person.map_or(0, |p| p.contact_id);
    let country_id = data.contacts.get(&contact_id).map_or(0, |c| c.country_id);
    drop(data);

    Ok(json(
        &shared,
        json!({
            "UserType": "InternalAssociate",
            "Associate": user.name,
            "AssociateId": user.id,
            "IsPerson": user.person_id != 0,
            "PersonId": user.person_id,
            "ContactId": contact_id,
            "CountryId": country_id,
            "HomeCountryId": country_id,
            "GroupId": user.group_idx,
            "BusinessId": 0,
            "CategoryId": 0,
            "ContactOwner": 0,
            "RoleId": 1,
            "RoleName": "Integration",
            "FullName": user.full_name,
            "EMailAddress": user.user_name,
            "Licenses": [],
            "FunctionRights": [],
            "SecondaryGroups": [],
            "DatabaseContextIdentifier": shared.config.context_identifier,
            "UserName": user.user_name,
            "EjUserId": 0,
        }),
    ))
}

/// `GET User/currentAssociate`.
pub async fn current_associate(shared: web::Data<Shared>) -> Result<HttpResponse, ApiError> {
    guard(&shared)?;
    let user = api_user(&shared)?;
    Ok(json(&shared, render::associate(&user)))
}

/// `GET Associate/Me`: 500 for an API user without a person (switchable).
pub async fn associate_me(shared: web::Data<Shared>) -> Result<HttpResponse, ApiError> {
    guard(&shared)?;
    let user = api_user(&shared)?;
    if user.person_id == 0 && shared.faults().associate_me_fails_without_person {
        return Err(ApiError::internal(
            "NullReferenceException",
            "Object reference not set to an instance of an object.",
        ));
    }
    Ok(json(&shared, render::associate(&user)))
}

/// Query of `GetAssociate`.
#[derive(Debug, Deserialize)]
pub struct AssociateQuery {
    #[serde(rename = "associateId")]
    associate_id: i32,
}

/// `POST Agents/Associate/GetAssociate?associateId=N`.
pub async fn get_associate(
    shared: web::Data<Shared>,
    query: web::Query<AssociateQuery>,
) -> Result<HttpResponse, ApiError> {
    guard(&shared)?;
    let id = query.associate_id;
    let data = shared.data();
    let found = data.associates.get(&id).map(render::associate);
    drop(data);
    let found = found.ok_or_else(|| ApiError::not_found(format!("Associate id {id} not found")))?;
    Ok(json(&shared, found))
}

/// `POST Agents/Associate/GetAssociateList` with `[ids]`; unknown ids are
/// left out.
pub async fn get_associate_list(
    shared: web::Data<Shared>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    guard(&shared)?;
    let ids: Vec<i32> = serde_json::from_slice(&body)
        .map_err(|_| ApiError::bad_request("body: expected an array of associate ids"))?;
    let data = shared.data();
    let found: Vec<Value> = ids
        .iter()
        .filter_map(|id| data.associates.get(id))
        .map(render::associate)
        .collect();
    drop(data);
    Ok(json(&shared, Value::Array(found)))
}

/// Whether `Archive/InternalUsers` may answer (same fault as above).
pub fn internal_users_allowed(shared: &Shared) -> Result<(), ApiError> {
    guard(shared)
}
