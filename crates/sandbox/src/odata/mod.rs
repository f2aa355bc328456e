//! OData archive queries (section 8 of the API notes): `GET Contact`,
//! `GET Person` and `GET Archive/{provider}` with `$select`, `$filter`,
//! `$orderBy`, `$top`, `$skip` and `$mode`.
//!
//! Paging: when rows remain after a page, `odata.nextLink` is the absolute
//! URL of the same query with `$skip` advanced; switches make it always
//! `null` or make it repeat the current page's URL (a buggy server).

mod columns;
mod eval;
mod filter;
mod rows;

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Value};

use crate::config::NextLinkMode;
use crate::identity;
use crate::respond::ApiError;
use crate::state::Shared;
use columns::{Cell, Provider};

/// The query parameters, read case-insensitively (`$orderby` = `$orderBy`).
#[derive(Debug, Default)]
struct Query {
    select: Option<String>,
    filter: Option<String>,
    order_by: Option<String>,
    top: Option<usize>,
    skip: usize,
    full: bool,
}

impl Query {
    fn parse(raw: &str) -> Result<Query, ApiError> {
        let mut query = Query::default();
        for (name, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            let number = |what: &str| {
                value.trim().parse::<usize>().map_err(|_| {
                    ApiError::bad_request(format!("{what}: expected a number, got {value:?}"))
                })
            };
            match name.to_lowercase().as_str() {
                "$select" => query.select = Some(value.to_string()),
                "$filter" => query.filter = Some(value.to_string()),
                "$orderby" => query.order_by = Some(value.to_string()),
                "$top" => query.top = Some(number("$top")?),
                "$skip" => query.skip = number("$skip")?,
                "$mode" => query.full = value.eq_ignore_ascii_case("full"),
                _ => {}
            }
        }
        Ok(query)
    }
}

/// `GET Contact` (archive provider `SimpleContact`).
pub async fn contact_archive(
    shared: web::Data<Shared>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    serve(&shared, &request, Provider::Contact)
}

/// `GET Person` (archive provider `Person`).
pub async fn person_archive(
    shared: web::Data<Shared>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    serve(&shared, &request, Provider::Person)
}

/// `GET Archive/{provider}`.
pub async fn archive(
    shared: web::Data<Shared>,
    request: HttpRequest,
    provider: web::Path<ProviderPath>,
) -> Result<HttpResponse, ApiError> {
    let Some(found) = Provider::named(&provider.provider) else {
        let name = &provider.provider;
        return Err(ApiError::not_found(format!(
            "archive provider {name} not found"
        )));
    };
    if found == Provider::InternalUsers {
        identity::internal_users_allowed(&shared)?;
    }
    serve(&shared, &request, found)
}

/// The `{provider}` of `Archive/{provider}`.
#[derive(Debug, serde::Deserialize)]
pub struct ProviderPath {
    provider: String,
}

fn serve(
    shared: &Shared,
    request: &HttpRequest,
    provider: Provider,
) -> Result<HttpResponse, ApiError> {
    let query = Query::parse(request.query_string())?;
    let config = &shared.config;
    let top = query
        .top
        .unwrap_or(config.page_size_default)
        .min(config.page_size_max);
    let columns: Vec<String> = match &query.select {
        Some(select) => select
            .split(',')
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
        None => provider
            .default_columns()
            .iter()
            .map(|c| (*c).to_owned())
            .collect(),
    };

    let faults = shared.faults().clone();
    let data = shared.data();
    let selected = rows::select(
        &data,
        provider,
        query.filter.as_deref(),
        query.order_by.as_deref(),
    )?;
    let total = selected.len();
    let page = selected.iter().skip(query.skip).take(top);
    let options = rows::Options {
        full: query.full,
        key_case: faults.odata_key_case,
        ids_as_strings: faults.slim_ids_as_strings,
    };
    let value: Vec<Value> = page
        .enumerate()
        .map(|(index, row)| rows::render(&data, provider, *row, &columns, index, options))
        .collect::<Result<_, _>>()?;
    drop(data);

    let remaining = query.skip + value.len() < total;
    let next_link = match faults.next_link {
        NextLinkMode::Null => Value::Null,
        NextLinkMode::Repeat => Value::String(absolute(shared, request, None)),
        NextLinkMode::Absolute if remaining => {
            Value::String(absolute(shared, request, Some(query.skip + value.len())))
        }
        NextLinkMode::Absolute => Value::Null,
    };
    Ok(HttpResponse::Ok().json(json!({
        "odata.metadata": format!("{}/archive/$metadata", shared.api_v1()),
        "odata.nextLink": next_link,
        "value": value,
    })))
}

/// The absolute URL of this request, with `$skip` replaced when given.
fn absolute(shared: &Shared, request: &HttpRequest, skip: Option<usize>) -> String {
    let mut url = shared
        .base_url
        .join(request.path())
        .expect("a request path is a valid URL path");
    let mut pairs: Vec<(String, String)> =
        url::form_urlencoded::parse(request.query_string().as_bytes())
            .into_owned()
            .filter(|(name, _)| skip.is_none() || !name.eq_ignore_ascii_case("$skip"))
            .collect();
    if let Some(skip) = skip {
        pairs.push(("$skip".to_owned(), skip.to_string()));
    }
    url.query_pairs_mut().clear().extend_pairs(pairs);
    url.to_string()
}

/// Exposed for `rows.rs`: a cell by column name.
fn lookup<'a>(
    data: &'a crate::tenant::TenantData,
    row: columns::Row<'a>,
) -> impl Fn(&str) -> Option<Cell> + 'a {
    move |column| columns::cell(data, row, column)
}
