//! Tenant status (`GET /api/state/{ctx}`, no auth) and the version answer
//! of `GET {Endpoint}/api`.

use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::dates::Timestamp;
use crate::gate::pause;
use crate::respond::ApiError;
use crate::state::Shared;

/// `GET /api/state/{ctx}`: where the tenant lives and whether it runs.
pub async fn tenant_status(
    shared: web::Data<Shared>,
    ctx: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    pause(&shared).await;
    if !ctx.eq_ignore_ascii_case(&shared.config.context_identifier) {
        return Err(ApiError::not_found(format!("tenant {ctx} not found")));
    }

    let state = shared.faults().tenant_state;
    let endpoint = shared.endpoint();
    let valid_until = std::time::SystemTime::now() + shared.config.status_valid_for;
    let valid_until = Timestamp::from_system_time(valid_until).webhook();
    Ok(HttpResponse::Ok().json(json!({
        "ContextIdentifier": shared.config.context_identifier,
        "Endpoint": endpoint.as_str().trim_end_matches('/'),
        "State": state,
        "IsRunning": state.is_running(),
        "ValidUntil": valid_until,
        "Api": format!("{}/api", endpoint.as_str().trim_end_matches('/')),
    })))
}

/// `GET {Endpoint}/api`: version information.
pub async fn api_version(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "v1": format!("{}/api/v1", shared.endpoint()),
        "NetServerVersion": "10.5.0.0 (sandbox)",
        "ContextIdentifier": shared.config.context_identifier,
    }))
}
