//! The contact (company) entity, `GET Contact/{id}`.

use serde::Deserialize;
use time::OffsetDateTime;

use super::{Associate, Country, ListRef, ValueEntry};
use crate::custom_fields::CustomFields;

/// A company, with the fields the connector reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "ContactWire")]
pub struct Contact {
    /// `ContactId`.
    pub id: i64,
    /// `Name`, the company name.
    pub name: String,
    /// `Department`, often empty.
    pub department: String,
    /// `OrgNr`, the organisation or VAT number.
    pub orgnr: String,
    /// `Number1`, an alphanumeric user field (customer number and such).
    pub number1: String,
    /// `Urls`: web sites in rank order, see [`Contact::websites`].
    pub urls: Vec<ValueEntry>,
    /// `Emails`.
    pub emails: Vec<ValueEntry>,
    /// `Domains`: web domains in rank order.
    pub domains: Vec<String>,
    /// `Business` (industry list), when set.
    pub business: Option<ListRef>,
    /// `Category` list item, when set.
    pub category: Option<ListRef>,
    /// `Country`, when set.
    pub country: Option<Country>,
    /// The city of `Address.Street` (where the company is), else of
    /// `Address.Postal`; empty when neither has one.
    pub city: String,
    /// `Associate`: the owner ("our contact"); owner rules read its `name`.
    pub owner: Option<Associate>,
    /// `Deleted != 0`: soft-deleted in the UI, to be hard-deleted later.
    pub deleted: bool,
    /// `UpdatedDate`; `None` for SuperOffice's "never".
    pub updated: Option<OffsetDateTime>,
    /// `Persons`: the people of the company, in summary.
    pub persons: Vec<PersonSummary>,
    /// UDF and extra-field values: `CustomFields`, or the older
    /// `UserDefinedFields` when a server sends only that.
    pub custom_fields: CustomFields,
}

impl Contact {
    /// The web site addresses, in rank order, empty entries left out.
    pub fn websites(&self) -> impl Iterator<Item = &str> {
        self.urls
            .iter()
            .map(|url| url.value.trim())
            .filter(|url| !url.is_empty())
    }
}

/// A person as listed on a contact (`Contact.Persons[*]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PersonSummary {
    /// `PersonId`.
    #[serde(rename = "personid", deserialize_with = "crate::lenient::i64")]
    pub id: i64,
    /// `Firstname`.
    #[serde(rename = "firstname", deserialize_with = "crate::lenient::string")]
    pub first_name: String,
    /// `Lastname`.
    #[serde(rename = "lastname", deserialize_with = "crate::lenient::string")]
    pub last_name: String,
    /// `Email`, the first e-mail address.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub email: String,
    /// `Retired` (an int here, a bool on the person entity; both read).
    #[serde(deserialize_with = "crate::lenient::bool")]
    pub retired: bool,
}

#[derive(Deserialize)]
struct ContactWire {
    #[serde(deserialize_with = "crate::lenient::i64")]
    contactid: i64,
    #[serde(default, deserialize_with = "crate::lenient::string")]
    name: String,
    #[serde(default, deserialize_with = "crate::lenient::string")]
    department: String,
    #[serde(default, deserialize_with = "crate::lenient::string")]
    orgnr: String,
    #[serde(default, deserialize_with = "crate::lenient::string")]
    number1: String,
    #[serde(default)]
    urls: Vec<ValueEntry>,
    #[serde(default)]
    emails: Vec<ValueEntry>,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default)]
    business: Option<ListRef>,
    #[serde(default)]
    category: Option<ListRef>,
    #[serde(default)]
    country: Option<Country>,
    #[serde(default)]
    address: Option<AddressWire>,
    #[serde(default)]
    associate: Option<Associate>,
    #[serde(default, deserialize_with = "crate::lenient::bool")]
    deleted: bool,
    #[serde(default, deserialize_with = "crate::dates::deserialize_opt")]
    updateddate: Option<OffsetDateTime>,
    #[serde(default)]
    persons: Vec<PersonSummary>,
    #[serde(default)]
    customfields: Option<CustomFields>,
    #[serde(default)]
    userdefinedfields: Option<CustomFields>,
}

/// `Address`: only the cities of its structured parts are read.
#[derive(Deserialize)]
struct AddressWire {
    #[serde(default)]
    street: Option<AddressPart>,
    #[serde(default)]
    postal: Option<AddressPart>,
}

#[derive(Deserialize)]
struct AddressPart {
    #[serde(default, deserialize_with = "crate::lenient::string")]
    city: String,
}

impl AddressWire {
    /// The street city, else the postal one: a post box may sit in another
    /// town than the company.
    fn city(&self) -> String {
        [&self.street, &self.postal]
            .into_iter()
            .flatten()
            .map(|part| part.city.trim())
            .find(|city| !city.is_empty())
            .unwrap_or_default()
            .to_owned()
    }
}

