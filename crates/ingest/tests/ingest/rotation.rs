//! Rotating the webhook secret: the previous secret is accepted beside the
//! new one until the operator removes it.

use secrecy::SecretString;
use so_ingest::settings::InvalidSettings;
use so_ingest::verify::sign;

use crate::helpers::*;

const NEW_SECRET: &str = "the-rotated-secret";

#[tokio::test]
async fn deliveries_signed_with_the_previous_or_the_new_secret_are_both_stored() {
    let app = spawn_app_with(|settings| {
        settings.ingest.webhook.secret = Some(SecretString::from(NEW_SECRET));
        settings.ingest.webhook.previous_secret = Some(SecretString::from(SECRET));
    })
    .await;
    let (old_event, new_event, forged_event) = (new_event_id(), new_event_id(), new_event_id());

    let signed = |event_id: &str, secret: &str| {
        let body = contact_changed(event_id, 4711);
        let signature = sign(secret, body.as_bytes());
        app.client
            .post(format!("{}?token={TOKEN}", app.webhook_url))
            .header("Content-Type", "application/json")
            .header("X-SuperOffice-Signature", signature)
            .body(body)
    };
    let old = signed(&old_event, SECRET).send().await.unwrap();
    let new = signed(&new_event, NEW_SECRET).send().await.unwrap();
    let forged = signed(&forged_event, "neither").send().await.unwrap();

    assert_eq!(old.status(), 200);
    assert_eq!(new.status(), 200);
    assert_eq!(forged.status(), 401);
    assert!(app.is_stored(&old_event).await);
    assert!(app.is_stored(&new_event).await);
    assert!(!app.is_stored(&forged_event).await);
}

#[test]
fn a_previous_secret_without_a_current_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir);
    settings.ingest.webhook.secret = None;
    settings.ingest.webhook.previous_secret = Some(SecretString::from(SECRET));

    let refused = settings.validate();

    let problems = refused.expect_err("refused");
    assert!(
        matches!(problems.list(), [InvalidSettings::PreviousSecretAlone]),
        "{problems:?}"
    );
}
