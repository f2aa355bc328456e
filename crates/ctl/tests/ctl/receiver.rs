//! A stand-in for so-ingest: takes the sandbox's webhooks and records them
//! in the job store, or answers 503 while switched to failing (the outage
//! that drives a webhook into TooManyErrors).

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use serde_json::Value;
use so_queue::{Disposition, NewDelivery, Store};
use url::Url;

/// What the handler shares with the test.
struct State {
    store: Store,
    /// Answer 503 to everything.
    failing: AtomicBool,
    /// Deliveries recorded (test events included).
    recorded: AtomicUsize,
    /// Registration test events seen (`X-Hook-Test: true`).
    test_events: AtomicUsize,
}

/// A running receiver.
pub struct Receiver {
    pub url: Url,
    state: Arc<State>,
}

impl Receiver {
    /// Listens on a free loopback port.
    pub async fn start(store: Store) -> Receiver {
        let state = Arc::new(State {
            store,
            failing: AtomicBool::new(false),
            recorded: AtomicUsize::new(0),
            test_events: AtomicUsize::new(0),
        });
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let url = Url::parse(&format!("http://{}/hook", listener.local_addr().unwrap())).unwrap();
        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/hook", web::post().to(receive))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("the receiver listens")
        .run();
        tokio::spawn(server);
        Receiver { url, state }
    }

    /// Answers 503 from now on (`true`) or records again (`false`).
    pub fn fail(&self, on: bool) {
        self.state.failing.store(on, Ordering::SeqCst);
    }

    /// Deliveries recorded so far.
    pub fn recorded(&self) -> usize {
        self.state.recorded.load(Ordering::SeqCst)
    }

    /// Registration test events seen so far.
    pub fn test_events(&self) -> usize {
        self.state.test_events.load(Ordering::SeqCst)
    }
}

async fn receive(state: web::Data<State>, request: HttpRequest, body: web::Bytes) -> HttpResponse {
    if state.failing.load(Ordering::SeqCst) {
        return HttpResponse::ServiceUnavailable().finish();
    }
    if request.headers().contains_key("X-Hook-Test") {
        state.test_events.fetch_add(1, Ordering::SeqCst);
    }

    let payload: Value = serde_json::from_slice(&body).unwrap_or_default();
    let text = |key: &str| payload[key].as_str().unwrap_or_default().to_owned();
    let entity = text("Entity");
    let disposition = match entity.as_str() {
        "contact" | "person" => Disposition::Enqueue,
        _ => Disposition::Ignore {
            reason: "not a contact or person".into(),
        },
    };
    let delivery = NewDelivery {
        event_id: text("EventId"),
        received_at: so_queue::now_ms(),
        tenant: text("ContextIdentifier"),
        event: text("Event"),
        entity,
        entity_id: payload["PrimaryKey"].as_i64().unwrap_or(0),
        changed_by: payload["ChangedByAssociateId"].as_i64(),
        changes: Vec::new(),
        payload: String::from_utf8_lossy(&body).into_owned(),
        disposition,
    };
    match state.store.record_delivery(&delivery).await {
        Ok(_) => {
            state.recorded.fetch_add(1, Ordering::SeqCst);
            HttpResponse::Ok().finish()
        }
        Err(_) => HttpResponse::ServiceUnavailable().finish(),
    }
}
