//! An error and its causes as one line, each cause said once.
//!
//! Some libraries print their cause inside their own message and also
//! return it as the source: sqlx's "error returned from database: (code:
//! 14) unable to open database file" has the SQLite error as its source,
//! and dotenvy's I/O error is the `std::io::Error` it wraps. Walking such a
//! chain prints the same words twice. The connector's own errors keep
//! causes out of their messages; these functions drop a cause whose words
//! the message before it already holds.

use std::error::Error;

/// The messages of `error` and of each cause, outermost first, without a
/// cause that repeats the message before it (or is empty).
pub fn error_messages(error: &(dyn Error + 'static)) -> Vec<String> {
    let mut messages = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        let previous = messages.last().map(String::as_str).unwrap_or_default();
        if !message.trim().is_empty() && !previous.contains(message.as_str()) {
            messages.push(message);
        }
        source = cause.source();
    }
    messages
}

/// [`error_messages`] joined with `": "`, for a log field or a last line
/// on stderr.
pub fn error_chain(error: &(dyn Error + 'static)) -> String {
    error_messages(error).join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message that says its source's words, as sqlx and dotenvy do.
    #[derive(Debug, thiserror::Error)]
    #[error("error returned from database: {0}")]
    struct Repeating(#[source] std::io::Error);

    #[derive(Debug, thiserror::Error)]
    #[error("job store: unavailable")]
    struct Ours(#[source] Repeating);

    #[test]
    fn a_cause_repeated_by_its_parent_is_said_once() {
        let io = std::io::Error::other("(code: 14) unable to open database file");
        let error = Ours(Repeating(io));

        let chain = error_chain(&error);

        assert_eq!(
            chain,
            "job store: unavailable: error returned from database: \
             (code: 14) unable to open database file"
        );
    }

    #[derive(Debug, thiserror::Error)]
    #[error("cannot open the job store")]
    struct Plain(#[source] std::io::Error);

    #[test]
    fn distinct_causes_are_all_kept() {
        let error = Plain(std::io::Error::other("permission denied"));

        assert_eq!(
            error_messages(&error),
            ["cannot open the job store", "permission denied"]
        );
    }
}
