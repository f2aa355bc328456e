//! `GET` and `PATCH` of `Contact/{id}` and `Person/{id}`.

use std::time::SystemTime;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

use crate::dates::Timestamp;
use crate::render::{self, Shape};
use crate::respond::{recase, ApiError};
use crate::state::Shared;
use crate::{apply, patch, writes};

/// The `{id}` of a record path (the scope's `{ctx}` and `{cell}` are
/// ignored: the gate has checked them).
#[derive(Debug, serde::Deserialize)]
pub struct RecordId {
    /// The record's primary key.
    pub id: i32,
}

/// `GET Contact/{id}`: soft-deleted contacts are returned with `Deleted: 1`.
pub async fn get_contact(
    shared: web::Data<Shared>,
    request: HttpRequest,
    id: web::Path<RecordId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.id;
    fail_if_injected(&shared, Some(id), None)?;
    let data = shared.data();
    let contact = data
        .contacts
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("Contact id {id} not found")))?;
    let updated = contact.updated.unwrap_or(contact.created);
    let body = render::contact(&data, contact, &shared.api_v1(), shape(&shared));
    drop(data);
    Ok(answer(&shared, &request, updated, body))
}

/// `GET Person/{id}`.
pub async fn get_person(
    shared: web::Data<Shared>,
    request: HttpRequest,
    id: web::Path<RecordId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.id;
    fail_if_injected(&shared, None, Some(id))?;
    let data = shared.data();
    let person = data
        .persons
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("Person id {id} not found")))?;
    let updated = person.updated.unwrap_or(person.created);
    let body = render::person(&data, person, &shared.api_v1(), shape(&shared));
    drop(data);
    Ok(answer(&shared, &request, updated, body))
}

/// `PATCH Contact/{id}`: JSON Patch or merge patch, answered with the full
/// updated entity. The change is made as the connector's API user, so its
/// webhook is the echo the connector must ignore.
pub async fn patch_contact(
    shared: web::Data<Shared>,
    request: HttpRequest,
    id: web::Path<RecordId>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = id.id;
    fail_if_injected(&shared, Some(id), None)?;
    let operations = patch::parse(&body)?;
    let by = shared.config.connector_associate_id;
    let since = unmodified_since(&request);

    let edit = Box::new(|data: &_, contact: &mut _| apply::contact(data, contact, &operations));
    let contact = writes::update_contact(&shared, id, by, since, edit)?;

    let data = shared.data();
    let body = render::contact(&data, &contact, &shared.api_v1(), shape(&shared));
    drop(data);
    Ok(answer(
        &shared,
        &request,
        contact.updated.unwrap_or(contact.created),
        body,
    ))
}

/// `PATCH Person/{id}`, as for contacts.
pub async fn patch_person(
    shared: web::Data<Shared>,
    request: HttpRequest,
    id: web::Path<RecordId>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = id.id;
    fail_if_injected(&shared, None, Some(id))?;
    let operations = patch::parse(&body)?;
    let by = shared.config.connector_associate_id;
    let since = unmodified_since(&request);

    let edit = Box::new(|data: &_, person: &mut _| apply::person(data, person, &operations));
    let person = writes::update_person(&shared, id, by, since, edit)?;

    let data = shared.data();
    let body = render::person(&data, &person, &shared.api_v1(), shape(&shared));
    drop(data);
    Ok(answer(
        &shared,
        &request,
        person.updated.unwrap_or(person.created),
        body,
    ))
}

/// The injected "500 on this record" fault.
fn fail_if_injected(
    shared: &Shared,
    contact: Option<i32>,
    person: Option<i32>,
) -> Result<(), ApiError> {
    let faults = shared.faults();
    let failing = contact.is_some_and(|id| faults.failing_contacts.contains(&id))
        || person.is_some_and(|id| faults.failing_persons.contains(&id));
    if failing {
        return Err(ApiError::internal(
            "SqlException",
            "Timeout expired (injected)",
        ));
    }
    Ok(())
}

fn shape(shared: &Shared) -> Shape {
    Shape {
        custom_field_companions: shared.faults().custom_field_companions,
    }
}

fn unmodified_since(request: &HttpRequest) -> Option<SystemTime> {
    let value = request
        .headers()
        .get(header::IF_UNMODIFIED_SINCE)?
        .to_str()
        .ok()?;
    httpdate::parse_http_date(value).ok()
}

/// 200 with `Last-Modified`, or 304 when `If-Modified-Since` is not older.
fn answer(shared: &Shared, request: &HttpRequest, updated: Timestamp, body: Value) -> HttpResponse {
    let updated = updated.whole_seconds();
    let since = request
        .headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    if request.method() == actix_web::http::Method::GET
        && since.is_some_and(|since| updated <= Timestamp::from_system_time(since))
    {
        return HttpResponse::NotModified().finish();
    }
    let body = recase(body, shared.faults().key_case);
    HttpResponse::Ok()
        .insert_header((
            header::LAST_MODIFIED,
            httpdate::fmt_http_date(updated.system_time()),
        ))
        .json(body)
}
