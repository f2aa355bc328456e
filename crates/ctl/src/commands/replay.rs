//! `soctl replay`: stored deliveries queued again under new event ids.

use serde_json::json;
use so_ctl::when;
use so_queue::DeliveryRecord;

use crate::cli::ReplayArgs;
use crate::context::Ctx;
use crate::exit::{fail, Code};
use crate::output::{or_dash, table};

/// `soctl replay --entity contact:4711 | --from T --to T`.
pub async fn run(args: ReplayArgs, ctx: &Ctx) -> anyhow::Result<Code> {
    let store = ctx.store().await?;
    let now = so_queue::now_ms();

    let (stored, what) = match (&args.entity, &args.from, &args.to) {
        (Some(entity), _, _) => {
            let (kind, id) = parse_entity(entity)?;
            let stored = store.deliveries_of_record(kind, id).await?;
            (stored, format!("{kind} {id}"))
        }
        (None, Some(from), Some(to)) => {
            let from = when::parse_instant(from, now)?;
            let to = when::parse_instant(to, now)?;
            let stored = store.deliveries_between(from, to).await?;
            let what = format!("{} – {}", when::human(from), when::human(to));
            (stored, what)
        }
        _ => return Err(fail(Code::Usage, "give --entity, or --from and --to")),
    };

    let chosen: Vec<DeliveryRecord> = stored
        .into_iter()
        .filter(|d| wanted(d, args.include_skipped))
        .collect();
    if chosen.is_empty() {
        let hint = if args.include_skipped {
            ""
        } else {
            " (skipped deliveries need --include-skipped)"
        };
        return Err(fail(
            Code::NotFound,
            format!("no stored deliveries to replay for {what}{hint}"),
        ));
    }

    let replayed = store.replay(&chosen, now).await?;
    let mut jobs: Vec<i64> = replayed.iter().filter_map(|r| r.job_id).collect();
    jobs.sort_unstable();
    jobs.dedup();

    let document = json!({ "replayed": replayed, "jobs": jobs });
    ctx.out.print(&document, || {
        let rows = replayed.iter().map(|r| {
            vec![
                r.original_event_id.clone(),
                r.event_id.clone(),
                or_dash(r.job_id),
            ]
        });
        format!(
            "{}\n{} deliveries replayed into {} pending job(s)",
            table(&["original event", "replayed as", "job"], rows),
            replayed.len(),
            jobs.len()
        )
    });
    Ok(Code::Ok)
}

/// `contact:4711` → (`contact`, 4711).
fn parse_entity(text: &str) -> anyhow::Result<(&'static str, i64)> {
    let usage = || {
        fail(
            Code::Usage,
            format!("--entity {text:?}: expected contact:ID or person:ID"),
        )
    };
    let (kind, id) = text.split_once(':').ok_or_else(usage)?;
    let kind = match kind.trim().to_ascii_lowercase().as_str() {
        "contact" => "contact",
        "person" => "person",
        _ => return Err(usage()),
    };
    let id = id.trim().parse().map_err(|_| usage())?;
    Ok((kind, id))
}

/// Deliveries that made or joined a job, and skipped ones when asked.
fn wanted(delivery: &DeliveryRecord, include_skipped: bool) -> bool {
    match delivery.decision.as_str() {
        "queued" | "joined" => true,
        "skipped" => include_skipped,
        _ => false,
    }
}
