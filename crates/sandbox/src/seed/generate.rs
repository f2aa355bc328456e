//! Builds the shipped seed from the word lists, deterministically.
//!
//! A fixed-seed generator ([`Dice`]) drives every choice, so the same code
//! always yields the same file.

use std::collections::HashSet;

use super::dice::Dice;
use super::names::{self, LANDS, VERTICALS};
use super::{companies, people, Seed};
use crate::model::{Country, ListDef, ListItem, UdfDef, UdfOwner, UdfType};

/// How many customer companies the seed holds.
const COMPANIES: usize = 220;
/// First id of customer companies (ids below belong to the two sellers).
const FIRST_CONTACT_ID: i32 = 1001;
/// First id of customer persons (ids below are the sellers' staff).
const FIRST_PERSON_ID: i32 = 5001;
/// The user-defined list behind the vertical UDF.
pub const VERTICAL_LIST_ID: i32 = 108;

/// Builds the whole seed.
pub fn generate() -> Seed {
    let mut dice = Dice::new(0x5EED_2025_0311);
    let mut contacts = companies::sellers();
    let mut persons = people::seller_staff();

    let mut taken = HashSet::new();
    for index in 0..COMPANIES {
        let contact_id = FIRST_CONTACT_ID + index as i32;
        let contact = companies::company(&mut dice, contact_id, index, &mut taken);
        let first_person = FIRST_PERSON_ID + (persons.len() - 9) as i32;
        persons.extend(people::staff(&mut dice, &contact, first_person));
        contacts.push(contact);
    }

    // Quirk 18 of the API notes: a person may have no company.
    let loner = FIRST_PERSON_ID + (persons.len() - 9) as i32;
    persons.push(people::person(&mut dice, loner, 0, "", &LANDS[0]));

    Seed {
        countries: countries(),
        associates: companies::associates(),
        lists: lists(),
        udfs: udfs(),
        contacts,
        persons,
    }
}

fn countries() -> Vec<Country> {
    LANDS
        .iter()
        .map(|land| Country {
            id: land.id,
            name: land.name.to_owned(),
            iso2: land.iso2.to_owned(),
            iso3: land.iso3.to_owned(),
            dial_prefix: land.dial.to_owned(),
            org_nr_text: land.org_nr_text.to_owned(),
        })
        .collect()
}

fn lists() -> Vec<ListDef> {
    let simple = |id, name: &str, mdo: &str, items: &[&str]| ListDef {
        id,
        name: name.to_owned(),
        mdo_name: mdo.to_owned(),
        is_custom: false,
        items: items
            .iter()
            .enumerate()
            .map(|(i, item)| ListItem {
                id: i as i32 + 1,
                name: (*item).to_owned(),
                tooltip: String::new(),
                deleted: false,
                rank: i as i32 + 1,
            })
            .collect(),
    };

    let mut verticals: Vec<ListItem> = VERTICALS
        .iter()
        .enumerate()
        .map(|(i, vertical)| ListItem {
            id: i as i32 + 1,
            name: vertical.label.to_owned(),
            tooltip: vertical.tooltip.to_owned(),
            deleted: false,
            rank: i as i32 + 1,
        })
        .collect();
    // A retired item, so that `includeDeleted` has something to show.
    verticals.push(ListItem {
        id: 26,
        name: "Other (retired)".to_owned(),
        tooltip: "Sonstige".to_owned(),
        deleted: true,
        rank: 99,
    });
    // Items for the connector taxonomy's `automotive` and `other` verticals,
    // which no seeded company belongs to; without them a company classified
    // so would be written with some other vertical's id.
    for (id, name, tooltip) in [
        (27, "Automotive", "Automobilindustrie und Zulieferer"),
        (28, "Other", "Sonstige"),
    ] {
        verticals.push(ListItem {
            id,
            name: name.to_owned(),
            tooltip: tooltip.to_owned(),
            deleted: false,
            rank: id - 1,
        });
    }

    vec![
        simple(4, "Business", "business", &names::BUSINESSES),
        simple(5, "Category", "category", &names::CATEGORIES),
        simple(12, "Position", "perspos", &names::POSITIONS),
        ListDef {
            id: VERTICAL_LIST_ID,
            name: "Vertical".to_owned(),
            mdo_name: format!("udlist{VERTICAL_LIST_ID}"),
            is_custom: true,
            items: verticals,
        },
    ]
}

fn udfs() -> Vec<UdfDef> {
    let def = |field_id, prog, label: &str, owner, field_type, text_length, list_id| UdfDef {
        field_id,
        column_id: 1000 + field_id,
        prog_id: format!("SuperOffice:{prog}"),
        label: label.to_owned(),
        owner,
        field_type,
        text_length,
        list_id,
    };
    vec![
        def(
            1,
            1,
            "Summary",
            UdfOwner::Contact,
            UdfType::LongText,
            199,
            None,
        ),
        def(
            2,
            2,
            "Vertical",
            UdfOwner::Contact,
            UdfType::List,
            0,
            Some(VERTICAL_LIST_ID),
        ),
        def(
            3,
            3,
            "Opener",
            UdfOwner::Contact,
            UdfType::LongText,
            199,
            None,
        ),
        def(
            4,
            4,
            "Enriched by",
            UdfOwner::Contact,
            UdfType::ShortText,
            39,
            None,
        ),
        def(
            5,
            5,
            "Employees",
            UdfOwner::Contact,
            UdfType::Number,
            0,
            None,
        ),
        def(
            6,
            1,
            "Opener",
            UdfOwner::Person,
            UdfType::LongText,
            199,
            None,
        ),
        def(
            7,
            2,
            "LinkedIn",
            UdfOwner::Person,
            UdfType::ShortText,
            39,
            None,
        ),
    ]
}
