//! Who the API user is.
//!
//! The connector needs its own associate id to recognise the webhooks its
//! own writes cause. `User/currentPrincipal` answers that; when identity
//! look-ups fail on the server side (they have been seen answering 500 for an
//! API user without a person card), the id_token's `associateid` claim and
//! then the configured id stand in. `Associate/Me` is never used: it is not
//! in the REST reference and is the call known to fail that way.

use reqwest::Method;

use crate::call::Target;
use crate::entities::Principal;
use crate::{Client, Error, Result};

/// Where an [`Identity`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentitySource {
    /// `User/currentPrincipal` answered.
    Principal,
    /// The `associateid` claim of the id_token received with the token.
    IdTokenClaim,
    /// [`crate::TenantConfig::own_associate_id`].
    Configured,
}

/// The API user's associate id and how it was learnt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The associate id webhooks name as `ChangedByAssociateId` for our writes.
    pub associate_id: i64,
    /// Where it came from.
    pub source: IdentitySource,
    /// The principal, when `User/currentPrincipal` answered.
    pub principal: Option<Principal>,
}

impl Client {
    /// `GET User/currentPrincipal`.
    pub async fn current_principal(&self) -> Result<Principal> {
        let target = Target::api("User/currentPrincipal");
        self.read(
            Method::GET,
            target,
            None,
            "User/currentPrincipal",
            "current principal",
        )
        .await
    }

    /// The API user's associate id: from `User/currentPrincipal`, or, when
    /// that answers 5xx (or names no associate), from the id_token claim,
    /// else from the configuration. Other errors (auth, transport) are
    /// returned as they are, as is the 5xx when no fallback exists.
    pub async fn who_am_i(&self) -> Result<Identity> {
        let failure = match self.current_principal().await {
            Ok(principal) if principal.associate_id > 0 => {
                return Ok(Identity {
                    associate_id: principal.associate_id,
                    source: IdentitySource::Principal,
                    principal: Some(principal),
                });
            }
            Ok(_) => Error::Decode {
                what: "current principal".into(),
                source: serde::de::Error::custom("AssociateId missing or 0"),
            },
            Err(error @ (Error::Server { .. } | Error::Unavailable { .. })) => error,
            Err(error) => return Err(error),
        };
        tracing::debug!(error = %failure, "identity look-up failed; using a fallback");

        if let Some(associate_id) = self.shared.auth.id_token_associate().await {
            let source = IdentitySource::IdTokenClaim;
            return Ok(Identity {
                associate_id,
                source,
                principal: None,
            });
        }
        match self.shared.config.own_associate_id {
            Some(associate_id) => Ok(Identity {
                associate_id,
                source: IdentitySource::Configured,
                principal: None,
            }),
            None => Err(failure),
        }
    }
}
