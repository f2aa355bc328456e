//! The REST shapes of the tenant's records (PascalCase, sections 4, 5 and
//! 12 of the API notes): ContactEntity, PersonEntity, Associate.

use serde_json::{json, Value};

use crate::dates::entity_or_null;
use crate::model::{Associate, Contact, Person, UdfOwner};
use crate::tenant::TenantData;
use crate::udf;

/// How much of the switchable shape to include.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Whether `CustomFields` carries the list companions.
    pub custom_field_companions: bool,
}

/// The Associate object nested in entities (`Associate`, `UpdatedBy`, ...).
pub fn associate(associate: &Associate) -> Value {
    json!({
        "AssociateId": associate.id,
        "Name": associate.name,
        "PersonId": associate.person_id,
        "Rank": 0,
        "Tooltip": "",
        "Type": associate.kind,
        "GroupIdx": associate.group_idx,
        "FullName": associate.full_name,
        "FormalName": associate.full_name,
        "Deleted": associate.deleted,
        "EjUserId": 0,
        "UserName": associate.user_name,
    })
}

fn associate_or_null(data: &TenantData, id: i32) -> Value {
    data.associates.get(&id).map_or(Value::Null, associate)
}

fn list_value(data: &TenantData, mdo_name: &str, id: i32) -> Value {
    match data.list_item(mdo_name, id) {
        Some(item) => json!({ "Id": item.id, "Value": item.name, "Tooltip": item.tooltip }),
        None => Value::Null,
    }
}

fn country(data: &TenantData, id: i32) -> Value {
    let Some(country) = data.countries.get(&id) else {
        return Value::Null;
    };
    json!({
        "CountryId": country.id, "Name": country.name, "CurrencyId": 0,
        "EnglishName": country.name, "TwoLetterISOCountry": country.iso2,
        "ThreeLetterISOCountry": country.iso3, "ImageDescription": null,
        "OrgNrText": country.org_nr_text, "InterAreaPrefix": "",
        "DialInPrefix": country.dial_prefix,
        "ZipPrefix": country.iso2, "DomainName": country.iso2, "AddressLayoutId": 1,
        "DomesticAddressLayoutId": 1, "ForeignAddressLayoutId": 1, "Rank": 1, "Tooltip": "",
        "Deleted": false,
    })
}

/// `{Value, StrippedValue, Description}` entries of Urls, Emails, Phones.
fn entries(values: &[String], description: &str) -> Value {
    let stripped = |v: &str| -> String {
        if v.starts_with('+') {
            v.chars().filter(char::is_ascii_digit).collect()
        } else {
            v.into()
        }
    };
    values
        .iter()
        .map(|v| json!({ "Value": v, "StrippedValue": stripped(v), "Description": description }))
        .collect()
}

/// `GET Contact/{id}`.
pub fn contact(data: &TenantData, contact: &Contact, api_v1: &str, shape: Shape) -> Value {
    let persons: Vec<Value> = data
        .persons_of(contact.id)
        .filter(|p| p.deleted_date.is_none())
        .enumerate()
        .map(|(rank, p)| {
            json!({
                "PersonId": p.id, "Firstname": p.first_name, "Lastname": p.last_name,
                "Email": p.emails.first().cloned().unwrap_or_default(),
                "ContactId": contact.id, "ContactName": contact.name,
                "Retired": i32::from(p.retired), "Rank": rank + 1,
            })
        })
        .collect();
    let domains: Vec<String> = contact.urls.iter().filter_map(|u| domain(u)).collect();
    let udfs = udf::render(data, UdfOwner::Contact, &contact.udfs, true);
    let custom = udf::render(
        data,
        UdfOwner::Contact,
        &contact.udfs,
        shape.custom_field_companions,
    );

    json!({
        "ContactId": contact.id,
        "Name": contact.name,
        "Department": contact.department,
        "OrgNr": contact.org_nr,
        "Number1": contact.number1,
        "Number2": contact.number2,
        "UpdatedDate": entity_or_null(contact.updated),
        "CreatedDate": contact.created.entity(),
        "Emails": entries(&contact.emails, ""),
        "Urls": entries(&contact.urls, "Web"),
        "Phones": entries(&contact.phones, ""),
        "Faxes": [],
        "Description": contact.description,
        "UpdatedBy": associate_or_null(data, contact.updated_by),
        "CreatedBy": associate_or_null(data, contact.created_by),
        "Associate": associate_or_null(data, contact.associate_id),
        "Business": list_value(data, "business", contact.business_id),
        "Category": list_value(data, "category", contact.category_id),
        "Country": country(data, contact.country_id),
        "Address": { "Postal": { "City": contact.city }, "Street": { "City": contact.city } },
        "Persons": persons,
        "NoMailing": false,
        "Xstop": false,
        "Deleted": i32::from(contact.deleted_date.is_some()),
        "Source": 0,
        "ActiveInterests": 0,
        "ActiveErpLinks": 0,
        "GroupId": 2,
        "Domains": domains,
        "UserDefinedFields": udfs,
        "ExtraFields": {},
        "CustomFields": custom,
        "TableRight": { "Mask": "FULL", "Reason": "" },
        "FieldProperties": {},
        "_Links": {
            "Self": format!("{api_v1}/Contact/{}", contact.id),
            "Archive": format!("{api_v1}/Contact"),
        },
    })
}

