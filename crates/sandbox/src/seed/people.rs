//! The invented persons of the seed, and the text helpers they share with
//! the companies.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;

use super::dice::Dice;
use super::names::{self, Land, LANDS};
use crate::dates::Timestamp;
use crate::model::{Contact, Person};

/// The persons of the two sellers: one per associate (ids 1–9).
pub fn seller_staff() -> Vec<Person> {
    let staff = [
        (1, 1, "Rita", "Kabus", "Frau", "Key Account Manager"),
        (2, 1, "Jonas", "Müller", "Herr", "Sales Manager DACH"),
        (3, 1, "Sophie", "Fritsch", "Frau", "Inside Sales"),
        (4, 2, "Ola", "Hagen", "Mr.", "Salgssjef"),
        (5, 2, "Kari", "Nordby", "Ms.", "Key Account Manager"),
        (6, 2, "Per", "Berg", "Mr.", "Account Manager"),
        (7, 2, "Lina", "Andersen", "Ms.", "Account Manager"),
        (8, 2, "Magnus", "Johansen", "Mr.", "Inside Sales"),
        (9, 2, "Siri", "Lund", "Ms.", "Service Coordinator"),
    ];
    staff
        .into_iter()
        .map(|(id, contact_id, first, last, mrmrs, title)| Person {
            id,
            contact_id,
            first_name: first.to_owned(),
            middle_name: String::new(),
            last_name: last.to_owned(),
            mrmrs: mrmrs.to_owned(),
            title: title.to_owned(),
            position_id: 4,
            emails: Vec::new(),
            phones: Vec::new(),
            mobile_phones: Vec::new(),
            retired: false,
            description: String::new(),
            created: at_unix(1_546_300_800),
            created_by: 23,
            updated: None,
            updated_by: 0,
            updated_count: 0,
            deleted_date: None,
            udfs: BTreeMap::new(),
        })
        .collect()
}

/// One to four persons working for `contact`, ids from `first_id`.
pub fn staff(dice: &mut Dice, contact: &Contact, first_id: i32) -> Vec<Person> {
    let land = LANDS
        .iter()
        .find(|land| land.id == contact.country_id)
        .unwrap_or(&LANDS[0]);
    let count = 1 + dice.below(4);
    (0..count)
        .map(|n| {
            let mut person = person(dice, first_id + n as i32, contact.id, &contact.slug, land);
            person.created = later(dice, contact.created);
            person.created_by = contact.created_by;
            person
        })
        .collect()
}

/// One person; `slug` is the employer's web slug (empty for none).
pub fn person(dice: &mut Dice, id: i32, contact_id: i32, slug: &str, land: &Land) -> Person {
    let (given, families): (&[&str], &[&str]) = if land.german {
        (&names::GERMAN_GIVEN, &names::GERMAN_FAMILIES)
    } else {
        (&names::OTHER_GIVEN, &names::OTHER_FAMILIES)
    };
    let given_index = dice.below(given.len());
    let first = given[given_index];
    let last = *dice.pick(families);

    // Both given-name lists hold men in the first half, women in the second.
    let woman = given_index >= given.len() / 2;
    let mrmrs = match (land.german, woman) {
        (true, true) => "Frau",
        (true, false) => "Herr",
        (false, true) => "Ms.",
        (false, false) => "Mr.",
    };
    let (title, position_id) = *dice.pick(&names::TITLES);
    let domain = if slug.is_empty() {
        "mail".to_owned()
    } else {
        slug.to_owned()
    };
    let email = format!(
        "{}.{}@{domain}.example",
        ascii_slug(first),
        ascii_slug(last)
    );
    let updated = dice.chance(70).then(|| later(dice, at_unix(1_700_000_000)));

    Person {
        id,
        contact_id,
        first_name: first.to_owned(),
        middle_name: String::new(),
        last_name: last.to_owned(),
        mrmrs: mrmrs.to_owned(),
        title: title.to_owned(),
        position_id,
        emails: vec![email],
        phones: vec![format!(
            "+{} {} {}",
            land.dial,
            dice.digits(3),
            dice.digits(5)
        )],
        mobile_phones: Vec::new(),
        retired: dice.chance(5),
        description: String::new(),
        created: at_unix(1_546_300_800),
        created_by: 23,
        updated,
        updated_by: if updated.is_some() { 23 } else { 0 },
        updated_count: if updated.is_some() { 1 } else { 0 },
        deleted_date: None,
        udfs: BTreeMap::new(),
    }
}

/// A time up to about a year after `at`.
fn later(dice: &mut Dice, at: Timestamp) -> Timestamp {
    let offset = std::time::Duration::from_secs(dice.below(360 * 86_400) as u64);
    Timestamp::from_system_time(at.system_time() + offset)
}

/// A UTC time given as Unix seconds.
pub fn at_unix(seconds: i64) -> Timestamp {
    let at = std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds as u64);
    Timestamp::from_system_time(at)
}

/// Lowercase ASCII with dashes: `Müller Groß` → `mueller-gross`. Works on
/// decomposed input too (combining marks are dropped after folding umlauts).
pub fn ascii_slug(text: &str) -> String {
    let composed: String = text.nfc().collect::<String>().to_lowercase();
    let mut folded = String::new();
    for c in composed.chars() {
        match c {
            'ä' | 'æ' => folded.push_str("ae"),
            'ö' | 'ø' => folded.push_str("oe"),
            'ü' => folded.push_str("ue"),
            'ß' => folded.push_str("ss"),
            'å' => folded.push_str("aa"),
            'ł' => folded.push('l'),
            '&' => folded.push_str(" und "),
            other => folded.extend(other.to_string().nfd().filter(char::is_ascii)),
        }
    }

    let mut slug = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}
