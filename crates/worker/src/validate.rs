//! What deserialising the settings cannot check: that the values can work.
//!
//! `so-worker --check` runs these and builds the analysis engine, so a bad
//! taxonomy or a missing credential shows before the service starts.

use crate::settings::Settings;

/// A setting that loads but cannot work.
#[derive(Debug, thiserror::Error)]
pub enum InvalidSettings {
    /// The `superoffice` section is incomplete or unusable; the message
    /// names the key and its variable.
    #[error(transparent)]
    SuperOffice(#[from] so_superoffice::Error),

    /// No owner is whitelisted, so no account would ever be ours: every job
    /// would be skipped. Refused rather than run doing nothing.
    #[error(
        "rules.owners: no owner is whitelisted, so every account would be skipped; set \
         SO__RULES__OWNERS__ASSOCIATE_IDS and/or SO__RULES__OWNERS__SHORT_NAMES"
    )]
    NoOwners,

    /// `worker.admin` cannot work (bad address, or reachable from other
    /// hosts without a credential).
    #[error(transparent)]
    Admin(#[from] so_metrics::InvalidAdmin),

    /// A number is outside what works.
    #[error("{key}: {problem}")]
    Range {
        /// The key.
        key: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
}

impl Settings {
    /// Checks the values that deserialising cannot.
    pub fn validate(&self) -> Result<(), InvalidSettings> {
        self.superoffice.tenant_config()?;
        let admin = &self.worker.admin;
        admin.validate(crate::admin::SECTION, crate::admin::ENV)?;
        if self.rules.owners.is_empty() {
            return Err(InvalidSettings::NoOwners);
        }

        let worker = &self.worker;
        let range = |ok: bool, key, problem| {
            if ok {
                Ok(())
            } else {
                Err(InvalidSettings::Range { key, problem })
            }
        };
        range(worker.slots >= 1, "worker.slots", "must be at least 1")?;
        range(
            worker.lease_ms >= 300,
            "worker.lease_ms",
            "must be at least 300: the lease is renewed every third of it",
        )?;
        range(
            worker.poll_min_ms >= 1 && worker.poll_min_ms <= worker.poll_max_ms,
            "worker.poll_min_ms",
            "must be at least 1 and at most worker.poll_max_ms",
        )?;
        range(
            worker.retry.max_attempts >= 1,
            "worker.retry.max_attempts",
            "must be at least 1",
        )?;
        range(
            worker.duplicate_window_ms >= 0,
            "worker.duplicate_window_ms",
            "must not be negative",
        )
    }
}
