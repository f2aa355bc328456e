//! `spawn_app()`: the very application `main` runs, on a free port, with a
//! fresh store file, and a few ways to talk to it.

use std::path::PathBuf;

use secrecy::SecretString;
use serde_json::{json, Value};
use so_ingest::verify::sign;
use so_ingest::{Application, Settings};
use so_queue::{JobDetail, Store, StoreOptions};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub const TOKEN: &str = "test-token";
pub const SECRET: &str = "sandbox-shared-secret";
/// The connector's own API user in the tests' rules.
pub const OWN_ASSOCIATE: i64 = 17;

/// A running ingest and what a test needs to check on it.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// `http://127.0.0.1:<port>` of the admin listener, unless it is off.
    pub admin_address: Option<String>,
    /// The webhook URL without the token.
    pub webhook_url: String,
    pub client: reqwest::Client,
    /// A second handle on the same file, for assertions.
    pub store: Store,
    /// The application's own store handle.
    pub app_store: Store,
    pub db_path: PathBuf,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    /// Deleted when the test ends.
    _dir: tempfile::TempDir,
}

/// Settings for a test: port 0 (the admin listener too), one worker, a token and a secret, own
/// associate 17, a fresh file in `dir`.
pub fn test_settings(dir: &tempfile::TempDir) -> Settings {
    let mut settings = Settings::default();
    settings.ingest.listen = "127.0.0.1:0".into();
    settings.ingest.admin.listen = "127.0.0.1:0".into();
    settings.ingest.workers = 1;
    settings.ingest.shutdown_timeout_secs = 5;
    settings.ingest.webhook.token = Some(SecretString::from(TOKEN));
    settings.ingest.webhook.secret = Some(SecretString::from(SECRET));
    settings.store.path = dir.path().join("connector.sqlite");
    settings.rules.own_associate_ids = vec![OWN_ASSOCIATE];
    settings
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = test_settings(&dir);
    adjust(&mut settings);

    let application = Application::build(&settings).await.expect("the app starts");
    let address = format!("http://{}", application.address());
    let admin_address = application
        .admin_address()
        .map(|admin| format!("http://{admin}"));
    let app_store = application.store().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(application.run_until_stopped(async {
        let _ = stopped.await;
    }));

    let store = Store::open(&settings.store.path, StoreOptions::default())
        .await
        .unwrap();
    TestApp {
        webhook_url: format!("{address}{}", settings.ingest.webhook.path),
        address,
        admin_address,
        client: reqwest::Client::new(),
        store,
        app_store,
        db_path: settings.store.path.clone(),
        stop: Some(stop),
        server: Some(server),
        _dir: dir,
    }
}

impl TestApp {
    /// Posts `body` the way SuperOffice does: signed, with the token.
    pub async fn deliver(&self, body: &str) -> reqwest::Response {
        self.client
            .post(format!("{}?token={TOKEN}", self.webhook_url))
            .header("Content-Type", "application/json; charset=utf-8")
            .header("X-SuperOffice-Signature", sign(SECRET, body.as_bytes()))
            .body(body.to_owned())
            .send()
            .await
            .expect("the request is answered")
    }

    /// A POST to the webhook URL with nothing added.
    pub fn post(&self) -> reqwest::RequestBuilder {
        self.client.post(&self.webhook_url)
    }

    pub async fn is_stored(&self, event_id: &str) -> bool {
        self.store.delivery_exists(event_id).await.unwrap()
    }

    pub async fn job(&self, job_id: i64) -> JobDetail {
        self.store
            .job(job_id)
            .await
            .unwrap()
            .expect("the job exists")
    }

    /// Stops the server the way a signal does and waits until it is done.
    pub async fn stop(&mut self) -> std::io::Result<()> {
        let _ = self.stop.take().expect("not stopped yet").send(());
        self.server.take().unwrap().await.unwrap()
    }
}

/// A `contact.changed` body naming the watched field `name`, changed by
/// associate 23 (not us).
pub fn contact_changed(event_id: &str, contact_id: i64) -> String {
    webhook(
        event_id,
        "contact.changed",
        contact_id,
        &["name", "updated"],
        23,
    )
}

pub fn webhook(event_id: &str, event: &str, key: i64, changes: &[&str], by: i64) -> String {
    let entity = event.split('.').next().unwrap();
    json!({
        "EventId": event_id,
        "Timestamp": "2025-03-11T09:15:42.1234567Z",
        "Changes": changes,
        "Event": event,
        "PrimaryKey": key,
        "Entity": entity,
        "ContextIdentifier": "Cust12345",
        "ChangedByAssociateId": by,
        "WebhookName": "enrichment-connector"
    })
    .to_string()
}

pub fn new_event_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("the body is JSON")
}
