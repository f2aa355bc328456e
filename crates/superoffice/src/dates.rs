//! SuperOffice date-times, in the three forms the API mixes.
//!
//! - with `Z`: `2025-03-11T09:15:42.1234567Z` (webhook timestamps);
//! - with an offset: `2025-03-11T09:02:10.5550001+01:00`;
//! - without either: `2025-03-11T10:15:42` (entity dates).
//!
//! A value without an offset is read as UTC: the REST reference says entity
//! dates are "in UTC", and the connector only compares and displays them.
//! The year-1 date `0001-01-01T00:00:00` is SuperOffice's "no date" and reads
//! as absent.
//!
//! Why the `time` crate: dates must be compared and converted to epoch
//! milliseconds (the store's format) and offsets must be honoured; keeping
//! validated strings would push that parsing onto every caller. `time` does it
//! without a time-zone database and was already in the dependency tree.

use serde::{Deserialize, Deserializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// Parses a SuperOffice date-time. `Ok(None)` for the "no date" value and for
/// an empty string; `Err` for text that is not a date in any known form.
pub fn parse(text: &str) -> Result<Option<OffsetDateTime>, time::error::Parse> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }

    let parsed = match OffsetDateTime::parse(text, &Rfc3339) {
        Ok(with_offset) => with_offset,
        Err(_) => parse_without_offset(text)?,
    };

    if parsed.year() <= 1 {
        return Ok(None);
    }
    Ok(Some(parsed))
}

fn parse_without_offset(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
    let with_time = format_description!(
        version = 2,
        "[year]-[month]-[day][first [T][ ]][hour]:[minute][optional [:[second]]]\
         [optional [.[subsecond]]]"
    );
    let date_only = format_description!(version = 2, "[year]-[month]-[day]");

    match PrimitiveDateTime::parse(text, &with_time) {
        Ok(local) => Ok(local.assume_utc()),
        Err(_) => Ok(time::Date::parse(text, &date_only)?.midnight().assume_utc()),
    }
}

/// Milliseconds since the Unix epoch, the store's timestamp format.
pub fn to_unix_millis(when: OffsetDateTime) -> i64 {
    (when.unix_timestamp_nanos() / 1_000_000) as i64
}

/// Serde helper for an optional date field: accepts a string in any of the
/// forms above, or null/absent. An unparseable string is an error, so a
/// changed format shows up instead of silently reading as "no date".
pub(crate) fn deserialize_opt<'de, D>(deserializer: D) -> Result<Option<OffsetDateTime>, D::Error>
where
    D: Deserializer<'de>,
{
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    parse(&text).map_err(|err| serde::de::Error::custom(format!("date {text:?}: {err}")))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn utc_with_z_and_seven_fraction_digits() {
        let when = parse("2025-03-11T09:15:42.1234567Z").unwrap().unwrap();
        assert_eq!(when, datetime!(2025-03-11 09:15:42.1234567 UTC));
    }

    #[test]
    fn offset_is_honoured() {
        let when = parse("2025-03-11T09:02:10.5550001+01:00").unwrap().unwrap();
        assert_eq!(when, datetime!(2025-03-11 08:02:10.5550001 UTC));
    }

    #[test]
    fn no_offset_reads_as_utc() {
        let when = parse("2025-03-11T10:15:42").unwrap().unwrap();
        assert_eq!(when, datetime!(2025-03-11 10:15:42 UTC));
        let with_fraction = parse("2025-03-11T10:15:42.5").unwrap().unwrap();
        assert_eq!(with_fraction, datetime!(2025-03-11 10:15:42.5 UTC));
    }

    #[test]
    fn date_only_reads_as_midnight_utc() {
        let when = parse("2025-03-11").unwrap().unwrap();
        assert_eq!(when, datetime!(2025-03-11 00:00 UTC));
    }

    #[test]
    fn year_one_is_no_date() {
        assert_eq!(parse("0001-01-01T00:00:00").unwrap(), None);
        assert_eq!(parse("0001-01-01T00:00:00Z").unwrap(), None);
        assert_eq!(parse("").unwrap(), None);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse("yesterday").is_err());
        assert!(parse("11/03/2025").is_err());
    }

    #[test]
    fn epoch_millis() {
        assert_eq!(to_unix_millis(datetime!(1970-01-01 00:00:01.5 UTC)), 1500);
    }
}
