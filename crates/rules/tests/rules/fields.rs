use so_rules::{field_rule, Decision, EventKind, ReasonCode, WatchedFields};

use crate::{assert_verdict, columns};

use Decision::{Process, Skip};
use EventKind::{ContactChanged, ContactCreated, PersonChanged, PersonCreated};
use ReasonCode::{NoRelevantChange, RelevantChange};

/// What a write-back or a save without real edits changes.
const BOOKKEEPING: &[&str] = &["updated", "updated_associate_id", "updatedCount"];

#[test]
fn default_whitelist_accepts_every_documented_spelling() {
    let table = [
        // Contacts: name, web addresses, organisation number, UDFs.
        (ContactChanged, "name"),
        (ContactChanged, "urladdress"),
        (ContactChanged, "URLAddress"),
        (ContactChanged, "urls"),
        (ContactChanged, "orgnr"),
        (ContactChanged, "orgNr"),
        (ContactChanged, "ORGNR"),
        (ContactChanged, "userdef_id"),
        (ContactChanged, "Name"),
        // Persons: job title and position in every spelling, UDFs.
        (PersonChanged, "title"),
        (PersonChanged, "Title"),
        (PersonChanged, "jobtitle"),
        (PersonChanged, "JobTitle"),
        (PersonChanged, "job_title"),
        (PersonChanged, "position_idx"),
        (PersonChanged, "position_id"),
        (PersonChanged, "position"),
        (PersonChanged, "userdef_id"),
    ];

    for (event, column) in table {
        let mut changes = columns(BOOKKEEPING);
        changes.push(column.to_string());

        let verdict = field_rule(&WatchedFields::default(), event, &changes);

        assert_verdict(column, &verdict, Process, RelevantChange);
    }
}

#[test]
fn field_whitelist_decides_each_change_list() {
    #[rustfmt::skip]
    let table: [(&str, EventKind, &[&str], Decision, ReasonCode); 10] = [
        // (case, event, changes, decision, code)
        ("bookkeeping only", ContactChanged, BOOKKEEPING, Skip, NoRelevantChange),
        ("department", ContactChanged, &["contact_id", "department"], Skip, NoRelevantChange),
        ("person field on a contact", ContactChanged, &["title"], Skip, NoRelevantChange),
        ("contact field on a person", PersonChanged, &["name", "orgnr"], Skip, NoRelevantChange),
        ("person names", PersonChanged, &["firstname", "lastname"], Skip, NoRelevantChange),
        ("empty change list", ContactChanged, &[], Skip, NoRelevantChange),
        ("created contact", ContactCreated, BOOKKEEPING, Process, RelevantChange),
        ("created contact, no list", ContactCreated, &[], Process, RelevantChange),
        ("created person", PersonCreated, &["firstname"], Process, RelevantChange),
        ("padded column", ContactChanged, &[" name "], Process, RelevantChange),
    ];

    for (case, event, changes, decision, code) in table {
        let verdict = field_rule(&WatchedFields::default(), event, &columns(changes));

        assert_verdict(case, &verdict, decision, code);
    }
}

#[test]
fn skip_reason_names_the_fields_that_changed() {
    let table: [(EventKind, &[&str], &str); 3] = [
        (
            ContactChanged,
            BOOKKEEPING,
            "changed fields updated, updated_associate_id, updatedCount are not watched \
             for contact",
        ),
        (
            PersonChanged,
            &["firstname"],
            "changed field firstname is not watched for person",
        ),
        (
            ContactChanged,
            &[],
            "contact.changed lists no changed fields",
        ),
    ];

    for (event, changes, reason) in table {
        let verdict = field_rule(&WatchedFields::default(), event, &columns(changes));

        assert_eq!(verdict.reason, reason);
    }
}

#[test]
fn process_reason_names_the_watched_fields_in_payload_spelling() {
    let changes = columns(&["contact_id", "name", "orgNr", "updated"]);

    let verdict = field_rule(&WatchedFields::default(), ContactChanged, &changes);

    assert_eq!(verdict.reason, "watched fields name, orgNr changed");
}

#[test]
fn configured_whitelist_replaces_the_default() {
    let watched = WatchedFields {
        contact: columns(&["Department"]),
        person: Vec::new(),
    };
    #[rustfmt::skip]
    let table: [(&str, EventKind, &[&str], Decision); 4] = [
        ("configured column", ContactChanged, &["department"], Process),
        ("default column no longer watched", ContactChanged, &["name"], Skip),
        ("empty person list watches nothing", PersonChanged, &["title"], Skip),
        ("created events still pass", PersonCreated, &[], Process),
    ];

    for (case, event, changes, decision) in table {
        let verdict = field_rule(&watched, event, &columns(changes));

        assert_eq!(verdict.decision, decision, "case {case:?}: got {verdict}");
    }
}
