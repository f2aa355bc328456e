//! Waiting until the connector is done with the traffic: no job pending or
//! processing, and no webhook sent for a while (the echoes of the last
//! writes, and the sandbox's retries, have arrived).

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use so_queue::Store;

use super::children::Children;
use super::sandbox::Admin;
use crate::exit::{fail, Code};

/// How long the sandbox must have sent nothing. Longer than its last retry
/// delay (`specs::WEBHOOK_RETRY_DELAYS`), so a retry still to come is
/// waited for.
const QUIET: Duration = Duration::from_millis(2_500);
/// How often the store and the sandbox are looked at.
const POLL: Duration = Duration::from_millis(250);
/// How often a progress line is printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// How the wait ended.
#[derive(Debug, Clone, Copy)]
pub struct Settled {
    /// Whether everything settled before the timeout.
    pub settled: bool,
    /// How long the wait took.
    pub waited: Duration,
}

/// Waits until the queue and the sandbox's deliveries are quiet, at most
/// `timeout`, with a progress line on stderr. A child that exits meanwhile
/// ends the wait with an error naming its log.
pub async fn wait(
    store: &Store,
    admin: &Admin,
    children: &mut Children,
    timeout: Duration,
) -> anyhow::Result<Settled> {
    let started = Instant::now();
    let mut progress = Progress::new();
    let mut last_count = 0;
    let mut last_change = Instant::now();

    loop {
        if let Some((name, status, log)) = children.exited_early() {
            progress.finish();
            return Err(fail(
                Code::Failure,
                format!(
                    "{name} stopped on its own ({status}); see {}",
                    log.display()
                ),
            ));
        }

        let counts = store.counts_by_status(None).await?;
        let open = counts.pending + counts.processing;
        let attempts = admin.deliveries().await?;
        let delivered = attempts.iter().filter(|a| a.acknowledged()).count();
        if attempts.len() != last_count {
            last_count = attempts.len();
            last_change = Instant::now();
        }

        let waited = started.elapsed();
        progress.show(&format!(
            "settling: {} pending, {} processing, {} webhooks delivered [{}s]",
            counts.pending,
            counts.processing,
            delivered,
            waited.as_secs()
        ));
        if open == 0 && last_change.elapsed() >= QUIET {
            progress.finish();
            return Ok(Settled {
                settled: true,
                waited,
            });
        }
        if waited >= timeout {
            progress.finish();
            return Ok(Settled {
                settled: false,
                waited,
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

/// One progress line: redrawn in place on a terminal, printed every few
/// seconds otherwise (a CI log).
struct Progress {
    /// The spinner, when stderr is a terminal.
    bar: Option<ProgressBar>,
    /// When a plain line was last printed.
    printed: Option<Instant>,
}

impl Progress {
    fn new() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            let style = ProgressStyle::with_template("{spinner} {msg}").expect("a valid template");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress { bar, printed: None }
    }

    fn show(&mut self, line: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(line.to_owned());
            return;
        }
        if self.printed.is_none_or(|at| at.elapsed() >= PLAIN_EVERY) {
            eprintln!("  {line}");
            self.printed = Some(Instant::now());
        }
    }

    fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
