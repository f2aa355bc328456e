//! The commit ceiling of SQLite on the benchmark's disk, with the store's
//! own settings (WAL, synchronous=FULL), through the store's own API.

use std::path::Path;
use std::time::{Duration, Instant};

use so_queue::{Disposition, NewDelivery, Store, StoreOptions};

/// Deliveries per second the store commits.
pub struct Ceiling {
    /// One delivery per transaction: one fsync each.
    pub single: f64,
    /// 256 deliveries per transaction, the ingest's largest batch.
    pub batched: f64,
}

/// Runs both measurements for `spell` each on a fresh file in `dir`.
pub async fn measure_ceiling(dir: &Path, spell: Duration) -> anyhow::Result<Ceiling> {
    let store = Store::open(dir.join("ceiling.sqlite"), StoreOptions::default()).await?;
    let mut next_id = 0u64;

    let single = rate(spell, || {
        let batch = deliveries(&mut next_id, 1);
        let store = store.clone();
        async move { store.record_deliveries(&batch).await.map(|r| r.len()) }
    })
    .await?;
    let batched = rate(spell, || {
        let batch = deliveries(&mut next_id, 256);
        let store = store.clone();
        async move { store.record_deliveries(&batch).await.map(|r| r.len()) }
    })
    .await?;

    store.close().await;
    Ok(Ceiling { single, batched })
}

pub fn print_ceiling(ceiling: &Ceiling, acks_per_sec: f64) {
    println!();
    println!("SQLite ceiling on this disk (store settings: WAL, synchronous=FULL)");
    println!("one delivery per commit  {:>8.0} /s", ceiling.single);
    println!("256 per commit           {:>8.0} /s", ceiling.batched);
    println!(
        "ingest acks/s are {:.0}x the one-per-commit ceiling, {:.0}% of the batched one",
        acks_per_sec / ceiling.single,
        100.0 * acks_per_sec / ceiling.batched
    );
}

/// Calls `commit` back to back for `spell`; rows committed per second.
async fn rate<F, Fut>(spell: Duration, mut commit: F) -> anyhow::Result<f64>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<usize, so_queue::StoreError>>,
{
    let started = Instant::now();
    let mut rows = 0;
    while started.elapsed() < spell {
        rows += commit().await?;
    }
    Ok(rows as f64 / started.elapsed().as_secs_f64())
}

/// `count` unique deliveries over 2,000 contacts, like the ingest's.
fn deliveries(next_id: &mut u64, count: usize) -> Vec<NewDelivery> {
    (0..count)
        .map(|_| {
            *next_id += 1;
            NewDelivery {
                event_id: format!("ceiling-{next_id}"),
                received_at: so_queue::now_ms(),
                tenant: "Cust12345".to_owned(),
                event: "contact.changed".to_owned(),
                entity: "contact".to_owned(),
                entity_id: 1 + (*next_id % 2_000) as i64,
                changed_by: Some(23),
                changes: vec!["name".to_owned()],
                payload: "{}".to_owned(),
                disposition: Disposition::Enqueue,
            }
        })
        .collect()
}
