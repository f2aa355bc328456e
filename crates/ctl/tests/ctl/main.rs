//! soctl's integration tests: the real binary against a sandbox tenant in
//! this process and a job store in a temp directory.

mod harness;
mod receiver;
mod refuser;

mod auth;
mod backfill;
mod cleanup;
mod config;
mod demo;
mod filter_refused;
mod json;
mod pipe;
mod queue;
mod readme;
mod reconcile;
