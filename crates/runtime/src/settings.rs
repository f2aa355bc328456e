//! Layered settings: defaults, an optional TOML file, then the environment.
//!
//! Every binary reads the same tree, so one `.env` file serves all of them.
//! A variable is the prefix, then the path of the key, joined by `__`:
//!
//! ```text
//! SO__INGEST__LISTEN=127.0.0.1:8700        → ingest.listen
//! SO__INGEST__WEBHOOK__SECRET=…            → ingest.webhook.secret
//! SO__STORE__PATH=/var/lib/so/queue.sqlite → store.path
//! SO__RULES__OWN_ASSOCIATE_IDS=17,23       → rules.own_associate_ids (a list)
//! SO__LOG__FORMAT=json                     → log.format
//! ```
//!
//! Later sources win: the struct's serde defaults, then the TOML file, then
//! the inherited environment, then the `.env` file. The `.env` file beats the
//! inherited environment on purpose: in production a stale variable of the
//! shell that started the process once won over the file the operator had
//! just edited. The opposite surprise, an exported variable the file
//! silently beats, is answered by [`SettingsLoader::load_with_sources`]:
//! it lists every such variable for the binary to warn about.
//!
//! An empty variable counts as unset. A key listed with
//! [`SettingsLoader::list_key`] takes a comma-separated list; every other
//! value is one string, converted to the field's type when read. Sections of
//! the tree a binary does not know are ignored, so the binaries can share a
//! file; a binary catches typos inside its own sections with
//! `#[serde(deny_unknown_fields)]`, and the refusal names the variable.

use std::path::{Path, PathBuf};

use config::{Config, ConfigError, File, FileFormat};
use serde::de::DeserializeOwned;

use crate::env_layer::EnvLayer;
use crate::sources::{Loaded, Sources};

/// The prefix of every settings variable: `SO__…`.
pub const DEFAULT_PREFIX: &str = "SO";

/// The `.env` file read when none is named; it may be absent.
pub const DEFAULT_ENV_FILE: &str = ".env";

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The `.env` file could not be read or has a line that does not parse.
    #[error("env file {path}: cannot read it")]
    EnvFile {
        /// The file that was read.
        path: PathBuf,
        /// What went wrong, with the line for a parse error.
        #[source]
        source: dotenvy::Error,
    },

    /// The TOML file is missing or not TOML, or a value does not fit its
    /// field; the message names the key and the variable or file it came from.
    #[error("invalid settings")]
    Invalid(#[source] ConfigError),
}

/// Which `.env` file to read.
#[derive(Debug, Clone)]
enum EnvFile {
    /// `./.env`, read when it exists.
    Default,
    /// A file the operator named; its absence is an error.
    Required(PathBuf),
    /// No file at all (tests).
    None,
}

/// Builds a settings tree from its layers; see the [module](self) docs.
///
/// ```no_run
/// # #[derive(serde::Deserialize)] struct Settings {}
/// let settings: Settings = so_runtime::SettingsLoader::new()
///     .config_file(Some("/etc/so/connector.toml".into()))
///     .list_key("rules.own_associate_ids")
///     .load()?;
/// # Ok::<(), so_runtime::SettingsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SettingsLoader {
    /// The variable prefix, without the `__` that follows it.
    prefix: String,
    /// The TOML file, when the operator gave one.
    config_file: Option<PathBuf>,
    env_file: EnvFile,
    /// Dotted keys whose variable holds a comma-separated list.
    list_keys: Vec<String>,
    /// The inherited environment; `None` reads the process's own.
    inherited: Option<Vec<(String, String)>>,
}

impl Default for SettingsLoader {
    fn default() -> Self {
        Self::new()
    }
}

impl SettingsLoader {
    /// A loader with prefix `SO`, no TOML file and `./.env` when present.
    pub fn new() -> Self {
        Self {
            prefix: DEFAULT_PREFIX.to_owned(),
            config_file: None,
            env_file: EnvFile::Default,
            list_keys: Vec::new(),
            inherited: None,
        }
    }

