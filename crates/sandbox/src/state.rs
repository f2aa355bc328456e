//! The state every handler shares: data, tokens, switches, log, webhooks.

use std::sync::{Mutex, MutexGuard};

use url::Url;

use crate::auth::AuthState;
use crate::config::SandboxConfig;
use crate::faults::FaultState;
use crate::log::RequestLog;
use crate::tenant::TenantData;
use crate::webhooks::Hooks;

/// One tenant's shared state, behind an `Arc` in every handler.
///
/// Each part has its own mutex so that, say, the request log never waits
/// for a PATCH. No lock is held across an `.await`.
#[derive(Debug)]
pub struct Shared {
    /// Settings from start; the seed has been moved into `data`.
    pub config: SandboxConfig,
    /// `http://127.0.0.1:PORT`, known once the socket is bound.
    pub base_url: Url,
    /// The CRM records.
    pub data: Mutex<TenantData>,
    /// Issued access tokens and the refresh token's state.
    pub auth: Mutex<AuthState>,
    /// Injected faults and behaviour switches.
    pub faults: Mutex<FaultState>,
    /// Every request served.
    pub log: RequestLog,
    /// The webhook queue and its delivery records.
    pub hooks: Hooks,
}

impl Shared {
    /// Locks the records.
    pub fn data(&self) -> MutexGuard<'_, TenantData> {
        self.data
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Locks the token state.
    pub fn auth(&self) -> MutexGuard<'_, AuthState> {
        self.auth
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Locks the faults and switches.
    pub fn faults(&self) -> MutexGuard<'_, FaultState> {
        self.faults
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Path of the tenant's current endpoint: `/Cust12345` at first,
    /// `/moved1/Cust12345` after the first simulated move.
    pub fn endpoint_path(&self) -> String {
        let ctx = &self.config.context_identifier;
        match self.faults().moves {
            0 => format!("/{ctx}"),
            moves => format!("/moved{moves}/{ctx}"),
        }
    }

    /// The tenant's current endpoint (`Endpoint` of tenant status).
    pub fn endpoint(&self) -> Url {
        self.base_url
            .join(&self.endpoint_path())
            .expect("an endpoint path is a valid URL path")
    }

    /// `{Endpoint}/api/v1`, without a trailing slash.
    pub fn api_v1(&self) -> String {
        format!("{}/api/v1", self.endpoint())
    }
}
