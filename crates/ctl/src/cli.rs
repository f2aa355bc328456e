//! The command line: every subcommand, its arguments and its examples.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::EXIT_CODES_HELP;

/// soctl: inspect and repair the connector's queue, talk to the SuperOffice
/// tenant, run the production checks.
///
/// Settings come from the same place as the other binaries': ./.env (which
/// wins over the inherited environment), SO__SECTION__KEY variables and an
/// optional TOML file. SO__STORE__PATH names the job store,
/// SO__SUPEROFFICE__* the tenant and credentials.
#[derive(Debug, Parser)]
#[command(name = "soctl", version, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// Print one JSON document on stdout instead of tables.
    #[arg(long, global = true)]
    pub json: bool,

    /// A TOML settings file, read before the environment and .env.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The .env file to read (default: ./.env when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub env_file: Option<PathBuf>,

    /// More log lines on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the whole connector on a local sandbox tenant and show what it
    /// did: the one-command demo.
    #[command(after_help = "\
Starts so-sandbox (the shipped seed), so-ingest and two so-worker processes
(found beside soctl: build them with cargo build) on a fresh
SQLite file, drives realistic webhook traffic with redeliveries and faults,
waits until the queue settles, then shows the enriched accounts, the
outcomes, the SuperOffice calls and whether any acknowledged delivery or
change of ours was lost. Exits 0 when nothing was lost and only the
deliberately poisoned job failed, 5 otherwise, 130 when Ctrl-C (or SIGTERM)
interrupts it before the report. The settings of this shell and its .env
are not passed on: every process gets its own.

Everything stops when the report is printed, the dashboard too:
--keep-running keeps it all up until Ctrl-C. That Ctrl-C (or SIGTERM) is how
such a demo ends, not an interruption: it stops everything and exits with
the report's code, 0 or 5, not 130. Without --dir the demo works
in a new soctl-demo-* directory under the system's temp dir (/tmp), which
is removed when the demo ends well and kept, its path printed, when it
fails or is interrupted, for the logs; --dir DIR works in DIR and keeps it.

Examples:
  soctl demo
  soctl demo --json | tail -1
  soctl demo --dir /tmp/demo --keep-running")]
    Demo(crate::demo::DemoArgs),

    /// Apply pending migrations to the job store and show its schema version.
    #[command(after_help = "Examples:\n  soctl migrate\n  soctl migrate --json")]
    Migrate,

    /// Look at and repair the job queue.
    #[command(subcommand)]
    Queue(QueueCommand),

    /// Queue the stored deliveries of one record, or of a time range, again.
    #[command(after_help = "\
Each replayed delivery gets a new event id, replay:<original id>:<n>, and
makes (or joins) the record's pending job. By default only deliveries that
made a job are replayed; --include-skipped adds those the ingest skipped.

Examples:
  soctl replay --entity contact:4711
  soctl replay --from 2025-03-11T08:00:00 --to 2025-03-11T09:00:00
  soctl replay --from 6h --include-skipped")]
    Replay(ReplayArgs),

    /// Check the credentials against the tenant.
    #[command(subcommand)]
    Auth(AuthCommand),

    /// The items of a SuperOffice list (id and name), e.g. for
    /// analyzer.list_item_ids.
    #[command(after_help = "\
NAME is a list name (Category, Business, Vertical) or id, or the MDO name of
a user-defined list (udlist108).

Examples:
  soctl lists Vertical
  soctl lists udlist108 --json")]
    Lists {
        /// The list's name or id.
        name: String,
    },

    /// The user-defined fields of contacts or persons: ProgId, type, length.
    #[command(after_help = "Examples:\n  soctl udfs contact\n  soctl udfs person --json")]
    Udfs {
        /// Whose fields.
        owner: UdfOwnerArg,
    },

    /// Compare the worker's settings with the tenant.
    #[command(subcommand)]
    Config(ConfigCommand),

    /// Queue every account of ours that matches an OData filter.
    #[command(after_help = "\
