//! The analysis settings the worker reads, and the engine built from them.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::analyzer::Analyzer;
use crate::builtin::BuiltinAnalyzer;
use crate::personalise::Personaliser;
use crate::taxonomy::{Taxonomy, TaxonomyError};
use crate::validate::FieldLimits;

/// Which backend analyses companies.
///
/// Only `builtin` exists so far; `explorer` and `llm` join this enum when
/// they are written (see the crate documentation). Until then a setting that
/// names them fails to parse with "unknown variant", which is the honest
/// answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The offline keyword classifier and templates.
    #[default]
    Builtin,
}

/// The `analyzer` section of the worker's settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalyzerSettings {
    /// The backend to use.
    pub backend: Backend,
    /// A taxonomy file to use instead of the embedded default.
    pub taxonomy_file: Option<PathBuf>,
    /// SuperOffice list item ids by vertical key, overriding the taxonomy's:
    /// ids differ per tenant, and `soctl` lists the tenant's items.
    pub list_item_ids: BTreeMap<String, i32>,
    /// Lengths of the target fields.
    pub limits: FieldLimits,
}

/// What the worker needs to analyse companies and write person openers.
#[derive(Debug, Clone)]
pub struct Engine {
    /// The configured backend.
    pub analyzer: Arc<dyn Analyzer>,
    /// Renders person openers from a stored analysis.
    pub personaliser: Personaliser,
}

impl AnalyzerSettings {
    /// The taxonomy: the configured file or the embedded default, with the
    /// configured list item ids applied.
    pub fn taxonomy(&self) -> Result<Taxonomy, TaxonomyError> {
        let mut taxonomy = match &self.taxonomy_file {
            Some(path) => Taxonomy::from_file(path)?,
            None => Taxonomy::embedded()?,
        };
        taxonomy.set_list_item_ids(&self.list_item_ids)?;
        Ok(taxonomy)
    }

    /// Builds the engine, or says what in the configuration is wrong.
    pub fn build(&self) -> Result<Engine, TaxonomyError> {
        let taxonomy = self.taxonomy()?;
        let personaliser = Personaliser::new(&taxonomy, &self.limits);
        let analyzer: Arc<dyn Analyzer> = match self.backend {
            Backend::Builtin => Arc::new(BuiltinAnalyzer::new(taxonomy, self.limits)?),
        };
        Ok(Engine {
            analyzer,
            personaliser,
        })
    }
}
