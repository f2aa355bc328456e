//! The seeded records the demo's scenes act on, picked from the sandbox's
//! shipped seed by owner.

use super::sandbox::{Admin, SeedContact, SeedPerson};
use super::specs::{OUR_OWNERS, THEIR_OWNERS};
use crate::exit::{fail, Code};

/// Seeded contacts and persons looked at when casting the demo.
const CONTACT_IDS: std::ops::Range<i64> = 1001..1061;
const PERSON_IDS: std::ops::Range<i64> = 5001..5101;
/// Companies of ours the scenes act on (`traffic.rs` indexes up to 10).
const OURS_NEEDED: usize = 11;

/// The seeded records the scenes act on.
#[derive(Debug)]
pub struct Cast {
    /// Companies of ours (owners 23, 24, 31), lowest id first.
    pub ours: Vec<SeedContact>,
    /// Companies of the other seller on the tenant.
    pub theirs: Vec<SeedContact>,
    /// Persons at companies of ours.
    pub our_persons: Vec<SeedPerson>,
    /// Persons at the other seller's companies.
    pub their_persons: Vec<SeedPerson>,
}

impl Cast {
    /// Picks seeded companies and persons of both sellers.
    pub async fn find(admin: &Admin) -> anyhow::Result<Cast> {
        let mut ours = Vec::new();
        let mut theirs = Vec::new();
        for id in CONTACT_IDS {
            let Some(contact) = admin.contact(id).await? else {
                continue;
            };
            if OUR_OWNERS.contains(&contact.associate_id) {
                ours.push(contact);
            } else if THEIR_OWNERS.contains(&contact.associate_id) {
                theirs.push(contact);
            }
        }

        let mut our_persons = Vec::new();
        let mut their_persons = Vec::new();
        for id in PERSON_IDS {
            let Some(person) = admin.person(id).await? else {
                continue;
            };
            if ours.iter().any(|c| c.id == person.contact_id) {
                our_persons.push(person);
            } else if theirs.iter().any(|c| c.id == person.contact_id) {
                their_persons.push(person);
            }
        }

        let cast = Cast {
            ours,
            theirs,
            our_persons,
            their_persons,
        };
        if cast.ours.len() < OURS_NEEDED || cast.theirs.len() < 2 || cast.our_persons.len() < 2 {
            return Err(fail(
                Code::Failure,
                "the sandbox's seed has too few companies and persons for the demo \
                 (it needs the shipped seed)",
            ));
        }
        Ok(cast)
    }
}
