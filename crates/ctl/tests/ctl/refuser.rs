//! A proxy in front of the sandbox's API that refuses the later pages of
//! contact queries, as SuperOffice would refuse a page request it cannot
//! read. The sandbox itself refuses a query on every page or on none, so a
//! refusal after progress needs this.
//!
//! soctl reaches it through `SO__SUPEROFFICE__API_BASE`; the sandbox must
//! send no `odata.nextLink` (its links name the sandbox, not the proxy), so
//! the client pages with `$skip` through here.

use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use so_sandbox::ApiError;
use url::Url;

/// What the handler shares with the test.
struct State {
    /// The sandbox's address, where requests are forwarded.
    upstream: Url,
    /// Refuse contact pages past the first (`$skip` above 0).
    refusing: AtomicBool,
    http: reqwest::Client,
}

/// A running proxy.
pub struct Refuser {
    /// The API base to give soctl: the sandbox's, on the proxy's port.
    pub api_base: Url,
    state: Arc<State>,
}

impl Refuser {
    /// Listens on a free loopback port in front of the sandbox whose API
    /// base is `sandbox_api`, refusing from the start.
    pub fn start(sandbox_api: &Url) -> Refuser {
        let state = Arc::new(State {
            upstream: sandbox_api.join("/").expect("the sandbox's root"),
            refusing: AtomicBool::new(true),
            http: reqwest::Client::new(),
        });
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let mut api_base = sandbox_api.clone();
        let port = listener.local_addr().unwrap().port();
        api_base.set_port(Some(port)).expect("a port");

        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(forward))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("the proxy listens")
        .run();
        tokio::spawn(server);
        Refuser { api_base, state }
    }

    /// Refuses later contact pages (`true`) or forwards everything.
    pub fn refuse(&self, on: bool) {
        self.state.refusing.store(on, Ordering::SeqCst);
    }
}

async fn forward(
    state: web::Data<State>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    if state.refusing.load(Ordering::SeqCst) && is_later_contact_page(&request) {
        return Err(ApiError::bad_request(
            "$skip: paging past this point failed",
        ));
    }

    let mut url = state.upstream.join(request.path()).expect("a path");
    url.set_query(Some(request.query_string()).filter(|q| !q.is_empty()));
    let method = reqwest::Method::from_bytes(request.method().as_str().as_bytes()).unwrap();
    let mut outbound = state.http.request(method, url).body(body.to_vec());
    for (name, value) in request.headers() {
        // reqwest writes its own host, length and connection headers.
        if !["host", "content-length", "connection"].contains(&name.as_str()) {
            outbound = outbound.header(name.as_str(), value.as_bytes());
        }
    }
    let answer = outbound.send().await.expect("the sandbox answers");

    let status = actix_web::http::StatusCode::from_u16(answer.status().as_u16()).unwrap();
    let mut response = HttpResponse::build(status);
    if let Some(kind) = answer.headers().get("content-type") {
        response.insert_header(("content-type", kind.as_bytes()));
    }
    Ok(response.body(answer.bytes().await.expect("the sandbox's body")))
}

fn is_later_contact_page(request: &HttpRequest) -> bool {
    let skip = url::form_urlencoded::parse(request.query_string().as_bytes())
        .find(|(name, _)| name.eq_ignore_ascii_case("$skip"))
        .and_then(|(_, value)| value.parse::<u32>().ok())
        .unwrap_or(0);
    request.path().ends_with("/api/v1/Contact") && skip > 0
}
