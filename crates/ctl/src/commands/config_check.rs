//! `soctl config check`: do the worker's settings fit the tenant?
//!
//! Three comparisons, each mismatch named with the setting to change:
//!
//! 1. every `worker.fields.*` ProgId is a field of the right owner and type
//!    (the vertical a list, the texts text) that the API may write;
//! 2. every vertical's list item id (the taxonomy, overridden by
//!    `analyzer.list_item_ids.*`) is a live item of the list behind the
//!    vertical field, and the item's name resembles the vertical's (shares a
//!    word of four letters or more in English or German): an id that points
//!    at another vertical's item is a mismatch, other wording only a note;
//! 3. every whitelisted owner id and short name is a user of the tenant.

use serde::Serialize;
use serde_json::json;
use so_superoffice::{ListItem, UdefField, UdefFieldType, UdefOwner};

use crate::context::Ctx;
use crate::exit::{fail, Code};
use crate::output::table;

/// One thing that does not match.
#[derive(Debug, Clone, Serialize)]
struct Finding {
    /// The setting concerned.
    setting: String,
    /// What the setting says.
    configured: String,
    /// What the tenant has.
    tenant: String,
}

#[derive(Debug, Default, Serialize)]
struct Report {
    mismatches: Vec<Finding>,
    notes: Vec<Finding>,
    checked: usize,
}

impl Report {
    fn mismatch(
        &mut self,
        setting: impl Into<String>,
        configured: impl Into<String>,
        tenant: impl Into<String>,
    ) {
        self.mismatches.push(Finding {
            setting: setting.into(),
            configured: configured.into(),
            tenant: tenant.into(),
        });
    }

    fn note(
        &mut self,
        setting: impl Into<String>,
        configured: impl Into<String>,
        tenant: impl Into<String>,
    ) {
        self.notes.push(Finding {
            setting: setting.into(),
            configured: configured.into(),
            tenant: tenant.into(),
        });
    }
}

/// The kind of field a setting needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    List,
    Text,
}

/// `soctl config check`.
pub async fn run(ctx: &Ctx) -> anyhow::Result<Code> {
    let client = ctx.client()?;
    let fields = &ctx.settings.worker.fields;
    let contact_layout = client.udef_layout(UdefOwner::Contact).await?;
    let person_layout = client.udef_layout(UdefOwner::Person).await?;
    let mut report = Report::default();

    // 1. The result fields.
    let wanted = [
        (
            "worker.fields.contact_vertical",
            &fields.contact_vertical,
            &contact_layout,
            Want::List,
        ),
        (
            "worker.fields.contact_summary",
            &fields.contact_summary,
            &contact_layout,
            Want::Text,
        ),
        (
            "worker.fields.contact_opener",
            &fields.contact_opener,
            &contact_layout,
            Want::Text,
        ),
        (
            "worker.fields.person_opener",
            &fields.person_opener,
            &person_layout,
            Want::Text,
        ),
    ];
    for (setting, prog_id, layout, want) in wanted {
        check_field(&mut report, setting, prog_id, layout, want);
    }

    // 2. The vertical list.
    let vertical = contact_layout
        .iter()
        .find(|f| {
            f.prog_id
                .as_str()
                .eq_ignore_ascii_case(&fields.contact_vertical)
        })
        .filter(|f| f.field_type == UdefFieldType::List);
    if let Some(field) = vertical {
        let list = list_key(field);
        let items = client.list_items(&list).await?;
        check_verticals(ctx, &mut report, &list, &items)?;
    }

    // 3. The owners.
    let owners = ctx.owners(&client).await?;
    for id in &ctx.settings.rules.owners.associate_ids {
        report.checked += 1;
        if owners.short_name(*id).is_none() {
            report.mismatch("rules.owners.associate_ids", id.to_string(), "no such user");
        }
    }
    for name in owners.unknown_short_names() {
        report.checked += 1;
        report.mismatch(
            "rules.owners.short_names",
            name,
            "no user has this short name",
        );
    }

    let ok = report.mismatches.is_empty();
    let document = json!({
        "ok": ok,
        "mismatches": report.mismatches,
        "notes": report.notes,
        "checked": report.checked,
    });
    ctx.out.print(&document, || text(&report));
    Ok(if ok { Code::Ok } else { Code::Mismatch })
}

