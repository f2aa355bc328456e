//! How times, durations and names read on the pages.
//!
//! Pages carry every time as a UTC instant in `<time datetime>`; a small
//! script shows it in the browser's time zone, and the UTC form stays in
//! the tooltip. Without JavaScript the UTC form is what shows.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

/// One instant, in the forms a page and the API need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moment {
    /// Milliseconds since the epoch, UTC.
    pub ms: i64,
    /// RFC 3339 in UTC, `2026-12-03T17:58:42.120Z`, for `datetime`.
    pub iso: String,
    /// `2026-12-03 17:58:42 UTC`, shown without JavaScript and on hover.
    pub utc: String,
}

impl Moment {
    /// The instant `ms` milliseconds after the epoch.
    pub fn from_ms(ms: i64) -> Self {
        let instant = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        let iso = instant.format(&Rfc3339).unwrap_or_default();
        let utc = instant
            .format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .unwrap_or_default();
        Moment { ms, iso, utc }
    }
}

/// A duration for people: `850 ms`, `4.2 s`, `3 min 5 s`, `2 h 10 min`,
/// `3 d 4 h`.
pub fn duration_ms(ms: i64) -> String {
    let ms = ms.max(0);
    let secs = ms / 1000;
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{:.1} s", ms as f64 / 1000.0),
        60_000..3_600_000 => format!("{} min {} s", secs / 60, secs % 60),
        3_600_000..86_400_000 => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
        _ => format!("{} d {} h", secs / 86_400, secs % 86_400 / 3600),
    }
}

/// The account's name as the dashboard shows it: "Acme GmbH (RKAB)" once
/// resolved, "contact 4711" until then.
pub fn account_name(
    entity: &str,
    entity_id: i64,
    company: Option<&str>,
    owner: Option<&str>,
) -> String {
    let company = company.map(str::trim).filter(|name| !name.is_empty());
    let owner = owner.map(str::trim).filter(|name| !name.is_empty());
    match (company, owner) {
        (Some(company), Some(owner)) => format!("{company} ({owner})"),
        (Some(company), None) => company.to_owned(),
        (None, Some(owner)) => format!("{entity} {entity_id} ({owner})"),
        (None, None) => format!("{entity} {entity_id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_are_utc_in_both_forms() {
        let moment = Moment::from_ms(1_700_000_000_120);

        assert_eq!(moment.iso, "2023-11-14T22:13:20.12Z");
        assert_eq!(moment.utc, "2023-11-14 22:13:20 UTC");
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration_ms(850), "850 ms");
        assert_eq!(duration_ms(4_200), "4.2 s");
        assert_eq!(duration_ms(185_000), "3 min 5 s");
        assert_eq!(duration_ms(7_800_000), "2 h 10 min");
        assert_eq!(duration_ms(273_600_000), "3 d 4 h");
    }

    #[test]
    fn names_show_once_resolved() {
        assert_eq!(account_name("contact", 4711, None, None), "contact 4711");
        assert_eq!(
            account_name("contact", 4711, Some("Acme GmbH"), Some("RKAB")),
            "Acme GmbH (RKAB)"
        );
        assert_eq!(account_name("contact", 1, Some(" "), None), "contact 1");
    }
}
