//! Classification into verticals with the embedded taxonomy.

use so_enrich::{BuiltinAnalyzer, CompanyFacts, FieldLimits, Language, Level, Taxonomy};

use crate::support::{analyse, analyzer, company, company_in, vertical_of};

#[test]
fn every_vertical_is_recognised_from_a_german_name() {
    let cases = [
        ("hospitals", "Krankenhaus St. Josef gGmbH"),
        ("care_homes", "Seniorenresidenz am Stadtpark"),
        ("hotels", "Hotel Alpenblick GmbH & Co. KG"),
        ("restaurants", "Gaststätte Zum Löwen"),
        ("retail", "Supermarkt Neumann OHG"),
        ("shopping_centres", "Einkaufszentrum Donauplex"),
        ("logistics", "Müller Logistik GmbH"),
        ("manufacturing", "Maschinenbau Keller AG"),
        ("food_production", "Molkerei Berchtesgadener Land"),
        ("facility_services", "Gebäudereinigung Weiß GmbH"),
        ("public_sector", "Landratsamt Rosenheim"),
        ("education", "Städtisches Gymnasium Nord"),
        ("airports", "Flughafen Salzburg GmbH"),
        ("public_transport", "Verkehrsbetriebe Zürich"),
        ("offices_real_estate", "Meyer Immobilien GmbH"),
        ("fitness_leisure", "Fitnessstudio Kraftwerk"),
        ("culture", "Museum für Naturkunde"),
        ("events", "Kongresszentrum Mitte"),
        ("pharma_labs", "Labor Dr. Fischer Pharma GmbH"),
        ("automotive", "Autozulieferer Brandt GmbH"),
        ("data_centres", "Rechenzentrum Süd GmbH"),
        ("car_dealerships", "Autohaus Schuster"),
        ("parking", "Parkhaus am Dom GmbH"),
        ("cleaning_vendors", "Reinigungsmaschinen Huber e.U."),
        ("other", "Kanzlei Weber Rechtsanwälte"),
    ];
    assert_eq!(
        cases.len(),
        analyzer().taxonomy().verticals.len(),
        "one case per vertical"
    );

    for (expected, name) in cases {
        assert_eq!(
            vertical_of(&company(name)).as_deref(),
            Some(expected),
            "{name}"
        );
    }
}

#[test]
fn every_vertical_is_recognised_from_an_english_name() {
    let cases = [
        ("hospitals", "St. Mary's Hospital"),
        ("care_homes", "Sunrise Care Home Ltd"),
        ("hotels", "Grand Hotel London Ltd"),
        ("restaurants", "Blue Door Restaurant & Catering"),
        ("retail", "Fresh Grocery Stores Inc"),
        ("shopping_centres", "Westfield Shopping Centre"),
        ("logistics", "Swift Freight & Logistics"),
        ("manufacturing", "Northern Steel Manufacturing"),
        ("food_production", "Highland Dairy Ltd"),
        ("facility_services", "City Cleaning Services Ltd"),
        ("public_sector", "Leeds City Council"),
        ("education", "University of Kent"),
        ("airports", "Bristol Airport Ltd"),
        ("public_transport", "Northern Railway Company"),
        ("offices_real_estate", "Greystone Real Estate Partners"),
        ("fitness_leisure", "Pure Gym Ltd"),
        ("culture", "Science Museum Group"),
        ("events", "ExCeL Exhibition Centre"),
        ("pharma_labs", "Oxford Biotech Laboratories"),
        ("automotive", "Midland Automotive Components"),
        ("data_centres", "Docklands Data Centre Ltd"),
        ("car_dealerships", "Smith Car Dealership"),
        ("parking", "Central Car Park Ltd"),
        ("cleaning_vendors", "Cleaning Equipment Distributor Ltd"),
        ("other", "Baker Insurance Brokers"),
    ];

    for (expected, name) in cases {
        assert_eq!(
            vertical_of(&company(name)).as_deref(),
            Some(expected),
            "{name}"
        );
    }
}

#[test]
fn the_briefs_examples_classify_as_stated() {
    let hospital = analyse(&company("Krankenhaus St. Josef gGmbH"));
    let hotel = analyse(&company("Hotel Alpenblick GmbH & Co. KG"));
    let logistics = analyse(&company("Müller Logistik GmbH"));
    let vendor = analyse(&company("Reinigungsmaschinen Huber e.U."));
    let unknown = analyse(&company("Acme Holding AG"));

    assert_eq!(
        hospital.vertical.map(|v| v.key).as_deref(),
        Some("hospitals")
    );
    assert_eq!(hotel.vertical.map(|v| v.key).as_deref(), Some("hotels"));
    assert_eq!(
        logistics.vertical.map(|v| v.key).as_deref(),
        Some("logistics")
    );
    assert_eq!(
        vendor.vertical.map(|v| v.key).as_deref(),
        Some("cleaning_vendors")
    );
    assert!(
        !vendor.prospect,
        "a vendor of cleaning machines is not a prospect"
    );
    assert!(unknown.vertical.is_none());
    assert!(
        unknown.prospect,
        "an unknown company may still be a prospect"
    );
}

