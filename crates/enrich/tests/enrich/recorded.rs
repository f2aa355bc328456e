//! The vertical the CRM already holds: kept against a weak guess, replaced
//! by a confident one, and ignored when the taxonomy does not know it.

use so_enrich::{Analysis, CompanyFacts};

use crate::support::{analyse, company, company_in};

/// The embedded taxonomy's placeholder list item ids.
const HOSPITALS: i32 = 1;
const CARE_HOMES: i32 = 2;

fn recorded(facts: CompanyFacts, item: i32) -> CompanyFacts {
    CompanyFacts {
        recorded_vertical: Some(item),
        ..facts
    }
}

fn vertical(analysis: &Analysis) -> (&str, bool) {
    let vertical = analysis.vertical.as_ref().expect("a vertical");
    (vertical.key.as_str(), vertical.kept)
}

#[test]
fn a_recorded_vertical_is_kept_against_a_weak_guess() {
    // "Gesundheitszentrum" hints at a hospital, weakly.
    let facts = company_in("Gesundheitszentrum Bielefeld AG", "Bielefeld", "Germany");
    let guess = analyse(&facts).vertical.expect("a guess");
    assert_eq!(guess.key, "hospitals");
    assert!(guess.confidence < 0.6, "{}", guess.confidence);

    let analysis = analyse(&recorded(facts, CARE_HOMES));

    assert_eq!(vertical(&analysis), ("care_homes", true));
    assert!(
        analysis.summary.contains("Pflegeheime"),
        "the summary speaks of the kept vertical: {}",
        analysis.summary
    );
    assert!(analysis.opener.contains("Bewohner"), "{}", analysis.opener);
}

#[test]
fn a_confident_guess_replaces_a_recorded_vertical() {
    let facts = CompanyFacts {
        business: Some("Hotellerie".to_owned()),
        ..company("Hotel Sonne GmbH")
    };

    let analysis = analyse(&recorded(facts, HOSPITALS));

    assert_eq!(vertical(&analysis), ("hotels", false));
    assert!(analysis.vertical.unwrap().confidence >= 0.6);
}

#[test]
fn a_recorded_vertical_fills_in_where_nothing_is_known() {
    let analysis = analyse(&recorded(company("Lindenhof GmbH"), CARE_HOMES));

    let vertical = analysis.vertical.expect("the recorded vertical");
    assert_eq!((vertical.key.as_str(), vertical.kept), ("care_homes", true));
    assert_eq!(
        vertical.confidence, 0.0,
        "nothing in the facts speaks for it"
    );
}

#[test]
fn a_guess_that_agrees_is_not_marked_kept() {
    let analysis = analyse(&recorded(company("Pflegeheim Lindenhof"), CARE_HOMES));

    assert_eq!(vertical(&analysis), ("care_homes", false));
}

#[test]
fn an_item_the_taxonomy_does_not_know_is_ignored() {
    let analysis = analyse(&recorded(company("Lindenhof GmbH"), 999));

    assert!(analysis.vertical.is_none());
}
