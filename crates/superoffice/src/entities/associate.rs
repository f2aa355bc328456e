//! Associates (users) and the current principal.

use serde::Deserialize;

/// An associate carrier: the owner of a contact (`Contact.Associate`), the
/// last editor (`UpdatedBy`), or the answer of `Agents/Associate/GetAssociate`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Associate {
    /// `AssociateId`.
    #[serde(rename = "associateid", deserialize_with = "crate::lenient::i64")]
    pub id: i64,
    /// `Name`: the short name (initials or login, e.g. `RKAB`), the one owner
    /// rules match on.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    /// `FullName`, for display.
    #[serde(rename = "fullname", deserialize_with = "crate::lenient::string")]
    pub full_name: String,
    /// `PersonId` of the associate's person card; 0 when it has none.
    #[serde(rename = "personid", deserialize_with = "crate::lenient::i64")]
    pub person_id: i64,
    /// `Type`: `InternalAssociate`, `SystemAssociate`, ...
    #[serde(rename = "type", deserialize_with = "crate::lenient::string")]
    pub kind: String,
    /// The associate was deleted (a retired user).
    #[serde(deserialize_with = "crate::lenient::bool")]
    pub deleted: bool,
}

/// Who the API user is, from `GET User/currentPrincipal`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Principal {
    /// `AssociateId`: the id that webhooks name as `ChangedByAssociateId`
    /// when the connector writes.
    #[serde(rename = "associateid", deserialize_with = "crate::lenient::i64")]
    pub associate_id: i64,
    /// `Associate`: the login name.
    #[serde(rename = "associate", deserialize_with = "crate::lenient::string")]
    pub associate_name: String,
    /// `FullName`.
    #[serde(rename = "fullname", deserialize_with = "crate::lenient::string")]
    pub full_name: String,
    /// `PersonId`; 0 when the user has no person card.
    #[serde(rename = "personid", deserialize_with = "crate::lenient::i64")]
    pub person_id: i64,
    /// `DatabaseContextIdentifier`, the tenant (`Cust12345`).
    #[serde(
        rename = "databasecontextidentifier",
        deserialize_with = "crate::lenient::string"
    )]
    pub context_identifier: String,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::keys::from_value;

    #[test]
    fn associate_carrier_reads_the_documented_shape() {
        let associate: Associate = from_value(
            json!({"AssociateId": 23, "Name": "KN", "PersonId": 8, "Rank": 3,
                   "Type": "InternalAssociate", "FullName": "Kari Nordmann",
                   "Deleted": false, "UserName": null}),
            "associate",
        )
        .unwrap();
        assert_eq!(associate.id, 23);
        assert_eq!(associate.name, "KN");
        assert_eq!(associate.full_name, "Kari Nordmann");
        assert_eq!(associate.kind, "InternalAssociate");
    }

    #[test]
    fn principal_reads_camel_case_too() {
        let principal: Principal = from_value(
            json!({"associateId": "17", "associate": "API", "isPerson": false}),
            "principal",
        )
        .unwrap();
        assert_eq!(principal.associate_id, 17);
        assert_eq!(principal.associate_name, "API");
    }
}
