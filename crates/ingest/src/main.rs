//! `so-ingest`: the webhook receiver. Thin: settings, tracing, run.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;
use so_ingest::{Application, Settings, StartupError};
use so_runtime::systemd::{Health, Notifier};
use so_runtime::{Loaded, Sources};

/// Exit code for unusable settings (`EX_CONFIG` of sysexits.h); a systemd
/// unit can list it in `RestartPreventExitStatus=` to avoid a restart loop.
const EXIT_CONFIG: u8 = 78;

/// The exit codes, as `--help` shows them; `docs/operations.md` has the
/// same table for both servers.
const EXIT_CODES_HELP: &str = "\
Exit codes:
  0   stopped cleanly (SIGTERM or SIGINT), or --check and
      --print-settings done
  1   failed after the settings were accepted (a port already taken, the
      job store)
  2   the command line is wrong
  78  the settings cannot work (EX_CONFIG); stderr lists every problem.
The systemd unit restarts on neither 2 nor 78 (RestartPreventExitStatus):
a restart cannot fix them.";

/// Receives SuperOffice webhooks and records them in the SQLite job store.
///
/// Settings come from the defaults, then the TOML file given with --config,
/// then environment variables named SO__<SECTION>__<KEY> (for example
/// SO__INGEST__LISTEN, SO__INGEST__WEBHOOK__SECRET, SO__STORE__PATH), then
/// the .env file, which overrides the inherited environment. See
/// .env.example for every variable.
#[derive(Debug, Parser)]
#[command(
    name = "so-ingest",
    version,
    about,
    long_about,
    after_help = EXIT_CODES_HELP
)]
struct Cli {
    /// TOML settings file, read before the environment.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// The .env file to read [default: ./.env when it exists].
    #[arg(long, value_name = "FILE")]
    env_file: Option<PathBuf>,

    /// Check the settings, print "settings ok" or every problem found, and
    /// exit.
    #[arg(long)]
    check: bool,

    /// Print the settings as loaded (secrets redacted) and exit.
    #[arg(long)]
    print_settings: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();

    let loaded = Settings::load(cli.config.clone(), cli.env_file.clone());
    let Loaded { settings, sources } = match loaded {
        Ok(loaded) => loaded,
        Err(error) => return config_error(error.into()),
    };
    // Tracing is installed only to run; every path that ends before it
    // warns of the overridden variables on stderr instead.
    let checked = settings.validate();
    if cli.print_settings || cli.check || checked.is_err() {
        warn_on_stderr(&sources);
    }

    // Printed whatever the check found, so that settings that do not work
    // can be looked at.
    if cli.print_settings {
        println!("{settings:#?}");
        return ExitCode::SUCCESS;
    }
    if let Err(problems) = checked {
        return config_error(anyhow::Error::new(problems).context("invalid settings"));
    }
    if cli.check {
        println!("settings ok");
        return ExitCode::SUCCESS;
    }
    if let Err(error) = so_runtime::telemetry::init(&settings.log) {
        return config_error(error.into());
    }
    sources.warn_overridden();

    match actix_web::rt::System::new().block_on(serve(settings, &sources)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(
                error = so_runtime::error_chain(error.as_ref()),
                "so-ingest failed"
            );
            ExitCode::FAILURE
        }
    }
}

fn config_error(error: anyhow::Error) -> ExitCode {
    eprintln!("so-ingest: {}", so_runtime::error_chain(error.as_ref()));
    ExitCode::from(EXIT_CONFIG)
}

/// The overridden variables, for the paths that end before tracing is up.
fn warn_on_stderr(sources: &Sources) {
    for overridden in sources.overridden() {
        eprintln!("so-ingest: warning: {overridden}");
    }
}

/// The error with where its key was set, when it is about one: "cannot
/// listen on 127.0.0.1:8700" alone does not say that the address came
/// from a line of `.env` rather than from the variable just exported.
fn with_source(error: StartupError, sources: &Sources) -> anyhow::Error {
    let set_by = |key| Some((key, sources.origin(key)?));
    let Some((key, origin)) = error.settings_key().and_then(set_by) else {
        return error.into();
    };
    anyhow::Error::new(error).context(format!("{key} set by {origin}"))
}

async fn serve(settings: Settings, sources: &Sources) -> anyhow::Result<()> {
    let application = Application::build(&settings)
        .await
        .map_err(|error| with_source(error, sources))
        .context("starting")?;

    // The listener is bound and the store open: connections queue in the
    // backlog until the server polls them, so systemd may count us ready.
    // The watchdog task runs on the thread that also runs the store
    // writer, and pings only while the writer takes deliveries.
    let systemd = Notifier::from_env();
    systemd.ready(&format!("listening on {}", application.address()));
    let writer = application.writer_handle();
    tokio::spawn(systemd.clone().watchdog(move || {
        if writer.writer_running() {
            Health::alive()
        } else {
            Health::Stalled {
                reason: "the store writer has stopped",
            }
        }
    }));

    application
        .run_until_stopped(async move {
            match so_runtime::shutdown_signal().await {
                Ok(signal) => tracing::info!(%signal, "stop requested"),
                Err(error) => {
                    // Without a handler the process could only be killed;
                    // stop now rather than run unstoppable.
                    tracing::error!(error = %error, "cannot wait for signals; stopping");
                }
            }
            systemd.stopping("draining");
        })
        .await
        .context("serving")
}