Walks the Contact archive in contactId order, page by page, at the client's
rate limit (SO__SUPEROFFICE__REQUESTS_PER_SECOND), and queues each account
whose owner is on the owner whitelist. The cursor (last contactId done) is
kept in the job store after every page: after an interruption, --resume
carries on where the run stopped.

A filter SuperOffice refuses (400) exits 2 with its reason and records no
run. A resumed run whose query is refused is ended (exit 2): asking again
would be refused again. A page refused after earlier pages came back stops
the run with its cursor saved (exit 1); --resume then asks a new query from
the cursor, and ends the run if that is refused too. --list shows a run as
ended once it reached its end, was closed by --restart or was refused.

Examples:
  soctl backfill --filter \"category equals 'Prospect'\"
  soctl backfill --filter \"registeredDate after '2024-01-01'\" --limit 500
  soctl backfill --resume
  soctl backfill --list")]
    Backfill(BackfillArgs),

    /// Queue the contacts and persons changed since a moment that no job
    /// has seen to (missed webhooks).
    #[command(after_help = "\
A record is queued when SuperOffice says it changed after --since and no
job is pending or processing for it, and none finished after its update.
Accounts that are not ours are left out.

Examples:
  soctl reconcile --since 2025-03-11T08:00:00
  soctl reconcile --since 6h --dry-run
  soctl reconcile --since 2d --contacts-only")]
    Reconcile(ReconcileArgs),

    /// The connector's webhook in SuperOffice.
    #[command(subcommand)]
    Webhook(WebhookCommand),

    /// The newest account of ours and whether it was enriched.
    #[command(after_help = "\
Shows the account's result fields (worker.fields.*) and its latest job.
Exits 5 when none of the result fields has a value.

Examples:
  soctl verify-latest
  soctl verify-latest --json")]
    VerifyLatest,

    /// The newest account of one owner or a group of owners.
    #[command(after_help = "\
Examples:
  soctl find-latest --owner RKAB
  soctl find-latest --owner 23,24,JMUE")]
    FindLatest {
        /// Owners by associate id or short name, comma-separated.
        #[arg(long, value_delimiter = ',', required = true)]
        owner: Vec<String>,
    },

    /// How many accounts the owner whitelist admits, counted through the
    /// API, compared with the counts by owner.
    #[command(after_help = "\
Counts the accounts of all whitelisted owners with one query, then each
owner's with one query each (the numbers the CRM shows per owner). Exits 5
when the total differs from the sum.

Examples:
  soctl check-filter-counts
  soctl check-filter-counts --json")]
    CheckFilterCounts,

    /// Find what test runs created (marked by cleanup.name_prefix or a UDF
    /// value) and delete it with --yes.
    #[command(after_help = "\
The marker: contacts whose name, and persons whose first or last name,
start with SO__CLEANUP__NAME_PREFIX (default \"[TEST]\"); and contacts whose
UDF SO__CLEANUP__UDF_PROG_ID holds SO__CLEANUP__UDF_VALUE, when both are set.
Without --yes nothing is deleted.

Examples:
  soctl cleanup-test-data
  soctl cleanup-test-data --yes")]
    CleanupTestData {
        /// Delete what was found.
        #[arg(long)]
        yes: bool,
    },
}

/// `soctl queue …`.
#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Jobs per status, the queue's lag and the last webhook delivery.
    #[command(after_help = "Examples:\n  soctl queue stats\n  soctl queue stats --since 1d")]
    Stats {
        /// Only jobs changed since then.
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
    },

    /// Jobs, newest first, filtered.
    #[command(after_help = "\
