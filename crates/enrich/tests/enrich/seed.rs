//! The builtin analyzer against the sandbox's shipped seed: 222 companies,
//! each with the vertical its generated profile was written for. The seed
//! and `deploy/sandbox.env` (which maps verticals to the seed's list items)
//! live in this repository, so this reads them from the tree.
//!
//! The companies are classified from the facts the worker reads (name,
//! business, category, country, web address), without the CRM's recorded
//! vertical: this measures the classifier alone, and the floor below keeps
//! a taxonomy edit from quietly making it worse.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use so_enrich::{AnalyzerSettings, BuiltinAnalyzer, CompanyFacts};

/// The share of seed companies whose vertical must come out as their
/// profile says. Measured 2026-12-04: 188 of 220 (85.5 %). Most of the 32
/// misses are where the seed's list and the taxonomy cut differently: the
/// list has universities apart from schools, retail apart from
/// supermarkets, robot integrators, and "Automotive" for dealers. Raise
/// the floor when the taxonomy gets better, never lower it to pass.
const FLOOR: f64 = 0.85;

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The list item each seed profile's vertical belongs to, by the names of
/// the seed's list `udlist108`.
fn expected_item(profile: &str) -> Option<i32> {
    let item = match profile {
        "hospitals" => 1,
        "care_homes" => 2,
        "hotels" => 3,
        "retail" => 4,
        "supermarkets" => 5,
        "logistics" => 6,
        "manufacturing" => 7,
        "facility_services" => 8,
        "public_buildings" => 9,
        "schools" => 10,
        "universities" => 11,
        "airports" => 12,
        "rail" => 13,
        "restaurants" => 14,
        "real_estate" => 15,
        "fitness" => 16,
        "events" => 17,
        "culture" => 18,
        "food_production" => 20,
        "pharma" => 21,
        "data_centres" => 22,
        "parking" => 23,
        "cleaning_vendors" => 24,
        "robot_integrators" => 25,
        "automotive" => 27,
        _ => return None,
    };
    Some(item)
}

/// `SO__ANALYZER__LIST_ITEM_IDS__*` from the sandbox's settings file.
fn sandbox_list_item_ids() -> BTreeMap<String, i32> {
    let env = std::fs::read_to_string(repository().join("deploy/sandbox.env")).unwrap();
    env.lines()
        .filter_map(|line| line.strip_prefix("SO__ANALYZER__LIST_ITEM_IDS__"))
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, id)| (key.to_lowercase(), id.trim().parse().unwrap()))
        .collect()
}

/// The display name of item `id` of the seed list called `name`.
fn list_value(seed: &Value, list: &str, id: &Value) -> Option<String> {
    let list = seed["lists"]
        .as_array()?
        .iter()
        .find(|candidate| candidate["name"] == list)?;
    let item = list["items"]
        .as_array()?
        .iter()
        .find(|item| item["id"] == *id)?;
    item["name"].as_str().map(str::to_owned)
}

/// The facts the worker would build from a seed contact.
fn facts(seed: &Value, contact: &Value) -> CompanyFacts {
    let country = seed["countries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|country| country["id"] == contact["country_id"])
        .and_then(|country| country["name"].as_str())
        .map(str::to_owned);
    let urls: Vec<String> = contact["urls"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|url| url.as_str().map(str::to_owned))
        .collect();

    CompanyFacts {
        name: contact["name"].as_str().unwrap().to_owned(),
        business: list_value(seed, "Business", &contact["business_id"]),
        category: list_value(seed, "Category", &contact["category_id"]),
        country,
        web_address: urls.first().cloned(),
        domains: urls.iter().skip(1).cloned().collect(),
        ..CompanyFacts::default()
    }
}

#[test]
fn the_builtin_analyzer_agrees_with_the_seed_profiles() {
    let path = repository().join("crates/sandbox/seed/tenant.json");
    let seed: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let settings = AnalyzerSettings {
        list_item_ids: sandbox_list_item_ids(),
        ..AnalyzerSettings::default()
    };
    let analyzer = BuiltinAnalyzer::new(settings.taxonomy().unwrap(), settings.limits).unwrap();

    let mut judged = 0;
    let mut agreed = 0;
    let mut misses = Vec::new();
    for contact in seed["contacts"].as_array().unwrap() {
        let profile = contact["profile"]["vertical"].as_str().unwrap_or_default();
        let Some(expected) = expected_item(profile) else {
            continue;
        };
        let analysis = analyzer.analyse_now(&facts(&seed, contact)).unwrap();
        let got = analysis.vertical.as_ref().map(|v| v.list_item_id);

        judged += 1;
        if got == Some(expected) {
            agreed += 1;
        } else {
            misses.push(format!("{} ({profile}): {got:?}", contact["name"]));
        }
    }

    let share = f64::from(agreed) / f64::from(judged);
    println!(
        "seed agreement: {agreed} of {judged} ({:.1} %)",
        share * 100.0
    );
    for miss in &misses {
        println!("  miss: {miss}");
    }
    assert!(judged >= 200, "the seed lost its profiles: {judged}");
    assert!(share >= FLOOR, "{agreed} of {judged} below the floor");
}
