//! What stands between a request and the tenant API: injected delay, the
//! endpoint check (421 after a move), the tenant's state, throttling and
//! outages, and the bearer check — in that order, as a gateway in front of
//! the real service would apply them.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};

use crate::auth::check_bearer;
use crate::respond::ApiError;
use crate::state::Shared;

/// Middleware of the `{Endpoint}/api` scopes.
pub async fn tenant_api(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let shared = request
        .app_data::<web::Data<Shared>>()
        .cloned()
        .expect("the app always carries the shared state");
    pause(&shared).await;

    if let Err(error) = admit(&shared, &request) {
        tracing::debug!(path = request.path(), %error, "tenant gate refused a request");
        return Ok(request.into_response(error.error_response()));
    }
    next.call(request)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// Waits for the injected delay, if any.
pub async fn pause(shared: &Shared) {
    let delay = shared.faults().delay;
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
}

fn admit(shared: &Shared, request: &ServiceRequest) -> Result<(), ApiError> {
    // The tenant answers only under its current endpoint; the context id in
    // an old endpoint still names it, so that path gets 421, not 404.
    let current = format!("{}/api", shared.endpoint_path());
    let path = request.path();
    if !(path == current || path.starts_with(&format!("{current}/"))) {
        let ctx = format!("/{}/api", shared.config.context_identifier);
        return if path.contains(&ctx) {
            Err(ApiError::misdirected())
        } else {
            Err(ApiError::not_found("no such tenant"))
        };
    }

    let mut faults = shared.faults();
    if !faults.tenant_state.is_running() {
        let state = faults.tenant_state;
        return Err(ApiError::unavailable(format!(
            "tenant is in state {state:?}"
        )));
    }
    if faults.throttle_left > 0 {
        faults.throttle_left -= 1;
        let retry_after = faults.throttle_retry_after.map(|r| r.header_value());
        return Err(ApiError::too_many_requests(retry_after));
    }
    if faults.unavailable_left > 0 {
        faults.unavailable_left -= 1;
        let error = ApiError::unavailable("service unavailable (injected)");
        return Err(match faults.unavailable_retry_after {
            Some(retry_after) => error.header(header::RETRY_AFTER, retry_after.header_value()),
            None => error,
        });
    }
    drop(faults);

    check_bearer(shared, request)
}
