//! Where the tenant's API lives: the tenant-status endpoint and its cache.
//!
//! API traffic must go to the tenant's own numbered host (`online3`), which
//! changes over time; a call on the wrong host is answered 421. The login host
//! tells the current one at `GET {auth}/api/state/{ctx}` (no auth needed),
//! valid until `ValidUntil`. We cache it that long and re-read at once when a
//! caller reports a 421.

use std::time::Duration;

use serde::Deserialize;
use time::OffsetDateTime;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use crate::http::{status_error, Http, Pacing};
use crate::observe::CallCounter;
use crate::{Error, Result};

/// A status answer is trusted at least this long, even when its `ValidUntil`
/// is missing or already past: otherwise every call would re-read it.
const MIN_CACHE: Duration = Duration::from_secs(30);
/// ... and at most this long, so a far-future `ValidUntil` cannot pin us to a
/// host that moved.
const MAX_CACHE: Duration = Duration::from_secs(60 * 60);
/// How long to wait before asking again about a tenant that is not running.
const NOT_RUNNING_WAIT: Duration = Duration::from_secs(60);

/// The answer of the tenant-status endpoint.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TenantStatus {
    /// `ContextIdentifier`, `Cust12345`.
    #[serde(
        rename = "contextidentifier",
        deserialize_with = "crate::lenient::string"
    )]
    pub context_id: String,
    /// `Endpoint`, `https://online3.superoffice.com/Cust12345` (may carry a
    /// port).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub endpoint: String,
    /// `Api`, `https://online3.superoffice.com/Cust12345/api`; empty when not
    /// sent, then `Endpoint` + `/api` is used.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub api: String,
    /// `State`: `Running`, `OnlineMaintenance`, `Suspended`, ... (a number
    /// when sent as one).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub state: String,
    /// `IsRunning`: true for Running and OnlineMaintenance only.
    #[serde(rename = "isrunning", deserialize_with = "crate::lenient::bool")]
    pub is_running: bool,
    /// `ValidUntil`: when to ask again.
    #[serde(
        rename = "validuntil",
        deserialize_with = "crate::dates::deserialize_opt"
    )]
    pub valid_until: Option<OffsetDateTime>,
}

impl TenantStatus {
    /// The REST base with the version, `…/Cust12345/api/v1/`.
    pub fn api_v1_base(&self) -> Result<Url> {
        let api = match self.api.trim() {
            "" => format!("{}/api", self.endpoint.trim().trim_end_matches('/')),
            api => api.to_owned(),
        };
        api_v1_base(&api)
    }
}

/// Normalises an API base to end in `/v1/`, whether it was given as
/// `…/api`, `…/api/` or `…/api/v1`.
pub(crate) fn api_v1_base(base: &str) -> Result<Url> {
    let mut text = base.trim().trim_end_matches('/').to_owned();
    if !text.ends_with("/v1") {
        text.push_str("/v1");
    }
    text.push('/');
    Url::parse(&text).map_err(|err| Error::Config {
        what: format!("api base {base:?}: {err}"),
    })
}

/// The API base in use, with a generation that changes whenever it is
/// re-read, so that fifty callers seeing one 421 cause one re-read.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    pub base: Url,
    pub generation: u64,
}

#[derive(Debug)]
struct Cached {
    base: Url,
    fresh_until: Instant,
}

/// Resolves and caches the tenant's API base.
#[derive(Debug)]
pub(crate) struct Tenant {
    context_id: String,
    /// `{auth}/api/state/{ctx}`.
    status_url: Url,
    /// A configured base; when set, the status endpoint is never asked.
    fixed: Option<Url>,
    /// The last good answer and the generation counter. A tokio mutex, held
    /// across the status read, so concurrent callers wait for one read.
    state: Mutex<(Option<Cached>, u64)>,
}

impl Tenant {
    pub fn new(context_id: &str, auth_base: &Url, fixed: Option<&Url>) -> Result<Self> {
        let status_url = auth_base
            .join(&format!("api/state/{context_id}"))
            .map_err(|err| Error::Config {
                what: format!("tenant status url: {err}"),
            })?;
        let fixed = fixed.map(|base| api_v1_base(base.as_str())).transpose()?;
        Ok(Self {
            context_id: context_id.to_owned(),
            status_url,
            fixed,
            state: Mutex::new((None, 0)),
        })
    }

