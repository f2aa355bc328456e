//! Load test of the real `so-ingest` binary. Not a test: it prints figures.
//!
//! ```text
//! cargo run --release -p so-ingest --example ingest-bench -- --requests 20000 --senders 64
//! ```
//!
//! Builds `so-ingest` in release (when run through cargo), starts it as a
//! child process on a fresh SQLite file in a temp dir, and sends signed
//! webhooks (unique EventIds, a spread of contacts and persons) from
//! concurrent senders over loopback with keep-alive. It prints
//! acknowledgements per second, latency percentiles and the peak RSS of the
//! child, then checks that every acknowledged EventId is in the file. Last,
//! it measures the commit ceiling of SQLite on the same disk with the
//! store's settings, so the ingest's figure reads as a ratio.
//!
//! The client runs on the same machine and takes CPU from the server; the
//! figures are a lower bound of what the ingest does alone.

mod ceiling;
mod child;
mod client;
mod load;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use clap::Parser;
use so_queue::{Store, StoreOptions};

use ceiling::{measure_ceiling, print_ceiling};
use child::Ingest;
use client::Connection;
use load::{webhooks, Signed};

/// Load test of so-ingest; prints figures.
#[derive(Debug, Parser)]
struct Args {
    /// Webhooks to send.
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Concurrent senders, each with its own keep-alive connection.
    #[arg(long, default_value_t = 64)]
    senders: usize,
    /// Distinct records the webhooks are spread over.
    #[arg(long, default_value_t = 2_000)]
    entities: i64,
    /// `SO__INGEST__WORKERS` of the child.
    #[arg(long, default_value_t = 2)]
    workers: usize,
    /// `SO__INGEST__BATCH__MAX_SIZE` of the child.
    #[arg(long, default_value_t = 256)]
    batch: usize,
    /// Write the child's log, with every batch's size and time, to FILE.
    #[arg(long, value_name = "FILE")]
    child_log: Option<std::path::PathBuf>,
    /// Seconds each ceiling measurement runs; 0 skips them.
    #[arg(long, default_value_t = 2)]
    ceiling_secs: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir_in(std::env::temp_dir()).context("temp dir")?;

    let ingest = Ingest::start(
        dir.path(),
        args.workers,
        args.batch,
        args.child_log.as_deref(),
    )
    .await?;
    let requests = webhooks(args.requests, args.entities, &ingest.address);
    println!(
        "so-ingest: {} workers, batch {}, file {}",
        args.workers,
        args.batch,
        ingest.db_path.display()
    );

    let run = send_all(&ingest, requests, args.senders).await?;
    let rss_kib = ingest.peak_rss_kib()?;
    let cpu = ingest.cpu_seconds()?;
    let db_path = ingest.db_path.clone();
    let exit = ingest.stop().await?;

    run.print(args.senders, rss_kib, cpu);
    println!("so-ingest stopped: {exit}");

    let missing = check_on_disk(&db_path, &run.acknowledged).await?;
    println!(
        "on disk: {} of {} acknowledged EventIds{}",
        run.acknowledged.len() - missing,
        run.acknowledged.len(),
        if missing == 0 {
            " (all)"
        } else {
            "  <-- MISSING ROWS"
        }
    );

    if args.ceiling_secs > 0 {
        let ceiling = measure_ceiling(dir.path(), Duration::from_secs(args.ceiling_secs)).await?;
        print_ceiling(&ceiling, run.acks_per_sec());
    }
    if missing > 0 {
        bail!("{missing} acknowledged webhooks are not in the file");
    }
    Ok(())
}

/// What the senders saw.
struct Run {
    elapsed: Duration,
    /// One latency per answered request, sorted.
    latencies: Vec<Duration>,
    /// EventIds answered 200.
    acknowledged: Vec<String>,
    /// Requests answered with another status, or not at all.
    failures: usize,
}

impl Run {
    fn acks_per_sec(&self) -> f64 {
        self.acknowledged.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, fraction: f64) -> Duration {
        let last = self.latencies.len().saturating_sub(1);
        let index = ((last as f64) * fraction).round() as usize;
        self.latencies.get(index).copied().unwrap_or_default()
    }

    fn print(&self, senders: usize, rss_kib: u64, cpu: f64) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!();
        println!("senders                {senders}");
        println!(
            "acknowledged           {} in {:.2} s",
            self.acknowledged.len(),
            self.elapsed.as_secs_f64()
        );
        println!("failed                 {}", self.failures);
        println!("acks/s                 {:.0}", self.acks_per_sec());
        println!("latency p50            {:.2} ms", ms(self.percentile(0.50)));
        println!("latency p99            {:.2} ms", ms(self.percentile(0.99)));
        println!(
            "latency max            {:.2} ms",
            ms(self.latencies.last().copied().unwrap_or_default())
        );
        println!(
            "so-ingest peak RSS     {:.1} MiB (VmHWM)",
            rss_kib as f64 / 1024.0
        );
        println!("so-ingest CPU          {cpu:.2} s user+sys");
    }
}

/// Sends every request from `senders` concurrent tasks, each on its own
/// keep-alive connection.
async fn send_all(ingest: &Ingest, requests: Vec<Signed>, senders: usize) -> anyhow::Result<Run> {
    let requests = Arc::new(requests);
    let next = Arc::new(AtomicUsize::new(0));

    let started = Instant::now();
    let tasks: Vec<_> = (0..senders)
        .map(|_| {
            let (requests, next) = (requests.clone(), next.clone());
            let connection = Connection::new(&ingest.address);
            tokio::spawn(async move { sender(connection, &requests, &next).await })
        })
        .collect();

    let mut run = Run {
        elapsed: Duration::ZERO,
        latencies: Vec::with_capacity(requests.len()),
        acknowledged: Vec::with_capacity(requests.len()),
        failures: 0,
    };
    for task in tasks {
        let (latencies, acknowledged, failures) = task.await?;
        run.latencies.extend(latencies);
        run.acknowledged.extend(acknowledged);
        run.failures += failures;
    }
    run.elapsed = started.elapsed();
    run.latencies.sort();
    Ok(run)
}

/// One sender: takes the next request until none is left. A 200 counts as
/// acknowledged only when the body says the delivery was queued or joined.
async fn sender(
    mut connection: Connection,
    requests: &[Signed],
    next: &AtomicUsize,
) -> (Vec<Duration>, Vec<String>, usize) {
    let (mut latencies, mut acknowledged, mut failures) = (Vec::new(), Vec::new(), 0);
    loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(request) = requests.get(index) else {
            break;
        };

        let sent = Instant::now();
        let answer = connection.exchange(&request.http).await;
        latencies.push(sent.elapsed());

        let accepted = |body: &[u8]| {
            let body = String::from_utf8_lossy(body);
            body.contains(r#""status":"queued""#) || body.contains(r#""status":"joined""#)
        };
        match answer {
            Ok((200, body)) if accepted(&body) => acknowledged.push(request.event_id.clone()),
            _ => failures += 1,
        }
    }
    (latencies, acknowledged, failures)
}

/// How many acknowledged EventIds are not in the file.
async fn check_on_disk(db_path: &std::path::Path, event_ids: &[String]) -> anyhow::Result<usize> {
    let store = Store::open(db_path, StoreOptions::default()).await?;
    let mut missing = 0;
    for event_id in event_ids {
        if !store.delivery_exists(event_id).await? {
            missing += 1;
        }
    }
    store.close().await;
    Ok(missing)
}
