//! How fast the dashboard renders with a large file: seeds a fresh SQLite
//! file with `--rows` jobs (1,000,000 by default) and as many deliveries,
//! then times the pages an operator opens, rendered in-process exactly as
//! the admin listener serves them (HTML, no network in the way).
//!
//! ```text
//! cargo run --release -p so-dashboard --example dashboard-bench
//! cargo run --release -p so-dashboard --example dashboard-bench -- --rows 100000 --runs 9
//! ```
//!
//! The seeded file looks like two months of a busy tenant: 50,000
//! accounts, each job followed by the echo of its write-back, one job in
//! fifty failed, a few hundred pending at the end; every account named.
//! It is written with set-based SQL (one `INSERT ... SELECT` per table), so
//! seeding takes seconds rather than the minutes a million webhook
//! transactions would.
//!
//! Each page is requested `--runs` times (default 7) after one warm-up;
//! the median and the slowest are printed. `--keep FILE` writes the file
//! there and leaves it, for looking at query plans.

use std::time::{Duration, Instant};

use actix_web::{test, web, App};
use so_dashboard::overview::load_overview;
use so_dashboard::runs::{load_runs, RunQuery};
use so_dashboard::Dashboard;
use so_queue::{Store, StoreOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

/// Two months in milliseconds: the span the seeded jobs cover.
const SPAN_MS: i64 = 60 * 24 * 60 * 60 * 1000;

/// Accounts the jobs are spread over (not a multiple of the status cycle,
/// so every account sees every kind of job).
const ACCOUNTS: i64 = 49_999;

struct Options {
    rows: i64,
    runs: usize,
    /// Write the file here instead of a temporary directory (and keep it).
    keep: Option<std::path::PathBuf>,
}

fn options() -> Options {
    let mut options = Options {
        rows: 1_000_000,
        runs: 7,
        keep: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_default();
        match arg.as_str() {
            "--rows" => options.rows = value.parse().expect("--rows takes a number"),
            "--runs" => options.runs = value.parse().expect("--runs takes a number"),
            "--keep" => options.keep = Some(value.into()),
            _ => panic!("unknown argument {arg}; use --rows N, --runs N, --keep FILE"),
        }
    }
    options
}

#[actix_web::main]
async fn main() {
    let options = options();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = options
        .keep
        .clone()
        .unwrap_or_else(|| dir.path().join("bench.sqlite"));
    let store = Store::open(&path, StoreOptions::default())
        .await
        .expect("store opens");

    let now = so_queue::now_ms();
    let started = Instant::now();
    seed(&path, options.rows, now).await;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "seeded {} jobs and {} deliveries in {:.1} s ({} MiB)",
        options.rows,
        options.rows,
        started.elapsed().as_secs_f64(),
        size / (1024 * 1024)
    );

    let dashboard = Dashboard {
        refresh_secs: 0,
        ..Dashboard::new(store.clone())
    };
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(dashboard))
            .configure(so_dashboard::configure),
    )
    .await;

    let failed_job: i64 = sqlx::query_scalar("SELECT max(id) FROM jobs WHERE status = 'failed'")
        .fetch_one(&mut connect(&path).await)
        .await
        .expect("a failed job");
    let second_page: i64 = options.rows / 2;
    let pages = [
        ("main page (summary + 50 accounts)", "/".to_owned()),
        (
            "main page, an older page (keyset)",
            format!("/?before={second_page}"),
        ),
        ("filtered: status=failed", "/?status=failed".to_owned()),
        ("filtered: status=skipped", "/?status=skipped".to_owned()),
        ("search: company name", "/?q=Company%2012345".to_owned()),
        ("search: owner short name", "/?q=OW3".to_owned()),
        ("failed jobs page", "/failed".to_owned()),
        ("job page", format!("/jobs/{failed_job}")),
        ("JSON: /api/overview", "/api/overview".to_owned()),
        ("JSON: /api/runs", "/api/runs".to_owned()),
    ];

    println!(
        "\n{:<38} {:>10} {:>10} {:>9}",
        "page", "median", "slowest", "bytes"
    );
    for (name, uri) in pages {
        let mut times = Vec::with_capacity(options.runs);
        let mut bytes = 0;
        for run in 0..=options.runs {
            let request = test::TestRequest::get().uri(&uri).to_request();
            let began = Instant::now();
            let response = test::call_service(&app, request).await;
            assert!(
                response.status().is_success(),
                "{uri}: {}",
                response.status()
            );
            bytes = test::read_body(response).await.len();
            if run > 0 {
                times.push(began.elapsed());
            }
        }
        times.sort();
        println!(
            "{name:<38} {:>10} {:>10} {bytes:>9}",
            ms(times[times.len() / 2]),
            ms(*times.last().unwrap())
        );
    }

    // Where a page's time goes: the store reads behind it.
    println!();
    let queries: [(&str, RunQuery); 3] = [
        (
            "runs: first page",
            RunQuery {
                limit: 50,
                ..RunQuery::default()
            },
        ),
        (
            "runs: status=failed",
            RunQuery {
                status: Some(so_queue::JobStatus::Failed),
                limit: 50,
                ..RunQuery::default()
            },
        ),
        (
            "runs: search OW3",
            RunQuery {
                search: Some("OW3".into()),
                limit: 50,
                ..RunQuery::default()
            },
        ),
    ];
    for (name, query) in queries {
        let mut times = Vec::new();
        for _ in 0..options.runs {
            let began = Instant::now();
            load_runs(&store, &query).await.expect("runs");
            times.push(began.elapsed());
        }
        report(name, &mut times);
    }
    let mut times = Vec::new();
    for _ in 0..options.runs {
        let began = Instant::now();
        let uncached = so_dashboard::overview::SharesCache::default();
        load_overview(&store, &uncached, now)
            .await
            .expect("overview");
        times.push(began.elapsed());
    }
    report("summary, skip shares read (not cached)", &mut times);

    // A Prometheus scrape: the queue gauges are read from the file.
    let (exporter, ()) = so_metrics::Exporter::with_queue(store.clone(), |_| ());
    let mut times = Vec::new();
    for _ in 0..options.runs {
        let began = Instant::now();
        let text = exporter.render().await;
        times.push(began.elapsed());
        assert!(text.contains("so_queue_readable 1"), "{text}");
    }
    times.sort();
    println!(
        "{:<38} {:>10} {:>10}",
        "/metrics (queue gauges from the file)",
        ms(times[times.len() / 2]),
        ms(*times.last().unwrap())
    );
}

