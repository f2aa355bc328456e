//! `inputs_hash`: stable, blind to what the analysis cannot see, and
//! sensitive to everything else.

use std::collections::BTreeSet;

use so_enrich::{inputs_hash, CompanyFacts};

/// One edit of the facts, for the tables below.
type Change = fn(&mut CompanyFacts);

fn full_facts() -> CompanyFacts {
    CompanyFacts {
        name: "Hotel Alpenblick GmbH & Co. KG".to_owned(),
        department: Some("Verwaltung".to_owned()),
        business: Some("Hotellerie".to_owned()),
        category: Some("Kunde".to_owned()),
        city: Some("Innsbruck".to_owned()),
        country: Some("Österreich".to_owned()),
        org_number: Some("FN 123456a".to_owned()),
        web_address: Some("https://www.alpenblick.at".to_owned()),
        domains: vec![
            "alpenblick.at".to_owned(),
            "alpenblick-hotel.com".to_owned(),
        ],
        notes: Some("Familiengeführtes Haus mit 80 Zimmern.".to_owned()),
        website_text: Some("Willkommen im Hotel Alpenblick.".to_owned()),
        person_titles: vec!["Direktorin".to_owned(), "Leiter Haustechnik".to_owned()],
        recorded_vertical: Some(3),
    }
}

#[test]
fn the_hash_is_pinned_for_known_facts() {
    // If this changes, stored results are analysed again: bump the
    // canonical form's version on purpose, then update the value here.
    let hash = inputs_hash(&full_facts());

    assert_eq!(hash.len(), 64);
    assert!(hash
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(
        hash,
        "11ba9215093426560e960428c13066b7380cefa2ab625b532b4251032462d85d"
    );
}

#[test]
fn the_hash_ignores_what_the_analysis_cannot_see() {
    let base = inputs_hash(&full_facts());
    let variants: Vec<(&str, Change)> = vec![
        ("white space", |f| {
            f.name = "  Hotel  Alpenblick\tGmbH & Co. KG ".into()
        }),
        ("decomposed umlaut", |f| {
            f.country = Some("O\u{308}sterreich".into())
        }),
        ("domain order", |f| f.domains.reverse()),
        ("domain case", |f| f.domains[0] = "AlpenBlick.AT".into()),
        ("duplicate domain", |f| {
            f.domains.push("alpenblick.at".into())
        }),
        ("empty domain", |f| f.domains.push(String::new())),
        ("title order", |f| f.person_titles.reverse()),
        ("web address case", |f| {
            f.web_address = Some("HTTPS://WWW.ALPENBLICK.AT".into())
        }),
    ];

    for (what, change) in variants {
        let mut facts = full_facts();
        change(&mut facts);
        assert_eq!(inputs_hash(&facts), base, "{what}");
    }

    let empty = CompanyFacts {
        notes: Some("   ".into()),
        ..CompanyFacts::default()
    };
    assert_eq!(
        inputs_hash(&empty),
        inputs_hash(&CompanyFacts::default()),
        "blank is absent"
    );
}

#[test]
fn the_hash_changes_with_every_input() {
    let changes: Vec<(&str, Change)> = vec![
        ("name", |f| f.name = "Hotel Alpenrose GmbH & Co. KG".into()),
        ("name case", |f| {
            f.name = "HOTEL ALPENBLICK GMBH & CO. KG".into()
        }),
        ("department", |f| f.department = Some("Empfang".into())),
        ("business", |f| f.business = None),
        ("category", |f| f.category = Some("Interessent".into())),
        ("city", |f| f.city = Some("Hall in Tirol".into())),
        ("country", |f| f.country = Some("Deutschland".into())),
        ("org number", |f| f.org_number = Some("FN 123456b".into())),
        ("web address", |f| {
            f.web_address = Some("https://alpenblick.tirol".into())
        }),
        ("domains", |f| f.domains.push("alpenblick.de".into())),
        ("notes", |f| {
            f.notes = Some("Familiengeführtes Haus mit 90 Zimmern.".into())
        }),
        ("website text", |f| f.website_text = None),
        ("person titles", |f| f.person_titles.push("Einkauf".into())),
        ("recorded vertical", |f| f.recorded_vertical = Some(4)),
        ("recorded vertical cleared", |f| f.recorded_vertical = None),
        // The same text in another field is another input.
        ("moved value", |f| f.department = f.business.take()),
    ];

    let mut seen = BTreeSet::from([inputs_hash(&full_facts())]);
    for (what, change) in &changes {
        let mut facts = full_facts();
        change(&mut facts);
        assert!(
            seen.insert(inputs_hash(&facts)),
            "{what} did not change the hash"
        );
    }
}

#[test]
fn the_hash_is_the_same_on_every_call() {
    let facts = full_facts();

    let hashes: BTreeSet<String> = (0..5).map(|_| inputs_hash(&facts.clone())).collect();

    assert_eq!(hashes.len(), 1);
}
