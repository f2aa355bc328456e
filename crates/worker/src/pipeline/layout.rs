//! The UDF layouts (field types and text lengths) the write-back compares
//! with: read once per owner and kept for the cache's time-to-live.
//!
//! The client keeps its own copy for cutting text on PATCH; reading the
//! layout here refreshes that copy too, so a write after a comparison does
//! not read it again.

use std::sync::Arc;

use so_superoffice::{Client, UdefField, UdefOwner};

use super::Pipeline;
use crate::errors::JobError;

/// A layout as kept: shared, since every job of the owner reads it.
pub type Layout = Arc<Vec<UdefField>>;

impl Pipeline {
    /// The UDF layout of contacts or persons, from the cache while fresh.
    pub(super) async fn layout(
        &self,
        client: &Client,
        owner: UdefOwner,
    ) -> Result<Layout, JobError> {
        self.layouts
            .get_or_try_load(owner, || async {
                let layout = client.udef_layout(owner).await?;
                tracing::debug!(
                    owner = owner.resource(),
                    fields = layout.len(),
                    "udf layout read"
                );
                Ok::<_, JobError>(Arc::new(layout))
            })
            .await
    }
}

/// The definition of `prog_id` in `layout` (ProgIds compare without case).
pub fn field<'a>(layout: &'a [UdefField], prog_id: &str) -> Option<&'a UdefField> {
    layout
        .iter()
        .find(|field| field.prog_id.as_str().eq_ignore_ascii_case(prog_id))
}
