//! Choosing, ordering and rendering archive rows.

use std::cmp::Ordering;

use serde_json::{json, Map, Value};

use super::columns::{self, Cell, Provider, Row};
use super::{eval, filter, lookup};
use crate::dates::entity_or_null;
use crate::faults::ODataKeyCase;
use crate::respond::ApiError;
use crate::tenant::TenantData;

/// How rows are written.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// `$mode=Full`: typed `PrimaryKey` and `ColumnData` with raw and
    /// display values.
    pub full: bool,
    /// Key case of the column keys.
    pub key_case: ODataKeyCase,
    /// Slim id columns as strings instead of numbers.
    pub ids_as_strings: bool,
}

/// The rows matching `filter`, sorted by `order_by` (primary key when
/// absent, as the archive does).
pub fn select<'a>(
    data: &'a TenantData,
    provider: Provider,
    filter: Option<&str>,
    order_by: Option<&str>,
) -> Result<Vec<Row<'a>>, ApiError> {
    let filter = filter
        .filter(|f| !f.trim().is_empty())
        .map(filter::parse)
        .transpose()?;
    let mut selected = Vec::new();
    for row in columns::rows(data, provider) {
        let keep = match &filter {
            Some(filter) => eval::matches(filter, &lookup(data, row))?,
            None => true,
        };
        if keep {
            selected.push(row);
        }
    }

    let mut keys: Vec<(String, bool)> = Vec::new();
    for part in order_by
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let mut words = part.split_whitespace();
        let column = words.next().unwrap_or_default().to_owned();
        let descending = words.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
        let known = selected
            .first()
            .is_none_or(|row| columns::cell(data, *row, &column).is_some());
        if !known {
            return Err(ApiError::bad_request(format!(
                "$orderBy: unknown column {column}"
            )));
        }
        keys.push((column, descending));
    }
    // A stable sort on the primary-key order keeps ties deterministic.
    selected.sort_by(|a, b| {
        for (column, descending) in &keys {
            let order = order_cells(
                columns::cell(data, *a, column),
                columns::cell(data, *b, column),
            );
            let order = if *descending { order.reverse() } else { order };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    });
    Ok(selected)
}

fn order_cells(a: Option<Cell>, b: Option<Cell>) -> Ordering {
    match (a, b) {
        (Some(Cell::Int(a)), Some(Cell::Int(b))) => a.cmp(&b),
        (Some(Cell::Text(a)), Some(Cell::Text(b))) => a.to_lowercase().cmp(&b.to_lowercase()),
        (Some(Cell::Date(a)), Some(Cell::Date(b))) => a.cmp(&b),
        (Some(Cell::Bool(a)), Some(Cell::Bool(b))) => a.cmp(&b),
        (Some(Cell::Ref(_, a)), Some(Cell::Ref(_, b))) => a.to_lowercase().cmp(&b.to_lowercase()),
        _ => Ordering::Equal,
    }
}

/// One row as JSON; `index` is its position on the page (for the
/// alternating key-case switch).
pub fn render(
    data: &TenantData,
    provider: Provider,
    row: Row<'_>,
    columns: &[String],
    index: usize,
    options: Options,
) -> Result<Value, ApiError> {
    let mut values = Map::new();
    for column in columns {
        let cell = columns::cell(data, row, column)
            .ok_or_else(|| ApiError::bad_request(format!("$select: unknown column {column}")))?;
        let value = if options.full {
            full_value(&cell)
        } else {
            slim_value(&cell, column, options)
        };
        values.insert(recase(column, options.key_case, index), value);
    }

    if options.full {
        return Ok(json!({
            "PrimaryKey": row.key(),
            "EntityName": provider.entity_name(),
            "StyleHint": "",
            "LinkHint": format!("{}_id={}", provider.entity_name(), row.key()),
            "TableRight": { "Mask": "FULL", "Reason": "" },
            "ColumnData": values,
        }));
    }
    let mut object = Map::new();
    object.insert(
        "PrimaryKey".to_owned(),
        Value::String(row.key().to_string()),
    );
    object.insert(
        "EntityName".to_owned(),
        Value::String(provider.entity_name().to_owned()),
    );
    object.extend(values);
    Ok(Value::Object(object))
}

/// Slim: display values; `PrimaryKey` is a string, ids numbers (or strings
/// under the switch), references their display text.
fn slim_value(cell: &Cell, column: &str, options: Options) -> Value {
    match cell {
        Cell::Int(n) if options.ids_as_strings && column.to_lowercase().ends_with("id") => {
            Value::String(n.to_string())
        }
        Cell::Int(n) => json!(n),
        Cell::Text(text) => json!(text),
        Cell::Date(date) => json!(entity_or_null(*date)),
        Cell::Bool(flag) => json!(flag),
        Cell::Ref(_, display) => json!(display),
    }
}

/// Full: `{RawValue, DisplayValue, TooltipHint, LinkHint}`; raw values of
/// ids are encoded like SuperOffice's culture formatter (`[I:23]`).
fn full_value(cell: &Cell) -> Value {
    let (raw, display) = match cell {
        Cell::Int(n) => (format!("[I:{n}]"), n.to_string()),
        Cell::Text(text) => (text.clone(), text.clone()),
        Cell::Date(date) => (entity_or_null(*date), entity_or_null(*date)),
        Cell::Bool(flag) => (format!("[I:{}]", i32::from(*flag)), flag.to_string()),
        Cell::Ref(id, display) => (format!("[I:{id}]"), display.clone()),
    };
    json!({ "RawValue": raw, "DisplayValue": display, "TooltipHint": "", "LinkHint": "" })
}

fn recase(column: &str, case: ODataKeyCase, index: usize) -> String {
    let pascal = || {
        let mut chars = column.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    };
    match case {
        ODataKeyCase::AsSelected => column.to_owned(),
        ODataKeyCase::Lower => column.to_lowercase(),
        ODataKeyCase::Pascal => pascal(),
        ODataKeyCase::Alternating if index.is_multiple_of(2) => column.to_lowercase(),
        ODataKeyCase::Alternating => pascal(),
    }
}
