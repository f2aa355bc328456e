//! What every command may need, opened only when it does: the settings,
//! the output, the job store, the SuperOffice client and the owners.

use anyhow::Context as _;
use so_ctl::owners::Owners;
use so_ctl::Settings;
use so_queue::Store;
use so_superoffice::Client;

use crate::exit::{fail, Code};
use crate::output::Output;

/// The settings and output of this run.
#[derive(Debug)]
pub struct Ctx {
    /// The loaded settings tree.
    pub settings: Settings,
    /// How results are printed.
    pub out: Output,
}

impl Ctx {
    /// Opens the existing job store (applying pending migrations). A missing
    /// file is an error rather than a new empty store: a mistyped
    /// `SO__STORE__PATH` would otherwise show an empty queue.
    pub async fn store(&self) -> anyhow::Result<Store> {
        let path = &self.settings.store.path;
        if !path.exists() {
            return Err(fail(
                Code::NotFound,
                format!(
                    "no job store at {}: check SO__STORE__PATH, or create it with soctl migrate",
                    path.display()
                ),
            ));
        }
        self.create_store().await
    }

    /// Opens the job store, creating the file and its directory on a fresh
    /// install, and applies pending migrations.
    pub async fn create_store(&self) -> anyhow::Result<Store> {
        let path = &self.settings.store.path;
        Store::open_creating_dir(path, self.settings.store_options())
            .await
            .with_context(|| format!("cannot open the job store {}", path.display()))
    }

    /// The client for the configured tenant (makes no request).
    pub fn client(&self) -> anyhow::Result<Client> {
        self.settings
            .superoffice
            .client(self.settings.own_associate_id())
            .context("the superoffice settings are incomplete")
    }

    /// The owner whitelist with the tenant's users; an empty whitelist is a
    /// settings error (nothing would be ours).
    pub async fn owners(&self, client: &Client) -> anyhow::Result<Owners> {
        let whitelist = self.settings.rules.owners.clone();
        if whitelist.is_empty() {
            return Err(fail(
                Code::Usage,
                "the owner whitelist is empty, so no account is ours: set \
                 SO__RULES__OWNERS__ASSOCIATE_IDS or SO__RULES__OWNERS__SHORT_NAMES",
            ));
        }
        Owners::load(client, whitelist)
            .await
            .context("cannot read the tenant's users")
    }
}
