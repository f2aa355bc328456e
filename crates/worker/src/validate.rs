//! What deserialising the settings cannot check: that the values can work.
//!
//! `so-worker` runs these before anything else, also with `--check`, so a
//! bad taxonomy or a missing credential shows before the service starts.
//! Every check runs, and the error lists every problem found: a fresh
//! install learns all the keys it lacks from one start.

use so_enrich::{Engine, TaxonomyError};
use so_runtime::{Checklist, Problems};

use crate::settings::Settings;

/// A setting that loads but cannot work.
#[derive(Debug, thiserror::Error)]
pub enum InvalidSettings {
    /// A key of the `superoffice` section is missing or unusable; the
    /// message names the key and its variable.
    #[error(transparent)]
    SuperOffice(#[from] so_superoffice::Error),

    /// The analysis taxonomy or its list item ids are unusable.
    #[error("analyzer: cannot build the analysis engine")]
    Analyzer(#[source] TaxonomyError),

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

    /// `log.filter` (or `RUST_LOG`) does not parse.
    #[error(transparent)]
    Log(#[from] so_runtime::TelemetryError),

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
    /// Checks the values that deserialising cannot, and builds the analysis
    /// engine, the only way to know that the taxonomy and the list item ids
    /// fit together. The engine is returned for the worker to run with, so
    /// that a start builds it once. Every problem is reported, not only the
    /// first.
    pub fn validate(&self) -> Result<Engine, Problems<InvalidSettings>> {
        let mut found = Checklist::new();
        let superoffice = self.superoffice.problems().into_iter();
        found.extend(superoffice.map(InvalidSettings::SuperOffice));
        found.require(!self.rules.owners.is_empty(), || InvalidSettings::NoOwners);
        let admin = &self.worker.admin;
        found.check(admin.validate(crate::admin::SECTION, crate::admin::ENV));
        found.check(self.log.validate());

        let worker = &self.worker;
        found.require(worker.slots >= 1, || {
            range("worker.slots", "must be at least 1")
        });
        found.require(worker.lease_ms >= 300, || {
            let problem = "must be at least 300: the lease is renewed every third of it";
            range("worker.lease_ms", problem)
        });
        found.require(
            worker.poll_min_ms >= 1 && worker.poll_min_ms <= worker.poll_max_ms,
            || {
                let problem = "must be at least 1 and at most worker.poll_max_ms";
                range("worker.poll_min_ms", problem)
            },
        );
        found.require(worker.retry.max_attempts >= 1, || {
            range("worker.retry.max_attempts", "must be at least 1")
        });
        found.require(worker.duplicate_window_ms >= 0, || {
            range("worker.duplicate_window_ms", "must not be negative")
        });

        let engine = found.check(self.analyzer.build().map_err(InvalidSettings::Analyzer));
        match (found.finish(), engine) {
            (Ok(()), Some(engine)) => Ok(engine),
            (Err(problems), _) => Err(problems),
            (Ok(()), None) => unreachable!("a failed build is a problem found"),
        }
    }
}

fn range(key: &'static str, problem: &'static str) -> InvalidSettings {
    InvalidSettings::Range { key, problem }
}
