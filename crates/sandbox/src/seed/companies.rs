//! The invented companies of the seed: the two sellers sharing the tenant,
//! and their customers across the verticals.

use std::collections::{BTreeMap, HashSet};

use unicode_normalization::UnicodeNormalization;

use super::dice::Dice;
use super::names::{self, Land, Vertical, LANDS, VERTICALS};
use super::people::{ascii_slug, at_unix};
use crate::model::{Associate, CompanyProfile, Contact};

/// Our associates (the robot seller) and the other company's.
pub const OURS: [i32; 3] = [23, 24, 31];
const THEIRS: [i32; 6] = [40, 41, 42, 43, 44, 45];
/// The connector's API user: an associate without a person.
pub const API_USER: i32 = 17;

/// Unix seconds of 2019-01-01 and 2025-03-10, the span of seed dates.
const EARLIEST: i64 = 1_546_300_800;
const LATEST: i64 = 1_741_564_800;

/// The users of the tenant: ours, the other company's, and the API user.
pub fn associates() -> Vec<Associate> {
    let user = |id, name: &str, full: &str, person_id, domain: &str, group_idx| {
        let login = ascii_slug(full).replace('-', ".");
        Associate {
            id,
            name: name.to_owned(),
            full_name: full.to_owned(),
            person_id,
            user_name: format!("{login}@{domain}"),
            group_idx,
            kind: "InternalAssociate".to_owned(),
            deleted: false,
        }
    };
    let ours = "kraus-robotik.example";
    let theirs = "nordlys-fasilitet.example";
    vec![
        user(API_USER, "API", "Enrichment Connector", 0, ours, 2),
        user(23, "RKAB", "Rita Kabus", 1, ours, 2),
        user(24, "JMUE", "Jonas Müller", 2, ours, 2),
        user(31, "SFRI", "Sophie Fritsch", 3, ours, 2),
        user(40, "OHAG", "Ola Hagen", 4, theirs, 5),
        user(41, "KNOR", "Kari Nordby", 5, theirs, 5),
        user(42, "PBER", "Per Berg", 6, theirs, 5),
        user(43, "LAND", "Lina Andersen", 7, theirs, 5),
        user(44, "MJOH", "Magnus Johansen", 8, theirs, 5),
        user(45, "SLUN", "Siri Lund", 9, theirs, 5),
    ]
}

/// The two companies whose staff are the associates (contacts 1 and 2).
pub fn sellers() -> Vec<Contact> {
    let seller = |id, name: &str, slug: &str, owner, country_id, city: &str| Contact {
        id,
        name: name.to_owned(),
        department: String::new(),
        org_nr: String::new(),
        number1: String::new(),
        number2: String::new(),
        associate_id: owner,
        business_id: 13,
        category_id: 4,
        country_id,
        city: city.to_owned(),
        urls: vec![format!("https://www.{slug}.example")],
        emails: vec![format!("info@{slug}.example")],
        phones: Vec::new(),
        description: String::new(),
        created: at_unix(EARLIEST),
        created_by: owner,
        updated: None,
        updated_by: 0,
        updated_count: 0,
        deleted_date: None,
        udfs: BTreeMap::new(),
        slug: slug.to_owned(),
        profile: None,
    };
    vec![
        seller(
            1,
            "Servicerobotik Kraus GmbH",
            "kraus-robotik",
            23,
            276,
            "München",
        ),
        seller(
            2,
            "Nordlys Fasilitet AS",
            "nordlys-fasilitet",
            40,
            578,
            "Oslo",
        ),
    ]
}

/// One customer company; `index` spreads the verticals evenly.
pub fn company(dice: &mut Dice, id: i32, index: usize, taken: &mut HashSet<String>) -> Contact {
    let vertical = &VERTICALS[index % VERTICALS.len()];
    let vertical_id = (index % VERTICALS.len()) as i32 + 1;
    let land = pick_land(dice);
    let town = *dice.pick(land.towns);
    let (name, slug) = unique_name(dice, vertical, land, town, taken);

    // Ours mostly sell in German-speaking countries, the other company elsewhere.
    let ours = dice.chance(if land.german { 75 } else { 25 });
    let owner = if ours {
        *dice.pick(&OURS)
    } else {
        *dice.pick(&THEIRS)
    };
    // Vendors of cleaning machines are competitors, robot integrators partners.
    let category_id = match (vertical.vendor, vertical.key) {
        (true, "cleaning_vendors") => 5,
        (true, _) => 4,
        (false, _) => *dice.pick(&[1, 2, 2, 2, 3, 3]),
    };

    let created = EARLIEST + dice.below(2_000) as i64 * 86_400 + dice.below(36_000) as i64;
    let updated = (!dice.chance(15))
        .then(|| created + dice.below(((LATEST - created) / 60) as usize) as i64 * 60);
    let deleted = updated.filter(|_| dice.chance(2));
    let profile = profile(dice, vertical, &name, town, land);

    let mut udfs = BTreeMap::new();
    if dice.chance(12) {
        udfs.insert("SuperOffice:2".to_owned(), vertical_id.to_string());
    }
    udfs.insert("SuperOffice:5".to_owned(), profile.employees.to_string());

    Contact {
        id,
        name,
        department: String::new(),
        org_nr: org_nr(dice, land),
        number1: (10_000 + id).to_string(),
        number2: String::new(),
        associate_id: owner,
        business_id: vertical.business,
        category_id,
        country_id: land.id,
        city: town.to_owned(),
        urls: if dice.chance(92) {
            vec![format!("https://www.{slug}.example")]
        } else {
            vec![]
        },
        emails: vec![format!("info@{slug}.example")],
        phones: vec![format!(
            "+{} {} {}",
            land.dial,
            dice.digits(3),
            dice.digits(6)
        )],
        description: String::new(),
        created: at_unix(created),
        created_by: owner,
        updated: updated.map(at_unix),
        updated_by: if updated.is_some() { owner } else { 0 },
        updated_count: if updated.is_some() {
            1 + dice.below(12) as i32
        } else {
            0
        },
        deleted_date: deleted.map(at_unix),
        udfs,
        slug,
        profile: Some(profile),
    }
}

