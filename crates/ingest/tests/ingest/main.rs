//! The one integration test binary of so-ingest: the real application on
//! 127.0.0.1:0 with a fresh SQLite file per test, driven over HTTP.

mod child;
mod helpers;

mod admin;
mod cli;
mod crash;
mod health;
mod logs;
mod payload;
mod properties;
mod refusals;
mod rotation;
mod settings;
mod shutdown;
mod store_failures;
mod systemd;
mod webhook;
