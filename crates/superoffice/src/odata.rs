//! OData archive queries, read as a stream of rows across pages.
//!
//! How SuperOffice fills `odata.nextLink` is unconfirmed (captured answers
//! show `null`), so the pager trusts it only as far as it behaves:
//!
//! 1. every request carries an explicit `$top` and a stable `$orderBy`;
//! 2. a non-empty `odata.nextLink` not requested before is followed as an
//!    opaque URL (relative ones resolved against the request URL);
//! 3. otherwise, after a full page (`len == $top`), the next page is asked for
//!    with `$skip` advanced by the rows read so far;
//! 4. an empty page, or a short page without a new link, ends the stream.
//!
//! A link that repeats itself is thus ignored in favour of `$skip`, so a
//! server that keeps sending the same link cannot trap the pager in a loop.
//! Only Slim-mode rows (columns as plain values) are understood.

use std::collections::{BTreeMap, HashSet, VecDeque};

use futures::stream::{self, BoxStream, StreamExt};
use reqwest::Method;
use serde_json::{Map, Value};
use url::Url;

use crate::call::{Call, Target};
use crate::keys::normalize_key;
use crate::lenient::{value_to_i64, value_to_string};
use crate::{Client, Error, Result};

/// The largest page the documentation uses; larger `$top` values are capped.
pub const MAX_PAGE: u32 = 1000;

/// An archive query: which resource, columns, filter, order and page size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveQuery {
    resource: String,
    select: Vec<String>,
    filter: Option<String>,
    order_by: String,
    top: u32,
    skip: u32,
    extra: Vec<(String, String)>,
}

impl ArchiveQuery {
    /// A query on `resource` (`Contact`, `Person`, `Archive/InternalUsers`)
    /// ordered by `order_by`, which must be stable (the primary key) for
    /// paging to be sound. Pages of 200 rows unless [`ArchiveQuery::top`].
    pub fn new(resource: impl Into<String>, order_by: impl Into<String>) -> Self {
        Self {
            resource: resource.into(),
            select: Vec::new(),
            filter: None,
            order_by: order_by.into(),
            top: 200,
            skip: 0,
            extra: Vec::new(),
        }
    }

    /// Contacts (`SimpleContact` archive) ordered by `contactId`.
    pub fn contacts() -> Self {
        Self::new("Contact", "contactId")
    }

    /// Persons ordered by `personId`.
    pub fn persons() -> Self {
        Self::new("Person", "personId")
    }

    /// The columns to return (`$select`).
    pub fn select<I: IntoIterator<Item = S>, S: Into<String>>(mut self, columns: I) -> Self {
        self.select = columns.into_iter().map(Into::into).collect();
        self
    }

    /// The restriction (`$filter`), e.g. `updatedDate after '2025-03-01'`.
    pub fn filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }

    /// The page size (`$top`), between 1 and [`MAX_PAGE`].
    pub fn top(mut self, top: u32) -> Self {
        self.top = top.clamp(1, MAX_PAGE);
        self
    }

    /// Rows to skip before the first page (`$skip`).
    pub fn skip(mut self, skip: u32) -> Self {
        self.skip = skip;
        self
    }

    /// Any other parameter (`$mode`, `$context`), sent as given.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra.push((name.into(), value.into()));
        self
    }

    fn page(&self, skip: u32) -> Target {
        let mut target = Target::api(&self.resource);
        if !self.select.is_empty() {
            target = target.param("$select", self.select.join(","));
        }
        if let Some(filter) = &self.filter {
            target = target.param("$filter", filter);
        }
        target = target
            .param("$orderBy", &self.order_by)
            .param("$top", self.top)
            .param("$skip", skip);
        for (name, value) in &self.extra {
            target = target.param(name, value);
        }
        target
    }
}

/// One archive row: its primary key and its columns, looked up in any case.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchiveRow {
    /// `PrimaryKey` (sent as a string in Slim mode, a number otherwise).
    pub primary_key: i64,
    /// `EntityName` (`contact`), empty when not sent.
    pub entity_name: String,
    /// Columns by normalised name, each with its name as sent.
    columns: BTreeMap<String, (String, Value)>,
}