Examples:
  soctl queue list --status failed
  soctl queue list --entity contact --search Nordlys --limit 10")]
    List(ListArgs),

    /// One job with its deliveries, attempts and result.
    #[command(after_help = "Examples:\n  soctl queue show 42\n  soctl queue show 42 --json")]
    Show {
        /// The job id.
        id: i64,
    },

    /// Put one failed job back in the queue, with fresh attempts.
    #[command(after_help = "Examples:\n  soctl queue retry 42")]
    Retry {
        /// The job id.
        id: i64,
    },

    /// Put every failed job back in the queue.
    #[command(
        after_help = "Examples:\n  soctl queue retry-failed\n  soctl queue retry-failed --since 2h"
    )]
    RetryFailed {
        /// Only jobs that failed since then.
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
    },

    /// Remove finished jobs older than an age (dry run without --yes).
    #[command(after_help = "\
Removes the jobs of one finished status that finished before the age, with
their deliveries and attempts. --retention applies the retention settings
instead (SO__RETENTION__COMPLETED_DAYS, _SKIPPED_DAYS, _FAILED_DAYS).

Examples:
  soctl queue purge --status completed --older-than 30d
  soctl queue purge --status skipped --older-than 7d --yes
  soctl queue purge --retention --yes")]
    Purge(PurgeArgs),
}

/// `soctl queue list` filters.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this status.
    #[arg(long)]
    pub status: Option<StatusArg>,
    /// Only this entity.
    #[arg(long)]
    pub entity: Option<EntityArg>,
    /// Company or owner name contains this, or the record id is this.
    #[arg(long)]
    pub search: Option<String>,
    /// At most this many jobs.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
}

/// `soctl queue purge` arguments.
#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// The finished status to purge.
    #[arg(long, required_unless_present = "retention", requires = "older_than")]
    pub status: Option<FinishedArg>,
    /// How long ago the jobs finished at least: 30d, 12h, 2w.
    #[arg(long, value_name = "AGE", requires = "status")]
    pub older_than: Option<String>,
    /// Apply the retention settings to every finished status.
    #[arg(long, conflicts_with = "status")]
    pub retention: bool,
    /// Delete for real (otherwise only count).
    #[arg(long)]
    pub yes: bool,
}

/// `soctl replay` arguments.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["entity", "from"])))]
pub struct ReplayArgs {
    /// One record: contact:ID or person:ID.
    #[arg(long, value_name = "ENTITY:ID")]
    pub entity: Option<String>,
    /// Deliveries received from then on.
    #[arg(long, value_name = "TIME", requires = "to")]
    pub from: Option<String>,
    /// ... up to (not including) then.
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Also replay deliveries the ingest skipped (echoes, irrelevant fields).
    #[arg(long)]
    pub include_skipped: bool,
}

/// `soctl auth …`.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Refresh the token, show the API user and the tenant endpoint in use.
    #[command(after_help = "\
Each failure says what to do: wrong client secret (invalid_client),
revoked consent (invalid_grant), tenant not found (wrong context id or
environment), tenant not running (maintenance).

Examples:
  soctl auth check
  soctl auth check --json")]
    Check,
}

/// `soctl config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Compare the field ProgIds and the vertical → list item mapping with
    /// the tenant; name every mismatch.
    #[command(after_help = "\
Checks worker.fields.* against the contact and person UDF layouts (exists,
type), the list behind the vertical field against the taxonomy's list item
ids (analyzer.list_item_ids), and the owner whitelist against the tenant's
users. Exits 5 when something does not match.

Examples:
  soctl config check
  soctl config check --json")]
    Check,
}

/// `soctl backfill` arguments.
#[derive(Debug, Args)]
pub struct BackfillArgs {
    /// The OData $filter of the accounts (empty: every account).
    #[arg(long, conflicts_with_all = ["resume", "list"])]
    pub filter: Option<String>,
    /// Continue the newest unfinished run from its cursor.
    #[arg(long, conflicts_with = "list")]
    pub resume: bool,
    /// Show the recent runs, their cursors and when they ended.
    #[arg(long)]
    pub list: bool,
    /// Start over although a run with this filter is unfinished (that run
    /// is closed).
    #[arg(long, conflicts_with_all = ["resume", "list"])]
    pub restart: bool,
    /// Rows per page (and per saved batch), 1 to 1000.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub page_size: u32,
    /// Stop after queueing this many accounts; resume later with --resume.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
}

