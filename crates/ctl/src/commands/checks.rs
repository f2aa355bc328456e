//! The production checks: `verify-latest`, `find-latest` and
//! `check-filter-counts`. Each answers a question the team used to answer
//! with a one-off script against the live tenant.

use futures::TryStreamExt;
use serde_json::{json, Value};
use so_ctl::owners::{owner_filter, Owners};
use so_ctl::when;
use so_rules::OwnerWhitelist;
use so_superoffice::{ArchiveQuery, ArchiveRow, Client};

use crate::context::Ctx;
use crate::exit::{fail, Code};
use crate::output::{or_dash, pairs, table};
use crate::{progress, views};

/// The columns shown for an account.
const ACCOUNT_COLUMNS: [&str; 4] = ["contactId", "name", "associateId", "registeredDate"];

/// `soctl verify-latest`: the newest account of ours, its result fields and
/// its latest job. Exits 5 when no result field has a value.
pub async fn verify_latest(ctx: &Ctx) -> anyhow::Result<Code> {
    let client = ctx.client()?;
    let owners = ctx.owners(&client).await?;
    let ids = owners.admitted_ids();
    let Some(row) = newest_account(&client, &ids).await? else {
        return Err(fail(Code::NotFound, "no account of ours exists"));
    };

    let contact = client.get_contact(row.primary_key).await?;
    let fields = &ctx.settings.worker.fields;
    let wanted = [
        ("contact_vertical", &fields.contact_vertical),
        ("contact_summary", &fields.contact_summary),
        ("contact_opener", &fields.contact_opener),
    ];
    let values: Vec<Value> = wanted
        .iter()
        .filter(|(_, prog_id)| !prog_id.trim().is_empty())
        .map(|(setting, prog_id)| {
            let raw = contact.custom_fields.raw(prog_id).unwrap_or_default();
            let display = contact.custom_fields.display_text(prog_id);
            json!({
                "setting": format!("worker.fields.{setting}"),
                "prog_id": prog_id,
                "value": raw,
                "display": display,
                "filled": is_filled(raw),
            })
        })
        .collect();
    let enriched = values.iter().any(|v| v["filled"] == json!(true));

    let store = ctx.store().await?;
    let jobs = store.jobs_of_record("contact", contact.id, 1).await?;
    let job = jobs.first();

    let document = json!({
        "contact": account_json(&row, &owners),
        "fields": values,
        "enriched": enriched,
        "job": job.map(views::job),
    });
    ctx.out.print(&document, || {
        let rows = values.iter().map(|v| {
            let display = v["display"].as_str().filter(|d| !d.is_empty());
            let shown = display.or(v["value"].as_str()).unwrap_or("");
            vec![
                v["prog_id"].as_str().unwrap_or("").to_owned(),
                crate::output::cut(shown, 70),
            ]
        });
        let job_line = job.map(|job| {
            format!(
                "job {} {} ({})",
                job.id,
                job.status,
                or_dash(job.finished_at.map(when::human))
            )
        });
        let verdict = if enriched { "enriched" } else { "NOT enriched" };
        format!(
            "{}\n{}\n{}",
            account_text(&row, &owners),
            table(&["field", "value"], rows),
            pairs(&[
                ("latest job", or_dash(job_line)),
                ("verdict", verdict.to_owned())
            ])
        )
    });
    Ok(if enriched { Code::Ok } else { Code::Mismatch })
}

/// `soctl find-latest --owner 23,RKAB`.
pub async fn find_latest(tokens: &[String], ctx: &Ctx) -> anyhow::Result<Code> {
    let client = ctx.client()?;
    let owners = Owners::load(&client, OwnerWhitelist::default()).await?;
    let mut resolved = Vec::new();
    for token in tokens.iter().filter(|t| !t.trim().is_empty()) {
        let owner = owners.resolve(token).ok_or_else(|| {
            fail(
                Code::NotFound,
                format!("no user with id or short name {token:?}"),
            )
        })?;
        resolved.push(owner);
    }
    let ids: Vec<i64> = resolved.iter().map(|(id, _)| *id).collect();

    let Some(row) = newest_account(&client, &ids).await? else {
        return Err(fail(
            Code::NotFound,
            format!("no account is owned by {}", tokens.join(", ")),
        ));
    };
    let owners_json: Vec<Value> = resolved
        .iter()
        .map(|(id, name)| json!({ "id": id, "short_name": name }))
        .collect();
    let document = json!({ "owners": owners_json, "contact": account_json(&row, &owners) });
    ctx.out.print(&document, || account_text(&row, &owners));
    Ok(Code::Ok)
}

