//! The convention for records that test runs create: their names start
//! with [`TEST_MARKER`], so `soctl cleanup-test-data` (whose default marker
//! is the same) can find and remove them, and nothing else, afterwards.

use crate::handle::TenantHandle;
use crate::model::{Contact, Person};
use crate::respond::ApiError;

/// The name prefix of records made by tests: `[TEST] Muster GmbH`.
pub const TEST_MARKER: &str = "[TEST]";

/// `name` with the marker in front, unless it already starts with it.
pub fn marked(name: &str) -> String {
    if name.starts_with(TEST_MARKER) {
        name.to_owned()
    } else {
        format!("{TEST_MARKER} {name}")
    }
}

impl TenantHandle {
    /// Creates a company named `[TEST] {name}` owned by `owner`, as `owner`;
    /// emits `contact.created`.
    pub fn create_test_contact(&self, name: &str, owner: i32) -> Result<Contact, ApiError> {
        self.create_contact(Contact::new(&marked(name), owner), owner)
    }

    /// Creates a person whose last name is `[TEST] {last_name}` at
    /// `contact_id`, as `by`; emits `person.created`.
    pub fn create_test_person(
        &self,
        contact_id: i32,
        first_name: &str,
        last_name: &str,
        by: i32,
    ) -> Result<Person, ApiError> {
        self.create_person(Person::new(contact_id, first_name, &marked(last_name)), by)
    }
}
