//! The one integration test binary of so-runtime.

mod settings;
mod systemd;
mod telemetry;
