//! A fresh store per test, and deliveries to feed it.

use std::path::PathBuf;
use std::time::Duration;

use so_queue::{ClaimedJob, Disposition, NewDelivery, Store, StoreOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqliteConnection};
use tempfile::TempDir;

/// A fixed "now" for tests: 2023-11-14T22:13:20Z, in milliseconds.
pub const T0: i64 = 1_700_000_000_000;

/// The lease tests claim with.
pub const LEASE: Duration = Duration::from_secs(30);

/// The lease as milliseconds, for moving "now" past it.
pub const LEASE_MS: i64 = 30_000;

/// A store on a fresh file; the directory lives as long as this value.
pub struct TestStore {
    pub store: Store,
    pub path: PathBuf,
    _dir: TempDir,
}

impl TestStore {
    /// Another store (own pools) on the same file, as another process has.
    pub async fn open_again(&self) -> Store {
        Store::open(&self.path, StoreOptions::default())
            .await
            .expect("store reopens")
    }

    /// A plain connection to the file, for looking at raw columns.
    pub async fn raw(&self) -> SqliteConnection {
        SqliteConnectOptions::new()
            .filename(&self.path)
            .connect()
            .await
            .expect("raw connect")
    }
}

/// A store with default options on a fresh file.
pub async fn fresh_store() -> TestStore {
    fresh_store_with(StoreOptions::default()).await
}

/// A store with `options` on a fresh file.
pub async fn fresh_store_with(options: StoreOptions) -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("jobs.db");
    let store = Store::open(&path, options).await.expect("store opens");
    TestStore {
        store,
        path,
        _dir: dir,
    }
}

/// A `contact.changed` delivery for contact `entity_id` that is to be
/// worked on, received at `T0`.
pub fn delivery(event_id: &str, entity_id: i64) -> NewDelivery {
    NewDelivery {
        event_id: event_id.to_owned(),
        received_at: T0,
        tenant: "Cust12345".to_owned(),
        event: "contact.changed".to_owned(),
        entity: "contact".to_owned(),
        entity_id,
        changed_by: Some(7),
        changes: vec!["name".to_owned(), "updated".to_owned()],
        payload: format!(r#"{{"EventId":"{event_id}","PrimaryKey":{entity_id}}}"#),
        disposition: Disposition::Enqueue,
    }
}

/// The same delivery with other changed fields.
pub fn with_changes(mut delivery: NewDelivery, changes: &[&str]) -> NewDelivery {
    delivery.changes = changes.iter().map(|c| c.to_string()).collect();
    delivery
}

/// Records one delivery to be worked on and returns its job id.
pub async fn enqueue(store: &Store, event_id: &str, entity_id: i64) -> i64 {
    let recorded = store
        .record_delivery(&delivery(event_id, entity_id))
        .await
        .expect("recorded");
    recorded.job_id().expect("a job was made")
}

/// Claims a job at `now`, expecting one to be due.
pub async fn claim_at(store: &Store, holder: &str, now: i64) -> ClaimedJob {
    store
        .claim(holder, LEASE, now)
        .await
        .expect("claim runs")
        .expect("a job is due")
}
