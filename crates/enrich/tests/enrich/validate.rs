//! `Analysis::validate`: all or nothing.

use so_enrich::{Analysis, Angle, FieldLimits, Opener, ValidationError};

use crate::support::{analyse, company_in};

fn valid() -> Analysis {
    analyse(&company_in("Hotel Sonne", "Wien", "AT"))
}

#[test]
fn a_builtin_analysis_is_valid() {
    assert_eq!(valid().validate(&FieldLimits::default()), Ok(()));
}

#[test]
fn validate_rejects_half_valid_results() {
    type Break = fn(&mut Analysis);
    type Expect = fn(&ValidationError) -> bool;
    let cases: Vec<(&str, Break, Expect)> = vec![
        (
            "over-long summary",
            |a| a.summary = "x".repeat(200),
            |e| {
                matches!(
                    e,
                    ValidationError::TooLong {
                        field: "summary",
                        len: 200,
                        limit: 199
                    }
                )
            },
        ),
        (
            "empty summary",
            |a| a.summary = String::new(),
            |e| matches!(e, ValidationError::Empty { field: "summary" }),
        ),
        (
            "blank opener",
            |a| a.opener = "   ".into(),
            |e| matches!(e, ValidationError::Empty { field: "opener" }),
        ),
        (
            "over-long opener",
            |a| a.opener = "ä".repeat(250),
            |e| {
                matches!(
                    e,
                    ValidationError::TooLong {
                        field: "opener",
                        ..
                    }
                )
            },
        ),
        (
            "line break in the opener",
            |a| a.opener = "Guten Tag,\nwir bieten".into(),
            |e| matches!(e, ValidationError::ControlCharacter { field: "opener" }),
        ),
        (
            "unfilled placeholder in the opener",
            |a| a.opener = "Hallo {company}!".into(),
            |e| matches!(e, ValidationError::Unfilled { name } if name == "company"),
        ),
        (
            "unknown slot in a template",
            |a| a.openers[0].template = "Hallo {kunde}".into(),
            |e| {
                matches!(
                    e,
                    ValidationError::Template {
                        angle: Angle::General,
                        ..
                    }
                )
            },
        ),
        (
            "stray brace in a template",
            |a| a.openers[1].template = "Hi } {title}".into(),
            |e| {
                matches!(
                    e,
                    ValidationError::Template {
                        angle: Angle::Operations,
                        ..
                    }
                )
            },
        ),
        (
            "template longer than the person field",
            |a| a.openers[2].template = format!("{{title}} {}", "x".repeat(200)),
            |e| {
                matches!(
                    e,
                    ValidationError::TooLong {
                        field: "openers",
                        ..
                    }
                )
            },
        ),
        (
            "two templates for one angle",
            |a| a.openers.push(a.openers[0].clone()),
            |e| {
                matches!(
                    e,
                    ValidationError::DuplicateAngle {
                        angle: Angle::General
                    }
                )
            },
        ),
        (
            "confidence above one",
            |a| a.vertical.as_mut().unwrap().confidence = 1.5,
            |e| matches!(e, ValidationError::Vertical { .. }),
        ),
        (
            "confidence not a number",
            |a| a.vertical.as_mut().unwrap().confidence = f32::NAN,
            |e| matches!(e, ValidationError::Vertical { .. }),
        ),
        (
            "list item id zero",
            |a| a.vertical.as_mut().unwrap().list_item_id = 0,
            |e| matches!(e, ValidationError::Vertical { .. }),
        ),
        (
            "vertical without a name",
            |a| a.vertical.as_mut().unwrap().name = " ".into(),
            |e| matches!(e, ValidationError::Vertical { .. }),
        ),
    ];

    for (what, break_it, expected) in cases {
        let mut analysis = valid();
        break_it(&mut analysis);

        let result = analysis.validate(&FieldLimits::default());

        let error = result.expect_err(what);
        assert!(expected(&error), "{what}: {error:?}");
    }
}

#[test]
fn validate_counts_lengths_in_utf16_units() {
    let mut fits = valid();
    fits.summary = "ä".repeat(199);
    let mut too_long = valid();
    too_long.summary = "🏨".repeat(100);

    assert_eq!(fits.validate(&FieldLimits::default()), Ok(()));
    let error = too_long.validate(&FieldLimits::default()).unwrap_err();
    assert!(
        matches!(error, ValidationError::TooLong { len: 200, .. }),
        "{error:?}"
    );
}

#[test]
fn validate_uses_the_configured_limits() {
    let analysis = valid();
    let tight = FieldLimits {
        summary: 20,
        ..FieldLimits::default()
    };

    let error = analysis.validate(&tight).unwrap_err();

    assert!(matches!(
        error,
        ValidationError::TooLong {
            field: "summary",
            limit: 20,
            ..
        }
    ));
}

#[test]
fn an_analysis_without_vertical_or_templates_can_be_valid() {
    let analysis = Analysis {
        vertical: None,
        openers: vec![Opener {
            angle: Angle::General,
            template: "Hallo {full_name}.".into(),
        }],
        ..valid()
    };

    assert_eq!(analysis.validate(&FieldLimits::default()), Ok(()));
}

#[test]
fn an_analysis_survives_a_json_round_trip() {
    let analysis = valid();

    let json = serde_json::to_string(&analysis).unwrap();
    let back: Analysis = serde_json::from_str(&json).unwrap();

    assert_eq!(back, analysis);
    assert!(json.contains(r#""angle":"operations""#), "{json}");
    assert!(json.contains(r#""cleaning":"high""#), "{json}");
}
