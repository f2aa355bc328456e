//! The trait every analysis backend implements.

use std::future::Future;
use std::pin::Pin;

use crate::analysis::Analysis;
use crate::error::AnalyzeError;
use crate::facts::CompanyFacts;

/// The future [`Analyzer::analyse`] returns: boxed, so the trait stays
/// object-safe and the worker can hold an `Arc<dyn Analyzer>` chosen in
/// configuration, and `Send`, so the worker can run it on any tokio thread.
pub type AnalyzeFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Analysis, AnalyzeError>> + Send + 'a>>;

/// An analysis backend: company facts in, a validated [`Analysis`] out.
///
/// The trait is written with a boxed-future alias rather than the
/// `async-trait` macro: one method needs it, the alias shows exactly what is
/// returned, and there is no macro between a reader and the signature.
///
/// Every implementation must:
/// - return only analyses that passed [`Analysis::validate`] against the
///   limits it was built with, and fail otherwise; nothing half-valid;
/// - classify each failure by [`AnalyzeError::kind`], so the worker knows
///   whether a retry can help;
/// - not log the facts above debug level (they are customer data).
pub trait Analyzer: Send + Sync + std::fmt::Debug {
    /// A short fixed name for logs and errors: `builtin`, `explorer`, `llm`.
    fn name(&self) -> &'static str;

    /// A hash of everything besides the facts that shapes the result: the
    /// backend, its configuration (taxonomy, limits, model), and the crate
    /// version. The worker keys stored results by this and
    /// [`inputs_hash`](crate::inputs_hash) together, so a new taxonomy or a
    /// new list item id re-analyses companies whose facts did not change.
    fn fingerprint(&self) -> &str;

    /// Analyses one company.
    fn analyse<'a>(&'a self, facts: &'a CompanyFacts) -> AnalyzeFuture<'a>;
}
