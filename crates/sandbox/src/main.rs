//! `so-sandbox`: a local SuperOffice tenant for tests and demos.
//!
//! Parses arguments, installs tracing, starts the library's server and
//! waits for Ctrl-C (or SIGTERM). `generate-seed` prints the shipped seed.

mod cli;

use anyhow::Context;
use clap::Parser;
use tokio::signal::unix::{signal, SignalKind};

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
        .init();

    let config = serve.into_config().context("invalid settings")?;
    let sandbox = so_sandbox::start(config)
        .await
        .context("cannot start the sandbox")?;
    println!("{}", cli::banner(&sandbox));

    let mut terminate = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    sandbox.stop().await;
    Ok(())
}