/// `soctl reconcile` arguments.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// Records changed after then: a date, a date-time or an age (6h).
    #[arg(long, value_name = "TIME")]
    pub since: String,
    /// Only contacts, not persons.
    #[arg(long)]
    pub contacts_only: bool,
    /// Show what would be queued, queue nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// `soctl webhook …`.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Our webhook's state and delivery counters.
    #[command(after_help = "\
Our webhook is the one named SO__WEBHOOK__NAME (default
enrichment-connector). Exits 4 when there is none.

Examples:
  soctl webhook status
  soctl webhook status --json")]
    Status,

    /// Register our webhook (or point the existing one at a new URL and
    /// secret). SuperOffice posts a test event to the URL first.
    #[command(after_help = "\
Examples:
  soctl webhook register --url https://connector.example.com/connector/webhook
  soctl webhook register --url https://… --secret \"$(openssl rand -hex 32)\"")]
    Register {
        /// The public HTTPS URL of so-ingest (default SO__WEBHOOK__URL).
        #[arg(long)]
        url: Option<String>,
        /// The signing secret (default SO__INGEST__WEBHOOK__SECRET, which
        /// the ingest checks signatures with).
        #[arg(long)]
        secret: Option<String>,
    },

    /// Set our webhook Active again (after TooManyErrors), then reconcile
    /// from the last delivery it made.
    #[command(after_help = "\
Reconciles from the last webhook delivery in the job store, minus
SO__RECONCILE__MARGIN_SECS (default 300), unless --since is given.

Examples:
  soctl webhook activate
  soctl webhook activate --since 2025-03-11T06:00:00
  soctl webhook activate --no-reconcile")]
    Activate {
        /// Reconcile from then instead of the last delivery.
        #[arg(long, value_name = "TIME")]
        since: Option<String>,
        /// Do not reconcile.
        #[arg(long, conflicts_with = "since")]
        no_reconcile: bool,
    },
}

/// A job status.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum StatusArg {
    /// Waiting.
    Pending,
    /// Being worked on.
    Processing,
    /// Done.
    Completed,
    /// Left alone by a rule.
    Skipped,
    /// Given up on.
    Failed,
}

/// A finished job status.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FinishedArg {
    /// Done.
    Completed,
    /// Left alone by a rule.
    Skipped,
    /// Given up on.
    Failed,
}

/// contact or person.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EntityArg {
    /// Companies.
    Contact,
    /// Persons.
    Person,
}

/// Whose UDFs.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum UdfOwnerArg {
    /// Contact (company) fields.
    Contact,
    /// Person fields.
    Person,
}

impl StatusArg {
    /// The store's status.
    pub fn status(self) -> so_queue::JobStatus {
        use so_queue::JobStatus;
        match self {
            StatusArg::Pending => JobStatus::Pending,
            StatusArg::Processing => JobStatus::Processing,
            StatusArg::Completed => JobStatus::Completed,
            StatusArg::Skipped => JobStatus::Skipped,
            StatusArg::Failed => JobStatus::Failed,
        }
    }
}

impl FinishedArg {
    /// The store's status.
    pub fn status(self) -> so_queue::JobStatus {
        use so_queue::JobStatus;
        match self {
            FinishedArg::Completed => JobStatus::Completed,
            FinishedArg::Skipped => JobStatus::Skipped,
            FinishedArg::Failed => JobStatus::Failed,
        }
    }
}

impl EntityArg {
    /// The store's entity word.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityArg::Contact => "contact",
            EntityArg::Person => "person",
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
