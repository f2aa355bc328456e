//! What can go wrong when starting or feeding the sandbox.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Errors of the sandbox library (not of the API it serves: those are
/// SuperOffice-shaped HTTP answers, see `respond.rs`).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The listening socket could not be bound.
    #[error("sandbox: cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// A seed file could not be read.
    #[error("seed: cannot read {path}")]
    SeedRead {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },

    /// A seed is not valid JSON of the seed format.
    #[error("seed: invalid seed data")]
    SeedParse(#[source] serde_json::Error),

    /// A seed's records do not fit together (e.g. a person of a missing
    /// company, two contacts with one id).
    #[error("seed: {0}")]
    SeedInconsistent(String),

    /// The webhook delivery client could not be built.
    #[error("webhooks: cannot build the HTTP client")]
    WebhookClient(#[source] reqwest::Error),
}
