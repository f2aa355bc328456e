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
