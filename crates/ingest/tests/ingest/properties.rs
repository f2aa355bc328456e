//! Whatever arrives, the parser and the signature check answer; they never
//! panic.

use proptest::prelude::*;
use secrecy::SecretString;
use so_ingest::payload::parse;
use so_ingest::verify::Verifier;

proptest! {
    #[test]
    fn parser_never_panics_on_arbitrary_bytes(
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let _ = parse(&body);
    }

    #[test]
    fn parser_never_panics_on_arbitrary_json_objects(
        keys in proptest::collection::vec("[A-Za-z_-]{0,24}", 0..8),
        values in proptest::collection::vec(arbitrary_json(), 0..8),
    ) {
        let object: serde_json::Map<String, serde_json::Value> =
            keys.into_iter().zip(values).collect();
        let _ = parse(serde_json::Value::Object(object).to_string().as_bytes());
    }

    #[test]
    fn signature_check_never_panics(
        body in proptest::collection::vec(any::<u8>(), 0..256),
        header in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..96)),
        token in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..64)),
    ) {
        let secret = SecretString::from("sandbox-shared-secret");
        let expected = SecretString::from("token");
        let verifier = Verifier::new(Some(&expected), Some(&secret));

        let _ = verifier.check_signature(&body, header.as_deref());
        let _ = verifier.check_token(token.as_deref());
    }
}

/// JSON values of every kind, a few levels deep, with the field names the
/// parser looks for among the keys.
fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        "\\PC{0,16}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::vec(("(associate_id|EventId|[a-z]{1,6})", inner), 0..4)
                .prop_map(|entries| serde_json::Value::Object(entries.into_iter().collect())),
        ]
    })
}
