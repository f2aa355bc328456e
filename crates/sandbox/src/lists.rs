//! Lists and UDF layouts (sections 6.2, 6.4 and 9.2 of the API notes).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::model::{ListDef, UdfDef, UdfOwner, UdfType};
use crate::respond::{recase, ApiError};
use crate::state::Shared;

fn json(shared: &Shared, value: Value) -> HttpResponse {
    HttpResponse::Ok().json(recase(value, shared.faults().key_case))
}

fn list_entity(data: &crate::tenant::TenantData, list: &ListDef) -> Value {
    let in_use = data.udfs.iter().any(|def| def.list_id == Some(list.id));
    json!({
        "Id": list.id,
        "Name": list.name,
        "Tooltip": "",
        "Deleted": false,
        "Rank": list.id,
        "IsCustomList": list.is_custom,
        "IsMDOList": !list.is_custom,
        "UseGroupsAndHeadings": false,
        "ListType": list.mdo_name,
        "InUseByUserDefinedFields": in_use,
    })
}

/// `GET List`.
pub async fn all_lists(shared: web::Data<Shared>) -> HttpResponse {
    let data = shared.data();
    let lists: Vec<Value> = data
        .lists
        .iter()
        .map(|list| list_entity(&data, list))
        .collect();
    drop(data);
    json(&shared, Value::Array(lists))
}

/// `GET List/{name or id}`.
pub async fn one_list(
    shared: web::Data<Shared>,
    path: web::Path<ListPath>,
) -> Result<HttpResponse, ApiError> {
    let data = shared.data();
    let list = data.list(&path.list).ok_or_else(|| no_list(&path.list))?;
    let body = list_entity(&data, list);
    drop(data);
    Ok(json(&shared, body))
}

/// The `{list}` of a list path: a name (`Vertical`, `udlist108`) or an id.
#[derive(Debug, Deserialize)]
pub struct ListPath {
    list: String,
}

/// Query of `List/{list}/Items`.
#[derive(Debug, Deserialize)]
pub struct ItemsQuery {
    #[serde(rename = "includeDeleted", default)]
    include_deleted: Option<String>,
}

/// `GET List/{name or id}/Items?includeDeleted=`.
pub async fn list_items(
    shared: web::Data<Shared>,
    path: web::Path<ListPath>,
    query: web::Query<ItemsQuery>,
) -> Result<HttpResponse, ApiError> {
    let include_deleted = query
        .include_deleted
        .as_deref()
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let data = shared.data();
    let list = data.list(&path.list).ok_or_else(|| no_list(&path.list))?;
    let items: Vec<Value> = list
        .items
        .iter()
        .filter(|item| include_deleted || !item.deleted)
        .map(|item| {
            json!({
                "Id": item.id, "Name": item.name, "Tooltip": item.tooltip,
                "Deleted": item.deleted, "UdListDefinitionId": list.id, "Rank": item.rank,
            })
        })
        .collect();
    drop(data);
    Ok(json(&shared, Value::Array(items)))
}

fn no_list(key: &str) -> ApiError {
    ApiError::not_found(format!("list {key} not found"))
}

/// `GET Contact/UdefLayout`.
pub async fn contact_udef_layout(shared: web::Data<Shared>) -> HttpResponse {
    udef_layout(&shared, UdfOwner::Contact)
}

/// `GET Person/UdefLayout`.
pub async fn person_udef_layout(shared: web::Data<Shared>) -> HttpResponse {
    udef_layout(&shared, UdfOwner::Person)
}

fn udef_layout(shared: &Shared, owner: UdfOwner) -> HttpResponse {
    let data = shared.data();
    let definitions: Vec<Value> = data
        .udfs_of(owner)
        .map(|def| {
            let mdo = def.list_id.and_then(|id| data.list(&id.to_string()));
            definition(def, mdo.map(|list| list.mdo_name.clone()))
        })
        .collect();
    drop(data);
    json(shared, Value::Array(definitions))
}

fn definition(def: &UdfDef, mdo_list_name: Option<String>) -> Value {
    let field_type = match def.field_type {
        UdfType::Number => "Number",
        UdfType::ShortText => "ShortText",
        UdfType::LongText => "LongText",
        UdfType::Date => "Date",
        UdfType::Checkbox => "Checkbox",
        UdfType::List => "List",
        UdfType::Decimal => "Decimal",
    };
    let identity = def
        .prog_id
        .rsplit(':')
        .next()
        .and_then(|n| n.parse::<i32>().ok());
    json!({
        "UDefFieldId": def.field_id,
        "ColumnId": def.column_id,
        "FieldDefault": "",
        "FieldHeight": 1,
        "FieldLabel": def.label,
        "FieldLeft": 0,
        "FieldTop": 0,
        "FieldType": field_type,
        "FieldWidth": 200,
        "FormatMask": "",
        "HideLabel": false,
        "IsIndexed": false,
        "LabelHeight": 1,
        "LabelLeft": 0,
        "LabelTop": 0,
        "LabelWidth": 100,
        "LastVersionId": 1,
        "ListTableId": if def.field_type == UdfType::List { 136 } else { 0 },
        "IsMandatory": false,
        "Type": match def.owner { UdfOwner::Contact => "Contact", UdfOwner::Person => "Person" },
        "Page1LineNo": def.field_id,
        "ProgId": def.prog_id,
        "IsReadOnly": false,
        "ShortLabel": def.label,
        "TabOrder": def.field_id,
        "TextLength": def.text_length,
        "Tooltip": "",
        "UdefIdentity": identity,
        "UDListDefinitionId": def.list_id.unwrap_or(0),
        "Justification": "Default",
        "Version": 1,
        "TemplateVariableName": "",
        "HasBeenPublished": true,
        "MdoListName": mdo_list_name.unwrap_or_default(),
    })
}
