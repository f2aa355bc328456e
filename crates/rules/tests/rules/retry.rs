use std::time::Duration;

use so_rules::{retry_policy, ErrorClass, ReasonCode, RetryDecision, RetryPolicy};

const FULL: f64 = 1.0;

fn secs(seconds: u64) -> Duration {
    Duration::from_secs(seconds)
}

/// The policy with room for many attempts, to watch the backoff grow.
fn patient() -> RetryPolicy {
    RetryPolicy {
        max_attempts: u32::MAX,
        ..RetryPolicy::default()
    }
}

#[test]
fn backoff_doubles_from_two_seconds_up_to_the_ten_minute_cap() {
    let table = [
        // (counted attempts so far, delay with full jitter)
        (0, secs(2)),
        (1, secs(4)),
        (2, secs(8)),
        (3, secs(16)),
        (4, secs(32)),
        (5, secs(64)),
        (6, secs(128)),
        (7, secs(256)),
        (8, secs(512)),
        (9, secs(600)),
        (20, secs(600)),
        (64, secs(600)),
        (u32::MAX - 2, secs(600)),
    ];

    let error = ErrorClass::Server { status: 500 };
    for (attempts_so_far, expected_delay) in table {
        let decision = retry_policy(&patient(), &error, attempts_so_far, FULL);

        match decision {
            RetryDecision::RetryAfter {
                delay,
                counts_attempt,
                code,
                ..
            } => {
                assert_eq!(delay, expected_delay, "attempts so far {attempts_so_far}");
                assert!(counts_attempt);
                assert_eq!(code, ReasonCode::ServerError);
            }
            other => panic!("attempts so far {attempts_so_far}: expected a retry, got {other:?}"),
        }
    }
}

#[test]
fn jitter_spreads_the_delay_over_its_upper_half() {
    let table = [
        // (attempts so far, jitter, delay)
        (0, 0.0, Duration::from_millis(1_000)),
        (0, 0.5, Duration::from_millis(1_500)),
        (0, 1.0, Duration::from_millis(2_000)),
        (2, 0.25, Duration::from_millis(5_000)),
        (9, 0.0, secs(300)),
        (0, -3.0, Duration::from_millis(1_000)),
        (0, 7.0, Duration::from_millis(2_000)),
        (0, f64::NAN, Duration::from_millis(2_000)),
        (0, f64::INFINITY, Duration::from_millis(2_000)),
    ];

    for (attempts_so_far, jitter, delay) in table {
        assert_eq!(
            patient().backoff(attempts_so_far, jitter),
            delay,
            "jitter {jitter}"
        );
    }
}

#[test]
fn retry_policy_decides_each_error_class() {
    use ReasonCode::{
        AuthFailed, EntityDeleted, PermanentError, RateLimited, RetriesExhausted, ServerError,
        Unavailable,
    };
    let limited = |wait| ErrorClass::RateLimited { wait };
    let down = |wait| ErrorClass::Unavailable { wait };
    let server = |status| ErrorClass::Server { status };
    #[rustfmt::skip]
    let table = [
        // (case, error, attempts so far, expected decision)
        ("429 with wait", limited(Some(secs(7))), 0, retry(secs(7), false, RateLimited)),
        ("429 long wait", limited(Some(secs(3_600))), 0, retry(secs(600), false, RateLimited)),
        ("429 without wait", limited(None), 0, retry(secs(30), false, RateLimited)),
        ("429 at the limit", limited(None), 4, retry(secs(30), false, RateLimited)),
        ("429 past the limit", limited(Some(secs(1))), 50, retry(secs(1), false, RateLimited)),
        ("503 with wait", down(Some(secs(120))), 0, retry(secs(120), false, Unavailable)),
        ("timeout at the limit", down(None), 4, retry(secs(30), false, Unavailable)),
        ("500 first", server(500), 0, retry(secs(2), true, ServerError)),
        ("502 fourth", server(502), 3, retry(secs(16), true, ServerError)),
        ("500 fifth: poison pill", server(500), 4, fail(RetriesExhausted)),
        ("500 past the limit", server(500), 9, fail(RetriesExhausted)),
        ("404", ErrorClass::NotFound, 0, skip(EntityDeleted)),
        ("404 at the limit", ErrorClass::NotFound, 4, skip(EntityDeleted)),
        ("auth", ErrorClass::Auth, 0, fail(AuthFailed)),
        ("permanent", ErrorClass::Permanent("400: bad filter".into()), 0, fail(PermanentError)),
    ];

    for (case, error, attempts_so_far, expected) in table {
        let decision = retry_policy(&RetryPolicy::default(), &error, attempts_so_far, FULL);

        assert_eq!(
            Shape::of(&decision),
            expected,
            "case {case:?}: got {decision:?}"
        );
        assert!(!decision.reason().is_empty(), "case {case:?}");
    }
}

#[test]
fn a_single_attempt_policy_fails_at_the_first_server_error() {
    let policy = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::default()
    };

    let decision = retry_policy(&policy, &ErrorClass::Server { status: 500 }, 0, FULL);

    assert_eq!(Shape::of(&decision), fail(ReasonCode::RetriesExhausted));
}

#[test]
fn reasons_tell_what_happens_next() {
    let policy = RetryPolicy::default();
    let table = [
        (
            ErrorClass::Server { status: 500 },
            1,
            "SuperOffice answered 500 on attempt 2 of 5; retry in 4s",
        ),
        (
            ErrorClass::Server { status: 503 },
            4,
            "gave up after 5 attempts, the last answered 503; requeue once SuperOffice is healthy",
        ),
        (
            ErrorClass::RateLimited {
                wait: Some(secs(90)),
            },
            0,
            "SuperOffice is rate limiting us; retry in 1m 30s, not counted as an attempt",
        ),
        (
            ErrorClass::NotFound,
            0,
            "SuperOffice answered 404: the entity was deleted; nothing to enrich",
        ),
    ];

    for (error, attempts_so_far, reason) in table {
        let decision = retry_policy(&policy, &error, attempts_so_far, FULL);

        assert_eq!(decision.reason(), reason);
    }
}

#[test]
fn auth_failure_tells_the_operator_what_to_do() {
    let decision = retry_policy(&RetryPolicy::default(), &ErrorClass::Auth, 0, FULL);

    let reason = decision.reason();
    assert!(reason.contains("refresh token"), "{reason}");
    assert!(reason.contains("client id and secret"), "{reason}");
    assert!(reason.contains("requeue"), "{reason}");
}

/// A decision without its sentence, to compare in tables.
#[derive(Debug, PartialEq)]
enum Shape {
    Retry(Duration, bool, ReasonCode),
    Skip(ReasonCode),
    Fail(ReasonCode),
}

impl Shape {
    fn of(decision: &RetryDecision) -> Shape {
        match decision {
            RetryDecision::RetryAfter {
                delay,
                counts_attempt,
                code,
                ..
            } => Shape::Retry(*delay, *counts_attempt, *code),
            RetryDecision::Skip { code, .. } => Shape::Skip(*code),
            RetryDecision::Fail { code, .. } => Shape::Fail(*code),
        }
    }
}

fn retry(delay: Duration, counts_attempt: bool, code: ReasonCode) -> Shape {
    Shape::Retry(delay, counts_attempt, code)
}

fn skip(code: ReasonCode) -> Shape {
    Shape::Skip(code)
}

fn fail(code: ReasonCode) -> Shape {
    Shape::Fail(code)
}
