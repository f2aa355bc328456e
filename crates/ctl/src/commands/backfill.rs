//! `soctl backfill`: queue every account of ours matching a filter,
//! resumably (the walk itself is `so_ctl::backfill`).

use anyhow::Context as _;
use serde_json::json;
use so_ctl::backfill::{backfill, check_filter, BackfillError, BackfillEvent, BackfillOptions};
use so_ctl::when;
use so_queue::{BackfillRun, Store};
use so_superoffice::Client;

use crate::cli::BackfillArgs;
use crate::context::Ctx;
use crate::exit::{fail, Code};
use crate::output::{or_dash, pairs, table};
use crate::progress;

/// `soctl backfill --filter F | --resume | --list`.
pub async fn run(args: BackfillArgs, ctx: &Ctx) -> anyhow::Result<Code> {
    let store = ctx.store().await?;
    if args.list {
        let runs = store.backfill_runs(20).await?;
        ctx.out
            .print(&json!({ "runs": runs }), || runs_table(&runs));
        return Ok(Code::Ok);
    }

    let client = ctx.client()?;
    let run = if args.resume {
        store.open_backfill(None).await?.ok_or_else(|| {
            fail(
                Code::NotFound,
                "no unfinished backfill to resume; start one with --filter",
            )
        })?
    } else {
        let filter = args.filter.clone().unwrap_or_default();
        new_run(&store, &client, &filter, args.restart).await?
    };
    let run_id = run.id;
    let owners = ctx.owners(&client).await?;

    let options = BackfillOptions {
        page_size: args.page_size,
        limit: args.limit,
    };
    let bar = progress::counter(&format!("backfill run {run_id}"));
    let on_event = |event: BackfillEvent| match event {
        BackfillEvent::Row => bar.inc(1),
        BackfillEvent::Batch { last_id, .. } => {
            bar.set_message(format!("backfill run {run_id}, cursor {last_id}"));
        }
    };
    let summary = backfill(&client, &store, &owners, run, &options, &on_event).await;
    bar.finish_and_clear();
    let summary = summary.map_err(|error| stopped(run_id, error))?;

    let document = json!({
        "run": summary.run,
        "session": { "seen": summary.seen, "queued": summary.queued, "not_ours": summary.not_ours },
        "finished": summary.finished,
    });
    ctx.out.print(&document, || {
        let state = if summary.finished {
            "finished".to_owned()
        } else {
            "stopped at the limit; continue with --resume".to_owned()
        };
        pairs(&[
            ("run", summary.run.id.to_string()),
            ("filter", filter_text(&summary.run.filter)),
            ("read now", summary.seen.to_string()),
            ("queued now", summary.queued.to_string()),
            ("not ours now", summary.not_ours.to_string()),
            ("queued in all", summary.run.queued.to_string()),
            ("cursor", format!("contact {}", summary.run.last_id)),
            ("state", state),
        ])
    });
    Ok(Code::Ok)
}

/// Records a new run for `filter`, once SuperOffice has accepted the filter
/// and no unfinished run with it stands in the way (unless `restart`).
async fn new_run(
    store: &Store,
    client: &Client,
    filter: &str,
    restart: bool,
) -> anyhow::Result<BackfillRun> {
    let open = store.open_backfill(Some(filter)).await?;
    if let Some(open) = &open {
        if !restart {
            return Err(fail(
                Code::Usage,
                format!(
                    "backfill run {} with this filter stopped after contact {}; continue \
                     it with --resume, or start over with --restart",
                    open.id, open.last_id
                ),
            ));
        }
    }

    check_filter(client, filter)
        .await
        .context("no backfill run started; correct --filter and try again")?;

    let now = so_queue::now_ms();
    if let Some(open) = open {
        store.finish_backfill(open.id, now).await?;
    }
    Ok(store.start_backfill("contact", filter, now).await?)
}

/// What to tell the operator when run `run_id` stopped early: resume,
/// unless resuming cannot help or might not.
fn stopped(run_id: i64, error: BackfillError) -> anyhow::Error {
    let advice = match &error {
        BackfillError::FilterRefused { .. } => format!(
            "backfill run {run_id} ended; resuming it would be refused again: \
             start a new run with a corrected --filter (what it queued stays queued)"
        ),
        BackfillError::PageRefused { cursor, .. } => format!(
            "backfill run {run_id} stopped after contact {cursor}; soctl backfill \
             --resume asks again from there, and ends the run if that is refused too"
        ),
        BackfillError::SuperOffice(_) | BackfillError::Store(_) => {
            format!("backfill run {run_id} stopped; its cursor is saved: soctl backfill --resume")
        }
    };
    anyhow::Error::new(error).context(advice)
}

fn runs_table(runs: &[BackfillRun]) -> String {
    if runs.is_empty() {
        return "no backfill runs yet; start one with: soctl backfill".to_owned();
    }
    let rows = runs.iter().map(|run| {
        vec![
            run.id.to_string(),
            filter_text(&run.filter),
            run.last_id.to_string(),
            run.queued.to_string(),
            run.not_ours.to_string(),
            when::human(run.started_at),
            or_dash(run.finished_at.map(when::human)),
        ]
    });
    // "ended", not "finished": a run also ends when --restart closes it or
    // SuperOffice refuses its filter, and the store does not say which.
    table(
        &[
            "run", "filter", "cursor", "queued", "not ours", "started", "ended",
        ],
        rows,
    )
}

fn filter_text(filter: &str) -> String {
    if filter.trim().is_empty() {
        "(every account)".to_owned()
    } else {
        filter.to_owned()
    }
}
