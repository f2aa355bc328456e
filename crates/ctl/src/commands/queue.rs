//! `soctl migrate` and `soctl queue …`: the job store itself.

use std::time::Duration;

use serde_json::{json, Value};
use so_ctl::when;
use so_queue::{JobFilter, JobStatus, PurgeReport, RetryFailed};

use crate::cli::{ListArgs, PurgeArgs, QueueCommand};
use crate::context::Ctx;
use crate::exit::{fail, Code};
use crate::output::{or_dash, pairs, table};
use crate::views;

/// `soctl migrate`: opening the store applies what is pending.
pub async fn migrate(ctx: &Ctx) -> anyhow::Result<Code> {
    let store = ctx.create_store().await?;
    let schema = store.schema().await?;

    let document = json!({
        "store": store.path().display().to_string(),
        "schema_version": schema.version,
        "migrations": schema.migrations,
    });
    ctx.out.print(&document, || {
        let rows = schema.migrations.iter().map(|m| {
            let state = if m.applied { "applied" } else { "pending" };
            vec![
                m.version.to_string(),
                m.description.clone(),
                state.to_owned(),
            ]
        });
        format!(
            "{}\nschema version {} in {}",
            table(&["version", "migration", "state"], rows),
            schema.version,
            store.path().display()
        )
    });
    Ok(Code::Ok)
}

/// `soctl queue …`.
pub async fn run(command: QueueCommand, ctx: &Ctx) -> anyhow::Result<Code> {
    match command {
        QueueCommand::Stats { since } => stats(since.as_deref(), ctx).await,
        QueueCommand::List(args) => list(args, ctx).await,
        QueueCommand::Show { id } => show(id, ctx).await,
        QueueCommand::Retry { id } => retry(id, ctx).await,
        QueueCommand::RetryFailed { since } => retry_failed(since.as_deref(), ctx).await,
        QueueCommand::Purge(args) => purge(args, ctx).await,
    }
}

async fn stats(since: Option<&str>, ctx: &Ctx) -> anyhow::Result<Code> {
    let now = so_queue::now_ms();
    let since_ms = since.map(|s| when::parse_instant(s, now)).transpose()?;
    let store = ctx.store().await?;
    let counts = store.counts_by_status(since_ms).await?;
    let lag = store.oldest_pending_age(now).await?;
    let last_delivery = store.last_webhook_delivery_at().await?;

    let total: u64 = JobStatus::ALL.iter().map(|s| counts.get(*s)).sum();
    let mut by_status = serde_json::Map::new();
    for status in JobStatus::ALL {
        by_status.insert(status.as_str().to_owned(), json!(counts.get(status)));
    }
    let document = json!({
        "since": views::time(since_ms),
        "counts": by_status,
        "total": total,
        "oldest_due_pending_ms": lag.map(|age| age.as_millis() as u64),
        "last_webhook_delivery": views::time(last_delivery),
    });
    ctx.out.print(&document, || {
        let rows = JobStatus::ALL
            .iter()
            .map(|s| vec![s.to_string(), counts.get(*s).to_string()]);
        let mut text = table(&["status", "jobs"], rows);
        text.push('\n');
        text.push_str(&pairs(&[
            ("total", total.to_string()),
            ("queue lag", or_dash(lag.map(seconds))),
            (
                "last webhook delivery",
                or_dash(last_delivery.map(when::human)),
            ),
        ]));
        text
    });
    Ok(Code::Ok)
}

async fn list(args: ListArgs, ctx: &Ctx) -> anyhow::Result<Code> {
    let filter = JobFilter {
        status: args.status.map(|s| s.status()),
        search: args.search,
        entity: args.entity.map(|e| e.as_str().to_owned()),
        limit: args.limit,
        before_id: None,
    };
    let jobs = ctx.store().await?.list_jobs(&filter).await?;

    let document = json!({ "jobs": jobs.iter().map(views::job).collect::<Vec<_>>() });
    ctx.out.print(&document, || {
        if jobs.is_empty() {
            "no jobs match".to_owned()
        } else {
            views::jobs_table(&jobs)
        }
    });
    Ok(Code::Ok)
}

