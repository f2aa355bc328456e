//! A local HTTP server that behaves like one SuperOffice Online tenant.
//!
//! It serves the OAuth token endpoint, tenant status and the REST/OData
//! endpoints a connector uses, keeps its records in memory (seeded from
//! [`Seed::builtin`] or a file), sends signed webhooks when records change,
//! and can be told to misbehave ([`Faults`]). Start it with [`start`].

#![warn(missing_docs)]

mod admin;
mod api;
mod apply;
mod auth;
mod config;
mod dates;
mod deletes;
mod entities;
mod error;
mod faults;
mod gate;
mod handle;
mod identity;
mod lists;
mod log;
mod model;
mod odata;
mod patch;
mod render;
mod respond;
mod seed;
mod server;
mod site;
mod state;
mod status;
mod tenant;
mod test_data;
mod udf;
mod webhook_api;
mod webhooks;
mod writes;

pub use config::{AfterFailedCycle, NextLinkMode, SandboxConfig, WebhookTarget};
pub use dates::Timestamp;
pub use error::SandboxError;
pub use faults::{FaultState, Faults, ODataKeyCase, RetryAfter, TenantState, UdfChanges};
pub use handle::TenantHandle;
pub use log::LoggedRequest;
pub use model::{
    Associate, CompanyProfile, Contact, Country, ListDef, ListItem, Person, UdfDef, UdfOwner,
    UdfType,
};
pub use respond::{ApiError, KeyCase};
pub use seed::Seed;
pub use server::{start, RunningSandbox};
pub use test_data::{marked, TEST_MARKER};
pub use webhooks::{
    sign, DeliveryOutcome, EntityEvent, Envelope, ShownDefinition, WebhookDefinition,
    WebhookDeliveryRecord, WebhookState, WebhookUsage,
};
