//! Sending one HTTP exchange: pacing, timeouts, counting, and turning a
//! failed answer into an [`Error`].
//!
//! Retrying (fresh token on 401/403, new endpoint on 421, a short wait on
//! 429) is one level up, in `call.rs`; this file knows nothing of tokens or
//! tenants.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, ACCEPT_LANGUAGE, RETRY_AFTER};
use reqwest::StatusCode;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

use crate::config::ClientOptions;
use crate::error::{error_message, parse_retry_after};
use crate::observe::{CallCounter, CallObserver, CallRecord};
use crate::{Error, Result};

/// Whether a request counts against the tenant's API budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pacing {
    /// A WebAPI call: rate-limited and bounded in concurrency.
    Api,
    /// A call to the login host (token, tenant status): sent at once. These
    /// are rare, and pacing them behind API calls could stall every caller
    /// waiting on a token.
    Login,
}

/// A complete answer, body read.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The URL the request went to, for resolving relative links.
    pub url: Url,
}

/// The HTTP layer shared by all clones of a client.
pub(crate) struct Http {
    /// The connection pool, with timeouts and default headers set.
    client: reqwest::Client,
    /// Paces API calls to `requests_per_second` for this tenant.
    limiter: DefaultDirectRateLimiter,
    /// Bounds API calls in flight to `max_concurrency`.
    permits: Semaphore,
    /// Every call since the client was built.
    total: CallCounter,
    /// Told of every call, for metrics.
    observer: Option<Arc<dyn CallObserver>>,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("calls", &self.total.get())
            .finish_non_exhaustive()
    }
}

impl Http {
    pub fn new(options: &ClientOptions, observer: Option<Arc<dyn CallObserver>>) -> Result<Self> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        // Without a language, multi-language list names come back raw
        // (`US:"Vendor";NO:"Leverandør"`).
        headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_static("en"));

        let client = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("so-superoffice/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .build()
            .map_err(|source| Error::Transport {
                what: "building the http client".into(),
                source,
            })?;

        let rate = NonZeroU32::new(options.requests_per_second.max(1)).expect("at least one");
        Ok(Self {
            client,
            limiter: RateLimiter::direct(Quota::per_second(rate)),
            permits: Semaphore::new(options.max_concurrency.max(1)),
            total: CallCounter::new(),
            observer,
        })
    }

    /// The pool, for building requests.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Calls made since the client was built.
    pub fn calls(&self) -> u64 {
        self.total.get()
    }

    /// Sends `request` and reads the whole answer, whatever its status.
    /// `endpoint` names the call for counting and metrics; `job` is the
    /// caller's own counter, if any.
    pub async fn execute(
        &self,
        request: reqwest::Request,
        endpoint: &'static str,
        pacing: Pacing,
        job: Option<&CallCounter>,
    ) -> Result<Answer> {
        let method = request.method().clone();
        let url = request.url().clone();

        // Hold a permit for the whole exchange; wait for the limiter inside
        // it so queued callers do not burst when the limiter frees up.
        let _permit = match pacing {
            Pacing::Api => {
                let permit = self
                    .permits
                    .acquire()
                    .await
                    .expect("the semaphore is never closed");
                self.limiter.until_ready().await;
                Some(permit)
            }
            Pacing::Login => None,
        };

        let started = Instant::now();
        let outcome = self.exchange(request).await;
        let status = outcome.as_ref().ok().map(|(status, _, _)| status.as_u16());
        self.count(method.as_str(), endpoint, status, started.elapsed(), job);

        let (status, headers, body) = outcome.map_err(|source| Error::Transport {
            what: format!("{method} {endpoint}"),
            source,
        })?;
        Ok(Answer {
            status,
            headers,
            body,
            url,
        })
    }

    async fn exchange(
        &self,
        request: reqwest::Request,
    ) -> reqwest::Result<(StatusCode, HeaderMap, Bytes)> {
        let response = self.client.execute(request).await?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        Ok((status, headers, body))
    }

    fn count(
        &self,
        method: &str,
        endpoint: &'static str,
        status: Option<u16>,
        elapsed: Duration,
        job: Option<&CallCounter>,
    ) {
        self.total.add_one();
        if let Some(job) = job {
            job.add_one();
        }
        tracing::debug!(
            method,
            endpoint,
            status,
            elapsed_ms = elapsed.as_millis() as u64,
            "superoffice call"
        );
        if let Some(observer) = &self.observer {
            observer.on_call(&CallRecord {
                method,
                endpoint,
                status,
                elapsed,
            });
        }
    }
}

/// The server's `Retry-After`, in either form, if it sent one.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, SystemTime::now())
}

/// The error for a non-success answer of the WebAPI. 401/403/421/429 are
/// retried by the caller first; what reaches here is final.
pub(crate) fn status_error(answer: &Answer) -> Error {
    let status = answer.status.as_u16();
    let message = error_message(&String::from_utf8_lossy(&answer.body));
    let message = if message.is_empty() {
        answer.status.to_string()
    } else {
        message
    };

    match status {
        404 => Error::NotFound { message },
        409 | 412 => Error::Conflict { status, message },
        429 => Error::RateLimited {
            retry_after: retry_after(&answer.headers),
        },
        421 => Error::Unavailable {
            reason: format!("the tenant's endpoint still answers 421 after a re-read: {message}"),
            retry_after: None,
        },
        503 => Error::Unavailable {
            reason: message,
            retry_after: retry_after(&answer.headers),
        },
        500..=599 => Error::Server { status, message },
        _ => Error::BadRequest { status, message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str, headers: &[(&'static str, &'static str)]) -> Answer {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_static(value));
        }
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: Bytes::from(body.to_owned()),
            url: Url::parse("http://localhost/").unwrap(),
        }
    }

    #[test]
    fn statuses_map_to_their_variants() {
        let body = r#"{"Error":true,"ErrorType":"SoNotFoundException","ErrorMessage":"gone"}"#;
        let error = status_error(&answer(404, body, &[]));
        assert_eq!(error.to_string(), "not found: SoNotFoundException: gone");

        assert!(matches!(
            status_error(&answer(412, "", &[])),
            Error::Conflict { status: 412, .. }
        ));
        assert!(matches!(
            status_error(&answer(400, "x", &[])),
            Error::BadRequest { .. }
        ));
        assert!(matches!(
            status_error(&answer(502, "<b>bad</b>", &[])),
            Error::Server { .. }
        ));
    }

    #[test]
    fn throttling_and_unavailability_carry_the_wait() {
        let limited = status_error(&answer(429, "", &[("retry-after", "7")]));
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(7)));
        let down = status_error(&answer(503, "maintenance", &[("retry-after", "120")]));
        assert_eq!(down.retry_after(), Some(Duration::from_secs(120)));
        assert!(down.is_retryable());
    }

    #[test]
    fn an_empty_error_body_still_says_something() {
        let error = status_error(&answer(500, "", &[]));
        assert_eq!(
            error.to_string(),
            "server error 500: 500 Internal Server Error"
        );
    }
}
