//! The real worker process against the in-process sandbox: idle
//! commit-to-claim latency, webhook-to-write latency at a fixed rate, and
//! the full-speed backlog.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use so_queue::{JobFilter, JobStatus, Store};
use so_sandbox::RunningSandbox;

use crate::stats::{report, Latencies};
use crate::tenant::{change_of, fresh_companies, until_idle};

/// Single jobs, one at a time, with pauses between them so each meets an
/// idle worker at a different point of its polling; reports how long from
/// the commit of the job to its claim.
pub async fn idle_claim(store: &Store, contacts: &[i64]) {
    let mut samples = Vec::new();
    for (n, contact) in contacts.iter().enumerate() {
        // 30 to 79 ms apart: longer than the polling cap, so the worker is
        // idle, and spread so the job lands anywhere in a pause.
        tokio::time::sleep(Duration::from_millis(30 + (n as u64 * 37) % 50)).await;
        let recorded = store.record_delivery(&change_of(*contact, "idle")).await;
        let committed = so_queue::now_ms();
        let job_id = recorded.unwrap().job_id().expect("a job");

        let started = loop {
            let job = store.job(job_id).await.unwrap().expect("the job").job;
            if let Some(started) = job.started_at {
                break started;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        };
        samples.push(started - committed);
    }
    until_idle(store).await;
    report(
        "commit-to-claim, idle worker",
        Latencies::new(samples).summary(),
    );
}

/// One `contact.changed` every 20 ms (50 events/s) for fresh companies;
/// reports enqueue-to-PATCH latency and returns the companies.
pub async fn paced(store: &Store, sandbox: &RunningSandbox, count: usize) -> Vec<i64> {
    let contacts = fresh_companies(sandbox, count, "Paced");
    let period = Duration::from_millis(20);
    let start = tokio::time::Instant::now();
    let mut received = HashMap::new();
    for (n, contact) in contacts.iter().enumerate() {
        tokio::time::sleep_until(start + period * n as u32).await;
        let delivery = change_of(*contact, "paced");
        received.insert(*contact, delivery.received_at);
        store.record_delivery(&delivery).await.expect("recorded");
    }
    until_idle(store).await;

    let latencies = write_latencies(sandbox, &received);
    report(
        "enqueue-to-PATCH at 50 events/s",
        Latencies::new(latencies).summary(),
    );
    contacts
}

/// `count` jobs queued at once, then the worker at full speed: jobs/s,
/// calls per job, and enqueue-to-PATCH latency (mostly time in the queue).
pub async fn backlog(store: &Store, sandbox: &RunningSandbox, count: usize) {
    let contacts = fresh_companies(sandbox, count, "Backlog");
    let mut received = HashMap::new();
    for chunk in contacts.chunks(500) {
        let batch: Vec<_> = chunk.iter().map(|c| change_of(*c, "backlog")).collect();
        for delivery in &batch {
            received.insert(delivery.entity_id, delivery.received_at);
        }
        store.record_deliveries(&batch).await.expect("recorded");
    }

    let started = Instant::now();
    until_idle(store).await;
    let took = started.elapsed();

    let rate = count as f64 / took.as_secs_f64();
    report(
        &format!("full pipeline, backlog of {count}"),
        format!("{rate:.0} jobs/s ({:.1} s)", took.as_secs_f64()),
    );
    report(
        "  enqueue-to-PATCH (queue wait included)",
        Latencies::new(write_latencies(sandbox, &received)).summary(),
    );
}

/// SuperOffice calls per job among the newest `limit` jobs, by outcome.
pub async fn calls_per_job(store: &Store, limit: u32) {
    let filter = JobFilter {
        limit,
        ..JobFilter::default()
    };
    let jobs = store.list_jobs(&filter).await.expect("the store answers");
    let mut written = (0u64, 0u64);
    let mut unchanged = (0u64, 0u64);
    for job in jobs.iter().filter(|job| job.status == JobStatus::Completed) {
        let wrote = job
            .result
            .as_ref()
            .and_then(|r| r["changes"].as_array())
            .is_some_and(|c| !c.is_empty());
        let tally = if wrote { &mut written } else { &mut unchanged };
        tally.0 += 1;
        tally.1 += u64::from(job.api_calls);
    }
    let per = |(jobs, calls): (u64, u64)| calls as f64 / jobs.max(1) as f64;
    report(
        "SuperOffice calls per job, fields written",
        format!("{:.2} ({} jobs)", per(written), written.0),
    );
    report(
        "SuperOffice calls per job, nothing to change",
        format!("{:.2} ({} jobs)", per(unchanged), unchanged.0),
    );
}

/// For each contact, from its delivery's receipt to the sandbox receiving
/// its PATCH, in ms.
fn write_latencies(sandbox: &RunningSandbox, received: &HashMap<i64, i64>) -> Vec<i64> {
    sandbox
        .requests()
        .iter()
        .filter(|request| request.method == "PATCH")
        .filter_map(|request| {
            let id: i64 = request.path.rsplit('/').next()?.parse().ok()?;
            Some(request.at_ms - received.get(&id)?)
        })
        .collect()
}
