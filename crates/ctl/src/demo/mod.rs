//! `soctl demo`: the whole connector at work, in one command.
//!
//! Starts the sandbox tenant, the ingest and two workers as separate
//! processes on a fresh SQLite file, drives a few seconds of realistic
//! traffic through the sandbox (new accounts of both companies, changes
//! that matter and changes that do not, persons, duplicate creations,
//! redeliveries, throttling, an expired token, a record that keeps failing),
//! waits until the queue settles, and reports what the CRM now shows and
//! whether anything was lost.
//!
//! | file | what it holds |
//! |---|---|
//! | `layout.rs` | the binaries beside soctl, the directory, free ports |
//! | `specs.rs` | each child's arguments and settings, the seed's facts |
//! | `children.rs` | starting the children, stopping them (also on drop) |
//! | `sandbox.rs` | the sandbox's admin endpoints |
//! | `traffic.rs`, `cast.rs` | the scenes of traffic, the seeded records they act on |
//! | `settle.rs` | waiting until the queue and the webhooks are quiet |
//! | `tally.rs` | counting both sides and finding what was lost |
//! | `accounts.rs` | the enriched accounts read back through the API |
//! | `report.rs` | the table and the JSON line |
//!
//! Ctrl-C (or SIGTERM) at any point stops every child: SIGTERM, a wait,
//! SIGKILL after a timeout.

mod accounts;
mod cast;
mod children;
mod layout;
mod report;
mod sandbox;
mod settle;
mod specs;
mod tally;
mod traffic;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Args;
use serde_json::json;
use so_queue::{Store, StoreOptions};

use self::children::Children;
use self::layout::{Binaries, Layout};
use self::report::Report;
use self::sandbox::Admin;
use self::specs::WORKERS;
use self::tally::Tally;
use crate::context::Ctx;
use crate::exit::{fail, Code};

/// How long a child may take to answer after it was started.
const READY_TIMEOUT: Duration = Duration::from_secs(20);

/// `soctl demo`'s arguments.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Work in DIR (created when missing; a previous demo's store and logs
    /// in it are replaced) and keep it afterwards, instead of a new
    /// directory under the system's temp dir that is removed after a
    /// successful demo.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Keep everything running after the report, for a look at the
    /// dashboard; Ctrl-C stops it and soctl exits with the report's code
    /// (0 or 5, not 130). Without it the dashboard lives only while the
    /// demo runs.
    #[arg(long)]
    pub keep_running: bool,

    /// Longest wait for the queue to settle after the traffic, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 40)]
    pub settle_timeout: u64,
}

/// Runs the demo. The exit code is 0 when nothing was lost and no job
/// failed but the poisoned one, 5 otherwise, 130 when interrupted before
/// the report. Under `--keep-running` the Ctrl-C after the report is the
/// expected end, not an interruption, so the report's code stands.
pub async fn run(args: DemoArgs, ctx: &Ctx) -> anyhow::Result<Code> {
    let binaries = Binaries::beside_soctl()?;
    let layout = Layout::prepare(args.dir.as_deref())?;
    eprintln!("soctl demo: working in {}", layout.dir.display());

    // Dropping this guard stops the children, whatever ends the demo
    // early (an error, a panic).
    let mut children = Children::default();
    let outcome = tokio::select! {
        outcome = demo(&args, ctx, &layout, &binaries, &mut children) => outcome,
        signal = so_runtime::shutdown_signal() => Err(interrupted(signal)),
    };
    let code = match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("soctl demo: stopping the children");
            children.stop().await;
            layout.clean_up(false);
            return Err(error);
        }
    };

    if args.keep_running {
        eprintln!(
            "soctl demo: everything keeps running; dashboard at {}. Ctrl-C stops it.",
            layout.dashboard_url()
        );
        let _ = so_runtime::shutdown_signal().await;
        let exits = children.stop().await;
        let stopped: Vec<String> = exits.iter().map(report::exit_text).collect();
        eprintln!("soctl demo: stopped {}", stopped.join(", "));
    }
    // Every child has stopped by now, so nothing writes to the directory.
    layout.clean_up(code == Code::Ok);
    Ok(code)
}

