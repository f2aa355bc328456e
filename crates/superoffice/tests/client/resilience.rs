//! Misbehaving tenants: throttling, failing records, outages, moves.

use std::time::Duration;

use so_sandbox::{RetryAfter, TenantState};
use so_superoffice::Error;

use crate::harness::{client_for, requests_to, statuses_of, tenant, test_options};

#[tokio::test]
async fn a_short_retry_after_is_waited_out_in_place() {
    let tenant = tenant().await;
    tenant.client.get_contact(1).await.expect("warm-up");
    tenant
        .sandbox
        .faults()
        .throttle(1, Some(RetryAfter::Seconds(1)));

    let contact = tenant
        .client
        .get_contact(1)
        .await
        .expect("read after the wait");

    assert_eq!(contact.id, 1);
    assert_eq!(
        statuses_of(&tenant.sandbox, "/v1/Contact/1"),
        [200, 429, 200]
    );
}

#[tokio::test]
async fn a_long_retry_after_surfaces_as_rate_limited_with_the_wait() {
    let tenant = tenant().await;
    tenant.client.get_contact(1).await.expect("warm-up");

    tenant
        .sandbox
        .faults()
        .throttle(1, Some(RetryAfter::Seconds(30)));
    let error = tenant.client.get_contact(1).await.expect_err("throttled");
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(30)));
    assert!(error.is_retryable());

    tenant
        .sandbox
        .faults()
        .throttle(1, Some(RetryAfter::DateIn(120)));
    let error = tenant.client.get_contact(1).await.expect_err("throttled");
    let wait = error.retry_after().expect("a wait from the date");
    assert!(
        wait > Duration::from_secs(100) && wait <= Duration::from_secs(120),
        "{wait:?}"
    );
}

#[tokio::test]
async fn a_429_without_retry_after_surfaces_without_a_wait() {
    let tenant = tenant().await;
    tenant.sandbox.faults().throttle(1, None);

    let error = tenant.client.get_contact(1).await.expect_err("throttled");

    assert!(
        matches!(error, Error::RateLimited { retry_after: None }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_500_on_one_record_does_not_poison_others() {
    let tenant = tenant().await;
    tenant.sandbox.faults().fail_contact(2, true);

    let failed = tenant
        .client
        .get_contact(2)
        .await
        .expect_err("contact 2 fails");
    let healthy = tenant.client.get_contact(1).await.expect("contact 1 reads");
    let also_healthy = tenant
        .client
        .get_contact(1001)
        .await
        .expect("contact 1001 reads");

    assert!(
        matches!(failed, Error::Server { status: 500, .. }),
        "{failed:?}"
    );
    assert!(failed.is_retryable());
    assert_eq!((healthy.id, also_healthy.id), (1, 1001));
}

#[tokio::test]
async fn a_503_carries_its_retry_after() {
    let tenant = tenant().await;
    tenant.client.get_contact(1).await.expect("warm-up");
    tenant
        .sandbox
        .faults()
        .unavailable(1, Some(RetryAfter::Seconds(90)));

    let error = tenant.client.get_contact(1).await.expect_err("unavailable");

    assert!(matches!(error, Error::Unavailable { .. }), "{error:?}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(90)));
}

#[tokio::test]
async fn tenant_move_is_followed_after_a_421() {
    let tenant = tenant().await;
    tenant
        .client
        .get_contact(1)
        .await
        .expect("read on the first host");
    let status_reads = requests_to(&tenant.sandbox, "/api/state/Cust12345");

    let moved_to = tenant.sandbox.faults().move_tenant();
    let contact = tenant
        .client
        .get_contact(1)
        .await
        .expect("read after the move");

    assert_eq!(contact.id, 1);
    assert_eq!(
        requests_to(&tenant.sandbox, "/api/state/Cust12345"),
        status_reads + 1
    );
    let last = tenant.sandbox.requests().pop().expect("logged");
    assert!(
        last.path.starts_with(moved_to.path()),
        "{} under {moved_to}",
        last.path
    );
    assert_eq!(
        statuses_of(&tenant.sandbox, "/v1/Contact/1"),
        [200, 421, 200]
    );
}

#[tokio::test]
async fn a_tenant_that_is_not_running_is_unavailable_for_now() {
    let tenant = tenant().await;
    tenant
        .sandbox
        .faults()
        .set_tenant_state(TenantState::Suspended);

    let error = tenant.client.get_contact(1).await.expect_err("not running");

    assert!(matches!(error, Error::Unavailable { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(error.retry_after().is_some());
}

#[tokio::test]
async fn a_request_that_outlives_its_timeout_is_a_retryable_transport_error() {
    let tenant = tenant().await;
    let options = test_options();
    let impatient = so_superoffice::ClientOptions {
        request_timeout: Duration::from_millis(200),
        ..options
    };
    let client = client_for(&tenant.sandbox, impatient);
    client
        .get_contact(1)
        .await
        .expect("warm-up: endpoint and token at hand");
    tenant
        .sandbox
        .faults()
        .set_delay(Some(Duration::from_secs(2)));

    let error = client.get_contact(1).await.expect_err("timed out");

    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_retryable());
}