/// `soctl check-filter-counts`: one count for the whole whitelist against
/// the sum of one count per owner. Exits 5 when they differ.
pub async fn filter_counts(ctx: &Ctx) -> anyhow::Result<Code> {
    let client = ctx.client()?;
    let owners = ctx.owners(&client).await?;
    let ids = owners.admitted_ids();
    let bar = progress::counter("counting accounts");

    let total = count_accounts(&client, &ids, &bar).await?;
    let mut by_owner = Vec::new();
    for id in &ids {
        let count = count_accounts(&client, &[*id], &bar).await?;
        by_owner.push((*id, owners.short_name(*id).unwrap_or("").to_owned(), count));
    }
    bar.finish_and_clear();
    let sum: u64 = by_owner.iter().map(|(_, _, count)| count).sum();
    let matches = sum == total;

    let document = json!({
        "admitted_ids": ids,
        "unknown_short_names": owners.unknown_short_names(),
        "total": total,
        "by_owner": by_owner
            .iter()
            .map(|(id, name, count)| json!({ "id": id, "short_name": name, "count": count }))
            .collect::<Vec<_>>(),
        "sum_by_owner": sum,
        "match": matches,
    });
    ctx.out.print(&document, || {
        let rows = by_owner
            .iter()
            .map(|(id, name, count)| vec![id.to_string(), name.clone(), count.to_string()]);
        let verdict = if matches {
            "counts match"
        } else {
            "COUNTS DIFFER"
        };
        format!(
            "{}\n{}",
            table(&["owner", "short name", "accounts"], rows),
            pairs(&[
                ("sum by owner", sum.to_string()),
                ("whitelist total", total.to_string()),
                ("verdict", verdict.to_owned()),
            ])
        )
    });
    for name in owners.unknown_short_names() {
        ctx.out.note(format!(
            "whitelisted short name {name:?} is no user of the tenant"
        ));
    }
    Ok(if matches { Code::Ok } else { Code::Mismatch })
}

/// The most recently registered account of these owners.
async fn newest_account(client: &Client, owner_ids: &[i64]) -> anyhow::Result<Option<ArchiveRow>> {
    let Some(filter) = owner_filter(owner_ids) else {
        return Err(fail(
            Code::Usage,
            "no owner to look for: no whitelisted owner is a user",
        ));
    };
    let query = ArchiveQuery::new("Contact", "registeredDate desc,contactId desc")
        .select(ACCOUNT_COLUMNS)
        .filter(filter)
        .top(1);
    // Only the first row is read; dropping the stream asks for no more.
    let mut rows = client.archive(query);
    Ok(rows.try_next().await?)
}

/// How many accounts these owners have, counted row by row.
async fn count_accounts(
    client: &Client,
    owner_ids: &[i64],
    bar: &indicatif::ProgressBar,
) -> anyhow::Result<u64> {
    let Some(filter) = owner_filter(owner_ids) else {
        return Ok(0);
    };
    let query = ArchiveQuery::contacts()
        .select(["contactId"])
        .filter(filter)
        .top(so_superoffice::MAX_PAGE);
    let mut rows = client.archive(query);
    let mut count = 0;
    while rows.try_next().await?.is_some() {
        count += 1;
        bar.inc(1);
    }
    Ok(count)
}

fn account_json(row: &ArchiveRow, owners: &Owners) -> Value {
    let (owner_id, owner) = owners.identify(row.get("associateId"));
    let registered = row
        .text("registeredDate")
        .and_then(|t| when::superoffice_ms(&t));
    json!({
        "id": row.primary_key,
        "name": row.text("name").unwrap_or_default(),
        "owner_id": owner_id,
        "owner": owner,
        "registered": views::time(registered),
    })
}

fn account_text(row: &ArchiveRow, owners: &Owners) -> String {
    let (owner_id, owner) = owners.identify(row.get("associateId"));
    let registered = row
        .text("registeredDate")
        .and_then(|t| when::superoffice_ms(&t));
    pairs(&[
        (
            "account",
            format!(
                "{} (contact {})",
                row.text("name").unwrap_or_default(),
                row.primary_key
            ),
        ),
        (
            "owner",
            format!("{} ({})", or_dash(owner), or_dash(owner_id)),
        ),
        ("registered", or_dash(registered.map(when::human))),
    ])
}

/// Whether a stored UDF value says something: not blank, not the empty
/// list value `[I:0]`.
fn is_filled(raw: &str) -> bool {
    let raw = raw.trim();
    !(raw.is_empty() || raw == "[I:0]" || raw == "0")
}
