//! The `Analyzer` trait with the builtin backend behind it: determinism,
//! fingerprints and error kinds.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use so_enrich::{
    AnalyzeError, Analyzer, BuiltinAnalyzer, CompanyFacts, ErrorKind, FieldLimits, Taxonomy,
    ValidationError,
};

use crate::support::{company, company_in, person};

#[tokio::test]
async fn the_builtin_backend_works_behind_the_trait_object() {
    let analyzer: Arc<dyn Analyzer> = Arc::new(BuiltinAnalyzer::with_defaults().unwrap());
    let facts = company("Hotel Alpenblick GmbH & Co. KG");

    let analysis = analyzer.analyse(&facts).await.unwrap();

    assert_eq!(analyzer.name(), "builtin");
    assert_eq!(analyzer.fingerprint().len(), 64);
    assert_eq!(analysis.vertical.unwrap().key, "hotels");
}

#[tokio::test]
async fn the_same_facts_give_the_same_analysis_byte_for_byte() {
    let first = BuiltinAnalyzer::with_defaults().unwrap();
    let second = BuiltinAnalyzer::with_defaults().unwrap();
    let facts = CompanyFacts {
        notes: Some("Großes Lager, viele Besucher.".to_owned()),
        ..company_in("Krankenhaus St. Josef gGmbH", "Regensburg", "Deutschland")
    };

    let a = first.analyse(&facts).await.unwrap();
    let b = second.analyse(&facts).await.unwrap();
    let again = first.analyse(&facts).await.unwrap();

    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
    assert_eq!(a, again);
    assert_eq!(first.fingerprint(), second.fingerprint());
    let personaliser = first.personaliser();
    let person = person(Some("Einkauf"), None);
    assert_eq!(
        personaliser.person_opener(&a, &facts, &person),
        personaliser.person_opener(&b, &facts, &person)
    );
}

#[test]
fn the_fingerprint_changes_with_the_configuration() {
    let default = BuiltinAnalyzer::with_defaults().unwrap();
    let mut renumbered = Taxonomy::embedded().unwrap();
    renumbered
        .set_list_item_ids(&BTreeMap::from([("hotels".to_owned(), 99)]))
        .unwrap();
    let renumbered = BuiltinAnalyzer::new(renumbered, FieldLimits::default()).unwrap();
    let limits = FieldLimits {
        summary: 150,
        ..FieldLimits::default()
    };
    let shorter = BuiltinAnalyzer::new(Taxonomy::embedded().unwrap(), limits).unwrap();

    assert_ne!(default.fingerprint(), renumbered.fingerprint());
    assert_ne!(default.fingerprint(), shorter.fingerprint());
    assert_ne!(renumbered.fingerprint(), shorter.fingerprint());
}

#[tokio::test]
async fn a_company_without_a_name_is_a_permanent_error() {
    let analyzer = BuiltinAnalyzer::with_defaults().unwrap();

    let error = analyzer.analyse(&company("  ")).await.unwrap_err();

    assert!(matches!(error, AnalyzeError::Facts { .. }), "{error:?}");
    assert_eq!(error.kind(), ErrorKind::Permanent);
}

#[test]
fn error_kinds_tell_retryable_from_permanent_failures() {
    let cases = [
        (
            AnalyzeError::Unavailable {
                backend: "explorer",
                message: "503 Service Unavailable".into(),
                retry_after: Some(Duration::from_secs(30)),
                source: None,
            },
            ErrorKind::Retryable,
        ),
        (
            AnalyzeError::Malformed {
                backend: "llm",
                message: "answer is not JSON".into(),
                source: None,
            },
            ErrorKind::Retryable,
        ),
        (
            AnalyzeError::Invalid {
                backend: "builtin",
                source: ValidationError::Empty { field: "summary" },
            },
            ErrorKind::Permanent,
        ),
        (
            AnalyzeError::Refused {
                backend: "llm",
                message: "401 invalid api key".into(),
            },
            ErrorKind::Permanent,
        ),
        (
            AnalyzeError::Config {
                backend: "builtin",
                message: "bad template".into(),
                source: None,
            },
            ErrorKind::Permanent,
        ),
        (
            AnalyzeError::Facts {
                message: "no name".into(),
            },
            ErrorKind::Permanent,
        ),
    ];

    for (error, kind) in cases {
        assert_eq!(error.kind(), kind, "{error}");
        assert_eq!(
            error.is_retryable(),
            kind == ErrorKind::Retryable,
            "{error}"
        );
    }
}

#[test]
fn a_busy_backend_passes_on_its_retry_after() {
    let error = AnalyzeError::Unavailable {
        backend: "explorer",
        message: "429 Too Many Requests".into(),
        retry_after: Some(Duration::from_secs(8)),
        source: None,
    };

    assert_eq!(error.retry_after(), Some(Duration::from_secs(8)));
    assert_eq!(
        error.to_string(),
        "explorer: unavailable: 429 Too Many Requests"
    );
}
