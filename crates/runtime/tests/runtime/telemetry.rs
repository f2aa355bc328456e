//! Installing the subscriber.

use so_runtime::telemetry::{self, LogSettings, TelemetryError};

#[test]
fn invalid_filter_is_refused_with_the_filter_named() {
    let settings = LogSettings {
        filter: Some("info,=[".into()),
        ..LogSettings::default()
    };

    let error = telemetry::init(&settings).unwrap_err();

    assert!(matches!(error, TelemetryError::InvalidFilter { .. }));
    assert!(error.to_string().contains("info,=["), "{error}");
}

#[test]
fn an_invalid_filter_is_found_by_validation_before_any_install() {
    let settings = LogSettings {
        filter: Some("so_worker=[".into()),
        ..LogSettings::default()
    };

    let checked = settings.validate();

    assert!(matches!(checked, Err(TelemetryError::InvalidFilter { .. })));
    assert!(LogSettings::default().validate().is_ok());
}
