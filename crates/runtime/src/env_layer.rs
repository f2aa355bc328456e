//! The environment as the settings see it: the inherited variables, with the
//! lines of a `.env` file laid over them.
//!
//! The merge happens here, in memory, instead of through `std::env::set_var`:
//! changing the process environment while other threads may read it is a
//! data race, and a loader that leaves the environment alone can be called
//! from tests running in parallel.

use std::collections::BTreeMap;
use std::path::Path;

use config::{ConfigError, Map, Source, Value, ValueKind};

use crate::sources::Overridden;

/// One variable that belongs to the settings.
#[derive(Debug, Clone)]
struct Var {
    /// The variable's name as written, e.g. `SO__INGEST__LISTEN`.
    name: String,
    value: String,
    /// Where the value came from (`the environment` or the `.env` path), so
    /// an error can tell a stale shell variable from a line of the file.
    source: String,
    /// The variable of an earlier source this one replaced, so the binary
    /// can say that the variable the operator exported is not in use.
    replaced: Option<Box<Var>>,
}

/// The prefixed variables of the inherited environment and a `.env` file,
/// turned into dotted settings keys for the `config` crate.
#[derive(Debug, Clone)]
pub(crate) struct EnvLayer {
    /// Lower-case `prefix__`; a variable counts when its name starts with it.
    prefix_pattern: String,
    /// Dotted keys (`rules.own_associate_ids`) whose value is a
    /// comma-separated list rather than one string.
    list_keys: Vec<String>,
    /// The variables by lower-case name; a later layer replaces an earlier.
    vars: BTreeMap<String, Var>,
}

impl EnvLayer {
    pub(crate) fn new(prefix: &str, list_keys: &[String]) -> Self {
        Self {
            prefix_pattern: format!("{prefix}__").to_lowercase(),
            list_keys: list_keys.to_vec(),
            vars: BTreeMap::new(),
        }
    }

    /// Lays `vars` over what is there, naming `source` as their origin.
    pub(crate) fn add(&mut self, vars: impl IntoIterator<Item = (String, String)>, source: &str) {
        for (name, value) in vars {
            let lower = name.to_lowercase();
            if !lower.starts_with(&self.prefix_pattern) {
                continue;
            }
            // A line repeated in one file keeps what the first replaced.
            let replaced = match self.vars.remove(&lower) {
                Some(earlier) if earlier.source == source => earlier.replaced,
                earlier => earlier.map(Box::new),
            };
            let var = Var {
                name,
                value,
                source: source.to_owned(),
                replaced,
            };
            self.vars.insert(lower, var);
        }
    }

    /// The variables whose value a later source changed, by name.
    pub(crate) fn overridden(&self) -> Vec<Overridden> {
        self.vars
            .values()
            .filter_map(|later| override_of(later.replaced.as_deref()?, later))
            .collect()
    }

    /// Lays the assignments of a `.env` file over what is there.
    pub(crate) fn add_file(&mut self, path: &Path) -> Result<(), dotenvy::Error> {
        let vars = dotenvy::from_path_iter(path)?.collect::<Result<Vec<_>, _>>()?;
        self.add(vars, &path.display().to_string());
        Ok(())
    }

    /// `SO__INGEST__WEBHOOK__SECRET` → `ingest.webhook.secret`.
    fn key_of(&self, lower_name: &str) -> String {
        lower_name[self.prefix_pattern.len()..].replace("__", ".")
    }
}

/// The note for `later` replacing `earlier` when that changes what is in
/// use: a different value over one that was set. A blank variable replaced
/// is not noted, since blank counts as unset and nothing is lost.
fn override_of(earlier: &Var, later: &Var) -> Option<Overridden> {
    let blank = |var: &Var| var.value.trim().is_empty();
    if blank(earlier) || earlier.value == later.value {
        return None;
    }
    Some(Overridden {
        name: earlier.name.clone(),
        source: earlier.source.clone(),
        by: later.source.clone(),
        emptied: blank(later),
    })
}

impl Source for EnvLayer {
    fn clone_into_box(&self) -> Box<dyn Source + Send + Sync> {
        Box::new(self.clone())
    }

    fn collect(&self) -> Result<Map<String, Value>, ConfigError> {
        let mut map = Map::new();
        for (lower_name, var) in &self.vars {
            // An empty variable counts as unset: `.env.example` lists every
            // variable, many of them blank, and systemd passes them as such.
            if var.value.trim().is_empty() {
                continue;
            }

            // Values stay strings; `config` converts them to the field's type
            // when deserialising, so a token of digits keeps its leading zeros.
            let key = self.key_of(lower_name);
            let origin = format!("{} from {}", var.name, var.source);
            let kind = if self.list_keys.contains(&key) {
                let items = var
                    .value
                    .split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty());
                let items = items
                    .map(|item| Value::new(Some(&origin), item))
                    .collect::<Vec<_>>();
                ValueKind::Array(items)
            } else {
                ValueKind::String(var.value.clone())
            };
            map.insert(key, Value::new(Some(&origin), kind));
        }
        Ok(map)
    }
}
