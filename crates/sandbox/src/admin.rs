//! Admin endpoints under `/_sandbox/…`.

use actix_web::web;

/// Registers the admin routes.
pub fn routes(_config: &mut web::ServiceConfig) {}
