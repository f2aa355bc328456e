//! `so-worker`: the job worker. Thin: settings, tracing, run.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;
use so_enrich::Engine;
use so_runtime::systemd::{Health, Notifier};
use so_runtime::{Loaded, Sources};
use so_worker::{Application, Settings, StartupError};

/// Exit code for unusable settings (`EX_CONFIG` of sysexits.h); a systemd
/// unit can list it in `RestartPreventExitStatus=` to avoid a restart loop.
const EXIT_CONFIG: u8 = 78;

/// The exit codes, as `--help` shows them; `docs/operations.md` has the
/// same table for both servers.
const EXIT_CODES_HELP: &str = "\
Exit codes:
  0   stopped cleanly (SIGTERM or SIGINT), or --check and
      --print-settings done
  1   failed after the settings were accepted (the job store, the admin
      listener, the async runtime)
  2   the command line is wrong
  78  the settings cannot work (EX_CONFIG); stderr lists every problem.
The systemd unit restarts on neither 2 nor 78 (RestartPreventExitStatus):
a restart cannot fix them.";

/// Claims jobs from the SQLite job store and enriches the SuperOffice
/// records behind them: fetches the company or person, checks that the
/// account is ours, analyses the company and writes the results into its
/// user-defined fields, writing only what differs.
///
/// Any number of so-worker processes may run on one store file. SIGTERM or
/// SIGINT stops claiming, lets running jobs finish within
/// worker.shutdown_grace_ms, hands the rest back to the queue and exits 0.
///
/// Settings come from the defaults, then the TOML file given with --config,
/// then environment variables named SO__<SECTION>__<KEY> (for example
/// SO__WORKER__SLOTS, SO__SUPEROFFICE__CONTEXT_ID, SO__STORE__PATH), then
/// the .env file, which overrides the inherited environment. See
/// .env.example for every variable.
#[derive(Debug, Parser)]
#[command(
    name = "so-worker",
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

    /// Check the settings and the analysis taxonomy, print "settings ok"
    /// or every problem found, and exit. Makes no request to SuperOffice.
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
    let engine = match checked {
        Ok(engine) => engine,
        Err(problems) => {
            return config_error(anyhow::Error::new(problems).context("invalid settings"));
        }
    };
    if cli.check {
        println!("settings ok");
        return ExitCode::SUCCESS;
    }
    if let Err(error) = so_runtime::telemetry::init(&settings.log) {
        return config_error(error.into());
    }
    sources.warn_overridden();

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("so-worker: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(work(settings, engine, &sources)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(
                error = so_runtime::error_chain(error.as_ref()),
                "so-worker failed"
            );
            ExitCode::FAILURE
        }
    }
}

fn config_error(error: anyhow::Error) -> ExitCode {
    eprintln!("so-worker: {}", so_runtime::error_chain(error.as_ref()));
    ExitCode::from(EXIT_CONFIG)
}

/// The overridden variables, for the paths that end before tracing is up.
fn warn_on_stderr(sources: &Sources) {
    for overridden in sources.overridden() {
        eprintln!("so-worker: warning: {overridden}");
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

async fn work(settings: Settings, engine: Engine, sources: &Sources) -> anyhow::Result<()> {
    let application = Application::build_validated(&settings, engine)
        .await
        .map_err(|error| with_source(error, sources))
        .context("starting")?;

    // The store is open and migrated; the claim loop starts below. Ready
    // now rather than after the warm-up's requests: SuperOffice being down
    // is something the running worker copes with, not a failed start.
    let systemd = Notifier::from_env();
    let (slots, busy) = (settings.worker.slots.max(1), application.busy_slots());
    let status = move || format!("{slots} slots, {} busy", busy.get());
    systemd.ready(&status());
    // Polled in the same future as the claim loop, on the same thread: a
    // loop that blocks its thread stops the pings, and so does its end.
    let watchdog = systemd.clone().watchdog(move || Health::Alive {
        status: Some(status()),
    });

    let run = application.run_until_stopped(async move {
        match so_runtime::shutdown_signal().await {
            Ok(signal) => tracing::info!(%signal, "stop requested"),
            Err(error) => {
                // Without a handler the process could only be killed;
                // stop now rather than run unstoppable.
                tracing::error!(error = %error, "cannot wait for signals; stopping");
            }
        }
        systemd.stopping("draining");
    });
    tokio::select! {
        _ = run => {}
        () = watchdog => {}
    }
    Ok(())
}
