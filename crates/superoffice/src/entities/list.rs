//! Items of a list, `GET List/{name}/Items`.

use serde::Deserialize;

/// One item of a list (built-in such as `Category`, or user-defined).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ListItem {
    /// `Id`: the value a list UDF stores.
    #[serde(deserialize_with = "crate::lenient::i64")]
    pub id: i64,
    /// `Name`, translated per `Accept-Language`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    /// `Tooltip`.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub tooltip: String,
    /// `Deleted`: hidden from users but still stored on old records.
    #[serde(deserialize_with = "crate::lenient::bool")]
    pub deleted: bool,
    /// `Rank`: sort order.
    #[serde(deserialize_with = "crate::lenient::i64")]
    pub rank: i64,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::keys::from_value;

    #[test]
    fn list_items_read_in_any_key_case() {
        let items: Vec<ListItem> = from_value(
            json!([{"Id": 7, "Name": "Hotels", "Deleted": false, "UdListDefinitionId": 108,
                    "Rank": 2},
                   {"id": "8", "name": "Retail", "deleted": 0}]),
            "list items",
        )
        .unwrap();
        assert_eq!(items[0].name, "Hotels");
        assert_eq!((items[1].id, items[1].deleted), (8, false));
    }
}
