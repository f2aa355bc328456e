use so_rules::{OwnerWhitelist, PayloadRules, RetryPolicy, WatchedFields};

#[test]
fn an_empty_rules_table_gives_the_defaults() {
    let rules: PayloadRules = serde_json::from_str("{}").unwrap();

    assert_eq!(rules, PayloadRules::default());
    assert!(rules.watched_fields.contact.contains(&"orgnr".to_string()));
    assert!(rules
        .watched_fields
        .person
        .contains(&"position_idx".to_string()));
    assert!(rules.own_associate_ids.is_empty());
    assert!(rules.owners.is_empty());
}

#[test]
fn a_partial_rules_table_keeps_the_other_defaults() {
    let json = r#"{
        "own_associate_ids": [17],
        "owners": { "short_names": ["RKAB"] },
        "watched_fields": { "contact": ["name"] }
    }"#;

    let rules: PayloadRules = serde_json::from_str(json).unwrap();

    assert_eq!(rules.own_associate_ids, vec![17]);
    assert_eq!(
        rules.owners,
        OwnerWhitelist {
            associate_ids: Vec::new(),
            short_names: vec!["RKAB".to_string()],
        }
    );
    assert_eq!(rules.watched_fields.contact, vec!["name".to_string()]);
    assert_eq!(rules.watched_fields.person, WatchedFields::default().person);
}

#[test]
fn a_misspelt_key_is_refused() {
    let table = [
        r#"{ "own_asociate_ids": [17] }"#,
        r#"{ "owners": { "associate_id": [23] } }"#,
        r#"{ "watched_fields": { "contacts": ["name"] } }"#,
    ];

    for json in table {
        let parsed = serde_json::from_str::<PayloadRules>(json);

        assert!(parsed.is_err(), "{json} was accepted");
    }
}

#[test]
fn retry_policy_defaults_are_five_attempts_two_seconds_doubling_to_ten_minutes() {
    let policy: RetryPolicy = serde_json::from_str(r#"{ "max_attempts": 3 }"#).unwrap();

    assert_eq!(
        policy,
        RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        }
    );
    let default = RetryPolicy::default();
    assert_eq!(default.max_attempts, 5);
    assert_eq!(default.base_delay_ms, 2_000);
    assert_eq!(default.backoff_factor, 2);
    assert_eq!(default.max_delay_ms, 600_000);
}
