//! `so_ctl`: the library behind `soctl`, the operator's command-line tool.
//!
//! The binary (`src/main.rs`, `src/commands/`) is the command line: it
//! parses arguments, prints tables or JSON and maps failures to exit codes.
//! What another process may want to run too lives here:
//!
//! - [`reconcile`]: queue the contacts and persons whose changes the webhook
//!   never delivered. `soctl reconcile` and `soctl webhook activate` run it
//!   by hand; the worker can run it on a schedule.
//! - [`backfill`]: queue every account of ours matching an OData filter,
//!   resumably (the cursor lives in the job store).
//! - [`owners`]: whether an archive row's account is ours, with the owner
//!   whitelist and the tenant's user list.
//! - [`settings`]: the sections of the shared settings tree soctl reads.
//! - [`when`]: times and durations as operators type them.
//!
//! Retention (removing old finished jobs) is the store's own:
//! [`so_queue::Store::apply_retention`] with [`so_queue::RetentionPolicy`].

#![warn(missing_docs)]

pub mod backfill;
pub mod owners;
pub mod reconcile;
pub mod settings;
pub mod when;

pub use settings::Settings;