    /// The API base to use now, reading the tenant status when the cached one
    /// is stale or was rejected.
    pub async fn endpoint(&self, http: &Http, job: Option<&CallCounter>) -> Result<Endpoint> {
        if let Some(base) = &self.fixed {
            return Ok(Endpoint {
                base: base.clone(),
                generation: 0,
            });
        }

        let mut state = self.state.lock().await;
        if let Some(cached) = state.0.as_ref().filter(|c| Instant::now() < c.fresh_until) {
            return Ok(Endpoint {
                base: cached.base.clone(),
                generation: state.1,
            });
        }

        let status = self.read_status(http, job).await?;
        let base = status.api_v1_base()?;
        tracing::debug!(tenant = %self.context_id, api = %base, "tenant endpoint read");
        let valid_for = cache_for(&status, OffsetDateTime::now_utc());
        state.0 = Some(Cached {
            base: base.clone(),
            fresh_until: Instant::now() + valid_for,
        });
        state.1 += 1;
        Ok(Endpoint {
            base,
            generation: state.1,
        })
    }

    /// Forgets the endpoint of `generation` (it answered 421), unless another
    /// caller already replaced it.
    pub async fn reject(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state.1 == generation {
            state.0 = None;
        }
    }

    /// Asks the login host about the tenant. A tenant that is not running is
    /// [`Error::Unavailable`]: try again later, the job is not at fault.
    pub async fn read_status(
        &self,
        http: &Http,
        job: Option<&CallCounter>,
    ) -> Result<TenantStatus> {
        let request = http
            .client()
            .get(self.status_url.clone())
            .build()
            .map_err(|source| Error::Transport {
                what: "GET api/state".into(),
                source,
            })?;
        let answer = http
            .execute(request, "api/state", Pacing::Login, job)
            .await?;
        if !answer.status.is_success() {
            return Err(status_error(&answer));
        }

        let status: TenantStatus = crate::keys::from_slice(&answer.body, "tenant status")?;
        if !status.is_running {
            return Err(Error::Unavailable {
                reason: format!(
                    "tenant {} is not running (state {})",
                    self.context_id, status.state
                ),
                retry_after: Some(NOT_RUNNING_WAIT),
            });
        }
        Ok(status)
    }
}

/// How long to trust `status`, read at `now`.
fn cache_for(status: &TenantStatus, now: OffsetDateTime) -> Duration {
    let valid_for = status
        .valid_until
        .map(|until| until - now)
        .and_then(|left| Duration::try_from(left).ok())
        .unwrap_or(Duration::ZERO);
    valid_for.clamp(MIN_CACHE, MAX_CACHE)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::keys::from_value;

    #[test]
    fn status_reads_the_documented_shape() {
        let status: TenantStatus = from_value(
            json!({"ContextIdentifier": "Cust12345",
                   "Endpoint": "https://online3.superoffice.com/Cust12345",
                   "State": "Running", "IsRunning": true,
                   "ValidUntil": "2025-03-11T10:00:00.0000000Z",
                   "Api": "https://online3.superoffice.com/Cust12345/api"}),
            "status",
        )
        .unwrap();
        assert!(status.is_running);
        let base = status.api_v1_base().unwrap();
        assert_eq!(
            base.as_str(),
            "https://online3.superoffice.com/Cust12345/api/v1/"
        );
    }

    #[test]
    fn missing_api_falls_back_to_endpoint_with_port() {
        let status: TenantStatus = from_value(
            json!({"endpoint": "https://sod2.superoffice.com:8443/Cust1/", "state": 2,
                   "isRunning": "true"}),
            "status",
        )
        .unwrap();
        assert_eq!(status.state, "2");
        let base = status.api_v1_base().unwrap();
        assert_eq!(
            base.as_str(),
            "https://sod2.superoffice.com:8443/Cust1/api/v1/"
        );
    }

    #[test]
    fn api_base_is_normalised_to_v1() {
        for given in [
            "http://h/C/api",
            "http://h/C/api/",
            "http://h/C/api/v1",
            "http://h/C/api/v1/",
        ] {
            assert_eq!(
                api_v1_base(given).unwrap().as_str(),
                "http://h/C/api/v1/",
                "{given}"
            );
        }
    }

    #[test]
    fn status_is_trusted_until_valid_until_within_bounds() {
        let now = OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let until = |secs: u64| TenantStatus {
            valid_until: Some(OffsetDateTime::UNIX_EPOCH + Duration::from_secs(secs)),
            ..Default::default()
        };
        assert_eq!(cache_for(&until(1_000_300), now), Duration::from_secs(300));
        assert_eq!(cache_for(&until(0), now), MIN_CACHE);
        assert_eq!(cache_for(&until(9_000_000), now), MAX_CACHE);
        assert_eq!(cache_for(&TenantStatus::default(), now), MIN_CACHE);
    }
}