#[test]
fn umlauts_match_composed_decomposed_and_spelled_out() {
    let spellings = [
        "Universität Wien",
        "Universita\u{308}t Wien",
        "Universitaet Wien",
        "UNIVERSITÄT WIEN",
        "UNIVERSITA\u{308}T WIEN",
    ];

    for name in spellings {
        assert_eq!(
            vertical_of(&company(name)).as_deref(),
            Some("education"),
            "{name:?}"
        );
    }
    let decomposed = company("Mu\u{308}ller Logistik GmbH");
    assert_eq!(vertical_of(&decomposed).as_deref(), Some("logistics"));
}

#[test]
fn keywords_are_found_inside_compound_words() {
    let cases = [
        ("hospitals", "Universitätsklinikum Nord"),
        ("hospitals", "Stadtkrankenhaus Kempten"),
        ("hospitals", "University Hospital Southampton"),
        ("logistics", "Zentrallager Süd GmbH"),
        ("care_homes", "Evangelisches Altenpflegeheim Lindenhof"),
        ("facility_services", "Unterhaltsreinigung Kovač"),
    ];

    for (expected, name) in cases {
        assert_eq!(
            vertical_of(&company(name)).as_deref(),
            Some(expected),
            "{name}"
        );
    }
}

#[test]
fn sellers_of_cleaning_machines_are_told_from_users_of_cleaning_services() {
    let vendors = [
        "Reinigungsmaschinen Vertrieb GmbH",
        "Kärcher-Händler Schmidt",
        "Cleaning equipment distributor",
        "Nilfisk Center Nord",
        "Reinigungstechnik Wagner KG",
    ];
    let services = [
        "Gebäudereinigung Meier GmbH",
        "Sauber Reinigungsdienst",
        "City Cleaning Services Ltd",
        "Hausmeisterservice Gruber",
    ];

    for name in vendors {
        let analysis = analyse(&company(name));
        let key = analysis.vertical.map(|v| v.key);
        assert_eq!(key.as_deref(), Some("cleaning_vendors"), "{name}");
        assert!(!analysis.prospect, "{name} sells cleaning machines");
        assert_eq!(analysis.potential.top(), None, "{name} has no potential");
    }
    for name in services {
        let analysis = analyse(&company(name));
        let key = analysis.vertical.map(|v| v.key);
        assert_eq!(key.as_deref(), Some("facility_services"), "{name}");
        assert!(analysis.prospect, "{name} uses cleaning");
    }
}

#[test]
fn a_name_with_no_keyword_is_unknown() {
    for name in [
        "Acme Holding AG",
        "Huber & Partner GmbH",
        "Nordlicht KG",
        "Alpha Beta Ltd",
    ] {
        let analysis = analyse(&company(name));
        assert!(
            analysis.vertical.is_none(),
            "{name}: {:?}",
            analysis.vertical
        );
    }
}

#[test]
fn business_web_address_and_website_text_classify_a_plain_name() {
    let by_business = CompanyFacts {
        business: Some("Hotellerie".to_owned()),
        ..company("Meier & Söhne GmbH")
    };
    let by_web = CompanyFacts {
        web_address: Some("https://www.krankenhaus-nord.de/kontakt".to_owned()),
        ..company("Nord gGmbH")
    };
    let by_domain = CompanyFacts {
        domains: vec!["spedition-lang.at".to_owned()],
        ..company("Lang GmbH")
    };
    let by_website = CompanyFacts {
        website_text: Some(
            "Willkommen im Seniorenzentrum Lindenhof. Unser Pflegeheim bietet \
             Altenpflege mit Herz."
                .to_owned(),
        ),
        ..company("Lindenhof gGmbH")
    };

    assert_eq!(vertical_of(&by_business).as_deref(), Some("hotels"));
    assert_eq!(vertical_of(&by_web).as_deref(), Some("hospitals"));
    assert_eq!(vertical_of(&by_domain).as_deref(), Some("logistics"));
    assert_eq!(vertical_of(&by_website).as_deref(), Some("care_homes"));
}

#[test]
fn a_hotel_with_a_restaurant_is_a_hotel() {
    let cases = ["Hotel Restaurant Post", "Restaurant & Hotel zur Linde"];

    for name in cases {
        assert_eq!(
            vertical_of(&company(name)).as_deref(),
            Some("hotels"),
            "{name}"
        );
    }
}

