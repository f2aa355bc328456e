//! Following an archive query across its pages (see the parent module for
//! the rules).

use std::collections::{HashSet, VecDeque};

use futures::stream::{self, BoxStream, StreamExt};
use reqwest::Method;
use serde_json::Value;
use url::Url;

use super::row::split_page;
use super::{ArchiveQuery, ArchiveRow};
use crate::call::{Call, Target};
use crate::{Client, Error, Result};

impl Client {
    /// Runs `query` and streams its rows across all pages (see the module
    /// documentation for how pages are followed). The stream ends after the
    /// first error.
    pub fn archive(&self, query: ArchiveQuery) -> BoxStream<'static, Result<ArchiveRow>> {
        let pager = Pager {
            client: self.clone(),
            next: Some(query.page(query.skip)),
            offset: query.skip,
            query,
            requested: HashSet::new(),
            rows: VecDeque::new(),
        };
        stream::unfold(pager, Pager::next_row).boxed()
    }
}

/// The state of a running archive stream.
struct Pager {
    client: Client,
    query: ArchiveQuery,
    /// The next page to ask for; `None` when the last page was read.
    next: Option<Target>,
    /// `$skip` of the row after the last one read.
    offset: u32,
    /// Pages already asked for (see [`page_key`]), to spot a repeating
    /// nextLink.
    requested: HashSet<String>,
    /// Rows read but not yet yielded.
    rows: VecDeque<ArchiveRow>,
}

impl Pager {
    async fn next_row(mut self) -> Option<(Result<ArchiveRow>, Self)> {
        loop {
            if let Some(row) = self.rows.pop_front() {
                return Some((Ok(row), self));
            }
            let target = self.next.take()?;
            if let Err(error) = self.read_page(target).await {
                return Some((Err(error), self));
            }
        }
    }

    async fn read_page(&mut self, target: Target) -> Result<()> {
        let endpoint = archive_endpoint(&self.query.resource);
        let call = Call {
            method: Method::GET,
            target,
            body: None,
            endpoint,
        };
        let answer = self.client.send(call).await?;
        self.requested.insert(page_key(&answer.url));

        let page: Value = serde_json::from_slice(&answer.body).map_err(|source| Error::Decode {
            what: format!("{} page", self.query.resource),
            source,
        })?;
        let (rows, link) = split_page(page)?;
        let count = rows.len() as u32;
        self.offset += count;
        self.rows.extend(rows);

        // Decide the next page: a new link, else $skip after a full page.
        let link = link.and_then(|link| answer.url.join(&link).ok());
        self.next = match link {
            _ if count == 0 => None,
            Some(link) if !self.requested.contains(&page_key(&link)) => {
                Some(Target::Absolute(link))
            }
            _ if count >= self.query.top => Some(self.query.page(self.offset)),
            _ => None,
        };
        Ok(())
    }
}

/// What identifies a page whoever wrote its URL: the path and the decoded
/// query parameters, sorted, names in lower case. A server's link to the page
/// we just read matches our own URL for it even when it escapes `$` or spaces
/// differently or orders the parameters otherwise.
fn page_key(url: &Url) -> String {
    let mut params: Vec<(String, String)> = url
        .query_pairs()
        .map(|(name, value)| (name.to_lowercase(), value.into_owned()))
        .collect();
    params.sort();
    let params: Vec<String> = params
        .into_iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    format!("{}?{}", url.path().to_lowercase(), params.join("&"))
}

fn archive_endpoint(resource: &str) -> &'static str {
    match resource.to_ascii_lowercase().as_str() {
        "contact" => "Contact (archive)",
        "person" => "Person (archive)",
        _ => "Archive",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_keys_ignore_escaping_order_and_parameter_case() {
        let ours = Url::parse("http://h/C/api/v1/Contact?%24orderBy=contactId&%24top=50&%24skip=0")
            .unwrap();
        let theirs =
            Url::parse("http://h/C/api/v1/Contact?$skip=0&$top=50&$orderby=contactId").unwrap();
        assert_eq!(page_key(&ours), page_key(&theirs));
        let next =
            Url::parse("http://h/C/api/v1/Contact?$skip=50&$top=50&$orderby=contactId").unwrap();
        assert_ne!(page_key(&ours), page_key(&next));
    }
}
