//! `so-sandbox`: a local SuperOffice tenant for tests and demos.
//!
//! Parses arguments, installs tracing, starts the library's server and
//! waits for Ctrl-C, SIGTERM, or the end of a launcher that asked for it
//! (`so_runtime::signals::STOP_WITH_PARENT`). `generate-seed` prints the shipped seed.

mod cli;

use std::io::IsTerminal as _;

use anyhow::Context;
use clap::Parser;

use cli::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let serve = match cli.command {
        Some(Command::GenerateSeed) => {
            print!("{}", so_sandbox::Seed::generate().to_json());
            return Ok(());
        }
        Some(Command::Serve(serve)) => *serve,
        None => cli.serve,
    };

    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,actix_server=warn".into()),
        )
        .with_ansi(colour_wanted())
        .init();

    let config = serve.into_config().context("invalid settings")?;
    let sandbox = so_sandbox::start(config)
        .await
        .context("cannot start the sandbox")?;
    println!("{}", cli::banner(&sandbox));

    let signal = so_runtime::shutdown_signal()
        .await
        .context("cannot watch for signals")?;
    tracing::info!(%signal, "stopping");
    sandbox.stop().await;
    Ok(())
}

/// Whether log lines get ANSI colours: only when stdout, where they go, is
/// a terminal and `NO_COLOR` (<https://no-color.org>) is unset or empty.
/// The demo and the tests send this log to a file, where colour codes are
/// noise around every field.
fn colour_wanted() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    std::io::stdout().is_terminal() && !no_color
}