#[test]
fn blockers_keep_a_keyword_inside_another_word_from_counting() {
    let cases = [
        "Schlagerparadies Müller",
        "Hotelbedarf Schneider GmbH",
        "Gastherme Service Ost",
    ];

    for name in cases {
        let key = vertical_of(&company(name));
        assert!(
            !matches!(
                key.as_deref(),
                Some("logistics" | "hotels" | "fitness_leisure")
            ),
            "{name}: {key:?}"
        );
    }
}

#[test]
fn a_name_split_between_two_verticals_is_unknown() {
    let analysis = analyse(&company("Klinik & Spedition Maier"));

    assert!(analysis.vertical.is_none(), "{:?}", analysis.vertical);
}

#[test]
fn more_evidence_raises_the_confidence() {
    let name_only = analyse(&company("Hotel Sonne"));
    let with_business = analyse(&CompanyFacts {
        business: Some("Hotellerie".to_owned()),
        ..company("Hotel Sonne")
    });

    let confidence =
        |analysis: &so_enrich::Analysis| analysis.vertical.as_ref().unwrap().confidence;
    assert_eq!(confidence(&name_only), 0.63);
    assert!(confidence(&with_business) > confidence(&name_only));
    assert!(confidence(&with_business) <= 1.0);
}

#[test]
fn the_confidence_threshold_is_configuration() {
    let mut taxonomy = Taxonomy::embedded().unwrap();
    taxonomy.classifier.min_confidence = 0.7;
    let strict = BuiltinAnalyzer::new(taxonomy, FieldLimits::default()).unwrap();

    let analysis = strict.analyse_now(&company("Hotel Sonne")).unwrap();

    assert!(analysis.vertical.is_none(), "0.63 is below 0.7");
}

#[test]
fn german_speaking_countries_get_german_and_the_rest_english() {
    let cases = [
        (Some("Deutschland"), Language::De),
        (Some("AT"), Language::De),
        (Some("Österreich"), Language::De),
        (Some("Schweiz"), Language::De),
        (Some("United Kingdom"), Language::En),
        (Some("France"), Language::En),
        (Some(""), Language::De),
        (None, Language::De),
    ];

    for (country, expected) in cases {
        let facts = CompanyFacts {
            country: country.map(str::to_owned),
            ..company("Hotel Sonne")
        };
        assert_eq!(analyzer().language_for(&facts), expected, "{country:?}");
        assert_eq!(analyse(&facts).language, expected, "{country:?}");
    }
}

#[test]
fn a_german_analysis_names_the_country_in_german() {
    let cases = [
        ("Germany", "Bielefeld, Deutschland."),
        ("AT", "Wien, Österreich."),
        ("Switzerland", "Basel, Schweiz."),
        ("Norway", "Oslo, Norway."),
    ];
    let without_city = CompanyFacts {
        country: Some("Switzerland".to_owned()),
        ..company("Hotel Sonne")
    };
    assert!(
        analyse(&without_city)
            .summary
            .contains("Gastgewerbe, Schweiz."),
        "no \"in Schweiz\" without its article: {}",
        analyse(&without_city).summary
    );

    for (country, place) in cases {
        let city = place.split(',').next().unwrap();
        let analysis = analyse(&company_in("Hotel Sonne", city, country));
        assert!(analysis.summary.contains(place), "{}", analysis.summary);
    }

    let person = so_enrich::PersonFacts {
        first_name: "Anna".to_owned(),
        last_name: "Berger".to_owned(),
        ..Default::default()
    };
    let facts = company_in("Hotel Sonne", "Bielefeld", "Germany");
    let mut analysis = analyse(&facts);
    for opener in &mut analysis.openers {
        opener.template = "{company} in {country}".to_owned();
    }
    let opener = crate::support::personaliser().person_opener(&analysis, &facts, &person);
    assert_eq!(opener, "Hotel Sonne in Deutschland");
}

#[test]
fn potential_comes_from_the_vertical_and_is_raised_by_signals() {
    let plain = analyse(&company_in("Hotel Sonne", "Wien", "AT"));
    let with_warehouse = analyse(&CompanyFacts {
        notes: Some("Eigenes Lager mit 2.000 Quadratmetern.".to_owned()),
        ..company_in("Hotel Sonne", "Wien", "AT")
    });

    assert_eq!(plain.potential.cleaning, Level::High);
    assert_eq!(plain.potential.transport, Level::Medium);
    assert_eq!(
        with_warehouse.potential.transport,
        Level::High,
        "the warehouse raises transport"
    );
    assert_eq!(
        with_warehouse.potential.cleaning,
        Level::High,
        "already at the top"
    );
}

#[test]
fn unknown_companies_have_no_potential() {
    let analysis = analyse(&company("Acme Holding AG"));

    assert_eq!(analysis.potential, so_enrich::Potential::default());
}
