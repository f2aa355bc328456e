//! OData paging: following nextLink, falling back to `$skip`, and not
//! looping on a link that repeats itself.

use futures::{StreamExt, TryStreamExt};
use so_sandbox::{NextLinkMode, ODataKeyCase, SandboxConfig};
use so_superoffice::{ArchiveQuery, ArchiveRow};

use crate::harness::{tenant, tenant_with, TestTenant};

/// Reads every contact id through the archive, 50 a page.
async fn all_contact_rows(tenant: &TestTenant) -> Vec<ArchiveRow> {
    let query = ArchiveQuery::contacts()
        .select(["contactId", "name"])
        .top(50);
    tenant
        .client
        .archive(query)
        .try_collect()
        .await
        .expect("the archive reads")
}

fn archive_pages(tenant: &TestTenant) -> usize {
    tenant
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/v1/Contact"))
        .count()
}

fn assert_every_contact_once(tenant: &TestTenant, rows: &[ArchiveRow]) {
    let expected: Vec<i64> = tenant
        .sandbox
        .tenant()
        .contacts()
        .iter()
        .map(|c| c.id.into())
        .collect();
    let read: Vec<i64> = rows.iter().map(|row| row.primary_key).collect();
    assert!(
        expected.len() > 150,
        "the seed spans more than three pages of 50"
    );
    assert_eq!(read, expected);
}

#[tokio::test]
async fn paging_follows_next_link_across_many_pages() {
    // Pages of 20 while the client asks for 50: only by following the
    // server's links does the client see past the first, short page.
    let config = SandboxConfig {
        page_size_max: 20,
        ..SandboxConfig::default()
    };
    let tenant = tenant_with(config).await;
    tenant
        .sandbox
        .faults()
        .set_next_link(NextLinkMode::Absolute);

    let rows = all_contact_rows(&tenant).await;

    assert_every_contact_once(&tenant, &rows);
    assert!(archive_pages(&tenant) > 3);
}

#[tokio::test]
async fn paging_falls_back_to_skip_when_next_link_is_null() {
    let tenant = tenant().await;
    tenant.sandbox.faults().set_next_link(NextLinkMode::Null);

    let rows = all_contact_rows(&tenant).await;

    assert_every_contact_once(&tenant, &rows);
    assert!(archive_pages(&tenant) > 3);
}

#[tokio::test]
async fn a_repeating_next_link_does_not_trap_the_pager() {
    let tenant = tenant().await;
    tenant.sandbox.faults().set_next_link(NextLinkMode::Repeat);

    let rows = all_contact_rows(&tenant).await;

    assert_every_contact_once(&tenant, &rows);
}

#[tokio::test]
async fn every_page_request_names_top_skip_and_order() {
    let tenant = tenant().await;
    tenant.sandbox.faults().set_next_link(NextLinkMode::Null);

    all_contact_rows(&tenant).await;

    for request in tenant
        .sandbox
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/v1/Contact"))
    {
        let query: Vec<(String, String)> = url::form_urlencoded::parse(request.query.as_bytes())
            .into_owned()
            .collect();
        let names: Vec<&str> = query.iter().map(|(name, _)| name.as_str()).collect();
        for wanted in ["$top", "$skip", "$orderBy"] {
            assert!(
                names.contains(&wanted),
                "{wanted} missing from {}",
                request.query
            );
        }
    }
}

#[tokio::test]
async fn columns_read_in_any_key_case_and_ids_as_strings() {
    let tenant = tenant().await;
    tenant
        .sandbox
        .faults()
        .set_odata_key_case(ODataKeyCase::Alternating);
    tenant.sandbox.faults().set_slim_ids_as_strings(true);

    let query = ArchiveQuery::contacts()
        .select(["contactId", "name"])
        .top(10);
    let rows: Vec<ArchiveRow> = tenant
        .client
        .archive(query)
        .take(25)
        .try_collect()
        .await
        .expect("the archive reads");

    assert_eq!(rows.len(), 25);
    for row in rows {
        assert_eq!(row.int("contactId"), Some(row.primary_key));
        assert!(row.text("name").is_some_and(|name| !name.is_empty()));
    }
}
