//! The routes of the tenant API under `{Endpoint}/api`.

use actix_web::web;

use crate::respond::ApiError;
use crate::{entities, identity, lists, odata, status};

/// Registers every API route; mounted under each endpoint prefix.
pub fn routes(config: &mut web::ServiceConfig) {
    // First: `Archive/dynamic` must win over `Archive/{provider}` below.
    config
        .configure(crate::webhook_api::routes)
        .configure(crate::deletes::routes)
        .route("", web::get().to(status::api_version))
        .route(
            "/v1/Contact/UdefLayout",
            web::get().to(lists::contact_udef_layout),
        )
        .route(
            "/v1/Person/UdefLayout",
            web::get().to(lists::person_udef_layout),
        )
        .route(
            r"/v1/Contact/{id:\d+}",
            web::get().to(entities::get_contact),
        )
        .route(
            r"/v1/Contact/{id:\d+}",
            web::patch().to(entities::patch_contact),
        )
        .route(r"/v1/Person/{id:\d+}", web::get().to(entities::get_person))
        .route(
            r"/v1/Person/{id:\d+}",
            web::patch().to(entities::patch_person),
        )
        .route("/v1/Contact", web::get().to(odata::contact_archive))
        .route("/v1/Person", web::get().to(odata::person_archive))
        .route("/v1/Archive/{provider}", web::get().to(odata::archive))
        .route(
            "/v1/User/currentPrincipal",
            web::get().to(identity::current_principal),
        )
        .route(
            "/v1/User/currentAssociate",
            web::get().to(identity::current_associate),
        )
        .route("/v1/Associate/Me", web::get().to(identity::associate_me))
        .route(
            "/v1/Agents/Associate/GetAssociate",
            web::post().to(identity::get_associate),
        )
        .route(
            "/v1/Agents/Associate/GetAssociateList",
            web::post().to(identity::get_associate_list),
        )
        .route("/v1/List", web::get().to(lists::all_lists))
        .route("/v1/List/{list}", web::get().to(lists::one_list))
        .route("/v1/List/{list}/Items", web::get().to(lists::list_items))
        .default_service(web::to(not_found));
}

async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::not_found("no such resource in the sandbox"))
}
