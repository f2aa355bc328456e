//! Step 1: fetch the entity, and the facts that end a job right there.
//!
//! Webhooks carry ids only, and they may arrive late, twice or out of
//! order; the entity as SuperOffice holds it *now* is the only truth the
//! job works from. A 404 is an error the retry policy turns into a skip
//! (`entity_deleted`); a soft-deleted contact (`Deleted != 0`) is skipped
//! the same way here.
//!
//! A soft-deleted *person* is not recognised: the documented person entity
//! has no `Deleted` field, so the client does not read one. Its opener is
//! written like any other person's, which is harmless (the record goes away
//! with the hard delete); worth revisiting if SuperOffice turns out to send
//! the flag on persons too.

use so_rules::ReasonCode;
use so_superoffice::{Client, Contact, Person};

use crate::errors::JobError;
use crate::outcome::{Outcome, PERSON_WITHOUT_CONTACT};

/// `GET Contact/{id}`.
pub async fn contact(client: &Client, id: i64) -> Result<Contact, JobError> {
    Ok(client.get_contact(id).await?)
}

/// `GET Person/{id}`.
pub async fn person(client: &Client, id: i64) -> Result<Person, JobError> {
    Ok(client.get_person(id).await?)
}

/// The skip for a soft-deleted contact: deleted in the CRM, hard-deleted
/// about two weeks later. Nothing should be written into it.
pub fn deleted(contact: &Contact) -> Option<Outcome> {
    contact.deleted.then(|| {
        Outcome::skip(
            ReasonCode::EntityDeleted,
            format!(
                "contact {} is deleted in SuperOffice (Deleted != 0); nothing to enrich",
                contact.id
            ),
        )
    })
}

/// The company of a person, or the skip for a person without one: there
/// is no account whose owner could be judged or which could be analysed.
pub fn company_of(person: &Person) -> Result<i64, Outcome> {
    person.contact_id().ok_or_else(|| Outcome::Skipped {
        rule: PERSON_WITHOUT_CONTACT,
        reason: format!(
            "person {} belongs to no company; openers are written for persons of companies",
            person.id
        ),
    })
}
