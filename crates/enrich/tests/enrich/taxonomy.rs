//! The taxonomy file, its checks, and the settings built on it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;

use so_enrich::{
    AnalyzerSettings, BuiltinAnalyzer, FieldLimits, Taxonomy, TaxonomyError, DEFAULT_TAXONOMY,
};

use crate::support::company;

#[test]
fn the_embedded_taxonomy_parses_with_25_verticals() {
    let taxonomy = Taxonomy::embedded().unwrap();

    let keys: BTreeSet<&str> = taxonomy.verticals.iter().map(|v| v.key.as_str()).collect();
    let ids: Vec<i32> = taxonomy.verticals.iter().map(|v| v.list_item_id).collect();
    assert_eq!(taxonomy.verticals.len(), 25);
    assert_eq!(keys.len(), 25, "keys are unique");
    assert_eq!(ids, (1..=25).collect::<Vec<_>>());
    assert!(!taxonomy.vertical("cleaning_vendors").unwrap().prospect);
    assert!(taxonomy.verticals.iter().filter(|v| !v.prospect).count() == 1);
    assert!(taxonomy.vertical("other").is_some());
}

#[test]
fn a_taxonomy_file_loads_from_disk() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(DEFAULT_TAXONOMY.as_bytes()).unwrap();

    let taxonomy = Taxonomy::from_file(file.path()).unwrap();

    assert_eq!(taxonomy, Taxonomy::embedded().unwrap());
}

#[test]
fn a_missing_file_names_the_path() {
    let error = Taxonomy::from_file("/nonexistent/taxonomy.toml".as_ref()).unwrap_err();

    assert!(matches!(error, TaxonomyError::Read { .. }));
    assert!(
        error.to_string().contains("/nonexistent/taxonomy.toml"),
        "{error}"
    );
}

#[test]
fn broken_taxonomies_are_rejected_with_the_place_of_the_mistake() {
    let cases = [
        (
            "min_confidence = 0.4",
            "min_confidence = 1.5",
            "classifier.min_confidence",
        ),
        (
            "krankenhaus = 1.0",
            "krankenhaus = 0.0",
            "vertical `hospitals`",
        ),
        (
            "krankenhaus = 1.0",
            "krankenhaus = 100.0",
            "vertical `hospitals`",
        ),
        (
            "key = \"care_homes\"",
            "key = \"hospitals\"",
            "key used twice",
        ),
        ("key = \"care_homes\"", "key = \"Care Homes\"", "lowercase"),
        (
            "list_item_id = 3\n",
            "list_item_id = 0\n",
            "vertical `hotels`",
        ),
        (
            "hook.de = \"lange Flure und strenge Hygienevorgaben\"",
            "hook.de = \"lange {Flure}\"",
            "brace",
        ),
        (
            "opener.de = \"{product} für {company}: sie {pitch} – Ihr Personal",
            "opener.de = \"{produkt} für {company}: sie {pitch} – Ihr Personal",
            "vertical `hospitals` opener (de)",
        ),
        (
            "company = \"{product} für {company}: sie {pitch}.\"",
            "company = \"{product} für {company} in {city}.\"",
            "templates.de.company",
        ),
        (
            "general = \"{hook} gehören",
            "general = \"{hook gehören",
            "templates.de.general",
        ),
        (
            "[[role]]\nangle = \"tco\"",
            "[[role]]\nangle = \"sales\"",
            "parse",
        ),
        (
            "max_website_chars = 20000",
            "max_website_chars = 20000\ncolour = 1",
            "parse",
        ),
    ];

    for (find, replace, expected) in cases {
        assert!(
            DEFAULT_TAXONOMY.contains(find),
            "the default file has {find:?}"
        );
        let text = DEFAULT_TAXONOMY.replacen(find, replace, 1);

        let error = Taxonomy::from_toml_str(&text).unwrap_err();

        let message = error_chain(&error);
        assert!(message.contains(expected), "{replace:?}: {message}");
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[test]
fn list_item_ids_are_configuration() {
    let mut taxonomy = Taxonomy::embedded().unwrap();
    taxonomy
        .set_list_item_ids(&BTreeMap::from([("hotels".to_owned(), 4711)]))
        .unwrap();
    let analyzer = BuiltinAnalyzer::new(taxonomy, FieldLimits::default()).unwrap();

    let analysis = analyzer.analyse_now(&company("Hotel Sonne")).unwrap();

    assert_eq!(analysis.vertical.unwrap().list_item_id, 4711);
}

#[test]
fn list_item_ids_for_unknown_verticals_or_below_one_are_refused() {
    let mut taxonomy = Taxonomy::embedded().unwrap();

    let typo = taxonomy.set_list_item_ids(&BTreeMap::from([("hotel".to_owned(), 7)]));
    let zero = taxonomy.set_list_item_ids(&BTreeMap::from([("hotels".to_owned(), 0)]));

    assert!(typo.unwrap_err().to_string().contains("`hotel`"));
    assert!(zero.unwrap_err().to_string().contains("not a list item id"));
}

#[tokio::test]
async fn settings_build_an_engine_with_the_configured_ids() {
    let settings: AnalyzerSettings = serde_json::from_str(
        r#"{"backend": "builtin", "list_item_ids": {"hotels": 7}, "limits": {"summary": 120}}"#,
    )
    .unwrap();

    let engine = settings.build().unwrap();
    let analysis = engine.analyzer.analyse(&company("Hotel Sonne")).await;

    assert_eq!(engine.analyzer.name(), "builtin");
    assert_eq!(
        settings.limits.opener, 199,
        "unset limits keep their default"
    );
    assert_eq!(analysis.unwrap().vertical.unwrap().list_item_id, 7);
}

#[test]
fn settings_naming_a_backend_that_does_not_exist_yet_fail_to_parse() {
    let error = serde_json::from_str::<AnalyzerSettings>(r#"{"backend": "llm"}"#).unwrap_err();

    assert!(
        error.to_string().contains("unknown variant `llm`"),
        "{error}"
    );
}

#[test]
fn settings_with_a_typo_in_a_list_item_key_fail_to_build() {
    let settings = AnalyzerSettings {
        list_item_ids: BTreeMap::from([("hotel".to_owned(), 7)]),
        ..AnalyzerSettings::default()
    };

    assert!(settings.build().is_err());
}

#[test]
fn person_templates_longer_than_their_field_are_a_configuration_error() {
    let limits = FieldLimits {
        person_opener: 60,
        ..FieldLimits::default()
    };

    let error = BuiltinAnalyzer::new(Taxonomy::embedded().unwrap(), limits).unwrap_err();

    assert!(error.to_string().contains("before any facts"), "{error}");
}

#[test]
fn limits_too_small_for_any_text_are_refused() {
    let limits = FieldLimits {
        summary: 10,
        ..FieldLimits::default()
    };

    let error = BuiltinAnalyzer::new(Taxonomy::embedded().unwrap(), limits).unwrap_err();

    assert!(error.to_string().contains("limits"), "{error}");
}
