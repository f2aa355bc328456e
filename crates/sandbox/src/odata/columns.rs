//! Archive providers and their columns.
//!
//! Column names are camelCase as in SuperOffice's archives (`contactId`,
//! `orgnr`, `url/URLAddress`, `contactUdef/SuperOffice:2`) and are matched
//! case-insensitively. Each column yields a [`Cell`]: list, country and
//! associate columns carry both the id (for filters) and the display text
//! (what Slim mode shows: `associateId` shows the owner's initials).

use crate::dates::Timestamp;
use crate::model::{Associate, Contact, Person, UdfOwner, UdfType};
use crate::tenant::TenantData;
use crate::udf;

/// An archive provider the sandbox serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// `SimpleContact` (also `Contact`, `FindContact`).
    Contact,
    /// `Person` (also `SimplePerson`, `FindPerson`).
    Person,
    /// `InternalUsers`.
    InternalUsers,
}

impl Provider {
    /// The provider named in `Archive/{provider}`.
    pub fn named(name: &str) -> Option<Provider> {
        match name.to_lowercase().as_str() {
            "simplecontact" | "contact" | "findcontact" => Some(Provider::Contact),
            "person" | "simpleperson" | "findperson" => Some(Provider::Person),
            "internalusers" => Some(Provider::InternalUsers),
            _ => None,
        }
    }

    /// `EntityName` of its rows.
    pub fn entity_name(self) -> &'static str {
        match self {
            Provider::Contact => "contact",
            Provider::Person => "person",
            Provider::InternalUsers => "associate",
        }
    }

    /// Columns shown when `$select` is missing.
    pub fn default_columns(self) -> &'static [&'static str] {
        match self {
            Provider::Contact => &["contactId", "name", "department", "orgnr", "associateId"],
            Provider::Person => &["personId", "firstName", "lastName", "contactId", "title"],
            Provider::InternalUsers => &["associateDbId", "name", "fullName", "personId"],
        }
    }
}

/// A row of an archive.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    /// A contact row.
    Contact(&'a Contact),
    /// A person row.
    Person(&'a Person),
    /// A user row.
    User(&'a Associate),
}

impl Row<'_> {
    /// The row's primary key.
    pub fn key(&self) -> i32 {
        match self {
            Row::Contact(c) => c.id,
            Row::Person(p) => p.id,
            Row::User(a) => a.id,
        }
    }
}

/// One value of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A number (ids, counts).
    Int(i64),
    /// Text.
    Text(String),
    /// A date-time; `None` is the null date.
    Date(Option<Timestamp>),
    /// Yes/no.
    Bool(bool),
    /// A reference: the id behind it and the text Slim mode shows.
    Ref(i64, String),
}

/// All rows of a provider, in primary-key order.
pub fn rows(data: &TenantData, provider: Provider) -> Vec<Row<'_>> {
    match provider {
        Provider::Contact => data.contacts.values().map(Row::Contact).collect(),
        Provider::Person => data.persons.values().map(Row::Person).collect(),
        Provider::InternalUsers => data.associates.values().map(Row::User).collect(),
    }
}

/// The value of `column` in `row`; `None` for an unknown column.
pub fn cell(data: &TenantData, row: Row<'_>, column: &str) -> Option<Cell> {
    let column = column.to_lowercase();
    match row {
        Row::Contact(contact) => contact_cell(data, contact, &column),
        Row::Person(person) => person_cell(data, person, &column),
        Row::User(user) => user_cell(data, user, &column),
    }
}

fn text(value: &str) -> Option<Cell> {
    Some(Cell::Text(value.to_owned()))
}

fn associate_ref(data: &TenantData, id: i32) -> Cell {
    let name = data
        .associates
        .get(&id)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    Cell::Ref(id.into(), name)
}

fn list_ref(data: &TenantData, mdo: &str, id: i32) -> Cell {
    let name = data
        .list_item(mdo, id)
        .map(|i| i.name.clone())
        .unwrap_or_default();
    Cell::Ref(id.into(), name)
}

