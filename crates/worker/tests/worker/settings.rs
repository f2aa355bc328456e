//! Settings from the environment, and what validation refuses.

use so_worker::{InvalidSettings, Settings};

fn load(vars: &[(&str, &str)]) -> Settings {
    Settings::loader(None, None)
        .without_env_file()
        .environment(vars.iter().copied())
        .load()
        .expect("the settings load")
}

const REQUIRED: [(&str, &str); 5] = [
    ("SO__SUPEROFFICE__CONTEXT_ID", "Cust12345"),
    ("SO__SUPEROFFICE__CLIENT_ID", "client"),
    ("SO__SUPEROFFICE__CLIENT_SECRET", "secret"),
    ("SO__SUPEROFFICE__REFRESH_TOKEN", "refresh"),
    ("SO__RULES__OWNERS__SHORT_NAMES", "RKAB,JMUE"),
];

#[test]
fn every_section_reads_from_so_variables() {
    let mut vars = REQUIRED.to_vec();
    vars.extend([
        ("SO__WORKER__SLOTS", "7"),
        ("SO__WORKER__RETRY__MAX_ATTEMPTS", "9"),
        ("SO__WORKER__FIELDS__CONTACT_SUMMARY", "x_summary"),
        ("SO__ANALYZER__LIST_ITEM_IDS__HOTELS", "42"),
        ("SO__STORE__PATH", "/tmp/queue.sqlite"),
    ]);

    let settings = load(&vars);

    settings.validate().expect("valid");
    assert_eq!(settings.worker.slots, 7);
    assert_eq!(settings.worker.retry.max_attempts, 9);
    assert_eq!(settings.store_options().max_attempts, 9);
    assert_eq!(settings.worker.fields.contact_summary, "x_summary");
    assert_eq!(settings.analyzer.list_item_ids.get("hotels"), Some(&42));
    assert_eq!(settings.rules.owners.short_names, ["RKAB", "JMUE"]);
}

#[test]
fn secrets_never_print() {
    let settings = load(&REQUIRED);

    let printed = format!("{settings:?}");

    assert!(!printed.contains("secret\""), "{printed}");
    assert!(!printed.contains("refresh\""), "{printed}");
}

#[test]
fn missing_credentials_are_named() {
    let vars: Vec<_> = REQUIRED
        .iter()
        .copied()
        .filter(|(name, _)| !name.ends_with("REFRESH_TOKEN"))
        .collect();

    let refused = load(&vars).validate().expect_err("refused");

    assert!(matches!(refused.list(), [InvalidSettings::SuperOffice(_)]));
    assert!(
        refused
            .to_string()
            .contains("SO__SUPEROFFICE__REFRESH_TOKEN"),
        "{refused}"
    );
}

#[test]
fn an_unknown_worker_key_is_refused() {
    let mut vars = REQUIRED.to_vec();
    vars.push(("SO__WORKER__SLOTZ", "3"));

    let loaded = Settings::loader(None, None)
        .without_env_file()
        .environment(vars)
        .load::<Settings>();

    assert!(loaded.is_err());
}

#[test]
fn a_wrong_environment_names_the_valid_ones_and_where_it_came_from() {
    let mut vars = REQUIRED.to_vec();
    vars.push(("SO__SUPEROFFICE__ENVIRONMENT", "mars"));

    let error = Settings::loader(None, None)
        .without_env_file()
        .environment(vars)
        .load::<Settings>()
        .unwrap_err();

    let chain = format!("{:#}", anyhow::Error::from(error));
    assert!(chain.contains("expected sod, stage or online"), "{chain}");
    assert!(chain.contains("SO__SUPEROFFICE__ENVIRONMENT"), "{chain}");
}
