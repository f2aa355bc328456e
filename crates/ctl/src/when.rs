//! Points in time and durations as operators type them, and as soctl prints
//! them. The store counts milliseconds since the Unix epoch (UTC); people
//! and OData filters read dates.

use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

/// Why a time or duration argument did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} {text:?}: expected {expected}")]
pub struct BadTime {
    what: &'static str,
    text: String,
    expected: &'static str,
}

const INSTANT_FORMS: &str = "a date (2025-03-01), a UTC date-time (2025-03-01T08:00:00), \
     RFC 3339 (2025-03-01T08:00:00+01:00), or an age such as 90m, 6h, 2d, 1w";

const DURATION_FORMS: &str = "a number with a unit: 90s, 30m, 6h, 7d, 2w";

/// Parses a duration: `90s`, `30m`, `6h`, `7d`, `2w`.
pub fn parse_duration(text: &str) -> Result<Duration, BadTime> {
    let bad = || BadTime {
        what: "duration",
        text: text.to_owned(),
        expected: DURATION_FORMS,
    };
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit.trim() {
        "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(bad()),
    };
    Ok(Duration::from_secs(number * seconds))
}

/// Parses a point in time into ms since the epoch: a date, a date-time
/// (UTC unless it says otherwise) or an age (`2h` means two hours before
/// `now_ms`).
pub fn parse_instant(text: &str, now_ms: i64) -> Result<i64, BadTime> {
    let text = text.trim();
    if let Ok(age) = parse_duration(text) {
        return Ok(now_ms - millis(age));
    }
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(unix_ms(at));
    }
    let date_time = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let spaced = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    for form in [date_time, spaced] {
        if let Ok(at) = PrimitiveDateTime::parse(text, form) {
            return Ok(unix_ms(at.assume_utc()));
        }
    }
    if let Ok(date) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
        return Ok(unix_ms(
            PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc(),
        ));
    }
    Err(BadTime {
        what: "time",
        text: text.to_owned(),
        expected: INSTANT_FORMS,
    })
}

/// The instant as an OData date-time literal, whole seconds rounded down,
/// UTC without offset: `2025-03-11T10:15:42`.
pub fn odata_literal(ms: i64) -> String {
    let form = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    at(ms).format(form).unwrap_or_default()
}

/// The instant in RFC 3339, UTC, milliseconds: for JSON output.
pub fn rfc3339(ms: i64) -> String {
    let form =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at(ms).format(form).unwrap_or_default()
}

/// The instant for people: `2025-03-11 10:15:42Z`.
pub fn human(ms: i64) -> String {
    let form = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]Z");
    at(ms).format(form).unwrap_or_default()
}

/// A SuperOffice date-time (any of its forms) as ms since the epoch;
/// `None` for "no date" and for text that is not a date.
pub fn superoffice_ms(text: &str) -> Option<i64> {
    so_superoffice::dates::parse(text)
        .ok()
        .flatten()
        .map(so_superoffice::dates::to_unix_millis)
}

fn at(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn unix_ms(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_741_688_142_000; // 2025-03-11T10:15:42Z

    #[test]
    fn instants_parse_in_every_documented_form() {
        assert_eq!(parse_instant("2025-03-11", NOW), Ok(1_741_651_200_000));
        assert_eq!(parse_instant("2025-03-11T10:15:42", NOW), Ok(NOW));
        assert_eq!(parse_instant("2025-03-11T11:15:42+01:00", NOW), Ok(NOW));
        assert_eq!(parse_instant("2h", NOW), Ok(NOW - 7_200_000));
        assert!(parse_instant("yesterday", NOW).is_err());
    }

    #[test]
    fn durations_need_a_unit() {
        assert_eq!(parse_duration("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_duration("90m"), Ok(Duration::from_secs(5_400)));
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("3x").is_err());
    }

    #[test]
    fn instants_print_for_odata_json_and_people() {
        assert_eq!(odata_literal(NOW + 999), "2025-03-11T10:15:42");
        assert_eq!(rfc3339(NOW + 5), "2025-03-11T10:15:42.005Z");
        assert_eq!(human(NOW), "2025-03-11 10:15:42Z");
        assert_eq!(superoffice_ms("2025-03-11T10:15:42"), Some(NOW));
    }
}
