//! Small helpers for the human half of a reason.

use std::time::Duration;

/// A duration as people write it in a log line: `500ms`, `42s`, `4m 10s`,
/// `10m`. Seconds are rounded; reasons are for reading, not for arithmetic.
pub(crate) fn human_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis < 1_000 {
        return format!("{millis}ms");
    }

    let seconds = (millis + 500) / 1_000;
    match (seconds / 60, seconds % 60) {
        (0, seconds) => format!("{seconds}s"),
        (minutes, 0) => format!("{minutes}m"),
        (minutes, seconds) => format!("{minutes}m {seconds}s"),
    }
}

/// [`human_duration`] for a span of epoch milliseconds; negative spans
/// (clocks a little apart) read as zero.
pub(crate) fn human_millis(millis: i64) -> String {
    human_duration(Duration::from_millis(u64::try_from(millis).unwrap_or(0)))
}
