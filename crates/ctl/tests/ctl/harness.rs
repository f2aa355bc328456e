//! A sandbox tenant in this process, a job store in a temp directory, and
//! the real `soctl` binary run against both with settings passed as
//! `SO__…` variables (nothing inherited from the developer's shell).

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use so_queue::{Store, StoreOptions};
use so_sandbox::{RunningSandbox, SandboxConfig, WebhookTarget};
use tempfile::TempDir;
use url::Url;

/// The owners whose accounts are ours in every test: RKAB and JMUE by id,
/// SFRI by short name (seeded associates 23, 24, 31).
pub const OURS: [i32; 3] = [23, 24, 31];

/// An owner of the other company sharing the tenant.
pub const NOT_OURS: i32 = 40;

/// A sandbox, a store file and the settings that connect soctl to them.
pub struct Env {
    pub sandbox: RunningSandbox,
    /// Holds the store and is soctl's working directory (no `.env` in it).
    pub dir: TempDir,
    /// Variables passed to every run, in order; later ones win.
    vars: Vec<(String, String)>,
}

/// What one run of soctl did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as the one JSON document it must be.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| {
            panic!(
                "stdout is not one JSON document ({error}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Panics unless the exit code is `code`.
    pub fn expect_code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Env {
    /// A sandbox with the shipped seed and no webhook.
    pub async fn start() -> Env {
        Env::start_with(SandboxConfig::default()).await
    }

    /// A sandbox started with `config`.
    pub async fn start_with(config: SandboxConfig) -> Env {
        Env::start_in(tempfile::tempdir().expect("a temp dir"), config).await
    }

    /// A sandbox posting webhooks to `url` (retrying fast), with the store
    /// in `dir`, where the receiver of those webhooks writes too.
    pub async fn start_with_webhook(dir: TempDir, url: Url, secret: &str) -> Env {
        let mut target = WebhookTarget::new(url, Some(secret.to_owned()));
        target.retry_delays = vec![Duration::from_millis(5), Duration::from_millis(5)];
        let config = SandboxConfig {
            webhook: Some(target),
            ..SandboxConfig::default()
        };
        Env::start_in(dir, config).await
    }

    /// A sandbox started with `config`, the store in `dir`.
    pub async fn start_in(dir: TempDir, config: SandboxConfig) -> Env {
        let sandbox = so_sandbox::start(config).await.expect("the sandbox starts");
        // The store exists, as once the ingest or the worker has run.
        open_store(&dir).await.close().await;
        let store = store_path(&dir);
        let config = sandbox.config();
        let vars = [
            ("SO__STORE__PATH", store.display().to_string()),
            ("SO__SUPEROFFICE__ENVIRONMENT", "sod".to_owned()),
            (
                "SO__SUPEROFFICE__CONTEXT_ID",
                config.context_identifier.clone(),
            ),
            ("SO__SUPEROFFICE__CLIENT_ID", config.client_id.clone()),
            (
                "SO__SUPEROFFICE__CLIENT_SECRET",
                config.client_secret.clone(),
            ),
            (
                "SO__SUPEROFFICE__REFRESH_TOKEN",
                config.refresh_token.clone(),
            ),
            (
                "SO__SUPEROFFICE__AUTH_BASE",
                sandbox.auth_base().to_string(),
            ),
            // No pacing in tests; the limiter itself is the client's.
            ("SO__SUPEROFFICE__REQUESTS_PER_SECOND", "10000".to_owned()),
            ("SO__RULES__OWN_ASSOCIATE_IDS", "17".to_owned()),
            ("SO__RULES__OWNERS__ASSOCIATE_IDS", "23,24".to_owned()),
            ("SO__RULES__OWNERS__SHORT_NAMES", "SFRI".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        Env { sandbox, dir, vars }
    }

    /// Sets (or overrides) a variable for the following runs.
    pub fn set(&mut self, name: &str, value: &str) {
        self.vars.push((name.to_owned(), value.to_owned()));
    }

    /// The store, opened as another process would.
    pub async fn store(&self) -> Store {
        open_store(&self.dir).await
    }

    /// Runs `soctl ARGS` to the end. Async, so the sandbox in this process
    /// keeps serving (and delivering webhooks) meanwhile.
    pub async fn soctl(&self, args: &[&str]) -> Run {
        let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_soctl"))
            .args(args)
            .env_clear()
            .envs(self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(self.dir.path())
            .output()
            .await
            .expect("soctl runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `soctl ARGS --json`, expecting exit 0, as JSON.
    pub async fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        self.soctl(&args).await.expect_code(0).json()
    }
}

/// The store file in `dir`.
pub fn store_path(dir: &TempDir) -> PathBuf {
    dir.path().join("var").join("jobs.sqlite")
}

/// The store in `dir`, created if needed.
pub async fn open_store(dir: &TempDir) -> Store {
    std::fs::create_dir_all(dir.path().join("var")).expect("the store's directory");
    Store::open(store_path(dir), StoreOptions::default())
        .await
        .expect("the store opens")
}

/// The ids of a JSON array of objects, at `key`.
pub fn ids(items: &Value, key: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = items
        .as_array()
        .expect("an array")
        .iter()
        .map(|item| item[key].as_i64().expect("an id"))
        .collect();
    ids.sort_unstable();
    ids
}

/// Waits (at most 30 s) until `done` holds, checking every 10 ms.
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..3000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting until {what}");
}
