//! The `store` section of the settings tree, read by every binary.
//!
//! It lives beside [`StoreOptions`] rather than in each binary: the three
//! binaries must find the same file with the same defaults, so the keys
//! and their defaults are said once. What differs per process (read
//! connections, durability, the attempt limit) each binary sets on the
//! options this section builds.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::store::StoreOptions;

/// The `store` section: `SO__STORE__PATH`, `SO__STORE__BUSY_TIMEOUT_MS`.
///
/// A misspelt key is refused (`SO__STORE__PAHT`), as in every section: a
/// tolerated typo would quietly put the store at its default path. Every
/// binary on one file runs the same build (the migrations insist), so no
/// binary meets a key only a newer one knows.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreSection {
    /// The SQLite file (default `var/connector.sqlite`).
    pub path: PathBuf,
    /// How long a write waits for another process's lock, in milliseconds
    /// (default 5 s); then it fails as busy, which the ingest answers 503.
    pub busy_timeout_ms: u64,
}

impl Default for StoreSection {
    fn default() -> Self {
        Self {
            path: PathBuf::from("var/connector.sqlite"),
            busy_timeout_ms: 5_000,
        }
    }
}

impl StoreSection {
    /// The store options with this section's busy timeout and the defaults
    /// of [`StoreOptions`] for the rest, which the binary then adjusts:
    /// `StoreOptions { read_connections: 2, ..section.options() }`.
    pub fn options(&self) -> StoreOptions {
        StoreOptions {
            busy_timeout: Duration::from_millis(self.busy_timeout_ms),
            ..StoreOptions::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_options_take_the_busy_timeout_and_keep_the_other_defaults() {
        let section = StoreSection {
            busy_timeout_ms: 750,
            ..StoreSection::default()
        };

        let options = section.options();

        assert_eq!(options.busy_timeout, Duration::from_millis(750));
        assert_eq!(
            options,
            StoreOptions {
                busy_timeout: Duration::from_millis(750),
                ..StoreOptions::default()
            }
        );
    }
}
