//! The tenant's records as the sandbox stores them.
//!
//! These are storage shapes, not wire shapes: ids instead of nested objects,
//! UDF values in their stored form (a list UDF holds the item id as digits).
//! `entities.rs` and `odata/` turn them into the API's JSON. The same types
//! are the seed file's format (snake_case keys).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dates::Timestamp;

/// A company (SuperOffice calls it a contact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Primary key (`ContactId`).
    pub id: i32,
    /// Company name.
    pub name: String,
    /// Department, usually empty.
    #[serde(default)]
    pub department: String,
    /// Organisation or VAT number.
    #[serde(default)]
    pub org_nr: String,
    /// Customer number.
    #[serde(default)]
    pub number1: String,
    /// Second alphanumeric number field.
    #[serde(default)]
    pub number2: String,
    /// Owner ("our contact"): an associate id.
    pub associate_id: i32,
    /// Item id in the `business` list, 0 for none.
    #[serde(default)]
    pub business_id: i32,
    /// Item id in the `category` list, 0 for none.
    #[serde(default)]
    pub category_id: i32,
    /// Country id (ISO numeric, as SuperOffice uses).
    pub country_id: i32,
    /// Postal city, shown in person summaries.
    #[serde(default)]
    pub city: String,
    /// Web addresses, first is the main one.
    #[serde(default)]
    pub urls: Vec<String>,
    /// E-mail addresses.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Phone numbers.
    #[serde(default)]
    pub phones: Vec<String>,
    /// The post-it note.
    #[serde(default)]
    pub description: String,
    /// When the record was registered.
    pub created: Timestamp,
    /// Who registered it.
    pub created_by: i32,
    /// Last update, `None` when never updated.
    #[serde(default)]
    pub updated: Option<Timestamp>,
    /// Who updated it last, 0 when never updated.
    #[serde(default)]
    pub updated_by: i32,
    /// How often it was updated (`updatedCount`).
    #[serde(default)]
    pub updated_count: i32,
    /// Set when soft-deleted; the API then shows `Deleted: 1`.
    #[serde(default)]
    pub deleted_date: Option<Timestamp>,
    /// UDF values by ProgId, in stored form.
    #[serde(default)]
    pub udfs: BTreeMap<String, String>,
    /// Slug of the company's invented web site (`/_site/{slug}`).
    #[serde(default)]
    pub slug: String,
    /// Facts for the company's web page, when it has one.
    #[serde(default)]
    pub profile: Option<CompanyProfile>,
}

impl Contact {
    /// A new company owned by `associate_id`, in Germany, with nothing else
    /// filled in; the id is given when it is created (0 = next free).
    pub fn new(name: &str, associate_id: i32) -> Contact {
        Contact {
            id: 0,
            name: name.to_owned(),
            department: String::new(),
            org_nr: String::new(),
            number1: String::new(),
            number2: String::new(),
            associate_id,
            business_id: 0,
            category_id: 0,
            country_id: 276,
            city: String::new(),
            urls: Vec::new(),
            emails: Vec::new(),
            phones: Vec::new(),
            description: String::new(),
            created: Timestamp::now(),
            created_by: associate_id,
            updated: None,
            updated_by: 0,
            updated_count: 0,
            deleted_date: None,
            udfs: BTreeMap::new(),
            slug: String::new(),
            profile: None,
        }
    }
}

/// What the company's invented web page says about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompanyProfile {
    /// Vertical key of the seed taxonomy (e.g. `hospitals`).
    pub vertical: String,
    /// One-paragraph self-description.
    pub about: String,
    /// Number of employees.
    pub employees: u32,
    /// Number of sites or branches.
    pub sites: u32,
    /// Floor space in square metres.
    pub floor_space_m2: u32,
}

/// A person, usually working for a contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// Primary key (`PersonId`).
    pub id: i32,
    /// The company, 0 for a person without one.
    pub contact_id: i32,
    /// Given name.
    pub first_name: String,
    /// Middle name.
    #[serde(default)]
    pub middle_name: String,
    /// Family name.
    pub last_name: String,
    /// Form of address (`Herr`, `Frau`, `Mr.`).
    #[serde(default)]
    pub mrmrs: String,
    /// Free-text job title.
    #[serde(default)]
    pub title: String,
    /// Item id in the `perspos` list, 0 for none.
    #[serde(default)]
    pub position_id: i32,
    /// E-mail addresses.
    #[serde(default)]
    pub emails: Vec<String>,
    /// Office phone numbers.
    #[serde(default)]
    pub phones: Vec<String>,
    /// Mobile phone numbers.
    #[serde(default)]
    pub mobile_phones: Vec<String>,
    /// Left the company.
    #[serde(default)]
    pub retired: bool,
    /// Free-text note.
    #[serde(default)]
    pub description: String,
    /// When the record was registered.
    pub created: Timestamp,
    /// Who registered it.
    pub created_by: i32,
    /// Last update, `None` when never updated.
    #[serde(default)]
    pub updated: Option<Timestamp>,
    /// Who updated it last, 0 when never updated.
    #[serde(default)]
    pub updated_by: i32,
    /// How often it was updated.
    #[serde(default)]
    pub updated_count: i32,
    /// Set when soft-deleted.
    #[serde(default)]
    pub deleted_date: Option<Timestamp>,
    /// UDF values by ProgId, in stored form.
    #[serde(default)]
    pub udfs: BTreeMap<String, String>,
}

