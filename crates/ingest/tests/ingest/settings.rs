//! Settings: the variables' names and the refusal to run unauthenticated.

use so_ingest::settings::InvalidSettings;
use so_ingest::{Application, Settings, StartupError};

use crate::helpers::test_settings;

#[test]
fn variables_reach_their_settings() {
    let env = [
        ("SO__INGEST__LISTEN", "0.0.0.0:9000"),
        ("SO__INGEST__WEBHOOK__PATH", "/hooks/so"),
        ("SO__INGEST__BATCH__MAX_SIZE", "64"),
        ("SO__STORE__PATH", "/tmp/x.sqlite"),
        ("SO__RULES__OWN_ASSOCIATE_IDS", "17,23"),
        ("SO__RULES__OWNERS__SHORT_NAMES", "RKAB"),
    ];

    let settings: Settings = Settings::loader(None, None)
        .without_env_file()
        .environment(env)
        .load()
        .unwrap();

    assert_eq!(settings.ingest.listen, "0.0.0.0:9000");
    assert_eq!(settings.ingest.webhook.path, "/hooks/so");
    assert_eq!(settings.ingest.batch.max_size, 64);
    assert_eq!(settings.store.path.to_str(), Some("/tmp/x.sqlite"));
    assert_eq!(settings.rules.own_associate_ids, vec![17, 23]);
    assert_eq!(settings.rules.owners.short_names, vec!["RKAB".to_owned()]);
}

#[test]
fn misspelt_ingest_key_is_refused() {
    let env = [("SO__INGEST__LISTN", "0.0.0.0:9000")];

    let loaded = Settings::loader(None, None)
        .without_env_file()
        .environment(env)
        .load::<Settings>();

    assert!(loaded.is_err());
}

#[tokio::test]
async fn neither_token_nor_secret_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir);
    settings.ingest.webhook.token = None;
    settings.ingest.webhook.secret = None;

    let built = Application::build(&settings).await;

    let Err(StartupError::Settings(problems)) = &built else {
        panic!("expected a refusal, got {built:?}");
    };
    assert!(
        matches!(problems.list(), [InvalidSettings::NoAuthentication]),
        "{problems:?}"
    );
    assert!(
        !settings.store.path.exists(),
        "nothing is created before the check"
    );
}

#[test]
fn served_tenant_comes_from_the_shared_superoffice_section() {
    // The worker's keys of the section are tolerated, whatever their values.
    let env = [
        ("SO__SUPEROFFICE__CONTEXT_ID", "Cust12345"),
        ("SO__SUPEROFFICE__ENVIRONMENT", "not-read-by-the-ingest"),
        ("SO__SUPEROFFICE__CLIENT_ID", "abc"),
    ];

    let settings: Settings = Settings::loader(None, None)
        .without_env_file()
        .environment(env)
        .load()
        .unwrap();

    assert_eq!(settings.superoffice.context_id, "Cust12345");
    assert!(settings.superoffice.serves("cust12345"));
    assert!(!settings.superoffice.serves("Cust99999"));
}
