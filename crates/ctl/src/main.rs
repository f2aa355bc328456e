//! `soctl`: the operator's command-line tool. `main` parses the command
//! line, loads the settings, runs the command and turns the outcome into
//! an exit code (`exit.rs`); the commands live in `commands/`.

mod cli;
mod commands;
mod context;
mod demo;
mod exit;
mod output;
mod progress;
mod views;

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser as _;
use serde_json::json;
use so_ctl::Settings;
use so_runtime::LogSettings;

use crate::cli::Cli;
use crate::context::Ctx;
use crate::exit::{classify, Code};
use crate::output::Output;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    init_logging(cli.verbose);
    let out = Output::new(cli.json);

    let code = match run(cli, out) {
        Ok(code) => code,
        Err(error) => report(&error, out),
    };
    ExitCode::from(code.number())
}

fn run(cli: Cli, out: Output) -> anyhow::Result<Code> {
    let loaded = Settings::loader(cli.config, cli.env_file)
        .load_with_sources::<Settings>()
        .context("cannot load the settings")?;
    // An exported variable that `.env` replaced is worth a word on stderr:
    // the operator may believe it is in force.
    loaded.sources.warn_overridden();
    let settings = loaded.settings;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let ctx = Ctx { settings, out };
    runtime.block_on(commands::run(cli.command, &ctx))
}

/// A command line clap refused: its message on stderr (help and version
/// on stdout, exit 0), and with --json the error document on stdout too.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    if std::env::args().any(|arg| arg == "--json") {
        let document = json!({
            "ok": false,
            "exit_code": Code::Usage.number(),
            "error": error.kind().to_string(),
            "causes": [error.to_string().trim()],
        });
        Output::new(true).print(&document, String::new);
    }
    let _ = error.print();
    ExitCode::from(Code::Usage.number())
}

/// Logs go to stderr; a command-line tool is quiet unless asked. The
/// settings' log filter is the daemons' and is not used here.
fn init_logging(verbose: u8) {
    let filter = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let settings = LogSettings {
        filter: Some(filter.to_owned()),
        ..LogSettings::default()
    };
    // A second init cannot happen in a fresh process; ignore it if it does.
    let _ = so_runtime::telemetry::init(&settings);
}

/// Prints a failure once (its causes on the following lines) and returns
/// its exit code. With --json, stdout still gets one document.
fn report(error: &anyhow::Error, out: Output) -> Code {
    let code = classify(error);
    // Each cause once: some libraries repeat their source in their message.
    let messages = so_runtime::error_messages(error.as_ref());
    let causes: Vec<String> = messages.into_iter().skip(1).collect();

    eprintln!("soctl: {error}");
    for cause in &causes {
        eprintln!("  caused by: {cause}");
    }
    if out.is_json() {
        let document = json!({
            "ok": false,
            "exit_code": code.number(),
            "error": error.to_string(),
            "causes": causes,
        });
        out.print(&document, String::new);
    }
    code
}
