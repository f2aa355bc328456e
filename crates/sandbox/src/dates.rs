//! Points in time as SuperOffice writes them.
//!
//! The API mixes three forms (see the API notes, quirk 6): entity dates
//! without an offset (`2025-03-11T10:15:42`, UTC here), webhook timestamps
//! ending in `Z` with seven fraction digits, and `FieldValues.updated` with an
//! offset. "Never" is `0001-01-01T00:00:00`. The sandbox keeps every
//! timestamp in UTC and renders whichever form the caller needs.

use std::fmt;
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// What the API prints for a date that was never set.
pub const NULL_DATE: &str = "0001-01-01T00:00:00";

/// A UTC point in time, with sub-second precision.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(PrimitiveDateTime);

impl Timestamp {
    /// The current time.
    pub fn now() -> Timestamp {
        let now = OffsetDateTime::now_utc();
        Timestamp(PrimitiveDateTime::new(now.date(), now.time()))
    }

    /// The time a [`SystemTime`] stands for.
    pub fn from_system_time(at: SystemTime) -> Timestamp {
        let at = OffsetDateTime::from(at);
        Timestamp(PrimitiveDateTime::new(at.date(), at.time()))
    }

    /// Parses the forms used in seeds and `$filter` literals: a date
    /// (`2025-03-01`), a date-time without offset (UTC), or RFC 3339 with `Z`
    /// or an offset.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        if let Ok(at) = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        {
            let at = at.to_offset(UtcOffset::UTC);
            return Some(Timestamp(PrimitiveDateTime::new(at.date(), at.time())));
        }
        let with_fraction =
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]");
        let plain = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
        let spaced = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
        for form in [with_fraction, plain, spaced] {
            if let Ok(at) = PrimitiveDateTime::parse(text, form) {
                return Some(Timestamp(at));
            }
        }
        let date = time::Date::parse(text, format_description!("[year]-[month]-[day]")).ok()?;
        Some(Timestamp(PrimitiveDateTime::new(
            date,
            time::Time::MIDNIGHT,
        )))
    }

    /// The entity form, whole seconds, no offset: `2025-03-11T10:15:42`.
    pub fn entity(&self) -> String {
        let form = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
        self.0.format(form).expect("a UTC date-time always formats")
    }

    /// The webhook envelope form: `2025-03-11T09:15:42.1234567Z`.
    pub fn webhook(&self) -> String {
        format!("{}.{:07}Z", self.entity(), self.0.nanosecond() / 100)
    }

    /// The `FieldValues.updated` form, with an explicit (UTC) offset.
    pub fn with_offset(&self) -> String {
        format!("{}.{:07}+00:00", self.entity(), self.0.nanosecond() / 100)
    }

    /// The same instant cut to whole seconds, the precision of HTTP dates.
    pub fn whole_seconds(&self) -> Timestamp {
        Timestamp(
            self.0
                .replace_nanosecond(0)
                .expect("zero nanoseconds are valid"),
        )
    }

    /// As a [`SystemTime`], for HTTP date headers.
    pub fn system_time(&self) -> SystemTime {
        self.0.assume_utc().into()
    }
}

/// Renders an optional date the way the API does: `0001-01-01T00:00:00`
/// when absent.
pub fn entity_or_null(at: Option<Timestamp>) -> String {
    at.map(|at| at.entity())
        .unwrap_or_else(|| NULL_DATE.to_owned())
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.webhook())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.entity())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Seeds keep whole seconds when they have them, so the file stays tidy.
        if self.0.nanosecond() == 0 {
            serializer.serialize_str(&self.entity())
        } else {
            serializer.serialize_str(self.webhook().trim_end_matches('Z'))
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("timestamp: cannot parse {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_round_trips_to_the_same_instant() {
        let at = Timestamp::parse("2025-03-11T09:15:42.1234567").unwrap();

        assert_eq!(at.entity(), "2025-03-11T09:15:42");
        assert_eq!(at.webhook(), "2025-03-11T09:15:42.1234567Z");
        assert_eq!(at.with_offset(), "2025-03-11T09:15:42.1234567+00:00");
        assert_eq!(Timestamp::parse(&at.webhook()), Some(at));
        assert_eq!(
            Timestamp::parse("2025-03-11T10:15:42.1234567+01:00"),
            Some(at)
        );
    }

    #[test]
    fn a_bare_date_means_midnight_utc() {
        let at = Timestamp::parse("2025-03-01").unwrap();

        assert_eq!(at.entity(), "2025-03-01T00:00:00");
    }
}