/// German-speaking countries weigh most: DE 40 %, AT 15 %, CH 15 %.
fn pick_land(dice: &mut Dice) -> &'static Land {
    match dice.below(100) {
        0..=39 => &LANDS[0],
        40..=54 => &LANDS[1],
        55..=69 => &LANDS[2],
        _ => &LANDS[3 + dice.below(LANDS.len() - 3)],
    }
}

/// A name not used yet, with a legal form; a few are stored decomposed (NFD)
/// because real CRM data holds both forms.
fn unique_name(
    dice: &mut Dice,
    vertical: &Vertical,
    land: &Land,
    town: &str,
    taken: &mut HashSet<String>,
) -> (String, String) {
    let families: &[&str] = if land.german {
        &names::GERMAN_FAMILIES
    } else {
        &names::OTHER_FAMILIES
    };
    for attempt in 0.. {
        // German patterns read oddly abroad; there, names are "Place Noun"
        // or "Family Noun".
        let pattern = if land.german {
            (*dice.pick(vertical.patterns)).to_owned()
        } else {
            let who = if dice.chance(50) {
                "{place}"
            } else {
                "{family}"
            };
            format!("{who} {}", vertical.noun)
        };
        let family = *dice.pick(families);
        let saint = *dice.pick(&names::SAINTS);
        let mut base = pattern
            .replace("{place}", town)
            .replace("{family}", family)
            .replace("{saint}", saint);
        if attempt > 5 {
            base = format!("{base} {}", attempt - 4);
        }
        let slug = ascii_slug(&base);
        if taken.insert(slug.clone()) {
            let name = format!("{base} {}", dice.pick(land.forms));
            let name = if dice.chance(6) {
                name.nfd().collect()
            } else {
                name
            };
            return (name, slug);
        }
    }
    unreachable!("the loop only ends by returning")
}

fn org_nr(dice: &mut Dice, land: &Land) -> String {
    match land.iso2 {
        "DE" => format!("DE{}", dice.digits(9)),
        "AT" => format!("ATU{}", dice.digits(8)),
        "CH" => format!(
            "CHE-{}.{}.{}",
            dice.digits(3),
            dice.digits(3),
            dice.digits(3)
        ),
        "NO" => format!("9{}", dice.digits(8)),
        "SE" => format!("556{}-{}", dice.digits(3), dice.digits(4)),
        "NL" => format!("NL{}B01", dice.digits(9)),
        "BE" => format!("0{}.{}.{}", dice.digits(3), dice.digits(3), dice.digits(3)),
        "FR" => format!("FR{} {}", dice.digits(2), dice.digits(9)),
        "ES" => format!("B{}", dice.digits(8)),
        "IT" => format!("IT{}", dice.digits(11)),
        _ => dice.digits(10),
    }
}

fn profile(
    dice: &mut Dice,
    vertical: &Vertical,
    name: &str,
    town: &str,
    land: &Land,
) -> CompanyProfile {
    let employees = [25, 60, 140, 320, 800, 2_400][dice.below(6)] + dice.below(40) as u32;
    let sites = 1 + dice.below(if employees > 500 { 40 } else { 6 }) as u32;
    let floor_space_m2 = (employees * (20 + dice.below(60) as u32)).div_ceil(100) * 100;
    let founded = 1890 + dice.below(130);
    let about = format!(
        "{} {}. Founded in {founded}, it employs about {employees} people at {sites} \
         site(s) around {town}, {}, on roughly {floor_space_m2} m² of floor space.",
        name.nfc().collect::<String>(),
        vertical.about,
        land.name,
    );
    CompanyProfile {
        vertical: vertical.key.to_owned(),
        about,
        employees,
        sites,
        floor_space_m2,
    }
}
