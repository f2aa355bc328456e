//! Crashes under load, with the real binary: SIGKILL while 64 senders
//! deliver, then a restart on the same file; SIGTERM while they deliver.
//! The promise SuperOffice relies on is that a 200 means the delivery is on
//! disk, and a sender that got no answer may simply send again.

use std::os::unix::process::ExitStatusExt as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use so_ingest::verify::sign;
use so_queue::{Store, StoreOptions};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::child::IngestProcess;
use crate::helpers::{contact_changed, new_event_id, SECRET, TOKEN};

/// Concurrent senders, as many as SuperOffice may open at once.
const SENDERS: usize = 64;
/// Deliveries each sender makes, one after the other.
const PER_SENDER: usize = 40;
/// Every delivery of the load.
const TOTAL: usize = SENDERS * PER_SENDER;
/// systemd's `TimeoutStopSec` in deploy/so-ingest.service: a stop that takes
/// longer ends in SIGKILL in production, so here it fails the test.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// A guard against a hang, not a measurement: how long a sender keeps
/// retrying one delivery, and how long the test waits for the load.
const PATIENCE: Duration = Duration::from_secs(60);
/// Pause between a sender's tries, as a real sender backs off.
const RETRY_PAUSE: Duration = Duration::from_millis(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_sigkill_and_restart_every_acknowledged_delivery_is_stored_and_retries_store_once() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("connector.sqlite");
    let mut first = IngestProcess::start(dir.path(), &db_path, "first");
    let (publish, address) = watch::channel(first.address.clone());
    let load = Load::new(address, Retries::UntilAnswered);
    let senders = load.start();

    load.until_acknowledged(TOTAL / 3).await;
    first.signal("KILL");
    let killed = first.exit_within(STOP_TIMEOUT);
    let acknowledged_before_kill = load.acknowledged();
    let second = restart(dir.path(), &db_path).await;
    publish.send_replace(second.address.clone());
    let fates = finish(senders).await;

    let store = Store::open(&db_path, StoreOptions::default())
        .await
        .unwrap();
    let (deliveries, jobs) = rows(&db_path).await;
    eprintln!(
        "acknowledged before SIGKILL: {acknowledged_before_kill} of {TOTAL}; \
         tries without an answer: {}",
        load.unanswered()
    );
    assert_eq!(
        killed.signal(),
        Some(9),
        "the first process died of SIGKILL"
    );
    assert!(
        acknowledged_before_kill < TOTAL,
        "the kill came while senders were still delivering"
    );
    assert!(
        load.unanswered() > 0,
        "some senders got no answer from the killed process"
    );
    assert_all_acknowledged(&fates, TOTAL);
    assert_stored(&store, &fates).await;
    assert_eq!(deliveries, TOTAL, "each delivery is stored once");
    assert_eq!(jobs, TOTAL, "a retried delivery made no second job");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_drains_exits_zero_and_stores_exactly_what_it_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("connector.sqlite");
    let mut ingest = IngestProcess::start(dir.path(), &db_path, "ingest");
    let (_publish, address) = watch::channel(ingest.address.clone());
    let load = Load::new(address, Retries::None);
    let senders = load.start();

    load.until_acknowledged(TOTAL / 4).await;
    ingest.signal("TERM");
    let stopping = ingest.next_notification();
    let status = tokio::task::spawn_blocking(move || ingest.exit_within(STOP_TIMEOUT))
        .await
        .unwrap();
    let fates = finish(senders).await;

    let store = Store::open(&db_path, StoreOptions::default())
        .await
        .unwrap();
    let (deliveries, _) = rows(&db_path).await;
    let acknowledged = fates.iter().filter(|(_, fate)| *fate == Fate::Acknowledged);
    eprintln!(
        "acknowledged: {} of {TOTAL}; stored: {deliveries}",
        acknowledged.clone().count()
    );
    assert_eq!(stopping, "STOPPING=1\nSTATUS=draining\n");
    assert_eq!(status.code(), Some(0), "a drained stop exits 0");
    assert!(
        fates.iter().all(|(_, fate)| *fate != Fate::ServerError),
        "a stopping ingest finishes what it accepted instead of failing it"
    );
    assert_stored(&store, &fates).await;
    assert_eq!(
        deliveries,
        acknowledged.count(),
        "nothing was stored without its 200 reaching the sender"
    );
}

/// Whether a sender sends a delivery again after getting no answer or a 5xx.
#[derive(Clone, Copy, PartialEq)]
enum Retries {
    /// Like SuperOffice: until it is acknowledged.
    UntilAnswered,
    /// Gives the delivery up at once.
    None,
}

/// What became of one delivery, from the sender's side.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    /// Answered 200.
    Acknowledged,
    /// Answered 5xx, and not sent again.
    ServerError,
    /// No answer (connection refused or cut), and not sent again.
    Unanswered,
}

/// The senders' shared state: where the ingest is now and what came back.
struct Load {
    inner: Arc<LoadInner>,
}

struct LoadInner {
    client: reqwest::Client,
    address: watch::Receiver<String>,
    retries: Retries,
    /// Deliveries answered 200.
    acknowledged: AtomicUsize,
    /// Tries that got no answer at all.
    unanswered: AtomicUsize,
}

