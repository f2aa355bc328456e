//! The demo's result: a table of the enriched accounts and the counts for
//! people, or one line of JSON for scripts (the last line on stdout).

use std::time::Duration;

use serde_json::{json, Value};

use super::accounts::Account;
use super::children::Exit;
use super::layout::Layout;
use super::settle::Settled;
use super::specs::WORKERS;
use super::tally::Tally;
use super::traffic::Played;
use crate::output::{cut, pairs, table};

/// Everything the report shows.
#[derive(Debug)]
pub struct Report<'a> {
    /// The counts.
    pub tally: &'a Tally,
    /// The accounts as the CRM shows them.
    pub accounts: &'a [Account],
    /// What the traffic did.
    pub played: &'a Played,
    /// How the wait for the queue ended.
    pub settled: Settled,
    /// Where everything is.
    pub layout: &'a Layout,
    /// From the first child started to the counts.
    pub elapsed: Duration,
    /// How the children stopped; `None` while they keep running.
    pub exits: Option<&'a [Exit]>,
}

impl Report<'_> {
    /// Whether the run proves the connector works: settled, nothing lost,
    /// and no job failed but the poisoned ones.
    pub fn ok(&self) -> bool {
        self.settled.settled && self.tally.lost() == 0 && self.tally.unexpected_failures.is_empty()
    }

    /// The one-line JSON summary.
    pub fn json(&self, exit_code: u8) -> Value {
        let tally = self.tally;
        let layout = self.layout;
        let poisoned: Vec<Value> = self
            .played
            .poisoned
            .iter()
            .map(|(entity, id)| json!({ "entity": entity, "id": id }))
            .collect();
        let unexpected: Vec<Value> = tally
            .unexpected_failures
            .iter()
            .map(|job| {
                json!({ "job": job.id, "entity": job.entity, "id": job.entity_id,
                               "rule": job.rule, "error": job.last_error })
            })
            .collect();
        let unfinished: Vec<Value> = tally
            .unfinished
            .iter()
            .map(|c| json!({ "entity": c.entity, "id": c.id, "change": c.what }))
            .collect();
        json!({
            "ok": self.ok(),
            "exit_code": exit_code,
            "settled": self.settled.settled,
            "elapsed_ms": self.elapsed.as_millis() as u64,
            "changes_made": self.played.actions,
            "deliveries": tally.deliveries,
            "decisions": tally.decisions,
            "webhooks": {
                "attempts": tally.attempts,
                "acknowledged": tally.acknowledged,
                "redelivered": tally.redelivered,
            },
            "jobs": tally.jobs,
            "completed": tally.completed,
            "skipped": tally.skipped,
            "failed": tally.failed,
            "poisoned": poisoned,
            "unexpected_failures": unexpected,
            "patches": tally.patches,
            "api_calls": tally.api_calls,
            "job_api_calls": tally.job_calls,
            "calls": tally.calls,
            "refused": tally.refused.iter().map(|(s, n)| (s.to_string(), *n))
                .collect::<std::collections::BTreeMap<_, _>>(),
            "lost": tally.lost(),
            "lost_event_ids": tally.lost_event_ids,
            "unfinished": unfinished,
            "accounts": self.accounts,
            // The address served during the demo, as stderr says, and
            // whether it still answers: without --keep-running everything
            // has stopped by the time this is printed.
            "dashboard": layout.dashboard_url(),
            "dashboard_live": self.running(),
            "dir": layout.dir,
            "dir_kept": !layout.removed_after(self.ok()),
            "logs": self.logs(),
            "children": self.exits.map(exits_json),
        })
    }

    /// The tables and lines for people.
    pub fn human(&self) -> String {
        let tally = self.tally;
        let mut parts = vec![
            "Enriched accounts (read back through the API):".to_owned(),
            self.accounts_table(),
            String::new(),
        ];

        let skipped = tally.skipped.values().sum::<usize>();
        let counts = [
            ("deliveries", self.deliveries_line()),
            (
                "jobs",
                format!(
                    "{}: {} completed, {skipped} skipped, {} failed ({} on purpose)",
                    tally.jobs,
                    tally.completed,
                    tally.failed,
                    tally.failed - tally.unexpected_failures.len()
                ),
            ),
            ("skipped by", joined(&tally.skipped)),
            (
                "api calls",
                format!(
                    "{} ({} PATCHes; refused: {})",
                    tally.api_calls,
                    tally.patches,
                    or_none(&refused(tally))
                ),
            ),
            ("lost", self.lost_line()),
            ("settled", self.settled_line()),
        ];
        parts.push(pairs(&counts));
        parts.push(String::new());

        parts.push("SuperOffice calls (the sandbox's request log):".to_owned());
        let rows = tally
            .calls
            .iter()
            .map(|(call, n)| vec![call.clone(), n.to_string()]);
        parts.push(table(&["call", "count"], rows));
        parts.push(String::new());

        parts.push(self.places());
        parts.join("\n")
    }

    fn accounts_table(&self) -> String {
        let rows = self.accounts.iter().map(|account| {
            vec![
                account.id.to_string(),
                cut(&account.company, 34),
                account.owner.clone(),
                cut(&account.vertical, 22),
                cut(&account.summary, 38),
                cut(&account.opener, 38),
            ]
        });
        table(
            &["id", "company", "owner", "vertical", "summary", "opener"],
            rows,
        )
    }

    fn deliveries_line(&self) -> String {
        let tally = self.tally;
        format!(
            "{} stored ({}); {} webhooks acknowledged, {} copies redelivered, {} attempts",
            tally.deliveries,
            joined(&tally.decisions),
            tally.acknowledged,
            tally.redelivered,
            tally.attempts
        )
    }

    fn lost_line(&self) -> String {
        let tally = self.tally;
        let mut line = format!(
            "{} ({} acknowledged but not stored, {} changes of ours unfinished)",
            tally.lost(),
            tally.lost_event_ids.len(),
            tally.unfinished.len()
        );
        for job in &tally.unexpected_failures {
            line.push_str(&format!(
                "\nunexpected failure: job {} {} {}: {}",
                job.id,
                job.entity,
                job.entity_id,
                job.last_error.as_deref().unwrap_or("-")
            ));
        }
        line
    }

    fn settled_line(&self) -> String {
        let secs = self.settled.waited.as_secs_f64();
        let state = if self.settled.settled {
            "yes"
        } else {
            "NO, timed out"
        };
        format!(
            "{state} after {secs:.1} s of waiting; {:.1} s in all",
            self.elapsed.as_secs_f64()
        )
    }

    /// Whether the children keep running after the report
    /// (`--keep-running`).
    fn running(&self) -> bool {
        self.exits.is_none()
    }

    /// Where the dashboard, the store and the logs are, saying which of
    /// them will be gone once soctl exits.
    fn places(&self) -> String {
        let layout = self.layout;
        let dashboard = if self.running() {
            layout.dashboard_url()
        } else {
            format!(
                "served at {} while the demo ran (--keep-running keeps it up)",
                layout.dashboard_url()
            )
        };
        let mut lines = vec![format!("dashboard  {dashboard}")];
        if layout.removed_after(self.ok()) {
            lines.push(format!(
                "files      {}, removed as the demo ends (--dir DIR keeps the store and logs)",
                layout.dir.display()
            ));
        } else {
            lines.push(format!("store      {}", layout.store_path().display()));
            for (name, path) in self.logs() {
                lines.push(format!("log        {path}  ({name})"));
            }
        }
        if let Some(exits) = self.exits {
            let stopped: Vec<String> = exits.iter().map(exit_text).collect();
            lines.push(format!("stopped    {}", stopped.join(", ")));
        }
        lines.join("\n")
    }

    fn logs(&self) -> std::collections::BTreeMap<String, String> {
        let workers = (1..=WORKERS).map(|n| format!("worker-{n}"));
        ["sandbox".to_owned(), "ingest".to_owned()]
            .into_iter()
            .chain(workers)
            .map(|name| {
                let path = self.layout.log(&name).display().to_string();
                (name, path)
            })
            .collect()
    }
}

fn exits_json(exits: &[Exit]) -> Value {
    let map: serde_json::Map<String, Value> = exits
        .iter()
        .map(|exit| {
            let how = json!({ "pid": exit.pid, "ended": how_it_ended(exit) });
            (exit.name.clone(), how)
        })
        .collect();
    Value::Object(map)
}

/// `worker-1 exit status: 0`, or how it was killed.
pub fn exit_text(exit: &Exit) -> String {
    format!("{} {}", exit.name, how_it_ended(exit))
}

fn how_it_ended(exit: &Exit) -> String {
    let status = match exit.status {
        Some(status) => status.to_string(),
        None => "not reaped".to_owned(),
    };
    if exit.killed {
        format!("killed after the stop timeout ({status})")
    } else {
        status
    }
}

fn joined(counts: &std::collections::BTreeMap<String, usize>) -> String {
    let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
    or_none(&parts.join(", "))
}

fn refused(tally: &Tally) -> String {
    let parts: Vec<String> = tally
        .refused
        .iter()
        .map(|(status, n)| format!("{status} ×{n}"))
        .collect();
    parts.join(", ")
}

fn or_none(text: &str) -> String {
    if text.is_empty() {
        "none".to_owned()
    } else {
        text.to_owned()
    }
}
