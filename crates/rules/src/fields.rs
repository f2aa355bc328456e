//! Rule 3: the changed-field whitelist for `*.changed` events.
//!
//! A write-back, a login that touches `updated`, or an edit of a field the
//! analysis does not read all send `contact.changed`. Only a change of a
//! field the enrichment depends on is worth a job. The payload's `Changes`
//! list carries database column names (`orgNr`, `userdef_id`,
//! `updated_associate_id`), not REST property names, so the whitelist is
//! written in column names too.

use serde::Deserialize;

use crate::codes::ReasonCode;
use crate::event::{EntityKind, EventKind};
use crate::verdict::Verdict;

/// The column names whose change makes a `*.changed` event relevant, per
/// entity. Compared with the payload case-insensitively (ASCII: column names
/// are ASCII), so `orgnr` also matches SuperOffice's `orgNr`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WatchedFields {
    /// Watched columns of a contact (company). Default: `name`,
    /// `urladdress`, `urls`, `orgnr`, `userdef_id`.
    pub contact: Vec<String>,
    /// Watched columns of a person. Default: the job title and position in
    /// every documented spelling (`title`, `jobtitle`, `job_title`,
    /// `position_idx`, `position_id`, `position`) and `userdef_id`.
    pub person: Vec<String>,
}

impl Default for WatchedFields {
    fn default() -> Self {
        let owned = |names: &[&str]| names.iter().map(|name| name.to_string()).collect();
        Self {
            contact: owned(&["name", "urladdress", "urls", "orgnr", "userdef_id"]),
            person: owned(&[
                "title",
                "jobtitle",
                "job_title",
                "position_idx",
                "position_id",
                "position",
                "userdef_id",
            ]),
        }
    }
}

impl WatchedFields {
    /// The watched columns of one entity.
    pub fn for_entity(&self, entity: EntityKind) -> &[String] {
        match entity {
            EntityKind::Contact => &self.contact,
            EntityKind::Person => &self.person,
        }
    }

    /// Whether `column` is watched for `entity`.
    pub fn watches(&self, entity: EntityKind, column: &str) -> bool {
        let column = column.trim();
        self.for_entity(entity)
            .iter()
            .any(|watched| watched.trim().eq_ignore_ascii_case(column))
    }
}

/// Rule 3: Skip a `*.changed` event whose `changes` name no watched column
/// ([`ReasonCode::NoRelevantChange`]); `*.created` events always pass, since
/// a new record has never been enriched.
///
/// An empty `Changes` list on a change event is skipped too: there is no
/// evidence that anything we read has changed.
pub fn field_rule(watched: &WatchedFields, event: EventKind, changes: &[String]) -> Verdict {
    if !event.is_change() {
        return Verdict::process(
            ReasonCode::RelevantChange,
            format!("{event} is always relevant"),
        );
    }

    let entity = event.entity();
    let (hits, misses): (Vec<&str>, Vec<&str>) = changes
        .iter()
        .map(|column| column.trim())
        .partition(|column| watched.watches(entity, column));

    if !hits.is_empty() {
        return Verdict::process(
            ReasonCode::RelevantChange,
            format!("{} {} changed", watched_noun(hits.len()), hits.join(", ")),
        );
    }

    let reason = match misses.len() {
        0 => format!("{event} lists no changed fields"),
        1 => format!("changed field {} is not watched for {entity}", misses[0]),
        _ => format!(
            "changed fields {} are not watched for {entity}",
            misses.join(", ")
        ),
    };
    Verdict::skip(ReasonCode::NoRelevantChange, reason)
}

fn watched_noun(count: usize) -> &'static str {
    if count == 1 {
        "watched field"
    } else {
        "watched fields"
    }
}