impl Load {
    fn new(address: watch::Receiver<String>, retries: Retries) -> Load {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let inner = LoadInner {
            client,
            address,
            retries,
            acknowledged: AtomicUsize::new(0),
            unanswered: AtomicUsize::new(0),
        };
        Load {
            inner: Arc::new(inner),
        }
    }

    fn acknowledged(&self) -> usize {
        self.inner.acknowledged.load(Ordering::SeqCst)
    }

    fn unanswered(&self) -> usize {
        self.inner.unanswered.load(Ordering::SeqCst)
    }

    /// Starts the senders; each delivers `PER_SENDER` fresh events, one
    /// after the other, each about a contact of its own.
    fn start(&self) -> JoinSet<Vec<(String, Fate)>> {
        let mut senders = JoinSet::new();
        for sender in 0..SENDERS {
            let inner = self.inner.clone();
            senders.spawn(async move {
                let mut fates = Vec::with_capacity(PER_SENDER);
                for index in 0..PER_SENDER {
                    let event_id = new_event_id();
                    let contact = 10_000 + (sender * PER_SENDER + index) as i64;
                    let body = contact_changed(&event_id, contact);
                    let fate = inner.deliver(&body).await;
                    fates.push((event_id, fate));
                }
                fates
            });
        }
        senders
    }

    /// Waits until `count` deliveries have been acknowledged.
    async fn until_acknowledged(&self, count: usize) {
        let waiting = async {
            while self.acknowledged() < count {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        };
        tokio::time::timeout(PATIENCE, waiting)
            .await
            .expect("the load gets going");
    }
}

impl LoadInner {
    /// Posts one signed delivery to wherever the ingest is now, again and
    /// again if the retries allow, until it is answered.
    async fn deliver(&self, body: &str) -> Fate {
        let signature = sign(SECRET, body.as_bytes());
        let tries = PATIENCE.as_millis() / RETRY_PAUSE.as_millis();
        for _ in 0..tries {
            let address = self.address.borrow().clone();
            let answer = self
                .client
                .post(format!("{address}/connector/webhook?token={TOKEN}"))
                .header("Content-Type", "application/json")
                .header("X-SuperOffice-Signature", &signature)
                .body(body.to_owned())
                .send()
                .await;

            let fate = match answer {
                Ok(response) if response.status() == 200 => {
                    self.acknowledged.fetch_add(1, Ordering::SeqCst);
                    return Fate::Acknowledged;
                }
                Ok(response) if response.status().is_server_error() => Fate::ServerError,
                Ok(response) => panic!("a valid delivery was refused: {}", response.status()),
                Err(_) => {
                    self.unanswered.fetch_add(1, Ordering::SeqCst);
                    Fate::Unanswered
                }
            };
            if self.retries == Retries::None {
                return fate;
            }
            tokio::time::sleep(RETRY_PAUSE).await;
        }
        panic!("a delivery was not acknowledged within {PATIENCE:?}");
    }
}

/// Starts the second process on the same file, off the async threads (the
/// start blocks on the notify socket).
async fn restart(dir: &Path, db_path: &Path) -> IngestProcess {
    let (dir, db_path): (PathBuf, PathBuf) = (dir.to_owned(), db_path.to_owned());
    tokio::task::spawn_blocking(move || IngestProcess::start(&dir, &db_path, "second"))
        .await
        .unwrap()
}

/// Every sender's fates, once all are done.
async fn finish(mut senders: JoinSet<Vec<(String, Fate)>>) -> Vec<(String, Fate)> {
    let mut fates = Vec::with_capacity(TOTAL);
    let all = async {
        while let Some(done) = senders.join_next().await {
            fates.extend(done.expect("a sender does not panic"));
        }
    };
    tokio::time::timeout(PATIENCE, all)
        .await
        .expect("the senders finish");
    fates
}

fn assert_all_acknowledged(fates: &[(String, Fate)], expected: usize) {
    let acknowledged = fates
        .iter()
        .filter(|(_, fate)| *fate == Fate::Acknowledged)
        .count();
    assert_eq!(acknowledged, expected, "every delivery ends acknowledged");
}

/// Each acknowledged delivery is in the file.
async fn assert_stored(store: &Store, fates: &[(String, Fate)]) {
    let mut missing = Vec::new();
    for (event_id, fate) in fates {
        if *fate == Fate::Acknowledged && !store.delivery_exists(event_id).await.unwrap() {
            missing.push(event_id.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "acknowledged but not stored: {missing:?}"
    );
}

/// Rows in `deliveries` and in `jobs`.
async fn rows(db_path: &Path) -> (usize, usize) {
    use sqlx::Connection as _;

    let url = format!("sqlite://{}", db_path.display());
    let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let (deliveries, jobs): (i64, i64) =
        sqlx::query_as("SELECT (SELECT COUNT(*) FROM deliveries), (SELECT COUNT(*) FROM jobs)")
            .fetch_one(&mut connection)
            .await
            .unwrap();
    (deliveries as usize, jobs as usize)
}
