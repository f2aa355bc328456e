//! The one integration test binary of so-runtime.

mod settings;
mod sources;
mod systemd;
mod telemetry;