impl From<ContactWire> for Contact {
    fn from(wire: ContactWire) -> Self {
        Self {
            id: wire.contactid,
            name: wire.name,
            department: wire.department,
            orgnr: wire.orgnr,
            number1: wire.number1,
            urls: wire.urls,
            emails: wire.emails,
            domains: wire.domains,
            business: wire.business.filter(|item| item.id != 0),
            category: wire.category.filter(|item| item.id != 0),
            country: wire.country.filter(|country| country.id != 0),
            city: wire
                .address
                .as_ref()
                .map(AddressWire::city)
                .unwrap_or_default(),
            owner: wire.associate.filter(|owner| owner.id != 0),
            deleted: wire.deleted,
            updated: wire.updateddate,
            persons: wire.persons,
            custom_fields: pick_custom_fields(wire.customfields, wire.userdefinedfields),
        }
    }
}

/// `CustomFields` is the current map; `UserDefinedFields` the deprecated one
/// that holds the same UDFs. Prefer the first, fall back to the second.
pub(super) fn pick_custom_fields(
    custom: Option<CustomFields>,
    user_defined: Option<CustomFields>,
) -> CustomFields {
    match custom {
        Some(fields) if !fields.is_empty() => fields,
        _ => user_defined.unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::datetime;

    use super::*;
    use crate::keys::from_value;

    fn documented_contact() -> serde_json::Value {
        json!({
            "ContactId": 4711, "Name": "Nordlys Maskin AS", "Department": "",
            "OrgNr": "987654321", "Number1": "10042", "UpdatedDate": "2025-03-11T10:15:42",
            "Urls": [{"Value": "https://www.nordlys.example", "StrippedValue": "x",
                      "Description": "Web"}],
            "Associate": {"AssociateId": 23, "Name": "KN", "FullName": "Kari Nordmann"},
            "Business": {"Id": 3, "Value": "Manufacturing", "Tooltip": ""},
            "Category": {"Id": 0, "Value": "", "Tooltip": ""},
            "Country": {"CountryId": 578, "Name": "Norway", "TwoLetterISOCountry": "NO"},
            "Address": {"Postal": {"Address1": "Postboks 12", "City": "Oslo"},
                        "Street": {"Address1": "Havnegata 3", "City": "Drammen"}},
            "Persons": [{"PersonId": 90210, "Firstname": "Ola", "Lastname": "Hansen",
                         "Retired": 0}],
            "Deleted": 0, "Domains": ["nordlys.example"], "CreatedBy": null,
            "CustomFields": {"SuperOffice:2": "[I:7]", "SuperOffice:2:DisplayText": "Mfg"},
            "TableRight": {"Mask": "FULL", "Reason": ""}
        })
    }

    #[test]
    fn documented_contact_reads_its_typed_fields() {
        let contact: Contact = from_value(documented_contact(), "contact").unwrap();
        assert_eq!(contact.id, 4711);
        assert_eq!(contact.orgnr, "987654321");
        assert_eq!(
            contact.websites().collect::<Vec<_>>(),
            ["https://www.nordlys.example"]
        );
        assert_eq!(contact.owner.as_ref().map(|o| o.name.as_str()), Some("KN"));
        assert_eq!(contact.business.as_ref().map(|b| b.id), Some(3));
        assert_eq!(
            contact.city, "Drammen",
            "the street city before the postal one"
        );
        assert_eq!(contact.category, None);
        assert_eq!(contact.updated, Some(datetime!(2025-03-11 10:15:42 UTC)));
        assert!(!contact.persons[0].retired);
        assert_eq!(
            contact.custom_fields.display_text("SuperOffice:2"),
            Some("Mfg")
        );
    }

    #[test]
    fn camel_and_snake_case_contacts_read_the_same() {
        let camel = json!({"contactId": "4711", "name": "N", "orgNr": "9", "deleted": 1,
                           "updatedDate": "0001-01-01T00:00:00"});
        let snake = json!({"contact_id": 4711, "name": "N", "org_nr": "9", "deleted": true});
        for body in [camel, snake] {
            let contact: Contact = from_value(body, "contact").unwrap();
            assert_eq!(
                (contact.id, contact.orgnr.as_str(), contact.deleted),
                (4711, "9", true)
            );
            assert_eq!(contact.updated, None);
        }
    }

    #[test]
    fn user_defined_fields_stand_in_for_custom_fields() {
        let body = json!({"ContactId": 1, "UserDefinedFields": {"SuperOffice:1": "x"}});
        let contact: Contact = from_value(body, "contact").unwrap();
        assert_eq!(contact.custom_fields.raw("SuperOffice:1"), Some("x"));
    }

    #[test]
    fn a_contact_without_id_is_a_decode_error() {
        assert!(from_value::<Contact>(json!({"Name": "x"}), "contact").is_err());
    }
}
