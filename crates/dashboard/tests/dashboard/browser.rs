//! The dashboard in a real headless Chromium: the page loads with seeded
//! jobs, shows resolved names and the right colours, the filter works, and
//! the retry button requeues a failed job.
//!
//! Set `SO_DASHBOARD_SCREENSHOT=/tmp/dashboard.png` to keep screenshots of
//! the seeded pages: the front page there, the failed jobs and a completed
//! job's page beside it (`dashboard-failed.png`, `dashboard-job.png`).

use std::net::TcpListener;

use actix_web::{web, App, HttpServer};
use serde_json::Value;
use so_queue::JobStatus;

use crate::chromium::Browser;
use crate::helpers::TestStore;
use crate::seed::{seed_day, Seeded};

/// The dashboard over a seeded store on 127.0.0.1:0.
struct Served {
    url: String,
    store: TestStore,
    seeded: Seeded,
    handle: actix_web::dev::ServerHandle,
}

async fn serve_seeded() -> Served {
    let store = TestStore::fresh().await;
    let mut conn = store.raw().await;
    let seeded = seed_day(&mut conn, so_queue::now_ms()).await;

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let dashboard = web::Data::new(store.dashboard());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(dashboard.clone())
            .configure(so_dashboard::configure)
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .unwrap()
    .run();
    let handle = server.handle();
    tokio::spawn(server);
    Served {
        url,
        store,
        seeded,
        handle,
    }
}

/// Runs the blocking browser session off the async threads.
async fn in_browser<T: Send + 'static>(work: impl FnOnce(&mut Browser) -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(move || work(&mut Browser::launch()))
        .await
        .expect("the browser session ran")
}

/// The accounts table as the page shows it: name, status and colours.
const READ_ROWS: &str = r#"Array.from(document.querySelectorAll('#runs tbody tr')).map(row => ({
    name: row.querySelector('td a').textContent.trim(),
    status: row.dataset.status,
    badge: getComputedStyle(row.querySelector('.badge')).color,
    stripe: getComputedStyle(row.querySelector('td')).borderLeftColor,
}))"#;

fn rows(value: &Value) -> &Vec<Value> {
    value.as_array().expect("rows")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_seeded_accounts_with_resolved_names_and_status_colours() {
    let served = serve_seeded().await;
    let url = served.url.clone();
    let screenshot = std::env::var_os("SO_DASHBOARD_SCREENSHOT").map(std::path::PathBuf::from);
    let job = served.seeded.completed_job;

    let (rows_seen, times) = in_browser(move |browser| {
        if let Some(path) = &screenshot {
            let beside = |suffix: &str| {
                let stem = path.file_stem().unwrap_or_default().to_string_lossy();
                path.with_file_name(format!("{stem}-{suffix}.png"))
            };
            browser.goto(&format!("{url}/failed"));
            browser.screenshot(&beside("failed"));
            browser.goto(&format!("{url}/jobs/{job}"));
            browser.screenshot(&beside("job"));
        }
        browser.goto(&format!("{url}/"));
        if let Some(path) = &screenshot {
            browser.screenshot(path);
        }
        let times = browser.eval(
            "Array.from(document.querySelectorAll('time')).map(t => [t.textContent, t.title])",
        );
        (browser.eval(READ_ROWS), times)
    })
    .await;

    let find = |name: &str| {
        rows(&rows_seen)
            .iter()
            .find(|row| row["name"] == name)
            .unwrap_or_else(|| panic!("no row {name} in {rows_seen:#}"))
            .clone()
    };
    let green = "rgb(18, 128, 92)";
    let red = "rgb(192, 54, 44)";
    let enriched = find("Hotel Seeblick GmbH (RKAB)");
    assert_eq!(enriched["status"], "completed", "the echo is outshone");
    assert_eq!(enriched["badge"], green);
    assert_eq!(enriched["stripe"], green);
    let failed = find("Messe Süd GmbH (RKAB)");
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["badge"], red);
    assert_eq!(find("contact 4711")["status"], "pending");
    assert_eq!(find("Fitnesspark Mitte (MHLR)")["status"], "processing");
    // The script showed times in the browser's zone; UTC stays on hover.
    for time in rows(&times) {
        assert!(time[1].as_str().unwrap().ends_with(" UTC"), "{time}");
        assert!(!time[0].as_str().unwrap().ends_with(" UTC"), "{time}");
    }
    served.handle.stop(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_filter_narrows_the_list() {
    let served = serve_seeded().await;
    let url = served.url.clone();

    let filtered = in_browser(move |browser| {
        browser.goto(&format!("{url}/"));
        browser.eval(
            "document.querySelector('#status').value = 'failed';
             document.querySelector('form.filter button').click()",
        );
        browser.wait_until(
            "location.search.includes('status=failed') && document.readyState === 'complete'",
        );
        browser.eval(READ_ROWS)
    })
    .await;

    let statuses: Vec<&str> = rows(&filtered)
        .iter()
        .map(|row| row["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["failed"], "{filtered:#}");
    assert_eq!(rows(&filtered)[0]["name"], "Messe Süd GmbH (RKAB)");
    served.handle.stop(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_retry_button_requeues_a_failed_job() {
    let served = serve_seeded().await;
    let url = served.url.clone();
    let job = served.seeded.failed_job;

    let notice = in_browser(move |browser| {
        browser.goto(&format!("{url}/failed"));
        browser.eval(&format!(
            "document.querySelector('tr[data-job=\"{job}\"] button').click()"
        ));
        browser.wait_until(
            "location.search.includes('notice=requeued') && document.readyState === 'complete'",
        );
        browser.eval("document.querySelector('.notice').textContent")
    })
    .await;

    assert_eq!(notice, format!("Job #{job} is back in the queue."));
    let detail = served.store.store.job(job).await.unwrap().unwrap();
    assert_eq!(detail.job.status, JobStatus::Pending);
    served.handle.stop(true).await;
}
