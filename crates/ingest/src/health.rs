//! Health for systemd, load balancers and operators.
//!
//! `/healthz` says the process answers; `/readyz` says it can also take a
//! webhook now, i.e. it can write to the store (a write rolled back: the
//! write lock alone is granted on a file SQLite opened read-only).

use actix_web::{web, HttpResponse};
use serde_json::json;
use so_queue::Store;

/// `GET /healthz`: 200 while the process serves requests.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 when the store file is writable now, else 503.
pub async fn readyz(store: web::Data<Store>) -> HttpResponse {
    match store.probe_write().await {
        Ok(()) => HttpResponse::Ok().json(json!({ "status": "ready" })),
        Err(error) => {
            tracing::warn!(error = %error, "not ready: store not writable");
            HttpResponse::ServiceUnavailable()
                .json(json!({ "error": "unavailable", "message": "the job store is not writable" }))
        }
    }
}