async fn show(id: i64, ctx: &Ctx) -> anyhow::Result<Code> {
    let Some(detail) = ctx.store().await?.job(id).await? else {
        return Err(fail(Code::NotFound, format!("job {id} does not exist")));
    };

    let document = json!({
        "job": views::job(&detail.job),
        "deliveries": detail.deliveries.iter().map(views::delivery).collect::<Vec<_>>(),
        "attempts": detail.attempts.iter().map(views::attempt).collect::<Vec<_>>(),
    });
    ctx.out.print(&document, || show_text(&detail));
    Ok(Code::Ok)
}

fn show_text(detail: &so_queue::JobDetail) -> String {
    let job = &detail.job;
    let result = job
        .result
        .as_ref()
        .map(|r| serde_json::to_string_pretty(r).unwrap_or_default());
    let mut text = pairs(&[
        ("job", job.id.to_string()),
        ("record", format!("{} {}", job.entity, job.entity_id)),
        ("subject", views::subject(job)),
        ("event", job.event.clone()),
        ("status", job.status.to_string()),
        ("rule", or_dash(job.rule.clone())),
        ("reason", or_dash(job.reason.clone())),
        ("attempts", job.attempts.to_string()),
        ("last error", or_dash(job.last_error.clone())),
        ("changes", job.changes.join(", ")),
        ("created", when::human(job.created_at)),
        ("finished", or_dash(job.finished_at.map(when::human))),
        ("api calls", job.api_calls.to_string()),
        ("result", or_dash(result)),
    ]);

    let deliveries = detail.deliveries.iter().map(|d| {
        vec![
            d.event_id.clone(),
            when::human(d.received_at),
            d.event.clone(),
            d.decision.clone(),
            or_dash(d.rule.clone()),
        ]
    });
    text.push_str("\n\ndeliveries\n");
    text.push_str(&table(
        &["event id", "received", "event", "decision", "rule"],
        deliveries,
    ));

    let attempts = detail.attempts.iter().map(|a| {
        vec![
            a.attempt.to_string(),
            a.holder.clone(),
            when::human(a.started_at),
            or_dash(a.outcome.clone()),
            or_dash(a.error.clone()),
        ]
    });
    text.push_str("\n\nattempts\n");
    text.push_str(&table(
        &["#", "worker", "started", "outcome", "error"],
        attempts,
    ));
    text
}

async fn retry(id: i64, ctx: &Ctx) -> anyhow::Result<Code> {
    let store = ctx.store().await?;
    let outcome = store.retry_failed(id, so_queue::now_ms()).await?;
    match outcome {
        RetryFailed::Requeued { .. } | RetryFailed::AlreadyPending { .. } => {}
        RetryFailed::NotFailed { .. } => return Err(not_retryable(&store, id).await),
        RetryFailed::Unknown { .. } => {
            return Err(fail(Code::NotFound, format!("job {id} does not exist")))
        }
    }
    ctx.out.print(&outcome, || retry_text(&outcome));
    Ok(Code::Ok)
}

/// A retry of a job that is not failed: the operator named the wrong job,
/// so a usage error (2), saying what the job is and what would help.
async fn not_retryable(store: &so_queue::Store, id: i64) -> anyhow::Error {
    let detail = match store.job(id).await {
        Ok(Some(detail)) => detail,
        // It existed a moment ago: a purge came in between.
        Ok(None) => return fail(Code::NotFound, format!("job {id} does not exist")),
        Err(error) => return error.into(),
    };
    let job = &detail.job;
    let hint = match job.status {
        JobStatus::Pending | JobStatus::Processing => " (it runs anyway)".to_owned(),
        JobStatus::Completed | JobStatus::Skipped => format!(
            "; to run its record again: soctl replay --entity {}:{}",
            job.entity, job.entity_id
        ),
        JobStatus::Failed => {
            let message = format!("job {id} changed while it was being retried; try again");
            return fail(Code::Failure, message);
        }
    };
    fail(
        Code::Usage,
        format!(
            "job {id} is {}; only failed jobs can be retried{hint}",
            job.status
        ),
    )
}

