//! `soctl reconcile --since T`: queue the changes the webhook missed (the
//! search itself is `so_ctl::reconcile`).

use serde_json::{json, Value};
use so_ctl::reconcile::{reconcile, ReconcileOptions, ReconcileReport};
use so_ctl::when;
use so_queue::Store;
use so_superoffice::Client;

use crate::cli::ReconcileArgs;
use crate::context::Ctx;
use crate::exit::Code;
use crate::output::{or_dash, table};
use crate::progress;

/// `soctl reconcile`.
pub async fn run(args: ReconcileArgs, ctx: &Ctx) -> anyhow::Result<Code> {
    let since = when::parse_instant(&args.since, so_queue::now_ms())?;
    let store = ctx.store().await?;
    let client = ctx.client()?;
    let options = ReconcileOptions {
        since_ms: since,
        persons: !args.contacts_only,
        dry_run: args.dry_run,
    };

    let report = run_reconcile(ctx, &client, &store, &options).await?;
    ctx.out
        .print(&report_json(&report), || report_text(&report));
    Ok(Code::Ok)
}

/// Reconciles with a progress counter on stderr.
pub async fn run_reconcile(
    ctx: &Ctx,
    client: &Client,
    store: &Store,
    options: &ReconcileOptions,
) -> anyhow::Result<ReconcileReport> {
    let owners = ctx.owners(client).await?;
    let bar = progress::counter("reconcile: changed records");
    let report = reconcile(client, store, &owners, options, &|rows| bar.inc(rows)).await;
    bar.finish_and_clear();
    Ok(report?)
}

/// The report as JSON, with the moment readable.
pub fn report_json(report: &ReconcileReport) -> Value {
    let mut value = serde_json::to_value(report).expect("a report serialises");
    value["since"] = json!(when::rfc3339(report.since_ms));
    value
}

/// The report for people.
pub fn report_text(report: &ReconcileReport) -> String {
    let mut text = String::new();
    if !report.queued.is_empty() {
        let rows = report.queued.iter().map(|record| {
            let updated = (record.updated_ms != i64::MAX).then(|| when::human(record.updated_ms));
            vec![
                format!("{}:{}", record.entity, record.id),
                record.name.clone(),
                or_dash(updated),
                or_dash(record.job_id),
            ]
        });
        text.push_str(&table(&["record", "name", "updated", "job"], rows));
        text.push('\n');
    }
    let verb = if report.dry_run {
        "would queue"
    } else {
        "queued"
    };
    text.push_str(&format!(
        "changed since {}: {}, not ours: {}, already covered: {}, {verb}: {}",
        when::human(report.since_ms),
        report.changed,
        report.not_ours,
        report.covered,
        report.queued.len()
    ));
    text
}