/// Starts the children, plays the traffic, waits, counts and reports.
async fn demo(
    args: &DemoArgs,
    ctx: &Ctx,
    layout: &Layout,
    binaries: &Binaries,
    children: &mut Children,
) -> anyhow::Result<Code> {
    let started = Instant::now();
    let admin = start(layout, binaries, children).await?;
    let store = Store::open(layout.store_path(), StoreOptions::default())
        .await
        .context("cannot open the demo's job store")?;

    eprintln!("soctl demo: traffic");
    let played = traffic::play(&admin).await?;
    let timeout = Duration::from_secs(args.settle_timeout);
    let settled = settle::wait(&store, &admin, children, timeout).await?;

    // The request log is read before the accounts are, so the calls
    // counted are the connector's alone.
    let attempts = admin.deliveries().await?;
    let requests = admin.requests().await?;
    let tally = Tally::count(&store, &attempts, &requests, &played).await?;
    admin.fault("reset", json!({})).await?;
    let accounts = accounts::read_back(&layout.sandbox_url(), &tally.all_jobs).await?;
    let elapsed = started.elapsed();
    store.close().await;

    let exits = if args.keep_running {
        None
    } else {
        Some(children.stop().await)
    };
    let report = Report {
        tally: &tally,
        accounts: &accounts,
        played: &played,
        settled,
        layout,
        elapsed,
        exits: exits.as_deref(),
    };
    let code = if report.ok() {
        Code::Ok
    } else {
        Code::Mismatch
    };
    print(&report, code, ctx);
    Ok(code)
}

/// The report: tables on stdout, or with --json the tables on stderr and
/// one line of JSON on stdout.
fn print(report: &Report<'_>, code: Code, ctx: &Ctx) {
    if ctx.out.is_json() {
        eprintln!("{}", report.human());
        let line = serde_json::to_string(&report.json(code.number()))
            .expect("the report serialises to JSON");
        crate::output::emit(&line);
    } else {
        crate::output::emit(&report.human());
    }
}

/// Starts the ingest, the sandbox and the workers, in that order, each
/// once the one before answers; returns the sandbox's admin client.
async fn start(
    layout: &Layout,
    binaries: &Binaries,
    children: &mut Children,
) -> anyhow::Result<Admin> {
    let http = reqwest::Client::new();

    let ingest = layout.ingest(binaries);
    let pid = children.spawn(&ingest, &layout.dir, &layout.log(&ingest.name))?;
    announce(&ingest.name, pid, &layout.ingest_url());
    let health = format!("{}/healthz", layout.ingest_url());
    wait_ready(children, "the ingest", || {
        let probe = http.get(&health).send();
        async move { probe.await.is_ok_and(|a| a.status().is_success()) }
    })
    .await?;

    let sandbox = layout.sandbox(binaries);
    let pid = children.spawn(&sandbox, &layout.dir, &layout.log(&sandbox.name))?;
    announce(&sandbox.name, pid, &layout.sandbox_url());
    let admin = Admin::new(&layout.sandbox_url())?;
    wait_ready(children, "the sandbox", || {
        let admin = admin.clone();
        async move { admin.is_up().await }
    })
    .await?;

    for number in 1..=WORKERS {
        let worker = layout.worker(binaries, number);
        let pid = children.spawn(&worker, &layout.dir, &layout.log(&worker.name))?;
        announce(&worker.name, pid, "claims jobs from the store");
    }
    Ok(admin)
}

fn announce(name: &str, pid: u32, what: &str) {
    eprintln!("  {name:<9} pid {pid:<7} {what}");
}

/// Polls `probe` until it says yes; fails when the child exits or
/// [`READY_TIMEOUT`] passes.
async fn wait_ready<F, Fut>(children: &mut Children, what: &str, probe: F) -> anyhow::Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        if let Some((name, status, log)) = children.exited_early() {
            return Err(fail(
                Code::Failure,
                format!("{name} stopped at start ({status}); see {}", log.display()),
            ));
        }
        if probe().await {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(fail(
                Code::Failure,
                format!("{what} did not answer within {READY_TIMEOUT:?}"),
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn interrupted(
    signal: Result<so_runtime::ShutdownSignal, so_runtime::SignalError>,
) -> anyhow::Error {
    match signal {
        Ok(signal) => fail(Code::Interrupted, format!("interrupted ({signal})")),
        Err(error) => anyhow::Error::new(error).context("cannot watch for Ctrl-C"),
    }
}
