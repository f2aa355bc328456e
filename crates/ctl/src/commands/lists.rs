//! `soctl lists NAME` and `soctl udfs contact|person`: what the tenant
//! offers, so an operator can fill in list item ids and field ProgIds.

use serde_json::json;
use so_superoffice::UdefOwner;

use crate::cli::UdfOwnerArg;
use crate::context::Ctx;
use crate::output::{or_dash, table};

/// `soctl lists NAME`.
pub async fn items(name: &str, ctx: &Ctx) -> anyhow::Result<crate::exit::Code> {
    let items = ctx.client()?.list_items(name).await?;

    let rows: Vec<serde_json::Value> = items
        .iter()
        .map(|item| json!({ "id": item.id, "name": item.name, "tooltip": item.tooltip }))
        .collect();
    let document = json!({ "list": name, "items": rows });
    ctx.out.print(&document, || {
        let rows = items
            .iter()
            .map(|item| vec![item.id.to_string(), item.name.clone(), item.tooltip.clone()]);
        format!(
            "{}\n{} items in list {name}",
            table(&["id", "name", "tooltip"], rows),
            items.len()
        )
    });
    Ok(crate::exit::Code::Ok)
}

/// `soctl udfs contact|person`.
pub async fn udfs(owner: UdfOwnerArg, ctx: &Ctx) -> anyhow::Result<crate::exit::Code> {
    let owner = match owner {
        UdfOwnerArg::Contact => UdefOwner::Contact,
        UdfOwnerArg::Person => UdefOwner::Person,
    };
    let fields = ctx.client()?.udef_layout(owner).await?;

    let rows: Vec<serde_json::Value> = fields
        .iter()
        .map(|field| {
            json!({
                "prog_id": field.prog_id.as_str(),
                "label": field.label,
                "type": field.field_type.to_string(),
                "length": field.max_chars(),
                "list_id": field.list_definition_id,
                "mdo_list": field.mdo_list_name,
                "read_only": field.read_only,
            })
        })
        .collect();
    let document = json!({ "owner": owner.resource(), "fields": rows });
    ctx.out.print(&document, || {
        let rows = fields.iter().map(|field| {
            vec![
                field.prog_id.as_str().to_owned(),
                field.label.clone(),
                field.field_type.to_string(),
                or_dash(field.max_chars()),
                or_dash(field.list_definition_id),
            ]
        });
        table(&["ProgId", "label", "type", "length", "list"], rows)
    });
    Ok(crate::exit::Code::Ok)
}
