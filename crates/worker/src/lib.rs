//! `so-worker`: claims jobs from the shared SQLite job store and enriches
//! the CRM records behind them.
//!
//! # A tour
//!
//! - [`runner`]: the claim loop. It polls the file cheaply
//!   ([`so_queue::Store::next_claimable_at`]), claims a due job under a
//!   lease, runs up to `worker.slots` jobs at once, renews each lease while
//!   its job runs (`lease.rs`), pauses claiming while SuperOffice refuses the
//!   credentials (`circuit.rs`), and on a stop lets running jobs finish
//!   within a grace period before releasing the rest.
//! - [`pipeline`]: one job, step by step: fetch, late name resolution, owner
//!   rule, duplicate rule, analysis (cached by its inputs), write-back of
//!   only the fields that differ.
//! - `errors.rs`: a failed step, mapped to the retry policy of `so-rules`.
//! - [`outcome`]: how a job ended, written to the store with one log line.
//! - [`settings`]: the typed settings (the `superoffice` section is
//!   `so_superoffice::ClientSettings`); `validate.rs` checks what types
//!   cannot.
//! - [`startup`]: [`Application`], which `main` and the tests build alike.
//! - `busy.rs`: [`BusySlots`], the jobs in flight that `main` reports to
//!   systemd.
//!
//! Several `so-worker` processes may run on one file; they share nothing
//! but the file, and the store's claim hands each job to one of them.

#![warn(missing_docs)]

mod admin;
mod busy;
mod cache;
mod circuit;
mod errors;
mod lease;
mod observe;
pub mod outcome;
pub mod pipeline;
mod process;
pub mod runner;
pub mod settings;
pub mod startup;
#[cfg(test)]
mod test_support;
mod validate;

pub use busy::BusySlots;
pub use errors::JobError;
pub use outcome::{Outcome, Processed};
pub use process::{BoxFuture, Process};
pub use runner::{RunSummary, Runner, RunnerConfig};
pub use settings::{FieldSettings, Settings, WorkerSettings};
pub use startup::{Application, StartupError};
pub use validate::InvalidSettings;
