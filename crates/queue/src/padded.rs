//! Multi-row statements in a few fixed sizes, for writing a batch's rows
//! with bound parameters.
//!
//! Bound parameters cost SQLite less than half of what reading the same
//! rows out of one JSON parameter costs (measured on the development VM:
//! about 7 µs against 16 µs of CPU per delivery row). But a statement with
//! one `(?, ...)` group per row has a different text for every batch size,
//! and sqlx prepares and caches each text on its own. So a batch is cut
//! into chunks of at most [`CHUNK`] rows, and a chunk is padded up to the
//! next power of two with rows of NULLs, which the statement leaves out
//! (`WHERE column1 IS NOT NULL`): seven texts per statement in all.

use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, SqliteConnection};

use crate::error::StoreError;

/// The most rows one statement writes.
pub(crate) const CHUNK: usize = 64;

/// A query being bound, as [`BindRow::bind`] extends it.
pub(crate) type Bound<'q> = Query<'q, Sqlite, SqliteArguments<'q>>;

/// A row that binds its values, in the statement's column order.
pub(crate) trait BindRow {
    /// Binds this row's values (as many as the statement has columns).
    fn bind<'q>(&'q self, query: Bound<'q>) -> Bound<'q>;
}

/// The texts of one statement for 1, 2, 4, ... [`CHUNK`] rows.
#[derive(Debug)]
pub(crate) struct Padded {
    /// Index `i` holds the text for `2^i` rows.
    texts: Vec<String>,
    columns: usize,
}

impl Padded {
    /// `head` names the target and its columns (`INSERT INTO t (a, b)`);
    /// `tail` follows the rows (`ON CONFLICT ...`). The rows are a `VALUES`
    /// list of `columns` parameters each; the first column of a real row is
    /// never NULL.
    pub(crate) fn new(head: &str, columns: usize, tail: &str) -> Padded {
        let group = format!("({})", vec!["?"; columns].join(", "));
        let texts = (0..=CHUNK.trailing_zeros())
            .map(|power| {
                let groups = vec![group.as_str(); 1 << power].join(",\n");
                format!(
                    "{head}\nSELECT * FROM (VALUES {groups})\nWHERE column1 IS NOT NULL\n{tail}"
                )
            })
            .collect();
        Padded { texts, columns }
    }

    /// Writes `rows` on `conn`, one statement per chunk.
    pub(crate) async fn execute<R: BindRow>(
        &self,
        conn: &mut SqliteConnection,
        rows: &[R],
    ) -> Result<(), StoreError> {
        for chunk in rows.chunks(CHUNK) {
            let capacity = chunk.len().next_power_of_two();
            let text = &self.texts[capacity.trailing_zeros() as usize];

            let mut query = sqlx::query(text);
            for row in chunk {
                query = row.bind(query);
            }
            for _ in 0..(capacity - chunk.len()) * self.columns {
                query = query.bind(None::<i64>);
            }
            query.execute(&mut *conn).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_is_a_text_for_every_power_of_two_up_to_a_chunk() {
        let padded = Padded::new("INSERT INTO t (a, b)", 2, "");

        assert_eq!(padded.texts.len(), 7);
        for (power, text) in padded.texts.iter().enumerate() {
            assert_eq!(text.matches("(?, ?)").count(), 1 << power, "{text}");
        }
    }
}