    /// Reads variables named `{prefix}__…` instead of `SO__…`.
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix.to_owned();
        self
    }

    /// Reads this TOML file between the defaults and the environment.
    pub fn config_file(mut self, path: Option<PathBuf>) -> Self {
        self.config_file = path;
        self
    }

    /// Reads this `.env` file, which must then exist; `None` keeps the
    /// default `./.env`, read only when present.
    pub fn env_file(mut self, path: Option<PathBuf>) -> Self {
        self.env_file = match path {
            Some(path) => EnvFile::Required(path),
            None => EnvFile::Default,
        };
        self
    }

    /// Reads no `.env` file at all.
    pub fn without_env_file(mut self) -> Self {
        self.env_file = EnvFile::None;
        self
    }

    /// Splits the variable of this dotted key on commas, e.g.
    /// `rules.own_associate_ids` for `SO__RULES__OWN_ASSOCIATE_IDS=17,23`.
    pub fn list_key(mut self, key: &str) -> Self {
        self.list_keys.push(key.to_lowercase());
        self
    }

    /// Uses these variables as the inherited environment instead of the
    /// process's own, so tests need not touch the real one.
    pub fn environment<K, V>(mut self, vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let vars = vars
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        self.inherited = Some(vars);
        self
    }

    /// Reads every layer and deserialises the tree into `T`.
    pub fn load<T: DeserializeOwned>(&self) -> Result<T, SettingsError> {
        Ok(self.load_with_sources()?.settings)
    }

    /// Reads every layer and deserialises the tree into `T`, keeping where
    /// each value came from and which inherited variables the `.env` file
    /// overrode, for the binary to report once its logging is up.
    pub fn load_with_sources<T: DeserializeOwned>(&self) -> Result<Loaded<T>, SettingsError> {
        let env = self.env_layer()?;
        let overridden = env.overridden();

        let mut builder = Config::builder();
        if let Some(path) = &self.config_file {
            builder = builder.add_source(File::from(path.as_path()).format(FileFormat::Toml));
        }
        let config = builder
            .add_source(env)
            .build()
            .map_err(SettingsError::Invalid)?;

        let sources = Sources::new(&config.cache, overridden);
        let settings = config
            .try_deserialize()
            .map_err(|error| SettingsError::Invalid(with_origin(error, &sources)))?;
        Ok(Loaded { settings, sources })
    }

    /// The inherited environment with the `.env` file laid over it.
    fn env_layer(&self) -> Result<EnvLayer, SettingsError> {
        let mut layer = EnvLayer::new(&self.prefix, &self.list_keys);
        match &self.inherited {
            Some(vars) => layer.add(vars.iter().cloned(), "the environment"),
            // Names or values that are not Unicode cannot be settings; skip them.
            None => layer.add(
                std::env::vars_os().filter_map(unicode_pair),
                "the environment",
            ),
        }

        match &self.env_file {
            EnvFile::Default => {
                let path = Path::new(DEFAULT_ENV_FILE);
                if path.exists() {
                    read_env_file(&mut layer, path)?;
                }
            }
            EnvFile::Required(path) => read_env_file(&mut layer, path)?,
            EnvFile::None => {}
        }
        Ok(layer)
    }
}

/// The error with the origin of its key filled in when `config` left it
/// out. A type mismatch names the variable or file already; a value
/// refused by the field's own conversion (`environment = "mars"`) comes
/// back with its key only, and a key the section does not know
/// (`SO__INGEST__WEBHOK__SECRET`) with the section's key only. Every
/// refusal should say which line to fix.
fn with_origin(error: ConfigError, sources: &Sources) -> ConfigError {
    match error {
        ConfigError::At {
            error,
            origin: None,
            key: Some(key),
        } => {
            let origin = match unknown_field(&error) {
                // Every variable below the unknown field is a line to fix.
                Some(field) => {
                    let origins = sources.origins_under(&format!("{key}.{field}"));
                    (!origins.is_empty()).then(|| origins.join(", "))
                }
                None => sources.origin(&key).map(str::to_owned),
            };
            ConfigError::At {
                error,
                origin,
                key: Some(key),
            }
        }
        other => other,
    }
}

/// `webhok` of "unknown field `webhok`, expected one of …": serde's
/// wording for a key a `deny_unknown_fields` struct refuses, which `config`
/// passes on as a plain message.
fn unknown_field(error: &ConfigError) -> Option<&str> {
    let ConfigError::Message(message) = error else {
        return None;
    };
    let rest = message.strip_prefix("unknown field `")?;
    rest.split_once('`').map(|(field, _)| field)
}

fn read_env_file(layer: &mut EnvLayer, path: &Path) -> Result<(), SettingsError> {
    layer
        .add_file(path)
        .map_err(|source| SettingsError::EnvFile {
            path: path.to_owned(),
            source,
        })
}

fn unicode_pair(
    (name, value): (std::ffi::OsString, std::ffi::OsString),
) -> Option<(String, String)> {
    Some((name.into_string().ok()?, value.into_string().ok()?))
}
