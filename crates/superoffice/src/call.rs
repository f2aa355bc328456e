//! One WebAPI call with the retries that are the client's to make.
//!
//! - 401 or 403: drop the token (once per generation, see `auth.rs`),
//!   refresh, retry once; a second 401 is [`Error::Auth`], a second 403
//!   [`Error::Forbidden`].
//! - 421: re-read the tenant status and retry once on the new host; a second
//!   421 is [`Error::Unavailable`].
//! - 429 with a `Retry-After` of at most `max_in_place_wait` (1 s): wait that
//!   long and retry once. Any other 429 is [`Error::RateLimited`] carrying
//!   the wait, for the caller to schedule.
//! - Anything else: mapped by `http::status_error`, no retry.
//!
//! Longer waits are the caller's: a worker should put the job back with a
//! later run time instead of holding a task asleep.

use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::Value;
use url::Url;

use crate::client::Client;
use crate::http::{retry_after, status_error, Answer, Pacing};
use crate::{Error, Result};

/// Where a call goes.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// Path segments and query parameters below the API base (`…/api/v1/`).
    Api {
        segments: Vec<String>,
        query: Vec<(String, String)>,
    },
    /// A full URL given by the server (an `odata.nextLink`).
    Absolute(Url),
}

impl Target {
    /// `path` below the API base, split at `/`; each segment is escaped.
    pub fn api(path: &str) -> Self {
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        Target::Api {
            segments,
            query: Vec::new(),
        }
    }

    /// Adds a segment (an id or a list name), escaped.
    pub fn segment(mut self, segment: impl ToString) -> Self {
        if let Target::Api { segments, .. } = &mut self {
            segments.push(segment.to_string());
        }
        self
    }

    /// Adds a query parameter.
    pub fn param(mut self, name: &str, value: impl ToString) -> Self {
        if let Target::Api { query, .. } = &mut self {
            query.push((name.to_owned(), value.to_string()));
        }
        self
    }

    fn resolve(&self, base: &Url) -> Url {
        match self {
            Target::Api { segments, query } => {
                let mut url = base.clone();
                url.path_segments_mut()
                    .expect("http urls have paths")
                    .pop_if_empty()
                    .extend(segments);
                if !query.is_empty() {
                    url.query_pairs_mut().extend_pairs(query);
                }
                url
            }
            Target::Absolute(url) => url.clone(),
        }
    }

    /// After a move from `old` to `new`, a server-given URL on the old base
    /// is pointed at the new one.
    fn rebase(&mut self, old: &Url, new: &Url) {
        if let Target::Absolute(url) = self {
            if let Some(rest) = url.as_str().strip_prefix(old.as_str()) {
                if let Ok(moved) = new.join(rest) {
                    *url = moved;
                }
            }
        }
    }
}

/// A call to make.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub method: Method,
    pub target: Target,
    pub body: Option<&'a Value>,
    /// The low-cardinality name for counting (`Contact/{id}`).
    pub endpoint: &'static str,
}

impl Client {
    /// Makes `call`, retrying as the table in the module documentation says.
    /// Returns the successful answer.
    pub(crate) async fn send(&self, call: Call<'_>) -> Result<Answer> {
        let shared = &self.shared;
        let mut target = call.target;
        let (mut auth_retried, mut endpoint_retried, mut waited) = (false, false, false);

        loop {
            let endpoint = shared.tenant.endpoint(&shared.http, self.job()).await?;
            let bearer = shared.auth.bearer(&shared.http, self.job()).await?;

            let mut request = shared
                .http
                .client()
                .request(call.method.clone(), target.resolve(&endpoint.base))
                .bearer_auth(bearer.token.expose_secret());
            if let Some(body) = call.body {
                request = request.json(body);
            }
            let request = request.build().map_err(|source| Error::Transport {
                what: format!("{} {}", call.method, call.endpoint),
                source,
            })?;

            let answer = shared
                .http
                .execute(request, call.endpoint, Pacing::Api, self.job())
                .await?;
            let status = answer.status.as_u16();
            match status {
                _ if answer.status.is_success() => return Ok(answer),

                401 | 403 if !auth_retried => {
                    tracing::debug!(
                        status,
                        endpoint = call.endpoint,
                        "token refused; refreshing"
                    );
                    auth_retried = true;
                    shared.auth.reject(bearer.generation).await;
                }
                401 => {
                    return Err(Error::Auth {
                        cause: refused_after_refresh(&answer),
                    })
                }
                403 => {
                    return Err(Error::Forbidden {
                        message: message_of(&answer),
                    })
                }

                421 if !endpoint_retried => {
                    tracing::debug!(
                        endpoint = call.endpoint,
                        "421 misdirected; re-reading tenant"
                    );
                    endpoint_retried = true;
                    shared.tenant.reject(endpoint.generation).await;
                    let moved = shared.tenant.endpoint(&shared.http, self.job()).await?;
                    target.rebase(&endpoint.base, &moved.base);
                }

                429 => match retry_after(&answer.headers) {
                    Some(wait) if !waited && wait <= shared.options.max_in_place_wait => {
                        tracing::debug!(wait_ms = wait.as_millis() as u64, "429; waiting in place");
                        waited = true;
                        tokio::time::sleep(wait).await;
                    }
                    wait => return Err(Error::RateLimited { retry_after: wait }),
                },

                _ => return Err(status_error(&answer)),
            }
        }
    }
}

fn message_of(answer: &Answer) -> String {
    crate::error::error_message(&String::from_utf8_lossy(&answer.body))
}

fn refused_after_refresh(answer: &Answer) -> String {
    format!(
        "the api refused a freshly refreshed token (401): {}; check the application's \
         rights on the tenant",
        message_of(answer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_targets_escape_segments_and_encode_queries() {
        let base = Url::parse("https://h/Cust1/api/v1/").unwrap();
        let target = Target::api("List")
            .segment("Vertical Items/x")
            .segment("Items");
        assert_eq!(
            target.resolve(&base).as_str(),
            "https://h/Cust1/api/v1/List/Vertical%20Items%2Fx/Items"
        );

        let query = Target::api("Agents/Associate/GetAssociate").param("associateId", 5);
        let url = query.resolve(&base);
        assert_eq!(
            url.as_str(),
            "https://h/Cust1/api/v1/Agents/Associate/GetAssociate?associateId=5"
        );
    }

    #[test]
    fn server_links_move_with_the_tenant() {
        let old = Url::parse("https://online3/Cust1/api/v1/").unwrap();
        let new = Url::parse("https://online7/Cust1/api/v1/").unwrap();
        let mut target = Target::Absolute(old.join("Contact?$skip=2").unwrap());
        target.rebase(&old, &new);
        assert_eq!(
            target.resolve(&new).as_str(),
            "https://online7/Cust1/api/v1/Contact?$skip=2"
        );
    }
}