fn retry_text(outcome: &RetryFailed) -> String {
    match outcome {
        RetryFailed::Requeued { job_id } => format!("job {job_id} is pending again"),
        RetryFailed::AlreadyPending {
            job_id,
            pending_job_id,
        } => {
            format!("job {job_id} left failed: its record already has pending job {pending_job_id}")
        }
        RetryFailed::NotFailed { job_id } => format!("job {job_id} is not failed"),
        RetryFailed::Unknown { job_id } => format!("job {job_id} does not exist"),
    }
}

async fn retry_failed(since: Option<&str>, ctx: &Ctx) -> anyhow::Result<Code> {
    let now = so_queue::now_ms();
    let since_ms = since.map(|s| when::parse_instant(s, now)).transpose()?;
    let outcomes = ctx.store().await?.retry_all_failed(since_ms, now).await?;

    let requeued = outcomes
        .iter()
        .filter(|o| matches!(o, RetryFailed::Requeued { .. }))
        .count();
    let document = json!({
        "requeued": requeued,
        "already_pending": outcomes.len() - requeued,
        "jobs": outcomes,
    });
    ctx.out.print(&document, || {
        let mut lines: Vec<String> = outcomes.iter().map(retry_text).collect();
        lines.push(format!(
            "{requeued} of {} failed jobs requeued",
            outcomes.len()
        ));
        lines.join("\n")
    });
    Ok(Code::Ok)
}

async fn purge(args: PurgeArgs, ctx: &Ctx) -> anyhow::Result<Code> {
    let store = ctx.store().await?;
    let now = so_queue::now_ms();
    let dry_run = !args.yes;

    // Each status with its cutoff: the one asked for, or the policy's.
    let mut plan: Vec<(JobStatus, i64)> = Vec::new();
    if args.retention {
        for status in [JobStatus::Completed, JobStatus::Skipped, JobStatus::Failed] {
            if let Some(days) = ctx.settings.retention.days(status) {
                let age = Duration::from_secs(u64::from(days) * 86_400);
                plan.push((status, now - age.as_millis() as i64));
            }
        }
    } else if let (Some(status), Some(age)) = (args.status, args.older_than.as_deref()) {
        let age = when::parse_duration(age)?;
        plan.push((status.status(), now - age.as_millis() as i64));
    }

    let mut purged: Vec<Value> = Vec::new();
    let mut total = PurgeReport::default();
    for (status, before) in &plan {
        let report = store.purge_finished(*status, *before, dry_run).await?;
        total.jobs += report.jobs;
        total.deliveries += report.deliveries;
        total.attempts += report.attempts;
        purged.push(json!({
            "status": status.as_str(),
            "finished_before": views::time(Some(*before)),
            "jobs": report.jobs,
            "deliveries": report.deliveries,
            "attempts": report.attempts,
        }));
    }

    let document = json!({ "dry_run": dry_run, "purged": purged, "total": total });
    ctx.out.print(&document, || {
        let rows = plan.iter().zip(&purged).map(|((status, before), report)| {
            vec![
                status.to_string(),
                when::human(*before),
                report["jobs"].to_string(),
                report["deliveries"].to_string(),
            ]
        });
        let verb = if dry_run { "would remove" } else { "removed" };
        let mut text = table(&["status", "finished before", "jobs", "deliveries"], rows);
        text.push_str(&format!("\n{verb} {} jobs", total.jobs));
        if dry_run {
            text.push_str(" (dry run: add --yes to delete)");
        }
        text
    });
    Ok(Code::Ok)
}

fn seconds(age: Duration) -> String {
    format!("{:.1}s", age.as_secs_f64())
}
