//! Admin endpoints that create, change and delete records. Each change
//! raises its webhook with `ChangedByAssociateId` = `?by=` (default 23, a
//! salesperson of ours).

use std::collections::BTreeMap;

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::model::{Contact, Person};
use crate::respond::ApiError;
use crate::state::Shared;
use crate::{apply, patch, writes};

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/contacts", web::post().to(create_contact))
        .route("/contacts/{id}", web::get().to(get_contact))
        .route("/contacts/{id}", web::patch().to(patch_contact))
        .route("/contacts/{id}", web::delete().to(delete_contact))
        .route("/persons", web::post().to(create_person))
        .route("/persons/{id}", web::get().to(get_person))
        .route("/persons/{id}", web::patch().to(patch_person))
        .route("/persons/{id}", web::delete().to(delete_person));
}

/// `?by=ASSOCIATE&hard=true`.
#[derive(Debug, Deserialize)]
struct Actor {
    #[serde(default = "default_actor")]
    by: i32,
    #[serde(default)]
    hard: bool,
}

fn default_actor() -> i32 {
    23
}

/// A new contact in the seed format; only `name` is required.
#[derive(Debug, Deserialize)]
struct NewContact {
    name: String,
    #[serde(default = "default_actor")]
    associate_id: i32,
    #[serde(default)]
    department: String,
    #[serde(default)]
    org_nr: String,
    #[serde(default)]
    country_id: Option<i32>,
    #[serde(default)]
    business_id: i32,
    #[serde(default)]
    category_id: i32,
    #[serde(default)]
    city: String,
    #[serde(default)]
    urls: Vec<String>,
    #[serde(default)]
    emails: Vec<String>,
    #[serde(default)]
    udfs: BTreeMap<String, String>,
}

async fn create_contact(
    shared: web::Data<Shared>,
    actor: web::Query<Actor>,
    body: web::Json<NewContact>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner();
    let mut contact = Contact::new(&new.name, new.associate_id);
    contact.department = new.department;
    contact.org_nr = new.org_nr;
    contact.country_id = new.country_id.unwrap_or(contact.country_id);
    contact.business_id = new.business_id;
    contact.category_id = new.category_id;
    contact.city = new.city;
    contact.urls = new.urls;
    contact.emails = new.emails;
    contact.udfs = new.udfs;
    let created = writes::create_contact(&shared, contact, actor.by)?;
    Ok(HttpResponse::Created().json(created))
}

async fn get_contact(
    shared: web::Data<Shared>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let contact = shared.data().contacts.get(&id).cloned();
    let contact =
        contact.ok_or_else(|| ApiError::not_found(format!("Contact id {id} not found")))?;
    Ok(HttpResponse::Ok().json(contact))
}

async fn patch_contact(
    shared: web::Data<Shared>,
    id: web::Path<i32>,
    actor: web::Query<Actor>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let operations = patch::parse(&body)?;
    let edit = Box::new(|data: &_, c: &mut _| apply::contact(data, c, &operations));
    let contact = writes::update_contact(&shared, *id, actor.by, None, edit)?;
    Ok(HttpResponse::Ok().json(contact))
}

async fn delete_contact(
    shared: web::Data<Shared>,
    id: web::Path<i32>,
    actor: web::Query<Actor>,
) -> Result<HttpResponse, ApiError> {
    if actor.hard {
        writes::hard_delete_contact(&shared, *id, actor.by)?;
        return Ok(HttpResponse::NoContent().finish());
    }
    let contact = writes::soft_delete_contact(&shared, *id, actor.by)?;
    Ok(HttpResponse::Ok().json(contact))
}

/// A new person in the seed format; names are required.
#[derive(Debug, Deserialize)]
struct NewPerson {
    #[serde(default)]
    contact_id: i32,
    first_name: String,
    last_name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    mrmrs: String,
    #[serde(default)]
    position_id: i32,
    #[serde(default)]
    emails: Vec<String>,
}

async fn create_person(
    shared: web::Data<Shared>,
    actor: web::Query<Actor>,
    body: web::Json<NewPerson>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner();
    let mut person = Person::new(new.contact_id, &new.first_name, &new.last_name);
    person.title = new.title;
    person.mrmrs = new.mrmrs;
    person.position_id = new.position_id;
    person.emails = new.emails;
    let created = writes::create_person(&shared, person, actor.by)?;
    Ok(HttpResponse::Created().json(created))
}

async fn get_person(
    shared: web::Data<Shared>,
    id: web::Path<i32>,
) -> Result<HttpResponse, ApiError> {
    let person = shared.data().persons.get(&id).cloned();
    let person = person.ok_or_else(|| ApiError::not_found(format!("Person id {id} not found")))?;
    Ok(HttpResponse::Ok().json(person))
}

async fn patch_person(
    shared: web::Data<Shared>,
    id: web::Path<i32>,
    actor: web::Query<Actor>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let operations = patch::parse(&body)?;
    let edit = Box::new(|data: &_, p: &mut _| apply::person(data, p, &operations));
    let person = writes::update_person(&shared, *id, actor.by, None, edit)?;
    Ok(HttpResponse::Ok().json(person))
}

async fn delete_person(
    shared: web::Data<Shared>,
    id: web::Path<i32>,
    actor: web::Query<Actor>,
) -> Result<HttpResponse, ApiError> {
    let person = writes::soft_delete_person(&shared, *id, actor.by)?;
    Ok(HttpResponse::Ok().json(person))
}