/// `GET Person/{id}`.
pub fn person(data: &TenantData, person: &Person, api_v1: &str, shape: Shape) -> Value {
    let employer = data.contacts.get(&person.contact_id);
    let country_id = employer.map_or(276, |c| c.country_id);
    let udfs = udf::render(data, UdfOwner::Person, &person.udfs, true);
    let custom = udf::render(
        data,
        UdfOwner::Person,
        &person.udfs,
        shape.custom_field_companions,
    );
    let full_name = [&person.first_name, &person.middle_name, &person.last_name]
        .iter()
        .filter(|part| !part.is_empty())
        .map(|part| part.as_str())
        .collect::<Vec<_>>()
        .join(" ");

    json!({
        "PersonId": person.id,
        "Firstname": person.first_name,
        "MiddleName": person.middle_name,
        "Lastname": person.last_name,
        "Mrmrs": person.mrmrs,
        "Title": person.title,
        "UpdatedDate": entity_or_null(person.updated),
        "CreatedDate": person.created.entity(),
        "BirthDate": entity_or_null(None),
        "Emails": entries(&person.emails, ""),
        "OfficePhones": entries(&person.phones, ""),
        "MobilePhones": entries(&person.mobile_phones, ""),
        "PrivatePhones": [], "OtherPhones": [], "Faxes": [],
        "Position": list_value(data, "perspos", person.position_id),
        "Contact": employer.map_or(Value::Null, |c| contact_summary(data, c)),
        "Country": country(data, country_id),
        "UpdatedBy": associate_or_null(data, person.updated_by),
        "CreatedBy": associate_or_null(data, person.created_by),
        "Associate": null,
        "PersonNumber": "",
        "FullName": full_name,
        "FormalName": full_name,
        "Description": person.description,
        "Retired": person.retired,
        "IsAssociate": data.associates.values().any(|a| a.person_id == person.id),
        "NoMailing": false,
        "UsePersonAddress": false,
        "Urls": [],
        "Deleted": i32::from(person.deleted_date.is_some()),
        "UserDefinedFields": udfs,
        "ExtraFields": {},
        "CustomFields": custom,
        "TableRight": { "Mask": "FULL", "Reason": "" },
        "FieldProperties": {},
        "_Links": { "Self": format!("{api_v1}/Person/{}", person.id) },
    })
}

/// The contact summary nested in a person.
fn contact_summary(data: &TenantData, contact: &Contact) -> Value {
    let owner = data.associates.get(&contact.associate_id);
    let name_of = |mdo: &str, id| data.list_item(mdo, id).map(|i| i.name.clone());
    json!({
        "ContactId": contact.id, "Name": contact.name, "OrgNr": contact.org_nr,
        "Department": contact.department, "URL": contact.urls.first().cloned().unwrap_or_default(),
        "City": contact.city, "DirectPhone": contact.phones.first().cloned().unwrap_or_default(),
        "AssociateId": contact.associate_id, "CountryId": contact.country_id,
        "EmailAddress": contact.emails.first().cloned().unwrap_or_default(),
        "AssociateFullName": owner.map(|a| a.full_name.clone()).unwrap_or_default(),
        "BusinessName": name_of("business", contact.business_id).unwrap_or_default(),
        "CategoryName": name_of("category", contact.category_id).unwrap_or_default(),
        "CountryName": data.countries.get(&contact.country_id).map(|c| c.name.clone()),
        "FullName": contact.name, "IsOwnerContact": is_owner_contact(data, contact.id),
        "ActiveErpLinks": 0,
        "Number1": contact.number1, "Number2": contact.number2,
    })
}

/// Whether the contact is a company whose staff are users of the tenant.
fn is_owner_contact(data: &TenantData, contact_id: i32) -> bool {
    data.associates
        .values()
        .filter_map(|a| data.persons.get(&a.person_id))
        .any(|p| p.contact_id == contact_id)
}

/// `www.example.com` of `https://www.example.com/path`.
fn domain(url: &str) -> Option<String> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_owned();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_owned())
}
