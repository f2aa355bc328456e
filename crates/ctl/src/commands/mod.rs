//! One module per command family; [`run`] dispatches, and stops a command
//! on Ctrl-C with exit code 130.

mod auth;
mod backfill;
mod checks;
mod cleanup;
mod config_check;
mod lists;
mod queue;
mod reconcile;
mod replay;
mod webhook;

use crate::cli::{AuthCommand, Command, ConfigCommand};
use crate::context::Ctx;
use crate::exit::{fail, Code};

/// Runs `command`; the outcome is its exit code (0, or 5 for a check that
/// found mismatches), a failure is sorted by `exit::classify`.
pub async fn run(command: Command, ctx: &Ctx) -> anyhow::Result<Code> {
    // The demo handles Ctrl-C itself: it must stop its child processes,
    // and Ctrl-C is how `--keep-running` ends.
    if let Command::Demo(args) = command {
        return crate::demo::run(args, ctx).await;
    }
    tokio::select! {
        outcome = dispatch(command, ctx) => outcome,
        _ = tokio::signal::ctrl_c() => Err(fail(Code::Interrupted, "interrupted")),
    }
}

async fn dispatch(command: Command, ctx: &Ctx) -> anyhow::Result<Code> {
    match command {
        Command::Demo(_) => unreachable!("run() starts the demo itself"),
        Command::Migrate => queue::migrate(ctx).await,
        Command::Queue(command) => queue::run(command, ctx).await,
        Command::Replay(args) => replay::run(args, ctx).await,
        Command::Auth(AuthCommand::Check) => auth::check(ctx).await,
        Command::Lists { name } => lists::items(&name, ctx).await,
        Command::Udfs { owner } => lists::udfs(owner, ctx).await,
        Command::Config(ConfigCommand::Check) => config_check::run(ctx).await,
        Command::Backfill(args) => backfill::run(args, ctx).await,
        Command::Reconcile(args) => reconcile::run(args, ctx).await,
        Command::Webhook(command) => webhook::run(command, ctx).await,
        Command::VerifyLatest => checks::verify_latest(ctx).await,
        Command::FindLatest { owner } => checks::find_latest(&owner, ctx).await,
        Command::CheckFilterCounts => checks::filter_counts(ctx).await,
        Command::CleanupTestData { yes } => cleanup::run(yes, ctx).await,
    }
}
