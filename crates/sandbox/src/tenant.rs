//! The tenant's data in memory, and look-ups over it.
//!
//! One `TenantData` sits behind a mutex in [`crate::state::Shared`];
//! handlers lock it briefly, never across an `.await`.

use std::collections::BTreeMap;

use crate::model::{Associate, Contact, Country, ListDef, ListItem, Person, UdfDef, UdfOwner};
use crate::seed::Seed;

/// All records of the tenant.
#[derive(Debug)]
pub struct TenantData {
    /// Countries by id.
    pub countries: BTreeMap<i32, Country>,
    /// Users by id.
    pub associates: BTreeMap<i32, Associate>,
    /// Lists with their items.
    pub lists: Vec<ListDef>,
    /// UDF definitions of both owners.
    pub udfs: Vec<UdfDef>,
    /// Companies by id.
    pub contacts: BTreeMap<i32, Contact>,
    /// Persons by id.
    pub persons: BTreeMap<i32, Person>,
}

impl TenantData {
    /// Loads a seed.
    pub fn from_seed(seed: Seed) -> TenantData {
        TenantData {
            countries: seed.countries.into_iter().map(|c| (c.id, c)).collect(),
            associates: seed.associates.into_iter().map(|a| (a.id, a)).collect(),
            lists: seed.lists,
            udfs: seed.udfs,
            contacts: seed.contacts.into_iter().map(|c| (c.id, c)).collect(),
            persons: seed.persons.into_iter().map(|p| (p.id, p)).collect(),
        }
    }

    /// The id a new contact gets.
    pub fn next_contact_id(&self) -> i32 {
        self.contacts.keys().next_back().map_or(1, |id| id + 1)
    }

    /// The id a new person gets.
    pub fn next_person_id(&self) -> i32 {
        self.persons.keys().next_back().map_or(1, |id| id + 1)
    }

    /// The list with this id, MDO name or display name (case-insensitive).
    pub fn list(&self, key: &str) -> Option<&ListDef> {
        let id: Option<i32> = key.parse().ok();
        self.lists.iter().find(|list| {
            Some(list.id) == id
                || list.name.eq_ignore_ascii_case(key)
                || list.mdo_name.eq_ignore_ascii_case(key)
        })
    }

    /// An item of the list with `mdo_name`.
    pub fn list_item(&self, mdo_name: &str, id: i32) -> Option<&ListItem> {
        self.list(mdo_name)?.items.iter().find(|item| item.id == id)
    }

    /// An item of a list by the list's id.
    pub fn list_item_by_list_id(&self, list_id: i32, id: i32) -> Option<&ListItem> {
        let list = self.lists.iter().find(|list| list.id == list_id)?;
        list.items.iter().find(|item| item.id == id)
    }

    /// The UDF definitions of one owner, in field order.
    pub fn udfs_of(&self, owner: UdfOwner) -> impl Iterator<Item = &UdfDef> {
        self.udfs.iter().filter(move |def| def.owner == owner)
    }

    /// The UDF definition with this ProgId (case-insensitive).
    pub fn udf(&self, owner: UdfOwner, prog_id: &str) -> Option<&UdfDef> {
        self.udfs_of(owner)
            .find(|def| def.prog_id.eq_ignore_ascii_case(prog_id))
    }

    /// The persons of a contact, in id order.
    pub fn persons_of(&self, contact_id: i32) -> impl Iterator<Item = &Person> {
        self.persons
            .values()
            .filter(move |person| person.contact_id == contact_id)
    }
}
