//! What soctl prints: a table or a few lines for people by default, one
//! JSON document on stdout with `--json`. Notes, warnings and progress go to
//! stderr, so stdout stays one parseable document.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ContentArrangement, Table};
use serde::Serialize;

/// Where and how results are printed.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// One JSON document on stdout instead of text.
    json: bool,
}

impl Output {
    /// Text, or JSON when `json`.
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    /// Whether JSON was asked for.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Prints the result: `value` as JSON, or the text `human` makes.
    pub fn print<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            let text = serde_json::to_string_pretty(value).expect("results serialise to JSON");
            emit(&text);
        } else {
            let text = human();
            if !text.is_empty() {
                emit(text.trim_end());
            }
        }
    }

    /// A remark for people (on stderr, also in JSON mode).
    pub fn note(&self, text: impl AsRef<str>) {
        eprintln!("{}", text.as_ref());
    }
}

/// Writes `text` and a newline to stdout. A reader that has gone away
/// (`soctl queue list | head`) ends soctl quietly with exit 0, as it ends
/// `cat`: `println!` would panic on the broken pipe, and Rust ignores the
/// SIGPIPE that would otherwise end the process (restoring it needs
/// `unsafe`). Any other write error is as final, so it ends soctl too, with
/// a word on stderr and exit 1.
pub fn emit(text: &str) {
    use std::io::Write as _;

    let mut stdout = std::io::stdout().lock();
    let written = writeln!(stdout, "{text}").and_then(|()| stdout.flush());
    match written {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(error) => {
            eprintln!("soctl: cannot write to stdout: {error}");
            std::process::exit(1);
        }
    }
}

/// A table with a header row, sized to its content.
pub fn table<I, R>(header: &[&str], rows: I) -> String
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().copied());
    for row in rows {
        table.add_row(row);
    }
    table.to_string()
}

/// `key: value` lines, keys aligned.
pub fn pairs(items: &[(&str, String)]) -> String {
    let width = items.iter().map(|(key, _)| key.len()).max().unwrap_or(0);
    items
        .iter()
        .map(|(key, value)| format!("{key:<width$}  {value}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// An optional value for a table cell.
pub fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// Text cut to `max` characters for a table cell.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}
