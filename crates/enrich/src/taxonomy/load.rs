//! Loading a taxonomy: the embedded default or a file, checked before use,
//! and the operator's list item ids applied on top.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Taxonomy, Vertical};
use crate::template::TemplateError;

/// The default taxonomy, embedded in the binary.
pub const DEFAULT_TAXONOMY: &str = include_str!("../../taxonomy/default.toml");

/// Why a taxonomy cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// The file could not be read.
    #[error("taxonomy {path}: cannot read", path = path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// The text is not TOML of the expected shape.
    #[error("taxonomy: cannot parse")]
    Parse(#[source] toml::de::Error),

    /// A value breaks a rule.
    #[error("taxonomy: {context}: {problem}")]
    Invalid {
        /// Where ("vertical `hotels`").
        context: String,
        /// What is wrong.
        problem: String,
    },

    /// A template does not parse or uses a slot it may not.
    #[error("taxonomy: {context}: bad template")]
    Template {
        /// Where ("vertical `hotels` opener (de)").
        context: String,
        /// What is wrong.
        #[source]
        source: TemplateError,
    },
}

impl Taxonomy {
    /// The taxonomy shipped with the crate.
    pub fn embedded() -> Result<Taxonomy, TaxonomyError> {
        Taxonomy::from_toml_str(DEFAULT_TAXONOMY)
    }

    /// Parses and checks a taxonomy.
    pub fn from_toml_str(text: &str) -> Result<Taxonomy, TaxonomyError> {
        let taxonomy: Taxonomy = toml::from_str(text).map_err(TaxonomyError::Parse)?;
        taxonomy.check()?;
        Ok(taxonomy)
    }

    /// Reads, parses and checks a taxonomy file.
    pub fn from_file(path: &Path) -> Result<Taxonomy, TaxonomyError> {
        let text = std::fs::read_to_string(path).map_err(|source| TaxonomyError::Read {
            path: path.to_owned(),
            source,
        })?;
        Taxonomy::from_toml_str(&text)
    }

    /// The vertical with this key.
    pub fn vertical(&self, key: &str) -> Option<&Vertical> {
        self.verticals.iter().find(|vertical| vertical.key == key)
    }

    /// Overrides list item ids by vertical key, as the operator configured
    /// them for the tenant. An unknown key or an id below 1 is an error, so a
    /// typo does not leave a vertical on the wrong item.
    pub fn set_list_item_ids(&mut self, ids: &BTreeMap<String, i32>) -> Result<(), TaxonomyError> {
        for (key, id) in ids {
            let context = format!("list item id for `{key}`");
            let Some(vertical) = self
                .verticals
                .iter_mut()
                .find(|vertical| vertical.key == *key)
            else {
                let problem = "no vertical has this key".to_owned();
                return Err(TaxonomyError::Invalid { context, problem });
            };
            if *id < 1 {
                let problem = format!("{id} is not a list item id");
                return Err(TaxonomyError::Invalid { context, problem });
            }
            vertical.list_item_id = *id;
        }
        Ok(())
    }
}