fn report(name: &str, times: &mut [Duration]) {
    times.sort();
    println!(
        "{name:<38} {:>10} {:>10}",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

async fn connect(path: &std::path::Path) -> sqlx::SqliteConnection {
    SqliteConnectOptions::new()
        .filename(path)
        .connect()
        .await
        .expect("connect")
}

/// Writes `rows` jobs, one delivery each, and the account names, in one
/// transaction. Job `i` (from 0) is made at `now - SPAN + i * step`.
async fn seed(path: &std::path::Path, rows: i64, now: i64) {
    let mut conn = connect(path).await;
    let mut tx = conn.begin().await.expect("begin");
    let step = SPAN_MS / rows.max(1);
    let start = now - SPAN_MS;
    let pending_from = rows - 300;

    // Status by position: the last 300 pending; else one in fifty failed,
    // two in five skipped echoes, the rest completed.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 - 1)
         INSERT INTO jobs (id, tenant, entity, entity_id, event, changes, status, rule, reason,
                           run_at, attempts, last_error, company_name, owner_short_name, result,
                           created_at, updated_at, finished_at)
         SELECT i + 1, 'Cust1', 'contact', 1 + i % ?2,
                'contact.changed', '[\"name\"]', s,
                CASE s WHEN 'skipped' THEN 'echo_of_own_write'
                       WHEN 'failed' THEN 'retries_exhausted' END,
                CASE s WHEN 'skipped' THEN 'changed by the connector''s own user'
                       WHEN 'failed' THEN 'gave up after 5 attempts' END,
                t, CASE s WHEN 'failed' THEN 5 WHEN 'pending' THEN 0 ELSE 1 END,
                CASE s WHEN 'failed' THEN 'SuperOffice answered 500' END,
                CASE WHEN s IN ('completed', 'failed') THEN 'Company ' || (1 + i % ?2) END,
                CASE WHEN s IN ('completed', 'failed') THEN 'OW' || (i % 7) END,
                CASE s WHEN 'completed' THEN
                    json_object('changes', json_array(json_object(
                                    'field', 'SuperOffice:1', 'before', '', 'after', 'A summary.')),
                                'unchanged', json_array())
                END,
                t, t + CASE WHEN s = 'pending' THEN 0 ELSE 2000 END,
                CASE WHEN s = 'pending' THEN NULL ELSE t + 2000 END
         FROM (SELECT i, ?3 + i * ?4 AS t,
                      CASE WHEN i >= ?5 THEN 'pending'
                           WHEN i % 50 = 7 THEN 'failed'
                           WHEN i % 5 IN (1, 3) THEN 'skipped'
                           ELSE 'completed' END AS s
               FROM n)",
    )
    .bind(rows)
    .bind(ACCOUNTS)
    .bind(start)
    .bind(step)
    .bind(pending_from)
    .execute(&mut *tx)
    .await
    .expect("jobs seeded");

    sqlx::query(
        "INSERT INTO deliveries (event_id, received_at, tenant, event, entity, entity_id, changes,
                                 payload, decision, rule, reason, job_id)
         SELECT 'bench-' || id, created_at, tenant, event, entity, entity_id, changes, '{}',
                CASE status WHEN 'skipped' THEN 'skipped' ELSE 'queued' END,
                CASE status WHEN 'skipped' THEN rule END,
                CASE status WHEN 'skipped' THEN reason END, id
         FROM jobs",
    )
    .execute(&mut *tx)
    .await
    .expect("deliveries seeded");

    sqlx::query(
        "INSERT INTO account_names (tenant, entity, entity_id, company_name, owner_short_name,
                                    updated_at)
         SELECT tenant, entity, entity_id, company_name, owner_short_name, max(updated_at)
         FROM jobs WHERE company_name IS NOT NULL GROUP BY tenant, entity, entity_id",
    )
    .execute(&mut *tx)
    .await
    .expect("names seeded");
    tx.commit().await.expect("commit");

    // One huge transaction leaves a WAL as large as the file; a running
    // system checkpoints every thousand pages, so move it in before timing.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await
        .expect("checkpoint");
}
