//! Starting a tenant, getting a token, receiving webhooks.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use so_sandbox::{RunningSandbox, SandboxConfig, WebhookTarget};
use url::Url;

/// The shared secret of the documented signature test vector.
pub const SECRET: &str = "sandbox-shared-secret";

/// A running tenant and an HTTP client for it.
pub struct TestTenant {
    pub sandbox: RunningSandbox,
    pub http: reqwest::Client,
}

/// A tenant with the default configuration and the shipped seed.
pub async fn spawn() -> TestTenant {
    spawn_with(SandboxConfig::default()).await
}

/// A tenant with the given configuration.
pub async fn spawn_with(config: SandboxConfig) -> TestTenant {
    let sandbox = so_sandbox::start(config).await.expect("the sandbox starts");
    TestTenant {
        sandbox,
        http: reqwest::Client::new(),
    }
}

/// A tenant that sends webhooks to `receiver`, with short retry delays.
pub async fn spawn_with_webhooks(receiver: &Receiver) -> TestTenant {
    let mut target = WebhookTarget::new(receiver.url.clone(), Some(SECRET.to_owned()));
    target.retry_delays = vec![Duration::from_millis(10), Duration::from_millis(20)];
    spawn_with(SandboxConfig {
        webhook: Some(target),
        ..SandboxConfig::default()
    })
    .await
}

impl TestTenant {
    /// A fresh access token from the refresh-token grant (form body).
    pub async fn token(&self) -> String {
        let config = self.sandbox.config();
        let response = self
            .http
            .post(self.sandbox.token_url())
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", &config.client_id),
                ("client_secret", &config.client_secret),
                ("refresh_token", &config.refresh_token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// `{Endpoint}/api/v1/{path}`.
    pub fn api(&self, path: &str) -> String {
        format!("{}/v1/{path}", self.sandbox.api_base())
    }

    /// A request to the API with a fresh token.
    pub async fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let token = self.token().await;
        self.http.request(method, self.api(path)).bearer_auth(token)
    }

    /// `GET` an API path with a fresh token.
    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).await.send().await.unwrap()
    }

    /// `GET` an API path and parse the 200 answer.
    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// `PATCH` an API path with a JSON body.
    pub async fn patch(&self, path: &str, body: Value) -> Response {
        self.request(Method::PATCH, path)
            .await
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// `POST` to an admin path.
    pub async fn admin_post(&self, path: &str, body: Value) -> Response {
        let url = format!("{}_sandbox/{path}", self.sandbox.base_url());
        self.http.post(url).json(&body).send().await.unwrap()
    }
}

/// A webhook as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        let found = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// A small webhook receiver on 127.0.0.1:0 that records what it gets and
/// answers with a status the test chooses.
pub struct Receiver {
    pub url: Url,
    received: Arc<Mutex<Vec<Received>>>,
    status: Arc<Mutex<u16>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let status = Arc::new(Mutex::new(200));
        let state = (received.clone(), status.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(state.clone()))
                .default_service(web::to(record))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap();
        let port = server.addrs()[0].port();
        tokio::spawn(server.run());
        let url = Url::parse(&format!("http://127.0.0.1:{port}/webhooks/superoffice")).unwrap();
        Receiver {
            url,
            received,
            status,
        }
    }

    /// What to answer from now on.
    pub fn answer(&self, status: u16) {
        *self.status.lock().unwrap() = status;
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// Waits (bounded) until at least `count` webhooks arrived.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..500 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("expected {count} webhooks, got {}", self.received().len());
    }
}

type ReceiverState = (Arc<Mutex<Vec<Received>>>, Arc<Mutex<u16>>);

async fn record(
    state: web::Data<ReceiverState>,
    request: HttpRequest,
    body: web::Bytes,
) -> HttpResponse {
    let headers = request
        .headers()
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    state.0.lock().unwrap().push(Received {
        headers,
        body: body.to_vec(),
    });
    let status = *state.1.lock().unwrap();
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).finish()
}

/// Waits (bounded) until the sandbox has recorded `count` delivery attempts.
pub async fn wait_for_deliveries(
    tenant: &TestTenant,
    count: usize,
) -> Vec<so_sandbox::WebhookDeliveryRecord> {
    for _ in 0..500 {
        let deliveries = tenant.sandbox.deliveries();
        if deliveries.len() >= count {
            return deliveries;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "expected {count} delivery records, got {}",
        tenant.sandbox.deliveries().len()
    );
}
