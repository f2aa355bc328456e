//! For unit tests: a store with one due job, its claim, and the log lines
//! written on this thread as plain text. Tests that capture logs run on tokio's
//! current-thread runtime, so the tasks they spawn log on the test's thread
//! too.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use so_queue::{ClaimedJob, Disposition, NewDelivery, Store, StoreOptions};
use tracing::subscriber::DefaultGuard;

/// A fresh store in `dir` with one pending, due `contact.changed` job.
pub(crate) async fn store_with_a_job(dir: &tempfile::TempDir) -> Store {
    let path = dir.path().join("connector.sqlite");
    let store = Store::open(&path, StoreOptions::default()).await.unwrap();
    let delivery = NewDelivery {
        event_id: "unit-1".to_owned(),
        received_at: so_queue::now_ms(),
        tenant: "Cust12345".to_owned(),
        event: "contact.changed".to_owned(),
        entity: "contact".to_owned(),
        entity_id: 4711,
        changed_by: Some(23),
        changes: vec!["name".to_owned()],
        payload: "{}".to_owned(),
        disposition: Disposition::Enqueue,
    };
    store.record_delivery(&delivery).await.unwrap();
    store
}

/// Claims the due job of [`store_with_a_job`] for `holder`, for a minute.
pub(crate) async fn claim_the_job(store: &Store, holder: &str) -> ClaimedJob {
    let lease = Duration::from_secs(60);
    let claimed = store.claim(holder, lease, so_queue::now_ms()).await;
    claimed.unwrap().expect("the job is due")
}

/// Log lines captured from the moment [`capture`] is called until the
/// value is dropped.
pub(crate) struct Captured {
    buffer: Buffer,
    _guard: DefaultGuard,
}

/// Starts capturing every level down to debug, on this thread.
pub(crate) fn capture() -> Captured {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(move || writer.clone())
        .finish();
    Captured {
        buffer,
        _guard: tracing::subscriber::set_default(subscriber),
    }
}

impl Captured {
    /// Everything logged so far.
    pub(crate) fn text(&self) -> String {
        let bytes = self.buffer.0.lock().expect("never poisoned").clone();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The lines that contain `needle`.
    pub(crate) fn lines_with(&self, needle: &str) -> Vec<String> {
        let text = self.text();
        let lines = text.lines().filter(|line| line.contains(needle));
        lines.map(str::to_owned).collect()
    }
}

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut buffer = self.0.lock().expect("never poisoned");
        buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
