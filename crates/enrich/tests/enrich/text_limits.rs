//! Summaries and openers stay within their fields, whatever the text.

use so_enrich::{
    truncate, utf16_len, BuiltinAnalyzer, CompanyFacts, FieldLimits, Taxonomy, LONG_TEXT_LIMIT,
};

use crate::support::{analyse, company, company_in, person, personaliser};

/// Names that push every output past its field, in several scripts.
fn long_names() -> Vec<String> {
    vec![
        "Ærøskøbing Ølmühle Krankenhaus ".repeat(12),
        "株式会社東京ホテル".repeat(30),
        "🏨 Hotel Sonnenschein 🏨 ".repeat(15),
        "Mu\u{308}ller Logistik Spedition ".repeat(10),
        "Z\u{327}\u{303}a\u{301}\u{300}rko Gebäudereinigung ".repeat(12),
        "Hotel".to_owned() + &"x".repeat(400),
    ]
}

#[test]
fn summaries_and_openers_fit_their_fields_for_long_multibyte_names() {
    let roles = [
        Some("Leiterin Facility Management ".repeat(8)),
        Some("CEO".to_owned()),
        None,
    ];

    for name in long_names() {
        let facts = CompanyFacts {
            department: Some("Zentralverwaltung Nord-Süd".to_owned()),
            notes: Some("Größter Anbieter der Region. ".repeat(20)),
            ..company_in(&name, "Škofja Loka", "Österreich")
        };
        let analysis = analyse(&facts);

        assert!(
            utf16_len(&analysis.summary) <= LONG_TEXT_LIMIT,
            "summary of {name:?}"
        );
        assert!(
            utf16_len(&analysis.opener) <= LONG_TEXT_LIMIT,
            "opener of {name:?}"
        );
        analysis.validate(&FieldLimits::default()).unwrap();
        for title in &roles {
            let person = person(title.as_deref(), None);
            let opener = personaliser().person_opener(&analysis, &facts, &person);
            assert!(
                utf16_len(&opener) <= LONG_TEXT_LIMIT,
                "person opener at {name:?}"
            );
            assert!(
                opener.ends_with('…'),
                "a cut text shows it was cut: {opener}"
            );
        }
    }
}

#[test]
fn shorter_configured_fields_are_respected() {
    let limits = FieldLimits {
        summary: 80,
        opener: 60,
        person_opener: LONG_TEXT_LIMIT,
    };
    let analyzer = BuiltinAnalyzer::new(Taxonomy::embedded().unwrap(), limits).unwrap();

    for name in long_names() {
        let analysis = analyzer.analyse_now(&company(&name)).unwrap();

        assert!(utf16_len(&analysis.summary) <= 80, "{}", analysis.summary);
        assert!(utf16_len(&analysis.opener) <= 60, "{}", analysis.opener);
    }
}

#[test]
fn short_texts_are_not_cut() {
    let facts = company_in("Hotel Sonne", "Wien", "AT");
    let analysis = analyse(&facts);

    assert!(!analysis.summary.contains('…'), "{}", analysis.summary);
    assert!(!analysis.opener.contains('…'), "{}", analysis.opener);
}

#[test]
fn truncate_cuts_at_a_word_boundary_and_marks_the_cut() {
    let text = "Lange Flure und strenge Hygienevorgaben gehören zum Alltag";

    let cut = truncate(text, 30);

    assert_eq!(cut, "Lange Flure und strenge…");
    assert!(utf16_len(&cut) <= 30);
}

#[test]
fn truncate_leaves_text_within_the_limit_alone() {
    assert_eq!(truncate("Hotel Sonne", 11), "Hotel Sonne");
    assert_eq!(truncate("Hotel Sonne", 199), "Hotel Sonne");
    assert_eq!(truncate("anything", 0), "");
}

#[test]
fn truncate_cuts_text_without_spaces_between_characters() {
    let text = "株式会社東京ホテル".repeat(5);

    let cut = truncate(&text, 10);

    assert_eq!(cut, "株式会社東京ホテル…");
}

#[test]
fn truncate_counts_utf16_units_and_never_splits_an_emoji() {
    let text = "🏨".repeat(10);

    let cut = truncate(&text, 6);

    assert_eq!(utf16_len("🏨"), 2);
    assert_eq!(cut, "🏨🏨…");
    assert_eq!(utf16_len(&cut), 5, "a third emoji would need 7 units");
}

#[test]
fn truncate_keeps_a_combining_mark_with_its_letter() {
    // "e" + combining acute + combining grave has no precomposed form; the
    // cut must fall before the "e" or after both marks.
    let text = "abcde\u{301}\u{300}fgh";

    for limit in 1..utf16_len(text) {
        let cut = truncate(text, limit);
        let kept = cut.trim_end_matches('…');
        assert!(!kept.ends_with('e'), "limit {limit}: {cut:?}");
        assert!(utf16_len(&cut) <= limit, "limit {limit}: {cut:?}");
    }
}

#[test]
fn the_summary_says_what_where_which_vertical_and_what_potential() {
    let facts = company_in("Krankenhaus St. Josef gGmbH", "Regensburg", "Deutschland");

    let summary = analyse(&facts).summary;

    assert_eq!(
        summary,
        "Krankenhaus St. Josef gGmbH: Krankenhäuser & Kliniken in Regensburg, Deutschland. \
         Potenzial: Reinigung hoch, Transport hoch, Sicherheit mittel, Service mittel."
    );
}

#[test]
fn the_summary_of_an_unknown_company_says_the_vertical_is_undetermined() {
    let german = analyse(&company_in("Acme Holding AG", "Zug", "Schweiz")).summary;
    let english = analyse(&company_in("Acme Holdings Ltd", "Leeds", "United Kingdom")).summary;

    assert_eq!(
        german,
        "Acme Holding AG in Zug, Schweiz; Branche nicht bestimmt."
    );
    assert_eq!(
        english,
        "Acme Holdings Ltd in Leeds, United Kingdom; vertical not determined."
    );
}

#[test]
fn the_summary_of_a_vendor_says_it_is_not_a_prospect() {
    let summary = analyse(&company_in("Cleaning Machines Ltd", "Leeds", "UK")).summary;

    assert!(summary.contains("not a prospect"), "{summary}");
}

#[test]
fn the_summary_ends_with_the_notes_first_sentence_when_it_fits() {
    let facts = CompanyFacts {
        notes: Some(
            "Familiengeführtes Haus mit 80 Zimmern. Seit 1950 in dritter Generation.".into(),
        ),
        ..company_in("Hotel Sonne", "Wien", "AT")
    };

    let summary = analyse(&facts).summary;

    assert!(
        summary.ends_with("Familiengeführtes Haus mit 80 Zimmern."),
        "{summary}"
    );
}
