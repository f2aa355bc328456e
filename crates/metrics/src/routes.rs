//! `GET /metrics` and `GET /healthz`, for an actix-web app that holds an
//! [`Exporter`] in its `web::Data`.

use actix_web::http::header::ContentType;
use actix_web::{web, HttpResponse};

use crate::exporter::{Exporter, CONTENT_TYPE};

/// Registers `/metrics` and `/healthz`.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/metrics", web::get().to(metrics))
        .route("/healthz", web::get().to(healthz));
}

/// `GET /metrics`: the process's series and the queue's, read now.
pub async fn metrics(exporter: web::Data<Exporter>) -> HttpResponse {
    let text = exporter.render().await;
    HttpResponse::Ok()
        .insert_header(("Content-Type", CONTENT_TYPE))
        .body(text)
}

/// `GET /healthz`: 200 while the process answers.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(r#"{"status":"ok"}"#)
}
