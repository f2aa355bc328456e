//! The shipped seed: generated from code, committed, and realistic enough.

use std::collections::HashSet;

use so_sandbox::Seed;
use unicode_normalization::UnicodeNormalization;

#[test]
fn the_committed_seed_is_what_the_generator_makes() {
    let committed = include_str!("../../seed/tenant.json");

    let generated = Seed::generate().to_json();

    assert!(
        committed == generated,
        "run: so-sandbox generate-seed > crates/sandbox/seed/tenant.json"
    );
}

#[test]
fn the_seed_holds_two_hundred_companies_across_all_verticals() {
    let seed = Seed::builtin();

    let verticals: HashSet<_> = seed
        .contacts
        .iter()
        .filter_map(|c| c.profile.as_ref())
        .map(|p| p.vertical.clone())
        .collect();

    assert!(seed.contacts.len() >= 200);
    assert_eq!(verticals.len(), 25);
}

#[test]
fn names_carry_umlauts_and_some_are_decomposed() {
    let seed = Seed::builtin();

    let with_sharp_s = seed
        .contacts
        .iter()
        .filter(|c| c.name.contains('ß'))
        .count();
    let decomposed = seed
        .contacts
        .iter()
        .filter(|c| c.name.nfc().collect::<String>() != c.name)
        .count();

    assert!(with_sharp_s > 0);
    assert!(decomposed > 0);
}

#[test]
fn every_company_has_one_to_four_persons() {
    let seed = Seed::builtin();

    for contact in seed.contacts.iter().filter(|c| c.id > 1000) {
        let staff = seed
            .persons
            .iter()
            .filter(|p| p.contact_id == contact.id)
            .count();
        assert!(
            (1..=4).contains(&staff),
            "{} has {staff} persons",
            contact.name
        );
    }
}

#[test]
fn the_tenant_is_shared_by_two_companies_and_an_api_user_without_person() {
    let seed = Seed::builtin();
    let associate = |id: i32| seed.associates.iter().find(|a| a.id == id).unwrap();

    assert_eq!(associate(17).person_id, 0);
    for id in [23, 24, 31, 40, 41, 42, 43, 44, 45] {
        assert_ne!(associate(id).person_id, 0);
    }
    assert!(seed.contacts.iter().any(|c| c.associate_id == 23));
    assert!(seed.contacts.iter().any(|c| c.associate_id == 44));
}
