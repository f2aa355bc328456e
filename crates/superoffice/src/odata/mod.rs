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

mod pager;
mod row;

pub use row::ArchiveRow;

use crate::call::Target;

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

    pub(crate) fn page(&self, skip: u32) -> Target {
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

#[cfg(test)]
mod tests {
    use super::*;

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
