//! The person entity, `GET Person/{id}`.

use serde::Deserialize;
use time::OffsetDateTime;

use super::contact::pick_custom_fields;
use super::{ListRef, ValueEntry};
use crate::custom_fields::CustomFields;

/// A person, with the fields the connector reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "PersonWire")]
pub struct Person {
    /// `PersonId`.
    pub id: i64,
    /// `Firstname`.
    pub first_name: String,
    /// `Lastname`.
    pub last_name: String,
    /// `Title`: free-text job title.
    pub title: String,
    /// `Position`: the job position list item, when set.
    pub position: Option<ListRef>,
    /// `Contact`: the company, absent for a person without one.
    pub contact: Option<ContactSummary>,
    /// `Retired` (a bool here, an int elsewhere; both read).
    pub retired: bool,
    /// `Emails`.
    pub emails: Vec<ValueEntry>,
    /// `UpdatedDate`; `None` for SuperOffice's "never".
    pub updated: Option<OffsetDateTime>,
    /// UDF and extra-field values, as on [`crate::Contact`].
    pub custom_fields: CustomFields,
}

impl Person {
    /// The id of the person's company; `None` for a person without one
    /// (SuperOffice sends a null `Contact` or `ContactId` 0).
    pub fn contact_id(&self) -> Option<i64> {
        self.contact.as_ref().map(|contact| contact.id)
    }
}

/// The company as shown on a person (`Person.Contact`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ContactSummary {
    /// `ContactId`.
    #[serde(rename = "contactid", deserialize_with = "crate::lenient::i64")]
    pub id: i64,
    /// `Name`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    /// `AssociateId`: the company's owner.
    #[serde(rename = "associateid", deserialize_with = "crate::lenient::opt_i64")]
    pub associate_id: Option<i64>,
}

#[derive(Deserialize)]
struct PersonWire {
    #[serde(deserialize_with = "crate::lenient::i64")]
    personid: i64,
    #[serde(default, deserialize_with = "crate::lenient::string")]
    firstname: String,
    #[serde(default, deserialize_with = "crate::lenient::string")]
    lastname: String,
    #[serde(default, deserialize_with = "crate::lenient::string")]
    title: String,
    #[serde(default)]
    position: Option<ListRef>,
    #[serde(default)]
    contact: Option<ContactSummary>,
    #[serde(default, deserialize_with = "crate::lenient::bool")]
    retired: bool,
    #[serde(default)]
    emails: Vec<ValueEntry>,
    #[serde(default, deserialize_with = "crate::dates::deserialize_opt")]
    updateddate: Option<OffsetDateTime>,
    #[serde(default)]
    customfields: Option<CustomFields>,
    #[serde(default)]
    userdefinedfields: Option<CustomFields>,
}

impl From<PersonWire> for Person {
    fn from(wire: PersonWire) -> Self {
        Self {
            id: wire.personid,
            first_name: wire.firstname,
            last_name: wire.lastname,
            title: wire.title,
            position: wire.position.filter(|item| item.id != 0),
            contact: wire.contact.filter(|contact| contact.id != 0),
            retired: wire.retired,
            emails: wire.emails,
            updated: wire.updateddate,
            custom_fields: pick_custom_fields(wire.customfields, wire.userdefinedfields),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::keys::from_value;

    #[test]
    fn documented_person_reads_its_typed_fields() {
        let person: Person = from_value(
            json!({"PersonId": 90210, "Firstname": "Ola", "Lastname": "Hansen",
                   "Title": "Head of Operations", "Retired": false,
                   "Position": {"Id": 4, "Value": "Manager", "Tooltip": ""},
                   "Contact": {"ContactId": 4711, "Name": "Nordlys Maskin AS",
                               "AssociateId": 23},
                   "BirthDate": "0001-01-01T00:00:00",
                   "CustomFields": {"SuperOffice:1": ""}}),
            "person",
        )
        .unwrap();
        assert_eq!(person.id, 90210);
        assert_eq!(
            person.position.as_ref().map(|p| p.value.as_str()),
            Some("Manager")
        );
        assert_eq!(person.contact_id(), Some(4711));
        assert_eq!(
            person.contact.as_ref().and_then(|c| c.associate_id),
            Some(23)
        );
        assert_eq!(person.custom_fields.raw("SuperOffice:1"), Some(""));
    }

    #[test]
    fn person_without_company_has_no_contact() {
        for contact in [json!(null), json!({"ContactId": 0, "Name": ""})] {
            let body = json!({"personId": 1, "contact": contact, "retired": 1});
            let person: Person = from_value(body, "person").unwrap();
            assert_eq!(person.contact_id(), None);
            assert!(person.retired);
        }
    }
}
