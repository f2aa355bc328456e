use std::collections::HashSet;

use so_rules::{all_codes, ReasonCode};

#[test]
fn all_codes_are_unique_snake_case_strings() {
    let codes = all_codes();

    let unique: HashSet<_> = codes.iter().collect();
    assert_eq!(unique.len(), codes.len(), "duplicate code in {codes:?}");
    for code in codes {
        let snake = code.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        assert!(snake && !code.is_empty(), "{code:?} is not snake_case");
    }
}

#[test]
fn all_codes_include_the_codes_other_crates_rely_on() {
    let codes = all_codes();

    for required in [
        "event_not_handled",
        "echo_of_own_write",
        "no_relevant_change",
        "owner_not_ours",
        "duplicate_creation",
        "entity_deleted",
    ] {
        assert!(codes.contains(&required), "missing {required}");
    }
}

#[test]
fn every_code_reads_back_from_its_string() {
    for code in ReasonCode::ALL {
        assert_eq!(ReasonCode::from_code(code.code()), Some(code));
        assert_eq!(code.to_string(), code.code());
    }

    assert_eq!(ReasonCode::from_code("Echo_Of_Own_Write"), None);
    assert_eq!(ReasonCode::from_code(""), None);
}
