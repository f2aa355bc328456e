use so_rules::{owner_rule, payload_owner_rule, Decision, EventKind, OwnerWhitelist, ReasonCode};

use crate::{assert_verdict, columns};

use Decision::{Process, Skip};
use EventKind::{ContactChanged, ContactCreated, PersonChanged, PersonCreated};
use ReasonCode::{OwnerDeferred, OwnerNotOurs, OwnerOurs, OwnerWhitelistEmpty};

fn whitelist(ids: &[i64], short_names: &[&str]) -> OwnerWhitelist {
    OwnerWhitelist {
        associate_ids: ids.to_vec(),
        short_names: columns(short_names),
    }
}

#[test]
fn payload_owner_rule_skips_only_what_the_payload_proves() {
    let ids = whitelist(&[23], &[]);
    let several = whitelist(&[5, 23], &[]);
    let ids_and_names = whitelist(&[23], &["RKAB"]);
    let names = whitelist(&[], &["RKAB"]);
    let blank_name = whitelist(&[23], &[" "]);
    let empty = OwnerWhitelist::default();
    #[rustfmt::skip]
    let table = [
        // (case, whitelist, event, FieldValues.associate_id, decision, code)
        ("listed owner", &ids, ContactChanged, Some(23), Process, OwnerOurs),
        ("listed among several", &several, ContactCreated, Some(23), Process, OwnerOurs),
        ("foreign owner", &ids, ContactChanged, Some(99), Skip, OwnerNotOurs),
        ("foreign owner, created", &ids, ContactCreated, Some(99), Skip, OwnerNotOurs),
        ("no FieldValues", &ids, ContactChanged, None, Process, OwnerDeferred),
        ("names need the API", &ids_and_names, ContactChanged, Some(99), Process, OwnerDeferred),
        ("only short names", &names, ContactChanged, Some(99), Process, OwnerDeferred),
        ("blank short name", &blank_name, ContactChanged, Some(99), Skip, OwnerNotOurs),
        ("empty whitelist", &empty, ContactChanged, Some(99), Process, OwnerDeferred),
        ("person changed", &ids, PersonChanged, Some(99), Process, OwnerDeferred),
        ("person created", &ids, PersonCreated, Some(99), Process, OwnerDeferred),
    ];

    for (case, owners, event, payload_owner, decision, code) in table {
        let verdict = payload_owner_rule(owners, event, payload_owner);

        assert_verdict(case, &verdict, decision, code);
    }
}

#[test]
fn missing_field_values_are_decided_later_by_the_worker() {
    let verdict = payload_owner_rule(&whitelist(&[23], &[]), ContactChanged, None);

    assert_eq!(
        verdict.reason,
        "owner not in the payload; decided later by the worker"
    );
}

#[test]
fn owner_rule_with_api_facts_decides_each_owner() {
    let both = whitelist(&[23], &["RKAB", " kn "]);
    let empty = OwnerWhitelist::default();
    let blank = whitelist(&[], &[" "]);
    #[rustfmt::skip]
    let table = [
        // (case, whitelist, owner id, owner short name, decision, code)
        ("listed id", &both, Some(23), Some("XY"), Process, OwnerOurs),
        ("listed short name", &both, Some(99), Some("RKAB"), Process, OwnerOurs),
        ("short name other case", &both, Some(99), Some("rkab"), Process, OwnerOurs),
        ("short name padded", &both, None, Some("  RKAB "), Process, OwnerOurs),
        ("padded listed name", &both, None, Some("KN"), Process, OwnerOurs),
        ("id only, listed", &both, Some(23), None, Process, OwnerOurs),
        ("foreign id and name", &both, Some(99), Some("XY"), Skip, OwnerNotOurs),
        ("foreign id, no name", &both, Some(99), None, Skip, OwnerNotOurs),
        ("no owner", &both, None, None, Skip, OwnerNotOurs),
        ("blank name, no id", &both, None, Some("  "), Skip, OwnerNotOurs),
        ("empty whitelist", &empty, Some(23), Some("RKAB"), Skip, OwnerWhitelistEmpty),
        ("blank names only", &blank, None, Some(" "), Skip, OwnerWhitelistEmpty),
    ];

    for (case, owners, owner_id, short_name, decision, code) in table {
        let verdict = owner_rule(owners, owner_id, short_name);

        assert_verdict(case, &verdict, decision, code);
    }
}

#[test]
fn short_names_compare_case_insensitively_beyond_ascii() {
    let owners = whitelist(&[], &["ÅSE"]);

    let verdict = owner_rule(&owners, Some(7), Some("åse"));

    assert_verdict("non-ASCII short name", &verdict, Process, OwnerOurs);
}

#[test]
fn owner_reasons_describe_the_owner() {
    let owners = whitelist(&[23], &["RKAB"]);
    let table = [
        (
            Some(99),
            Some("XY"),
            "owner associate 99 (XY) is not on the owner whitelist",
        ),
        (
            Some(99),
            None,
            "owner associate 99 is not on the owner whitelist",
        ),
        (None, Some("RKAB"), "owner RKAB is on the owner whitelist"),
        (None, None, "the account has no owner"),
    ];

    for (owner_id, short_name, reason) in table {
        let verdict = owner_rule(&owners, owner_id, short_name);

        assert_eq!(verdict.reason, reason);
    }
}
