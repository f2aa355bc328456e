//! Company and person openers.

use std::collections::BTreeSet;

use so_enrich::{Angle, BuiltinAnalyzer, CompanyFacts, FieldLimits, Personaliser, Taxonomy};

use crate::support::{analyse, company, company_in, person, personaliser};

#[test]
fn the_angle_follows_job_title_and_position() {
    let cases = [
        (Some("Head of Facility Management"), None, Angle::Operations),
        (Some("Leiterin Housekeeping"), None, Angle::Operations),
        (Some("Facility Director"), None, Angle::Operations),
        (Some("Betriebsleiter"), None, Angle::Operations),
        (Some("Geschäftsführer"), None, Angle::Cost),
        (Some("CEO"), None, Angle::Cost),
        (Some("Kaufmännische Leitung"), None, Angle::Cost),
        (Some("Leiter Einkauf"), None, Angle::Tco),
        (Some("Head of Procurement"), None, Angle::Tco),
        (Some("Director of Purchasing"), None, Angle::Tco),
        (Some("IT-Leiter"), None, Angle::Technology),
        (Some("Head of IT"), None, Angle::Technology),
        (Some("Sachbearbeiterin"), None, Angle::General),
        (None, Some("Geschäftsführer"), Angle::Cost),
        (Some("Assistenz"), Some("Einkäufer"), Angle::Tco),
        (None, None, Angle::General),
    ];

    for (title, position, expected) in cases {
        let angle = personaliser().angle_for(&person(title, position));
        assert_eq!(angle, expected, "{title:?} / {position:?}");
    }
}

#[test]
fn person_openers_differ_by_role() {
    let facts = company_in("Hotel Alpenblick GmbH & Co. KG", "Innsbruck", "Österreich");
    let analysis = analyse(&facts);
    let titles = [
        Some("Head of Facility Management"),
        Some("Geschäftsführer"),
        Some("Leiter Einkauf"),
        Some("IT-Leiter"),
        None,
    ];

    let openers: Vec<String> = titles
        .iter()
        .map(|title| personaliser().person_opener(&analysis, &facts, &person(*title, None)))
        .collect();

    let distinct: BTreeSet<&String> = openers.iter().collect();
    assert_eq!(distinct.len(), titles.len(), "{openers:#?}");
    for (title, opener) in titles.iter().zip(&openers) {
        assert!(
            opener.contains("Hotel Alpenblick GmbH & Co. KG"),
            "{opener}"
        );
        if let Some(title) = title {
            assert!(opener.contains(title), "{title}: {opener}");
        }
    }
    assert!(
        openers[1].contains("Kosten"),
        "a managing director hears about cost"
    );
    assert!(
        openers[2].contains("Gesamtkosten"),
        "purchasing hears about total cost"
    );
}

#[test]
fn english_openers_for_english_companies() {
    let facts = company_in("Grand Hotel London Ltd", "London", "United Kingdom");
    let analysis = analyse(&facts);

    let opener = personaliser().person_opener(&analysis, &facts, &person(Some("CFO"), None));

    assert_eq!(
        opener,
        "As CFO at Grand Hotel London Ltd you count every euro: cleaning robots clean large \
         floors on their own, day and night – at a predictable monthly cost."
    );
    assert!(analysis
        .opener
        .starts_with("Cleaning robots for Grand Hotel London Ltd"));
}

#[test]
fn a_person_without_a_title_gets_the_general_opener() {
    let facts = company("Müller Logistik GmbH");
    let analysis = analyse(&facts);

    let opener = personaliser().person_opener(&analysis, &facts, &person(None, None));

    assert_eq!(
        opener,
        "Große Hallen und viele interne Transportwege gehören bei Müller Logistik GmbH zum \
         Alltag – Transportroboter bringen Material und Wäsche selbstständig ans Ziel."
    );
}

#[test]
fn every_angle_has_a_template_for_a_prospect() {
    let analysis = analyse(&company("Krankenhaus St. Josef gGmbH"));

    let angles: Vec<Angle> = analysis.openers.iter().map(|opener| opener.angle).collect();

    assert_eq!(angles, Angle::ALL.to_vec());
}

