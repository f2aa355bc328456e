//! Which migrations the file has and which this build knows, for
//! `soctl migrate`.

use serde::Serialize;

use crate::error::StoreError;
use crate::store::Store;

/// The same folder `store.rs` migrates from; read here only for the list.
static KNOWN: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// One migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MigrationInfo {
    /// Its number (`3` for `0003_….sql`).
    pub version: i64,
    /// Its name, from the file name.
    pub description: String,
    /// Whether the file has it.
    pub applied: bool,
}

/// The schema of the open file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaInfo {
    /// The newest applied migration; 0 on an empty file.
    pub version: i64,
    /// Every migration this build knows, oldest first, and any the file
    /// has that this build does not know (a newer build migrated it).
    pub migrations: Vec<MigrationInfo>,
}

impl Store {
    /// The file's schema version and its migrations. [`Store::open`] has
    /// applied every known one, so all show as applied unless a newer
    /// build added more.
    pub async fn schema(&self) -> Result<SchemaInfo, StoreError> {
        let applied: Vec<(i64, String)> = sqlx::query_as(
            "SELECT version, description FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(&self.reader)
        .await?;

        let mut migrations: Vec<MigrationInfo> = KNOWN
            .iter()
            .map(|known| MigrationInfo {
                version: known.version,
                description: known.description.to_string(),
                applied: applied.iter().any(|(version, _)| *version == known.version),
            })
            .collect();
        for (version, description) in &applied {
            if !migrations.iter().any(|m| m.version == *version) {
                migrations.push(MigrationInfo {
                    version: *version,
                    description: description.clone(),
                    applied: true,
                });
            }
        }
        migrations.sort_by_key(|m| m.version);

        let version = applied.iter().map(|(v, _)| *v).max().unwrap_or(0);
        Ok(SchemaInfo {
            version,
            migrations,
        })
    }
}
