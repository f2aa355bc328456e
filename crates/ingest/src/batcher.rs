//! Group commit: one writer task records the deliveries of many requests in
//! one transaction.
//!
//! The store commits with `synchronous=FULL`, so every commit waits for an
//! fsync. Committing each webhook alone would cap the ingest at the disk's
//! fsync rate (a few hundred per second on many disks). Instead, handlers
//! hand their delivery to this task over a bounded channel and wait for the
//! answer; the task takes whatever is waiting (up to `max_size`), commits it
//! in one transaction and answers every request. Under light load a batch
//! holds one delivery and nothing waits; under heavy load one fsync serves
//! hundreds of requests. A request is still answered only after its row is
//! on disk.

use std::sync::Arc;
use std::time::Instant;

use so_queue::{NewDelivery, Recorded, Store, StoreError};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::error::IngestError;

/// What the writer answers one request.
type Reply = Result<Recorded, Arc<StoreError>>;

/// One request's delivery and where to send its answer.
#[derive(Debug)]
struct Submission {
    delivery: NewDelivery,
    reply: oneshot::Sender<Reply>,
}

/// The handlers' end: cheap to clone, one per HTTP worker.
#[derive(Debug, Clone)]
pub struct BatchSender {
    /// Bounded, so a disk that cannot keep up turns into quick 503s instead
    /// of unbounded memory and timeouts.
    queue: mpsc::Sender<Submission>,
}

impl BatchSender {
    /// Records `delivery` with the next batch and waits until it is committed.
    pub async fn record(&self, delivery: NewDelivery) -> Result<Recorded, IngestError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .try_send(Submission { delivery, reply })
            .map_err(|error| match error {
                mpsc::error::TrySendError::Full(_) => IngestError::Overloaded,
                mpsc::error::TrySendError::Closed(_) => IngestError::WriterGone,
            })?;

        let recorded = answer.await.map_err(|_| IngestError::WriterGone)?;
        recorded.map_err(IngestError::Store)
    }

    /// Whether the writer task still takes deliveries: false once it has
    /// ended (a panic included) or begun its shutdown. The systemd
    /// watchdog pings only while this holds.
    pub fn writer_running(&self) -> bool {
        !self.queue.is_closed()
    }
}

/// The writer task, to be stopped once the HTTP server has stopped.
#[derive(Debug)]
pub struct BatchWriter {
    /// Fired by [`BatchWriter::shutdown`]: refuse new deliveries, commit the
    /// ones already queued, end.
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl BatchWriter {
    /// Starts the writer on the current runtime.
    pub fn spawn(store: Store, max_size: usize, capacity: usize) -> (BatchSender, BatchWriter) {
        let (queue, incoming) = mpsc::channel(capacity);
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(run(store, incoming, stopped, max_size));

        (BatchSender { queue }, BatchWriter { stop, task })
    }

    /// Commits what is queued, refuses anything later, and waits for the
    /// task to end.
    pub async fn shutdown(self) {
        // The task may have ended already; then there is nothing to flush.
        let _ = self.stop.send(());
        if let Err(error) = self.task.await {
            tracing::error!(%error, "store writer task failed");
        }
    }
}

async fn run(
    store: Store,
    mut incoming: mpsc::Receiver<Submission>,
    mut stop: oneshot::Receiver<()>,
    max_size: usize,
) {
    let mut stopping = false;
    loop {
        // Once stopped, the channel is closed: `recv` still returns what was
        // queued before, then `None`.
        let first = tokio::select! {
            biased;
            submission = incoming.recv() => submission,
            _ = &mut stop, if !stopping => {
                stopping = true;
                incoming.close();
                continue;
            }
        };
        let Some(first) = first else { break };

        let mut batch = Vec::with_capacity(max_size.min(64));
        batch.push(first);
        while batch.len() < max_size {
            match incoming.try_recv() {
                Ok(submission) => batch.push(submission),
                Err(_) => break,
            }
        }
        commit(&store, batch).await;
    }
    tracing::debug!("store writer stopped");
}

/// Records one batch and answers each request.
async fn commit(store: &Store, batch: Vec<Submission>) {
    let started = Instant::now();
    let size = batch.len();
    let (deliveries, replies): (Vec<_>, Vec<_>) =
        batch.into_iter().map(|s| (s.delivery, s.reply)).unzip();

    match store.record_deliveries(&deliveries).await {
        Ok(recorded) => {
            if recorded.len() != size {
                // The store promises one answer per delivery. Should that
                // break, the requests left without one are answered 503.
                tracing::error!(
                    size,
                    answers = recorded.len(),
                    "store answered a batch short"
                );
            }
            for (reply, recorded) in replies.into_iter().zip(recorded) {
                // The requester may have gone (client hung up); the row stays.
                let _ = reply.send(Ok(recorded));
            }
        }
        // A permanent error (a row the schema refuses) would fail every
        // delivery of the batch; record them one by one, so that only the
        // faulty one fails.
        Err(error) if size > 1 && !error.is_transient() => {
            tracing::warn!(size, error = %error, "batch refused; recording its deliveries singly");
            for (delivery, reply) in deliveries.into_iter().zip(replies) {
                let single = store
                    .record_deliveries(std::slice::from_ref(&delivery))
                    .await;
                if let Some(answer) = first_of(single) {
                    let _ = reply.send(answer);
                }
            }
        }
        Err(error) => {
            let error = Arc::new(error);
            for reply in replies {
                let _ = reply.send(Err(Arc::clone(&error)));
            }
        }
    }
    tracing::debug!(
        size,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "batch committed"
    );
}

/// The answer for a delivery recorded alone; `None` if the store gave none.
fn first_of(outcome: Result<Vec<Recorded>, StoreError>) -> Option<Reply> {
    match outcome {
        Ok(recorded) => recorded.into_iter().next().map(Ok),
        Err(error) => Some(Err(Arc::new(error))),
    }
}