impl Person {
    /// A new person working for `contact_id` (0 = none).
    pub fn new(contact_id: i32, first_name: &str, last_name: &str) -> Person {
        Person {
            id: 0,
            contact_id,
            first_name: first_name.to_owned(),
            middle_name: String::new(),
            last_name: last_name.to_owned(),
            mrmrs: String::new(),
            title: String::new(),
            position_id: 0,
            emails: Vec::new(),
            phones: Vec::new(),
            mobile_phones: Vec::new(),
            retired: false,
            description: String::new(),
            created: Timestamp::now(),
            created_by: 0,
            updated: None,
            updated_by: 0,
            updated_count: 0,
            deleted_date: None,
            udfs: BTreeMap::new(),
        }
    }
}

/// A user of the tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Associate {
    /// Primary key (`AssociateId`).
    pub id: i32,
    /// Short name, the login initials (`RKAB`).
    pub name: String,
    /// Display name.
    pub full_name: String,
    /// The associate's person, 0 when the user has none (API users).
    pub person_id: i32,
    /// Login user name (an e-mail address).
    pub user_name: String,
    /// Primary user group.
    pub group_idx: i32,
    /// `InternalAssociate`, `SystemAssociate`, ...
    pub kind: String,
    /// Retired user.
    #[serde(default)]
    pub deleted: bool,
}

/// A list (MDO list or user-defined list) and its items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListDef {
    /// List id (`UDListDefinitionId` for user-defined lists).
    pub id: i32,
    /// Display name (`Category`, `Vertical`).
    pub name: String,
    /// MDO name (`category`, `business`, `perspos`, `udlist108`).
    pub mdo_name: String,
    /// Created by an administrator rather than built in.
    pub is_custom: bool,
    /// The items, in rank order.
    pub items: Vec<ListItem>,
}

/// One choice of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListItem {
    /// Item id, the value a list UDF stores.
    pub id: i32,
    /// Display text.
    pub name: String,
    /// Tooltip text.
    #[serde(default)]
    pub tooltip: String,
    /// Retired item, hidden unless asked for.
    #[serde(default)]
    pub deleted: bool,
    /// Sort order.
    pub rank: i32,
}

/// Which entity a UDF belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UdfOwner {
    /// A contact field.
    Contact,
    /// A person field.
    Person,
}

/// The type of a UDF, which decides how values are read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UdfType {
    /// Integer.
    Number,
    /// Text up to 39 characters.
    ShortText,
    /// Text up to 199 characters (or the field's length).
    LongText,
    /// Date.
    Date,
    /// Yes/no.
    Checkbox,
    /// A choice from a list: stores the item id.
    List,
    /// Decimal number.
    Decimal,
}

/// The definition of one user-defined field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UdfDef {
    /// The field's definition id (`UDefFieldId`).
    pub field_id: i32,
    /// Database column id (`ColumnId`).
    pub column_id: i32,
    /// The key in `UserDefinedFields`/`CustomFields` (`SuperOffice:2`).
    pub prog_id: String,
    /// Label shown in the CRM.
    pub label: String,
    /// Which entity it belongs to.
    pub owner: UdfOwner,
    /// Value type.
    pub field_type: UdfType,
    /// Maximum text length in characters (text fields).
    pub text_length: u32,
    /// The list behind a list field (`UDListDefinitionId`).
    #[serde(default)]
    pub list_id: Option<i32>,
}

/// A country, as nested in entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Country {
    /// Country id (ISO numeric).
    pub id: i32,
    /// Name.
    pub name: String,
    /// Two-letter ISO code.
    pub iso2: String,
    /// Three-letter ISO code.
    pub iso3: String,
    /// International dialling prefix.
    pub dial_prefix: String,
    /// What the organisation number is called there.
    pub org_nr_text: String,
}
