//! Where the values of the settings came from, kept for the operator.
//!
//! Two questions come up after a start that did not do what the operator
//! expected: "which line set this?" (a listener that cannot bind, a key
//! serde refuses) and "why is my variable ignored?" (the `.env` file
//! replaced it). [`Sources`] answers both without holding a single value,
//! so it can be kept and logged without leaking a secret.

use std::collections::BTreeMap;
use std::fmt;

use config::{Value, ValueKind};

/// Settings as loaded, with where their values came from.
#[derive(Debug)]
pub struct Loaded<T> {
    /// The settings tree.
    pub settings: T,
    /// Where its values came from, and what the `.env` file overrode.
    pub sources: Sources,
}

/// Where each value set by a file or a variable came from. Holds names and
/// sources only, never values.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Dotted key of every value set (`ingest.listen`) → its origin
    /// (`SO__INGEST__LISTEN from ./.env`, or the TOML file's path). A key
    /// left at its default has none.
    origins: BTreeMap<String, String>,
    /// Inherited variables the `.env` file replaced, by name.
    overridden: Vec<Overridden>,
}

/// An inherited variable that a later source, the `.env` file, replaced
/// with a different value: the environment's value is not the one in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overridden {
    /// The variable as the environment named it, e.g. `SO__INGEST__LISTEN`.
    pub name: String,
    /// Where the replaced value came from: `the environment`.
    pub source: String,
    /// The file whose line won, e.g. `./.env`.
    pub by: String,
    /// Whether that line is empty: the variable then counts as unset and
    /// the key falls back to its default, not to the environment's value.
    pub emptied: bool,
}

impl fmt::Display for Overridden {
    /// Names the variable and both sources, never a value: the variable may
    /// hold a secret, and saying that the values differ is enough to act.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            name, source, by, ..
        } = self;
        if self.emptied {
            write!(
                f,
                "{name} from {source} is unset by an empty line in {by} \
                 (the .env file wins; remove the line to use the variable)"
            )
        } else {
            write!(
                f,
                "{name} from {source} is overridden by {by} \
                 (the .env file wins; edit it or remove the line)"
            )
        }
    }
}

impl Sources {
    /// Reads the origin of every value of the merged tree `root`.
    pub(crate) fn new(root: &Value, overridden: Vec<Overridden>) -> Self {
        let mut origins = BTreeMap::new();
        collect_origins(root, "", &mut origins);
        Self {
            origins,
            overridden,
        }
    }

    /// Where the value of the dotted `key` came from, e.g.
    /// `SO__INGEST__LISTEN from ./.env`; `None` when the key was not set
    /// (its default applies) or names a section.
    pub fn origin(&self, key: &str) -> Option<&str> {
        self.origins.get(key).map(String::as_str)
    }

    /// The origins of `key` and of every key below it, sorted and each
    /// said once: what set the keys of a section serde does not know.
    pub fn origins_under(&self, key: &str) -> Vec<&str> {
        let below = format!("{key}.");
        let mut origins = self
            .origins
            .iter()
            .filter(|(name, _)| *name == key || name.starts_with(&below))
            .map(|(_, origin)| origin.as_str())
            .collect::<Vec<_>>();
        origins.sort_unstable();
        origins.dedup();
        origins
    }

    /// The inherited variables the `.env` file replaced.
    pub fn overridden(&self) -> &[Overridden] {
        &self.overridden
    }

    /// Logs one warning per overridden variable; call it once tracing is
    /// up. A warning, not an error: the precedence is deliberate, but an
    /// operator who exported a variable expects it to count.
    pub fn warn_overridden(&self) {
        for overridden in &self.overridden {
            tracing::warn!(
                variable = overridden.name,
                file = overridden.by,
                "{overridden}"
            );
        }
    }
}

/// Walks the tree below `value`, recording the origin of each leaf under
/// its dotted key. A list counts as one value: its variable set it whole.
fn collect_origins(value: &Value, key: &str, origins: &mut BTreeMap<String, String>) {
    match &value.kind {
        ValueKind::Table(table) => {
            for (name, child) in table {
                let child_key = match key {
                    "" => name.clone(),
                    _ => format!("{key}.{name}"),
                };
                collect_origins(child, &child_key, origins);
            }
        }
        _ => {
            if let Some(origin) = value.origin() {
                origins.insert(key.to_owned(), origin.to_owned());
            }
        }
    }
}
