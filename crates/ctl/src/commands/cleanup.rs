//! `soctl cleanup-test-data`: find what test runs created and, with
//! `--yes`, delete it.
//!
//! A record is marked when its name starts with `cleanup.name_prefix`
//! (contacts: the name; persons: first or last name), or (contacts) when
//! the UDF `cleanup.udf_prog_id` holds `cleanup.udf_value`.
//!
//! The archive filter only narrows the search. Every row is checked again
//! here before it is listed: SuperOffice may compare `begins` without case,
//! or hand it to SQL `LIKE`, where `[TEST]` is a character class matching
//! any name that starts with T, E or S. A delete is final, so only rows
//! whose name really starts with the prefix (or whose UDF really holds the
//! value) count.

use futures::TryStreamExt;
use serde::Serialize;
use serde_json::json;
use so_superoffice::{ArchiveQuery, ArchiveRow, Client, Error};

use crate::context::Ctx;
use crate::exit::{fail, Code};
use crate::output::table;
use crate::progress;

/// A record found by the marker.
#[derive(Debug, Clone, Serialize)]
struct Marked {
    id: i64,
    name: String,
    /// The person's company; 0 for contacts.
    contact_id: i64,
}

/// `soctl cleanup-test-data [--yes]`.
pub async fn run(yes: bool, ctx: &Ctx) -> anyhow::Result<Code> {
    let marker = &ctx.settings.cleanup;
    let prefix = marker.name_prefix.trim();
    let udf = match (&marker.udf_prog_id, &marker.udf_value) {
        (Some(prog_id), Some(value)) if !prog_id.trim().is_empty() => {
            Some((prog_id.trim().to_owned(), value.clone()))
        }
        _ => None,
    };
    if prefix.is_empty() && udf.is_none() {
        return Err(fail(
            Code::Usage,
            "no test marker configured: set SO__CLEANUP__NAME_PREFIX, or \
             SO__CLEANUP__UDF_PROG_ID and SO__CLEANUP__UDF_VALUE",
        ));
    }

    let client = ctx.client()?;
    let mut contacts = Vec::new();
    let mut persons = Vec::new();
    if !prefix.is_empty() {
        contacts.extend(marked_contacts_by_name(&client, prefix).await?);
        persons.extend(marked_persons(&client, prefix).await?);
    }
    if let Some((prog_id, value)) = &udf {
        for found in marked_contacts_by_udf(&client, prog_id, value).await? {
            if !contacts.iter().any(|c: &Marked| c.id == found.id) {
                contacts.push(found);
            }
        }
    }

    let (mut deleted_contacts, mut deleted_persons) = (0, 0);
    if yes {
        let bar = progress::bar((contacts.len() + persons.len()) as u64, "deleting");
        // Persons first: a contact's delete takes its persons along, and a
        // person already gone is no failure.
        for person in &persons {
            deleted_persons += gone(client.delete_person(person.id).await)?;
            bar.inc(1);
        }
        for contact in &contacts {
            deleted_contacts += gone(client.delete_contact(contact.id).await)?;
            bar.inc(1);
        }
        bar.finish_and_clear();
    }

    let document = json!({
        "marker": { "name_prefix": prefix, "udf_prog_id": udf.as_ref().map(|u| &u.0),
                    "udf_value": udf.as_ref().map(|u| &u.1) },
        "contacts": contacts,
        "persons": persons,
        "deleted": yes,
        "deleted_contacts": deleted_contacts,
        "deleted_persons": deleted_persons,
    });
    ctx.out.print(&document, || {
        let rows = contacts
            .iter()
            .map(|c| {
                vec![
                    "contact".to_owned(),
                    c.id.to_string(),
                    c.name.clone(),
                    "-".to_owned(),
                ]
            })
            .chain(persons.iter().map(|p| {
                vec![
                    "person".to_owned(),
                    p.id.to_string(),
                    p.name.clone(),
                    p.contact_id.to_string(),
                ]
            }));
        let mut text = if contacts.is_empty() && persons.is_empty() {
            String::new()
        } else {
            table(&["kind", "id", "name", "company"], rows)
        };
        if yes {
            text.push_str(&format!(
                "\ndeleted {deleted_contacts} contacts and {deleted_persons} persons"
            ));
        } else {
            text.push_str(&format!(
                "\n{} contacts and {} persons are marked as test data; add --yes to delete them",
                contacts.len(),
                persons.len()
            ));
        }
        text
    });
    Ok(Code::Ok)
}

async fn marked_contacts_by_name(client: &Client, prefix: &str) -> anyhow::Result<Vec<Marked>> {
    let filter = format!("name begins '{}'", quote(prefix));
    let rows = rows(
        client,
        ArchiveQuery::contacts()
            .select(["contactId", "name"])
            .filter(filter),
    )
    .await?;
    Ok(rows
        .iter()
        .map(contact)
        .filter(|c| c.name.starts_with(prefix))
        .collect())
}

async fn marked_contacts_by_udf(
    client: &Client,
    prog_id: &str,
    value: &str,
) -> anyhow::Result<Vec<Marked>> {
    let column = format!("contactUdef/{prog_id}");
    let filter = format!("{column} eq '{}'", quote(value));
    let query = ArchiveQuery::contacts()
        .select(["contactId".to_owned(), "name".to_owned(), column.clone()])
        .filter(filter);
    let rows = rows(client, query).await?;
    Ok(rows
        .iter()
        .filter(|row| row.text(&column).is_some_and(|v| v.trim() == value.trim()))
        .map(contact)
        .collect())
}

async fn marked_persons(client: &Client, prefix: &str) -> anyhow::Result<Vec<Marked>> {
    let quoted = quote(prefix);
    let filter = format!("firstName begins '{quoted}' or lastName begins '{quoted}'");
    let query = ArchiveQuery::persons()
        .select(["personId", "firstName", "lastName", "contactId"])
        .filter(filter);
    let rows = rows(client, query).await?;
    Ok(rows
        .iter()
        .filter(|row| {
            let starts = |column: &str| row.text(column).is_some_and(|n| n.starts_with(prefix));
            starts("firstName") || starts("lastName")
        })
        .map(|row| Marked {
            id: row.primary_key,
            name: format!(
                "{} {}",
                row.text("firstName").unwrap_or_default(),
                row.text("lastName").unwrap_or_default()
            )
            .trim()
            .to_owned(),
            contact_id: row.int("contactId").unwrap_or(0),
        })
        .collect())
}

async fn rows(client: &Client, query: ArchiveQuery) -> anyhow::Result<Vec<ArchiveRow>> {
    Ok(client
        .archive(query.top(so_superoffice::MAX_PAGE))
        .try_collect()
        .await?)
}

fn contact(row: &ArchiveRow) -> Marked {
    Marked {
        id: row.primary_key,
        name: row.text("name").unwrap_or_default(),
        contact_id: 0,
    }
}

/// 1 for a delete, 0 for a record already gone; other failures stop.
fn gone(outcome: so_superoffice::Result<()>) -> anyhow::Result<u32> {
    match outcome {
        Ok(()) => Ok(1),
        Err(Error::NotFound { .. }) => Ok(0),
        Err(error) => Err(error.into()),
    }
}

/// A string literal's content: quotes doubled.
fn quote(text: &str) -> String {
    text.replace('\'', "''")
}
