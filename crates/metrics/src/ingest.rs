//! What `so-ingest` counts as it receives webhooks.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

/// The ingest's counters. Cheap to clone: clones count into the same
/// series.
#[derive(Debug, Clone, Default)]
pub struct IngestMetrics {
    /// `so_ingest_deliveries_total{outcome,rule}`.
    deliveries: Family<DeliveryLabels, Counter>,
    /// `so_ingest_verification_failures_total{reason}`.
    verification_failures: Family<VerificationLabels, Counter>,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    /// queued, joined, skipped, ignored or duplicate.
    outcome: &'static str,
    /// The reason code of the payload rules' verdict.
    rule: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VerificationLabels {
    /// [`VerificationFailure::as_str`].
    reason: &'static str,
}

/// Why a webhook was refused by the token or signature check.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum VerificationFailure {
    /// No token came.
    TokenMissing,
    /// The token is not the configured one.
    TokenWrong,
    /// No signature came although a secret is configured.
    SignatureMissing,
    /// The signature does not match the body.
    SignatureWrong,
}

impl VerificationFailure {
    /// The label value: `token_missing`, `token_wrong`, `signature_missing`,
    /// `signature_wrong`.
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationFailure::TokenMissing => "token_missing",
            VerificationFailure::TokenWrong => "token_wrong",
            VerificationFailure::SignatureMissing => "signature_missing",
            VerificationFailure::SignatureWrong => "signature_wrong",
        }
    }
}

impl IngestMetrics {
    /// Registers the ingest's series in `registry`.
    pub fn register(registry: &mut Registry) -> Self {
        let metrics = Self::default();
        registry.register(
            "so_ingest_deliveries",
            "Webhook deliveries recorded, by what became of them and the rule that decided",
            metrics.deliveries.clone(),
        );
        registry.register(
            "so_ingest_verification_failures",
            "Webhook requests refused for a missing or wrong token or signature",
            metrics.verification_failures.clone(),
        );
        metrics
    }

    /// One delivery recorded: `outcome` is queued, joined, skipped,
    /// ignored or duplicate; `rule` the reason code that decided.
    pub fn delivery(&self, outcome: &'static str, rule: &'static str) {
        let labels = DeliveryLabels { outcome, rule };
        self.deliveries.get_or_create(&labels).inc();
    }

    /// One request refused by the token or signature check.
    pub fn verification_failed(&self, reason: VerificationFailure) {
        let labels = VerificationLabels {
            reason: reason.as_str(),
        };
        self.verification_failures.get_or_create(&labels).inc();
    }
}
