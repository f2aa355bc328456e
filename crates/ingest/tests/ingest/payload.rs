//! Reading bodies: key case, types, and the field named in each error.

use so_ingest::payload::{check_for_work, parse, PayloadError};

const VECTOR: &str = concat!(
    r#"{"EventId":"3f1c2a9e-7b4d-4c1e-9a55-0d2e8f6b1a10","#,
    r#""Timestamp":"2025-03-11T09:15:42.1234567Z","#,
    r#""Changes":["contact_id","name","department","updated","updated_associate_id","#,
    r#""updatedCount"],"Event":"contact.changed","PrimaryKey":4711,"Entity":"contact","#,
    r#""ContextIdentifier":"Cust12345","ChangedByAssociateId":17,"#,
    r#""WebhookName":"enrichment-connector"}"#,
);

fn field_of(body: &str) -> Option<&'static str> {
    parse(body.as_bytes()).unwrap_err().field()
}

#[test]
fn documented_example_is_read_completely() {
    let webhook = parse(VECTOR.as_bytes()).unwrap();

    assert_eq!(webhook.event_id, "3f1c2a9e-7b4d-4c1e-9a55-0d2e8f6b1a10");
    assert_eq!(
        (webhook.event.as_str(), webhook.entity.as_str()),
        ("contact.changed", "contact")
    );
    assert_eq!(webhook.entity_id, 4711);
    assert_eq!(webhook.changes.len(), 6);
    assert_eq!(webhook.changed_by, Some(17));
    assert_eq!(webhook.tenant, "Cust12345");
    assert_eq!(webhook.owner, None);
}

#[test]
fn primary_key_may_be_a_string_of_digits() {
    let webhook =
        parse(br#"{"EventId":"e","Event":"contact.created","PrimaryKey":" 42 "}"#).unwrap();

    assert_eq!(webhook.entity_id, 42);
    assert_eq!(
        webhook.entity, "contact",
        "taken from the event when absent"
    );
    assert!(webhook.changes.is_empty());
}

#[test]
fn owner_is_read_from_field_values_in_any_case() {
    let body = r#"{"EventId":"e","Event":"contact.created","PrimaryKey":1,
                   "FieldValues":{"Associate_Id":23,"updated":"2025-03-11T09:02:10+01:00"}}"#;

    assert_eq!(parse(body.as_bytes()).unwrap().owner, Some(23));
}

#[test]
fn each_type_error_names_its_field() {
    let cases = [
        (
            r#"{"EventId":"e","Event":"x","PrimaryKey":1.5}"#,
            "PrimaryKey",
        ),
        (
            r#"{"EventId":"e","Event":"x","PrimaryKey":"4x"}"#,
            "PrimaryKey",
        ),
        (
            r#"{"EventId":"e","Event":"x","PrimaryKey":-1}"#,
            "PrimaryKey",
        ),
        (r#"{"EventId":"","Event":"x","PrimaryKey":1}"#, "EventId"),
        (r#"{"EventId":7,"Event":"x","PrimaryKey":1}"#, "EventId"),
        (r#"{"EventId":"e","Event":["x"],"PrimaryKey":1}"#, "Event"),
        (
            r#"{"EventId":"e","Event":"x","PrimaryKey":1,"Changes":"name"}"#,
            "Changes",
        ),
        (
            r#"{"EventId":"e","Event":"x","PrimaryKey":1,"Changes":[1]}"#,
            "Changes",
        ),
        (
            r#"{"EventId":"e","Event":"x","PrimaryKey":1,"ChangedByAssociateId":true}"#,
            "ChangedByAssociateId",
        ),
        (
            r#"{"EventId":"e","Event":"x","PrimaryKey":1,"FieldValues":[]}"#,
            "FieldValues",
        ),
        (
            r#"{"EventId":"e","Event":"x","PrimaryKey":1,"FieldValues":{"associate_id":"KN"}}"#,
            "FieldValues.associate_id",
        ),
    ];

    for (body, field) in cases {
        assert_eq!(field_of(body), Some(field), "{body}");
    }
}

#[test]
fn missing_required_fields_are_named() {
    assert_eq!(field_of(r#"{"Event":"x","PrimaryKey":1}"#), Some("EventId"));
    assert_eq!(field_of(r#"{"EventId":"e","PrimaryKey":1}"#), Some("Event"));
    assert_eq!(
        field_of(r#"{"EventId":"e","Event":"x","PrimaryKey":null}"#),
        Some("PrimaryKey")
    );
}

#[test]
fn same_field_in_two_spellings_is_refused() {
    let body = r#"{"EventId":"a","event_id":"b","Event":"x","PrimaryKey":1}"#;

    assert!(matches!(
        parse(body.as_bytes()),
        Err(PayloadError::Ambiguous {
            field: "EventId",
            ..
        })
    ));
}

#[test]
fn non_objects_and_non_json_are_refused() {
    assert!(matches!(parse(b"[1,2]"), Err(PayloadError::NotObject)));
    assert!(matches!(
        parse(b"{\"EventId\":"),
        Err(PayloadError::NotJson(_))
    ));
    assert!(matches!(parse(b"\xff\xfe"), Err(PayloadError::NotJson(_))));
}

#[test]
fn an_id_past_i64_says_too_large() {
    let cases = [
        r#"{"EventId":"e","Event":"x","PrimaryKey":9223372036854775808}"#,
        r#"{"EventId":"e","Event":"x","PrimaryKey":99999999999999999999999}"#,
        r#"{"EventId":"e","Event":"x","PrimaryKey":"9223372036854775808"}"#,
    ];

    for body in cases {
        let error = parse(body.as_bytes()).unwrap_err();
        assert!(
            matches!(
                error,
                PayloadError::TooLarge {
                    field: "PrimaryKey",
                    ..
                }
            ),
            "{body}: {error}"
        );
        assert!(error.to_string().contains("too large"), "{error}");
    }
}

#[test]
fn a_whole_float_in_range_is_not_called_too_large() {
    let error = parse(br#"{"EventId":"e","Event":"x","PrimaryKey":5.0}"#).unwrap_err();

    assert!(matches!(error, PayloadError::Invalid { .. }), "{error}");
}

#[test]
fn work_needs_a_tenant_and_a_positive_primary_key() {
    let no_tenant = parse(br#"{"EventId":"e","Event":"contact.changed","PrimaryKey":4}"#);
    let blank =
        r#"{"EventId":"e","Event":"contact.changed","PrimaryKey":4,"ContextIdentifier":" "}"#;
    let zero =
        r#"{"EventId":"e","Event":"contact.changed","PrimaryKey":0,"ContextIdentifier":"C"}"#;

    let field = |webhook: so_ingest::payload::Webhook| check_for_work(&webhook).unwrap_err();
    assert_eq!(field(no_tenant.unwrap()).field(), Some("ContextIdentifier"));
    assert_eq!(
        field(parse(blank.as_bytes()).unwrap()).field(),
        Some("ContextIdentifier")
    );
    assert_eq!(
        field(parse(zero.as_bytes()).unwrap()).to_string(),
        "PrimaryKey: must be a positive integer"
    );
}