#[test]
fn everyone_at_a_vendor_gets_the_partnership_opener() {
    let facts = company("Reinigungsmaschinen Huber e.U.");
    let analysis = analyse(&facts);

    let ceo = personaliser().person_opener(&analysis, &facts, &person(Some("CEO"), None));
    let buyer = personaliser().person_opener(&analysis, &facts, &person(Some("Einkauf"), None));

    assert_eq!(ceo, buyer);
    assert!(ceo.contains("Partnerschaft"), "{ceo}");
    assert!(
        analysis.opener.contains("Partnerschaft"),
        "{}",
        analysis.opener
    );
}

#[test]
fn the_company_opener_falls_back_when_a_fact_it_needs_is_missing() {
    let mut taxonomy = Taxonomy::embedded().unwrap();
    let hotels = taxonomy
        .verticals
        .iter_mut()
        .find(|v| v.key == "hotels")
        .unwrap();
    hotels.opener.de = "{product} für {company} in {city}: sie {pitch}.".to_owned();
    let analyzer = BuiltinAnalyzer::new(taxonomy, FieldLimits::default()).unwrap();

    let with_city = analyzer
        .analyse_now(&company_in("Hotel Sonne", "Graz", "AT"))
        .unwrap();
    let without_city = analyzer.analyse_now(&company("Hotel Sonne")).unwrap();

    assert_eq!(
        with_city.opener,
        "Reinigungsroboter für Hotel Sonne in Graz: sie reinigen große Flächen selbstständig, \
         Tag und Nacht."
    );
    assert_eq!(
        without_city.opener,
        "Reinigungsroboter für Hotel Sonne: sie reinigen große Flächen selbstständig, Tag und \
         Nacht."
    );
}

#[test]
fn braces_in_facts_are_never_read_as_placeholders() {
    let facts = company("Hotel {title} {company}");
    let analysis = analyse(&facts);

    let opener = personaliser().person_opener(&analysis, &facts, &person(Some("CEO"), None));

    assert!(
        analysis.opener.contains("Hotel (title) (company)"),
        "{}",
        analysis.opener
    );
    assert!(
        opener.starts_with("Als CEO bei Hotel (title) (company) rechnen"),
        "{opener}"
    );
}

#[test]
fn person_openers_fit_the_field_with_long_titles() {
    let facts = company("Hotel Sonne");
    let analysis = analyse(&facts);
    let title = "Stellvertretende Leiterin für Facility Management und Hauswirtschaft ".repeat(5);

    let opener = personaliser().person_opener(&analysis, &facts, &person(Some(&title), None));

    assert!(so_enrich::utf16_len(&opener) <= 199, "{opener}");
    assert!(
        opener.starts_with("Als Stellvertretende Leiterin"),
        "{opener}"
    );
}

#[test]
fn the_person_field_length_is_configuration() {
    let limits = FieldLimits {
        person_opener: 160,
        ..FieldLimits::default()
    };
    let personaliser = Personaliser::new(&Taxonomy::embedded().unwrap(), &limits);
    let facts = company("Krankenhaus St. Josef gGmbH");
    let analysis = analyse(&facts);

    let opener = personaliser.person_opener(&analysis, &facts, &person(Some("IT-Leiter"), None));

    assert!(so_enrich::utf16_len(&opener) <= 160, "{opener}");
}

#[test]
fn a_template_that_cannot_be_filled_falls_back_to_the_company_opener() {
    let facts = CompanyFacts {
        city: None,
        ..company("Hotel Sonne")
    };
    let mut analysis = analyse(&facts);
    analysis.openers = vec![so_enrich::Opener {
        angle: Angle::General,
        template: "Grüße nach {city}, {full_name}!".to_owned(),
    }];

    let opener = personaliser().person_opener(&analysis, &facts, &person(None, None));

    assert_eq!(opener, analysis.opener);
}
