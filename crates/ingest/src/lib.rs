//! `so-ingest`: receives SuperOffice webhooks and records them in the job
//! store.
//!
//! A request goes through, in order:
//!
//! 1. [`verify`]: the shared token, then (after reading the body) the HMAC
//!    signature of the raw bytes;
//! 2. [`payload`]: the JSON body, read whatever the key case;
//! 3. the payload rules of `so-rules` (`judge_delivery`): queue, skip with a
//!    reason, or ignore (the registration test event);
//! 4. [`batcher`]: the group commit that records it, many requests per
//!    SQLite transaction;
//! 5. the answer, 200 only once the row is on disk ([`handler`]); every
//!    refusal is an [`error::IngestError`] with its status code.
//!
//! On a second, loopback-only listener ([`admin`]) it serves the
//! operator's dashboard (`so-dashboard`), `/metrics` and health.
//!
//! [`startup::Application`] wires it together; `main.rs` only loads the
//! [`settings`], installs tracing and waits for a signal.

#![warn(missing_docs)]

pub mod admin;
pub mod batcher;
pub mod error;
pub mod handler;
pub mod health;
pub mod payload;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod verify;

pub use settings::Settings;
pub use startup::{Application, StartupError};
