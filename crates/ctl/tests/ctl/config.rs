//! `config check` names every setting that does not fit the tenant.

use crate::harness::Env;

fn settings_of(findings: &serde_json::Value) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["setting"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn config_check_names_every_mismatch() {
    let mut env = Env::start().await;
    env.set("SO__WORKER__FIELDS__CONTACT_SUMMARY", "SuperOffice:99");
    env.set("SO__WORKER__FIELDS__CONTACT_OPENER", "SuperOffice:5");
    env.set("SO__RULES__OWNERS__ASSOCIATE_IDS", "23,999");

    let run = env
        .soctl(&["config", "check", "--json"])
        .await
        .expect_code(5);

    let report = run.json();
    let mismatches = settings_of(&report["mismatches"]);
    assert!(mismatches.contains(&"worker.fields.contact_summary".to_owned()));
    assert!(mismatches.contains(&"worker.fields.contact_opener".to_owned()));
    assert!(mismatches.contains(&"rules.owners.associate_ids".to_owned()));
    assert!(!mismatches.contains(&"worker.fields.contact_vertical".to_owned()));
    assert!(!mismatches.contains(&"worker.fields.person_opener".to_owned()));
}

#[tokio::test]
async fn a_list_item_id_pointing_at_another_verticals_item_is_a_mismatch() {
    let mut env = Env::start().await;
    env.set("SO__ANALYZER__LIST_ITEM_IDS__HOTELS", "10");
    env.set("SO__ANALYZER__LIST_ITEM_IDS__EDUCATION", "10");

    let report = env
        .soctl(&["config", "check", "--json"])
        .await
        .expect_code(5)
        .json();

    // Item 10 of the sandbox's list is "Schools".
    let mismatches = settings_of(&report["mismatches"]);
    assert!(mismatches.contains(&"analyzer.list_item_ids.hotels".to_owned()));
    assert!(!mismatches.contains(&"analyzer.list_item_ids.education".to_owned()));
}

#[tokio::test]
async fn an_exported_variable_that_env_replaces_is_warned_of_without_values() {
    let mut env = Env::start().await;
    env.set("SO__RULES__OWNERS__SHORT_NAMES", "SFRI");
    std::fs::write(
        env.dir.path().join(".env"),
        "SO__RULES__OWNERS__SHORT_NAMES=RKAB\n",
    )
    .unwrap();

    let run = env.soctl(&["migrate"]).await.expect_code(0);

    assert!(
        run.stderr
            .contains("SO__RULES__OWNERS__SHORT_NAMES from the environment is overridden by .env"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("SFRI") && !run.stderr.contains("RKAB"));
}
