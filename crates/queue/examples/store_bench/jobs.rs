//! The store's own work: recording deliveries, and claiming and finishing
//! jobs the ways a worker can.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use so_queue::{ClaimedJob, CompleteInfo, Disposition, NewDelivery, Store};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// How long each time-bounded measurement runs.
pub const SPELL: Duration = Duration::from_secs(3);

/// The lease of every claim; long enough never to run out here.
const LEASE: Duration = Duration::from_secs(60);

/// How jobs are claimed and finished.
#[derive(Debug, Clone, Copy)]
pub enum Shape {
    /// Claim, complete, claim, complete...
    OneByOne,
    /// The worker's loop: one claim at a time into a free slot, each job
    /// completed by its own task, this many slots.
    Slots(usize),
    /// The same loop, claiming for every free slot at once (`claim_many`).
    ClaimMany(usize),
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::OneByOne => write!(f, "claim+complete one by one"),
            Shape::Slots(slots) => write!(f, "claim loop, {slots} slots"),
            Shape::ClaimMany(slots) => write!(f, "claim_many loop, {slots} slots"),
        }
    }
}

/// Deliveries per second through `record_deliveries`, 64 per batch, each
/// for its own record (every one makes a job).
pub async fn record_rate(store: &Store) -> f64 {
    let start = Instant::now();
    let mut recorded = 0_usize;
    while start.elapsed() < SPELL {
        let batch: Vec<_> = (recorded..recorded + 64).map(delivery).collect();
        store
            .record_deliveries(&batch)
            .await
            .expect("batch recorded");
        recorded += batch.len();
    }
    recorded as f64 / start.elapsed().as_secs_f64()
}

/// Makes `jobs` pending jobs, 1,000 per transaction (not measured).
pub async fn fill_backlog(store: &Store, jobs: usize) {
    for first in (0..jobs).step_by(1_000) {
        let batch: Vec<_> = (first..(first + 1_000).min(jobs)).map(delivery).collect();
        store
            .record_deliveries(&batch)
            .await
            .expect("backlog recorded");
    }
}

/// Jobs per second claimed and completed in `shape`, until `limit` jobs
/// are done or the spell is over, so the backlog stays near its size.
pub async fn claim_and_complete_rate(store: &Store, shape: Shape, limit: usize) -> f64 {
    let start = Instant::now();
    let done = match shape {
        Shape::OneByOne => one_by_one(store, limit, start).await,
        Shape::Slots(slots) => in_slots(store, slots, 1, limit, start).await,
        Shape::ClaimMany(slots) => in_slots(store, slots, slots, limit, start).await,
    };
    done as f64 / start.elapsed().as_secs_f64()
}

async fn one_by_one(store: &Store, limit: usize, start: Instant) -> usize {
    let mut done = 0;
    while done < limit && start.elapsed() < SPELL {
        let claimed = store
            .claim("bench", LEASE, so_queue::now_ms())
            .await
            .expect("claim")
            .expect("a due job");
        complete(store, &claimed).await;
        done += 1;
    }
    done
}

/// A claim loop feeding `slots` job tasks, claiming up to `per_claim`
/// jobs (never more than the free slots) at a time.
async fn in_slots(
    store: &Store,
    slots: usize,
    per_claim: usize,
    limit: usize,
    start: Instant,
) -> usize {
    let free = Arc::new(Semaphore::new(slots));
    let mut tasks = JoinSet::new();
    let mut claimed_jobs = 0;

    while claimed_jobs < limit && start.elapsed() < SPELL {
        // Wait for one free slot, then take every other free one too.
        let mut permits = Arc::clone(&free).acquire_owned().await.expect("open");
        while permits.num_permits() < per_claim {
            match Arc::clone(&free).try_acquire_owned() {
                Ok(more) => permits.merge(more),
                Err(_) => break,
            }
        }

        let wanted = permits.num_permits();
        let now = so_queue::now_ms();
        let claimed = if wanted == 1 {
            let one = store.claim("bench", LEASE, now).await.expect("claim");
            one.into_iter().collect()
        } else {
            let wanted = u32::try_from(wanted).expect("a few slots");
            store
                .claim_many("bench", wanted, LEASE, now)
                .await
                .expect("claim")
        };
        assert!(!claimed.is_empty(), "the backlog outlasts the spell");

        claimed_jobs += claimed.len();
        for job in claimed {
            let permit = permits.split(1).expect("a permit per claimed job");
            let store = store.clone();
            tasks.spawn(async move {
                complete(&store, &job).await;
                drop(permit);
            });
        }
        while tasks.try_join_next().is_some() {}
    }
    tasks.join_all().await;
    claimed_jobs
}

async fn complete(store: &Store, claimed: &ClaimedJob) {
    let info = CompleteInfo {
        result: serde_json::json!({ "ok": true }),
        api_calls: 3,
    };
    store
        .complete(&claimed.lease, info, so_queue::now_ms())
        .await
        .expect("complete");
}

/// A `contact.changed` delivery for contact `n`, received in the past so
/// that its job is due.
fn delivery(n: usize) -> NewDelivery {
    let body = format!(
        r#"{{"EventId":"bench-{n}","Event":"contact.changed","PrimaryKey":{n},"Changes":["name"]}}"#
    );
    NewDelivery {
        event_id: format!("bench-{n}"),
        received_at: so_queue::now_ms() - 1_000,
        tenant: "Cust12345".to_owned(),
        event: "contact.changed".to_owned(),
        entity: "contact".to_owned(),
        entity_id: n as i64,
        changed_by: Some(7),
        changes: vec!["name".to_owned(), "updated".to_owned()],
        payload: body,
        disposition: Disposition::Enqueue,
    }
}
