//! The routes, and JSON answers for the requests that match none.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::IngestError;
use crate::{handler, health};

/// Registers every route; `webhook_path` is `ingest.webhook.path`.
pub fn configure(webhook_path: &str) -> impl FnOnce(&mut web::ServiceConfig) + '_ {
    move |config| {
        config
            .service(
                web::resource(webhook_path)
                    .route(web::post().to(handler::receive))
                    .default_service(web::to(post_only)),
            )
            .service(
                web::resource("/healthz")
                    .route(web::get().to(health::healthz))
                    .default_service(web::to(get_only)),
            )
            .service(
                web::resource("/readyz")
                    .route(web::get().to(health::readyz))
                    .default_service(web::to(get_only)),
            )
            .default_service(web::to(not_found));
    }
}

async fn not_found(request: HttpRequest) -> Result<HttpResponse, IngestError> {
    Err(IngestError::NotFound {
        method: request.method().to_string(),
        path: request.path().to_owned(),
    })
}

async fn post_only(request: HttpRequest) -> Result<HttpResponse, IngestError> {
    Err(IngestError::MethodNotAllowed {
        method: request.method().to_string(),
        allow: "POST",
    })
}

async fn get_only(request: HttpRequest) -> Result<HttpResponse, IngestError> {
    Err(IngestError::MethodNotAllowed {
        method: request.method().to_string(),
        allow: "GET",
    })
}
