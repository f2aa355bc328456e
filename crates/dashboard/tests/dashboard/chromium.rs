//! A headless Chromium driven over the DevTools protocol, for the browser
//! tests. It uses the system's `chromium` (Debian's package; CI installs
//! it) and downloads nothing. A test that needs it fails, with the install
//! command, when it is missing: a browser test that passes without a
//! browser would prove nothing.
//!
//! The protocol client is a few lines over a WebSocket: one call at a time,
//! replies matched by id, events skipped.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use tempfile::TempDir;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// How long the browser gets to start, and a page to load.
const PATIENCE: Duration = Duration::from_secs(20);

/// The flags that work in a container without a display or network.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
];

/// One browser with one page.
pub struct Browser {
    /// The browser process; killed on drop.
    child: Child,
    /// The DevTools connection.
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    /// The page's session (flattened protocol).
    session: String,
    /// Id of the next call.
    next_id: u64,
    /// A fresh profile, deleted on drop.
    _profile: TempDir,
}

/// The browser binary: `$SO_TEST_CHROMIUM`, else `chromium` on the PATH.
fn chromium_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("SO_TEST_CHROMIUM") {
        return PathBuf::from(path);
    }
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("chromium"))
            .find(|candidate| candidate.is_file())
    });
    on_path.unwrap_or_else(|| {
        panic!(
            "chromium is not installed, and the dashboard's browser tests need it: \
             run `apt-get update && apt-get install -y chromium` (CI's .ci/run installs it)"
        )
    })
}

impl Browser {
    /// Starts a headless Chromium with a fresh profile and opens a page.
    pub fn launch() -> Browser {
        let binary = chromium_binary();
        let profile = tempfile::tempdir().expect("profile dir");
        let child = Command::new(&binary)
            .args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("--window-size=1280,900")
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));

        let endpoint = wait_for_endpoint(profile.path());
        let (socket, _) = tungstenite::connect(endpoint.as_str()).expect("DevTools connects");
        if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream
                .set_read_timeout(Some(PATIENCE))
                .expect("read timeout");
        }
        let mut browser = Browser {
            child,
            socket,
            session: String::new(),
            next_id: 1,
            _profile: profile,
        };

        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }));
        let target_id = target["targetId"].clone();
        let attached = browser.call(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        );
        browser.session = attached["sessionId"]
            .as_str()
            .expect("a session")
            .to_owned();
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false }),
        );
        browser
    }

    /// Opens `url` and waits until it has loaded.
    pub fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_until(&format!(
            "location.href === {} && document.readyState === 'complete'",
            json!(url)
        ));
    }

    /// Evaluates `expression` in the page and returns its value (promises
    /// awaited).
    pub fn eval(&mut self, expression: &str) -> Value {
        let answer = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(exception) = answer.get("exceptionDetails") {
            panic!("{expression}: {exception}");
        }
        answer["result"]["value"].clone()
    }

    /// Waits until `condition` (a JavaScript expression) is true, for
    /// example after a click that navigates.
    pub fn wait_until(&mut self, condition: &str) {
        let deadline = Instant::now() + PATIENCE;
        let expression = format!("Boolean({condition})");
        loop {
            // While a navigation replaces the document, evaluation can fail;
            // that only means "not yet".
            let answer = self.try_call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true }),
            );
            if answer.is_some_and(|answer| answer["result"]["value"] == true) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {condition}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Saves a PNG of the whole page at `path`.
    pub fn screenshot(&mut self, path: &Path) {
        let shot = self.call(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": true }),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("image data"))
            .expect("base64 image");
        std::fs::write(path, png).expect("screenshot written");
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.try_call(method, params.clone())
            .unwrap_or_else(|| panic!("DevTools call {method} failed ({params})"))
    }

    /// One call; `None` when the browser answered with an error.
    fn try_call(&mut self, method: &str, params: Value) -> Option<Value> {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            message["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .expect("DevTools send");

        loop {
            let reply = self.socket.read().expect("DevTools answer");
            let Message::Text(text) = reply else {
                continue;
            };
            let reply: Value = serde_json::from_str(&text).expect("DevTools JSON");
            if reply["id"] == id {
                return reply
                    .get("result")
                    .cloned()
                    .filter(|_| reply.get("error").is_none());
            }
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The browser's DevTools WebSocket address, which it writes into the
/// profile once it listens.
fn wait_for_endpoint(profile: &Path) -> String {
    let file = profile.join("DevToolsActivePort");
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(text) = std::fs::read_to_string(&file) {
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                return format!("ws://127.0.0.1:{port}{path}");
            }
        }
        assert!(
            Instant::now() < deadline,
            "chromium did not open its DevTools port within {PATIENCE:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