fn check_field(
    report: &mut Report,
    setting: &str,
    prog_id: &str,
    layout: &[UdefField],
    want: Want,
) {
    if prog_id.trim().is_empty() {
        return; // left unwritten on purpose
    }
    report.checked += 1;
    let Some(field) = layout
        .iter()
        .find(|f| f.prog_id.as_str().eq_ignore_ascii_case(prog_id.trim()))
    else {
        report.mismatch(setting, prog_id, "no field with this ProgId");
        return;
    };

    let fits = match want {
        Want::List => field.field_type == UdefFieldType::List,
        Want::Text => field.field_type.is_text(),
    };
    if !fits {
        let needed = match want {
            Want::List => "a List field",
            Want::Text => "a ShortText or LongText field",
        };
        let found = format!(
            "{} is {} ({})",
            field.prog_id, field.field_type, field.label
        );
        report.mismatch(setting, format!("{prog_id}: needs {needed}"), found);
    }
    if field.read_only {
        report.mismatch(setting, prog_id, format!("{} is read-only", field.prog_id));
    }
}

fn check_verticals(
    ctx: &Ctx,
    report: &mut Report,
    list: &str,
    items: &[ListItem],
) -> anyhow::Result<()> {
    let taxonomy = ctx
        .settings
        .analyzer
        .taxonomy()
        .map_err(|error| fail(Code::Usage, format!("analyzer settings: {error}")))?;

    for vertical in &taxonomy.verticals {
        report.checked += 1;
        let setting = format!("analyzer.list_item_ids.{}", vertical.key);
        let configured = format!("{} ({})", vertical.list_item_id, vertical.name.en);
        match items
            .iter()
            .find(|item| item.id == i64::from(vertical.list_item_id))
        {
            None => report.mismatch(
                setting,
                configured,
                format!("no item {} in list {list}", vertical.list_item_id),
            ),
            Some(item) if item.deleted => report.mismatch(
                setting,
                configured,
                format!("item {} ({}) is deleted", item.id, item.name),
            ),
            Some(item) => {
                let names = [vertical.name.en.as_str(), vertical.name.de.as_str()];
                let found = format!("item {} is named {:?}", item.id, item.name);
                match resemblance(&names, &item.name) {
                    Resemblance::Same => {}
                    Resemblance::Similar => report.note(setting, configured, found),
                    Resemblance::Unrelated => report.mismatch(setting, configured, found),
                }
            }
        }
    }

    for item in items.iter().filter(|item| !item.deleted) {
        let used = taxonomy
            .verticals
            .iter()
            .any(|v| i64::from(v.list_item_id) == item.id);
        if !used {
            report.note(
                "analyzer.list_item_ids",
                "-",
                format!("item {} ({}) has no vertical", item.id, item.name),
            );
        }
    }
    Ok(())
}

/// How a vertical's names compare with a list item's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resemblance {
    /// Equal, ignoring case.
    Same,
    /// Worded otherwise, but a word of four letters or more is shared
    /// ("Hotels & hospitality", "Hotels & Resorts"): a tenant's own wording.
    Similar,
    /// Nothing in common: the id points at another vertical's item.
    Unrelated,
}

fn resemblance(names: &[&str], item: &str) -> Resemblance {
    if names
        .iter()
        .any(|name| name.trim().eq_ignore_ascii_case(item.trim()))
    {
        return Resemblance::Same;
    }
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.chars().count() >= 4)
            .map(str::to_lowercase)
            .collect()
    };
    let item_words = words(item);
    let shared = names
        .iter()
        .flat_map(|name| words(name))
        .any(|word| item_words.contains(&word));
    if shared {
        Resemblance::Similar
    } else {
        Resemblance::Unrelated
    }
}

/// How to ask for the list behind a list field: its id, else its MDO name.
fn list_key(field: &UdefField) -> String {
    match field.list_definition_id {
        Some(id) => id.to_string(),
        None => field.mdo_list_name.clone(),
    }
}

fn text(report: &Report) -> String {
    let rows = |findings: &[Finding]| -> Vec<Vec<String>> {
        findings
            .iter()
            .map(|f| vec![f.setting.clone(), f.configured.clone(), f.tenant.clone()])
            .collect()
    };
    let mut text = String::new();
    if !report.notes.is_empty() {
        text.push_str("notes\n");
        text.push_str(&table(
            &["setting", "configured", "tenant"],
            rows(&report.notes),
        ));
        text.push('\n');
    }
    if report.mismatches.is_empty() {
        text.push_str(&format!(
            "{} settings checked, no mismatches",
            report.checked
        ));
    } else {
        text.push_str("mismatches\n");
        text.push_str(&table(
            &["setting", "configured", "tenant"],
            rows(&report.mismatches),
        ));
        text.push_str(&format!(
            "\n{} mismatches in {} settings checked",
            report.mismatches.len(),
            report.checked
        ));
    }
    text
}
