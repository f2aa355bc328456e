//! Evaluates a parsed `$filter` against one row.

use super::columns::Cell;
use super::filter::{Filter, Literal};
use crate::dates::Timestamp;
use crate::respond::ApiError;
use crate::udf::list_item_id;

/// Whether the row whose cells `lookup` yields satisfies `filter`.
pub fn matches(filter: &Filter, lookup: &dyn Fn(&str) -> Option<Cell>) -> Result<bool, ApiError> {
    match filter {
        Filter::And(left, right) => Ok(matches(left, lookup)? && matches(right, lookup)?),
        Filter::Or(left, right) => Ok(matches(left, lookup)? || matches(right, lookup)?),
        Filter::Compare {
            column,
            operator,
            operands,
        } => {
            let cell = lookup(column).ok_or_else(|| {
                ApiError::bad_request(format!("$filter: unknown column {column}"))
            })?;
            compare(&cell, operator, operands)
        }
    }
}

fn unsupported(operator: &str, cell: &Cell) -> ApiError {
    ApiError::bad_request(format!(
        "$filter: operator {operator} does not apply to {cell:?}"
    ))
}

fn compare(cell: &Cell, operator: &str, operands: &[Literal]) -> Result<bool, ApiError> {
    // Negated operators evaluate their positive form.
    let negated = match operator {
        "ne" | "<>" | "!=" | "unequals" => Some("eq"),
        "notbegins" => Some("begins"),
        "notcontains" => Some("contains"),
        "isnot" => Some("is"),
        "notoneof" => Some("oneof"),
        "associateisnotoneof" => Some("associateisoneof"),
        "notset" => Some("set"),
        _ => None,
    };
    if let Some(positive) = negated {
        return compare(cell, positive, operands).map(|found| !found);
    }
    let first = operands.first();
    match cell {
        Cell::Int(value) => compare_number(*value as f64, operator, operands, cell),
        Cell::Ref(id, display) => compare_ref(*id, display, operator, operands, cell),
        Cell::Bool(flag) => match operator {
            "eq" | "=" | "equals" | "is" => Ok(first.is_some_and(|l| truthy(l) == *flag)),
            "set" => Ok(*flag),
            _ => Err(unsupported(operator, cell)),
        },
        Cell::Text(text) => compare_text(text, operator, operands, cell),
        Cell::Date(date) => compare_date(*date, operator, operands, cell),
    }
}

fn number_of(literal: &Literal) -> Option<f64> {
    match literal {
        Literal::Number(n) => Some(*n),
        Literal::Text(text) => list_item_id(text)
            .map(f64::from)
            .or_else(|| text.trim().parse().ok()),
    }
}

fn text_of(literal: &Literal) -> String {
    match literal {
        Literal::Text(text) => text.clone(),
        Literal::Number(n) => n.to_string(),
    }
}

fn truthy(literal: &Literal) -> bool {
    match literal {
        Literal::Number(n) => *n != 0.0,
        Literal::Text(t) => matches!(t.to_lowercase().as_str(), "1" | "true" | "yes"),
    }
}

fn compare_number(
    value: f64,
    op: &str,
    operands: &[Literal],
    cell: &Cell,
) -> Result<bool, ApiError> {
    let numbers: Vec<f64> = operands.iter().filter_map(number_of).collect();
    let first = numbers.first().copied();
    let result = match op {
        "eq" | "=" | "equals" => first == Some(value),
        "lt" | "<" | "less" => first.is_some_and(|n| value < n),
        "le" | "<=" => first.is_some_and(|n| value <= n),
        "gt" | ">" | "greater" => first.is_some_and(|n| value > n),
        "ge" | ">=" => first.is_some_and(|n| value >= n),
        "between" => numbers.len() == 2 && numbers[0] <= value && value <= numbers[1],
        "oneof" | "in" => numbers.contains(&value),
        "set" => value != 0.0,
        _ => return Err(unsupported(op, cell)),
    };
    Ok(result)
}

/// References match by id for numeric literals and by display text for
/// text literals (`associateId eq 23` and `associateId eq 'RKAB'`).
fn compare_ref(
    id: i64,
    display: &str,
    op: &str,
    operands: &[Literal],
    cell: &Cell,
) -> Result<bool, ApiError> {
    let hit = |literal: &Literal| match literal {
        Literal::Number(n) => *n == id as f64,
        Literal::Text(text) => {
            list_item_id(text).is_some_and(|n| i64::from(n) == id)
                || text.eq_ignore_ascii_case(display)
        }
    };
    match op {
        "eq" | "=" | "equals" | "is" => Ok(operands.first().is_some_and(hit)),
        "oneof" | "in" | "associateisoneof" => Ok(operands.iter().any(hit)),
        "set" => Ok(id != 0),
        "begins" | "contains" | "ends" => compare_text(display, op, operands, cell),
        _ => compare_number(id as f64, op, operands, cell),
    }
}

fn compare_text(text: &str, op: &str, operands: &[Literal], cell: &Cell) -> Result<bool, ApiError> {
    // Archive searches are case-insensitive, like SuperOffice's database collation.
    let value = text.to_lowercase();
    let given: Vec<String> = operands.iter().map(|l| text_of(l).to_lowercase()).collect();
    let first = given.first().map(String::as_str).unwrap_or("");
    let result = match op {
        "eq" | "=" | "equals" | "is" => value == first,
        "begins" => value.starts_with(first),
        "ends" => value.ends_with(first),
        "contains" => value.contains(first),
        "oneof" | "in" => given.contains(&value),
        "lt" | "<" => value.as_str() < first,
        "gt" | ">" => value.as_str() > first,
        "set" => !value.is_empty(),
        _ => return Err(unsupported(op, cell)),
    };
    Ok(result)
}

fn compare_date(
    date: Option<Timestamp>,
    op: &str,
    operands: &[Literal],
    cell: &Cell,
) -> Result<bool, ApiError> {
    let instants: Vec<Timestamp> = operands
        .iter()
        .map(|l| Timestamp::parse(&text_of(l)))
        .collect::<Option<_>>()
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "$filter: {op} needs date literals like '2025-03-01'"
            ))
        })?;
    if op == "set" {
        return Ok(date.is_some());
    }
    let (Some(date), Some(first)) = (date, instants.first().copied()) else {
        return Ok(false);
    };
    let result = match op {
        "after" | "aftertime" | "gt" | ">" | "greater" => date > first,
        "before" | "beforetime" | "lt" | "<" | "less" => date < first,
        "ge" | ">=" => date >= first,
        "le" | "<=" => date <= first,
        "eq" | "=" | "equals" | "datetime" => date.whole_seconds() == first,
        "date" => date.entity()[..10] == first.entity()[..10],
        "between" | "datebetween" => instants.len() == 2 && first <= date && date <= instants[1],
        _ => return Err(unsupported(op, cell)),
    };
    Ok(result)
}
