//! Builders shared by the test modules.

use std::sync::OnceLock;

use so_enrich::{Analysis, BuiltinAnalyzer, CompanyFacts, PersonFacts, Personaliser};

/// The analyzer with the embedded taxonomy, built once per test binary.
pub fn analyzer() -> &'static BuiltinAnalyzer {
    static ANALYZER: OnceLock<BuiltinAnalyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| BuiltinAnalyzer::with_defaults().expect("embedded taxonomy is valid"))
}

pub fn personaliser() -> Personaliser {
    analyzer().personaliser()
}

/// A company known by its name only.
pub fn company(name: &str) -> CompanyFacts {
    CompanyFacts {
        name: name.to_owned(),
        ..CompanyFacts::default()
    }
}

/// A company with a name, a city and a country.
pub fn company_in(name: &str, city: &str, country: &str) -> CompanyFacts {
    CompanyFacts {
        city: Some(city.to_owned()),
        country: Some(country.to_owned()),
        ..company(name)
    }
}

pub fn analyse(facts: &CompanyFacts) -> Analysis {
    analyzer()
        .analyse_now(facts)
        .expect("the builtin backend analyses any named company")
}

/// The key of the vertical the builtin backend picks, if any.
pub fn vertical_of(facts: &CompanyFacts) -> Option<String> {
    analyse(facts).vertical.map(|vertical| vertical.key)
}

pub fn person(title: Option<&str>, position: Option<&str>) -> PersonFacts {
    PersonFacts {
        first_name: "Anna".to_owned(),
        last_name: "Berger".to_owned(),
        title: title.map(str::to_owned),
        position: position.map(str::to_owned),
    }
}