impl ArchiveRow {
    fn from_json(row: Map<String, Value>) -> Result<Self> {
        let columns: BTreeMap<String, (String, Value)> = row
            .into_iter()
            .map(|(name, value)| (normalize_key(&name), (name, value)))
            .collect();

        let key = columns.get("primarykey").map(|(_, value)| value);
        let Some(primary_key) = key.and_then(value_to_i64) else {
            let source =
                serde::de::Error::custom(format!("PrimaryKey missing or not an integer: {key:?}"));
            return Err(Error::Decode {
                what: "archive row".into(),
                source,
            });
        };
        let entity_name = columns
            .get("entityname")
            .and_then(|(_, value)| value_to_string(value))
            .unwrap_or_default();
        Ok(Self {
            primary_key,
            entity_name,
            columns,
        })
    }

    /// The value of `column` (`contactId`, `ContactId`, `contact_id` alike).
    pub fn get(&self, column: &str) -> Option<&Value> {
        self.columns
            .get(&normalize_key(column))
            .map(|(_, value)| value)
    }

    /// The value of `column` as text (numbers and flags printed).
    pub fn text(&self, column: &str) -> Option<String> {
        self.get(column).and_then(value_to_string)
    }

    /// The value of `column` as an integer (numeric strings read).
    pub fn int(&self, column: &str) -> Option<i64> {
        self.get(column).and_then(value_to_i64)
    }

    /// Every column with its name as sent.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.columns
            .values()
            .map(|(name, value)| (name.as_str(), value))
    }
}

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

/// The rows and the nextLink (if a non-empty string) of one page.
fn split_page(page: Value) -> Result<(Vec<ArchiveRow>, Option<String>)> {
    let Value::Object(page) = page else {
        let source = serde::de::Error::custom("an archive page must be an object");
        return Err(Error::Decode {
            what: "archive page".into(),
            source,
        });
    };

    let mut rows = Vec::new();
    let mut link = None;
    for (name, value) in page {
        let name = normalize_key(&name);
        if name == "value" {
            for row in value.as_array().into_iter().flatten() {
                if let Value::Object(row) = row {
                    rows.push(ArchiveRow::from_json(row.clone())?);
                }
            }
        } else if name.ends_with("nextlink") {
            link = value
                .as_str()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned);
        }
    }
    Ok((rows, link))
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
    use serde_json::json;

    use super::*;

    #[test]
    fn rows_read_string_or_number_keys_and_any_column_case() {
        let (rows, link) = split_page(json!({
            "odata.metadata": "x", "odata.nextLink": null,
            "value": [
                {"PrimaryKey": "4711", "EntityName": "contact", "contactId": 4711, "orgnr": "9"},
                {"primaryKey": 4712, "ContactId": "4712"}
            ]
        }))
        .unwrap();
        assert_eq!(link, None);
        assert_eq!(rows[0].primary_key, 4711);
        assert_eq!(rows[0].int("ContactId"), Some(4711));
        assert_eq!(rows[0].text("ORGNR").as_deref(), Some("9"));
        assert_eq!(rows[1].int("contact_id"), Some(4712));
    }

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

    #[test]
    fn a_row_without_primary_key_is_a_decode_error() {
        assert!(split_page(json!({"value": [{"name": "x"}]})).is_err());
    }

    #[test]
    fn next_link_is_read_in_both_spellings_and_blank_is_none() {
        let (_, link) =
            split_page(json!({"@odata.nextLink": "Contact?$skip=2", "value": []})).unwrap();
        assert_eq!(link.as_deref(), Some("Contact?$skip=2"));
        let (_, blank) = split_page(json!({"odata.nextLink": "  ", "value": []})).unwrap();
        assert_eq!(blank, None);
    }

    #[test]
    fn every_page_names_top_skip_and_order() {
        let query = ArchiveQuery::contacts()
            .select(["contactId", "name"])
            .filter("name begins 'A'");
        let Target::Api {
            segments,
            query: params,
        } = query.top(5000).page(40)
        else {
            panic!()
        };
        assert_eq!(segments, ["Contact"]);
        let params: Vec<(&str, &str)> = params
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            params,
            [
                ("$select", "contactId,name"),
                ("$filter", "name begins 'A'"),
                ("$orderBy", "contactId"),
                ("$top", "1000"),
                ("$skip", "40")
            ]
        );
    }
}
