//! OData archive queries (section 8 of the API notes).

use actix_web::{web, HttpRequest, HttpResponse};

use crate::respond::ApiError;
use crate::state::Shared;

/// `GET Contact` (archive provider `SimpleContact`).
pub async fn contact_archive(
    _shared: web::Data<Shared>,
    _request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    Err(ApiError::internal(
        "NotImplemented",
        "archive queries are not implemented yet",
    ))
}

/// `GET Person` (archive provider `Person`).
pub async fn person_archive(
    _shared: web::Data<Shared>,
    _request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    Err(ApiError::internal(
        "NotImplemented",
        "archive queries are not implemented yet",
    ))
}

/// `GET Archive/{provider}`.
pub async fn archive(
    _shared: web::Data<Shared>,
    _request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    Err(ApiError::internal(
        "NotImplemented",
        "archive queries are not implemented yet",
    ))
}
