//! One process's registry, rendered in the text format.

use std::sync::Arc;

use prometheus_client::encoding::text::encode;
use prometheus_client::registry::Registry;
use so_queue::Store;

use crate::queue::QueueGauges;

/// The `Content-Type` of [`Exporter::render`]'s text (OpenMetrics, which
/// Prometheus reads natively).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Renders the metrics of one process. Cheap to clone.
#[derive(Clone)]
pub struct Exporter {
    inner: Arc<Inner>,
}

struct Inner {
    /// Every series this process exposes; registration is over.
    registry: Registry,
    /// The queue gauges and the store they are read from at each scrape.
    queue: Option<(QueueGauges, Store)>,
}

impl std::fmt::Debug for Exporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exporter")
            .field("queue", &self.inner.queue.is_some())
            .finish_non_exhaustive()
    }
}

impl Exporter {
    /// An exporter of `registry`, whose queue gauges (if any) are read
    /// from `store` at each scrape.
    pub fn new(registry: Registry, queue: Option<(QueueGauges, Store)>) -> Self {
        Self {
            inner: Arc::new(Inner { registry, queue }),
        }
    }

    /// A registry with the queue gauges and everything `register` adds,
    /// exported with the queue read from `store`: the usual set-up.
    pub fn with_queue<T>(store: Store, register: impl FnOnce(&mut Registry) -> T) -> (Self, T) {
        let mut registry = Registry::default();
        let queue = QueueGauges::register(&mut registry);
        let registered = register(&mut registry);
        (Self::new(registry, Some((queue, store))), registered)
    }

    /// The text to answer a scrape with. A store that cannot be read is
    /// logged and shows as `so_queue_readable 0`; the rest still renders.
    pub async fn render(&self) -> String {
        if let Some((queue, store)) = &self.inner.queue {
            if let Err(error) = queue.refresh(store, so_queue::now_ms()).await {
                tracing::warn!(error = %error, "metrics: cannot read the job store");
            }
        }

        let mut text = String::with_capacity(8 * 1024);
        // Writing to a String cannot fail; encode only fails on fmt errors.
        if let Err(error) = encode(&mut text, &self.inner.registry) {
            tracing::error!(error = %error, "metrics: encoding failed");
        }
        text
    }
}
