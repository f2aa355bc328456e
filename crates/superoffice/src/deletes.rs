//! Deleting contacts and persons: `DELETE Contact/{id}`, `DELETE Person/{id}`.
//!
//! The connector itself never deletes anything. These exist for `soctl
//! cleanup-test-data`, which removes what test runs created.

use reqwest::Method;

use crate::call::{Call, Target};
use crate::{Client, Result};

impl Client {
    /// `DELETE Contact/{id}`. A contact that is already gone is
    /// [`crate::Error::NotFound`].
    pub async fn delete_contact(&self, id: i64) -> Result<()> {
        self.delete("Contact", id, "Contact/{id}").await
    }

    /// `DELETE Person/{id}`.
    pub async fn delete_person(&self, id: i64) -> Result<()> {
        self.delete("Person", id, "Person/{id}").await
    }

    async fn delete(&self, resource: &str, id: i64, endpoint: &'static str) -> Result<()> {
        let call = Call {
            method: Method::DELETE,
            target: Target::api(resource).segment(id),
            body: None,
            endpoint,
        };
        self.send(call).await.map(|_| ())
    }
}
