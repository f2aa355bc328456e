//! The worker's cache of company analyses (table `analyses`, migration
//! 0002): the latest analysis of each contact with the inputs it was made
//! from, so an unchanged company is not analysed again.
//!
//! The store does not know what an analysis holds; it keeps a JSON object
//! under the facts' hash and the analyser's fingerprint, and hands it back
//! only when both still match.

use crate::error::StoreError;
use crate::store::Store;

/// Keeps one analysis per contact: a newer one replaces the old.
const SAVE_ANALYSIS: &str = "
    INSERT INTO analyses (tenant, contact_id, inputs_hash, fingerprint, analysis, created_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6)
    ON CONFLICT (tenant, contact_id) DO UPDATE SET
        inputs_hash = excluded.inputs_hash,
        fingerprint = excluded.fingerprint,
        analysis = excluded.analysis,
        created_at = excluded.created_at";

/// Where a cached analysis belongs and what it was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnalysisKey<'a> {
    /// The tenant (ContextIdentifier).
    pub tenant: &'a str,
    /// The contact analysed.
    pub contact_id: i64,
    /// The hash of the company facts the analysis read.
    pub inputs_hash: &'a str,
    /// The fingerprint of the analyser that made it.
    pub fingerprint: &'a str,
}

impl Store {
    /// The stored analysis of the contact, if it was made from the same
    /// inputs by the same analyser; `None` otherwise.
    pub async fn cached_analysis(
        &self,
        key: &AnalysisKey<'_>,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let text: Option<String> = sqlx::query_scalar(
            "SELECT analysis FROM analyses
             WHERE tenant = ?1 AND contact_id = ?2 AND inputs_hash = ?3 AND fingerprint = ?4",
        )
        .bind(key.tenant)
        .bind(key.contact_id)
        .bind(key.inputs_hash)
        .bind(key.fingerprint)
        .fetch_optional(&self.reader)
        .await?;

        text.map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|source| StoreError::Corrupt {
                what: "analyses.analysis",
                source,
            })
    }

    /// Stores `analysis` (a JSON object) as the contact's latest analysis,
    /// replacing any earlier one.
    pub async fn save_analysis(
        &self,
        key: &AnalysisKey<'_>,
        analysis: &serde_json::Value,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(SAVE_ANALYSIS)
            .bind(key.tenant)
            .bind(key.contact_id)
            .bind(key.inputs_hash)
            .bind(key.fingerprint)
            .bind(analysis.to_string())
            .bind(now_ms)
            .execute(&mut *self.writer.acquire().await?)
            .await?;
        Ok(())
    }
}
