//! A typed async client for the SuperOffice WebAPI, for one tenant.
//!
//! It knows nothing of queues or jobs. What it does:
//!
//! - finds the tenant's API host from the tenant-status endpoint and follows
//!   it when it moves (`tenant.rs`);
//! - keeps an access token from the refresh-token flow, one refresh shared by
//!   all concurrent callers (`auth.rs`);
//! - sends each call paced, bounded and timed, and retries what is the
//!   client's to retry: 401/403 once after a refresh, 421 once after a
//!   re-read, a 429 asking for at most a second (`http.rs`, `call.rs`); every
//!   other failure is an [`Error`] that says whether and when to retry;
//! - reads entities without assuming key case (`keys.rs`, `entities/`), and
//!   dates in every form SuperOffice mixes (`dates.rs`);
//! - encodes and decodes UDF values (`udf.rs`) and writes them as a JSON Patch,
//!   text cut to the field's length (`patch.rs`);
//! - streams OData archive queries across pages (`odata.rs`);
//! - counts its calls, in total and per job (`observe.rs`);
//! - manages webhook definitions and reads their usage counters
//!   (`webhooks.rs`), and deletes contacts and persons (`deletes.rs`) for
//!   the operator tool.
//!
//! ```no_run
//! # async fn demo() -> so_superoffice::Result<()> {
//! use secrecy::SecretString;
//! use so_superoffice::{Client, ClientOptions, Environment, TenantConfig};
//!
//! let config = TenantConfig::new(
//!     Environment::Online,
//!     "Cust12345",
//!     "client-id",
//!     SecretString::from("client-secret"),
//!     SecretString::from("refresh-token"),
//! );
//! let client = Client::new(config, ClientOptions::default())?;
//! let contact = client.get_contact(4711).await?;
//! println!("{} ({:?})", contact.name, contact.owner.map(|owner| owner.name));
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

mod auth;
mod call;
mod client;
mod config;
mod custom_fields;
pub mod dates;
mod deletes;
mod entities;
mod error;
mod http;
mod identity;
mod keys;
mod lenient;
mod observe;
mod odata;
mod patch;
mod resources;
mod settings;
mod tenant;
mod udf;
mod webhooks;

pub use client::Client;
pub use config::{ClientOptions, Environment, TenantConfig};
pub use custom_fields::CustomFields;
pub use entities::{
    Associate, Contact, ContactSummary, Country, ListItem, ListRef, Person, PersonSummary,
    Principal, UdefField, UdefFieldType, UdefOwner, ValueEntry,
};
pub use entities::{LONG_TEXT_MAX_CHARS, SHORT_TEXT_MAX_CHARS};
pub use error::{error_message, parse_retry_after, Error, Result};
pub use identity::{Identity, IdentitySource};
pub use keys::{normalize, normalize_key};
pub use observe::{CallCounter, CallObserver, CallRecord};
pub use odata::{ArchiveQuery, ArchiveRow, MAX_PAGE};
pub use patch::{custom_fields_patch, truncate_chars};
pub use settings::ClientSettings;
pub use tenant::TenantStatus;
pub use udf::{ProgId, UdfError, UdfValue};
pub use webhooks::{NewWebhook, Webhook, WebhookState, WebhookUsage, CONNECTOR_EVENTS};