fn contact_cell(data: &TenantData, c: &Contact, column: &str) -> Option<Cell> {
    let first = |values: &[String]| values.first().cloned().unwrap_or_default();
    match column {
        "contactid" => Some(Cell::Int(c.id.into())),
        "name" => text(&c.name),
        "department" => text(&c.department),
        "namedepartment" => text(format!("{} {}", c.name, c.department).trim_end()),
        "orgnr" => text(&c.org_nr),
        "number" | "number1" => text(&c.number1),
        "code" | "number2" => text(&c.number2),
        "associateid" | "associate" => Some(associate_ref(data, c.associate_id)),
        "contactassociate/fullname" => text(
            &data
                .associates
                .get(&c.associate_id)
                .map(|a| a.full_name.clone())?,
        ),
        "category" => Some(list_ref(data, "category", c.category_id)),
        "business" => Some(list_ref(data, "business", c.business_id)),
        "country" => {
            let name = data.countries.get(&c.country_id).map(|x| x.name.clone());
            Some(Cell::Ref(c.country_id.into(), name.unwrap_or_default()))
        }
        "countryid" => Some(Cell::Int(c.country_id.into())),
        "updateddate" | "updated" => Some(Cell::Date(c.updated)),
        "updatedby" => Some(associate_ref(data, c.updated_by)),
        "registereddate" | "registered" => Some(Cell::Date(Some(c.created))),
        "registeredby" => Some(associate_ref(data, c.created_by)),
        "contactdeleted" | "deleted" => Some(Cell::Bool(c.deleted_date.is_some())),
        "deleteddate" => Some(Cell::Date(c.deleted_date)),
        "url/urladdress" | "urladdress" => text(&first(&c.urls)),
        "email/emailaddress" | "emailaddress" => text(&first(&c.emails)),
        "phone/formattednumber" => text(&first(&c.phones)),
        "postaladdress/city" | "city" => text(&c.city),
        _ => udf_cell(
            data,
            UdfOwner::Contact,
            &c.udfs,
            column.strip_prefix("contactudef/")?,
        ),
    }
}

fn person_cell(data: &TenantData, p: &Person, column: &str) -> Option<Cell> {
    let employer = data.contacts.get(&p.contact_id);
    match column {
        "personid" => Some(Cell::Int(p.id.into())),
        "firstname" => text(&p.first_name),
        "middlename" => text(&p.middle_name),
        "lastname" => text(&p.last_name),
        "fullname" => text(&format!("{} {}", p.first_name, p.last_name)),
        "title" => text(&p.title),
        "mrmrs" => text(&p.mrmrs),
        "position" => Some(list_ref(data, "perspos", p.position_id)),
        "contactid" => Some(Cell::Int(p.contact_id.into())),
        "contactname" | "contact/name" => {
            text(&employer.map(|c| c.name.clone()).unwrap_or_default())
        }
        "associateid" | "contact/associateid" => {
            Some(associate_ref(data, employer.map_or(0, |c| c.associate_id)))
        }
        "email/emailaddress" | "emailaddress" | "personemail" => {
            text(&p.emails.first().cloned().unwrap_or_default())
        }
        "updateddate" | "personupdateddate" => Some(Cell::Date(p.updated)),
        "registereddate" | "personregistereddate" => Some(Cell::Date(Some(p.created))),
        "retired" | "personretired" => Some(Cell::Bool(p.retired)),
        "persondeleted" | "deleted" => Some(Cell::Bool(p.deleted_date.is_some())),
        _ => udf_cell(
            data,
            UdfOwner::Person,
            &p.udfs,
            column.strip_prefix("personudef/")?,
        ),
    }
}

fn user_cell(data: &TenantData, a: &Associate, column: &str) -> Option<Cell> {
    let person = data.persons.get(&a.person_id);
    match column {
        "associatedbid" | "associateid" => Some(Cell::Int(a.id.into())),
        "name" | "associatename" => text(&a.name),
        "fullname" => text(&a.full_name),
        "personid" => Some(Cell::Int(a.person_id.into())),
        "personemail" => text(
            &person
                .and_then(|p| p.emails.first().cloned())
                .unwrap_or_default(),
        ),
        "username" => text(&a.user_name),
        "ejuserid" => Some(Cell::Int(0)),
        "groupidx" | "usergroupid" => Some(Cell::Int(a.group_idx.into())),
        "type" | "associatetype" => text(&a.kind),
        "isactive" => Some(Cell::Bool(!a.deleted)),
        _ => None,
    }
}

/// `contactUdef/SuperOffice:2`: list fields are references to their item.
fn udf_cell(
    data: &TenantData,
    owner: UdfOwner,
    stored: &std::collections::BTreeMap<String, String>,
    prog_id: &str,
) -> Option<Cell> {
    let def = data.udf(owner, prog_id)?;
    let value = stored.get(&def.prog_id).map(String::as_str).unwrap_or("");
    match def.field_type {
        UdfType::List => {
            let id = udf::list_item_id(value).unwrap_or(0);
            let item = data.list_item_by_list_id(def.list_id.unwrap_or(0), id);
            Some(Cell::Ref(
                id.into(),
                item.map(|i| i.name.clone()).unwrap_or_default(),
            ))
        }
        UdfType::Number => Some(Cell::Int(value.parse().unwrap_or(0))),
        _ => text(value),
    }
}
