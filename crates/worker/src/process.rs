//! What the claim loop runs for each job: the pipeline in production, a
//! no-op in the store benchmark, anything a test needs.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use so_queue::ClaimedJob;

use crate::outcome::Processed;

/// A boxed, `Send` future, so the trait stays object-safe and the runner
/// can hold an `Arc<dyn Process>`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Works on claimed jobs.
pub trait Process: Send + Sync + Debug + 'static {
    /// Works on one job and says how it ended. Never fails: every error is
    /// an [`Outcome`](crate::Outcome) already. The runner may drop the future
    /// at any await (the lease was lost, or a stop's grace period ran out),
    /// so work must be safe to repeat.
    fn process<'a>(&'a self, job: &'a ClaimedJob) -> BoxFuture<'a, Processed>;

    /// Whether the credentials work again, asked once per pause after they
    /// were refused (see `circuit.rs`). At most one token request.
    fn recheck_credentials(&self) -> BoxFuture<'_, bool>;
}
