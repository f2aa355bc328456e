//! What each child is started with: arguments, and its settings as
//! `SO__…` variables (no `.env`), all matching the sandbox's shipped seed.

use super::children::Spec;
use super::layout::{Binaries, Layout};

/// The seed's OAuth client and refresh token (`so-sandbox --help`).
pub const CLIENT_ID: &str = "sandbox-client";
pub const CLIENT_SECRET: &str = "sandbox-client-secret";
pub const REFRESH_TOKEN: &str = "sandbox-refresh-token";
/// The seed's tenant.
pub const CONTEXT_ID: &str = "Cust12345";
/// Signs the sandbox's webhooks; the ingest checks the signature.
const WEBHOOK_SECRET: &str = "demo-shared-secret";
/// The seed's API user, whose writes come back as echoes.
pub const API_USER: i64 = 17;
/// Our sales team in the seed (RKAB, JMUE, SFRI); 40–45 are the other
/// company sharing the tenant.
pub const OUR_OWNERS: [i64; 3] = [23, 24, 31];
/// The other company's owners.
pub const THEIR_OWNERS: [i64; 6] = [40, 41, 42, 43, 44, 45];
/// How many `so-worker` processes share the store.
pub const WORKERS: usize = 2;
/// The sandbox retries a failed webhook after 1 s, then 2 s; the settle
/// wait's quiet period must be longer than the last delay.
const WEBHOOK_RETRY_DELAYS: &str = "1,2";

/// The shipped seed's vertical list (`udlist108`) item for each vertical
/// of the builtin taxonomy, whose own ids are placeholders: what an
/// operator sets as `analyzer.list_item_ids` after `soctl lists udlist108`
/// and `soctl config check`.
const SEED_LIST_ITEMS: [(&str, i32); 25] = [
    ("hospitals", 1),
    ("care_homes", 2),
    ("hotels", 3),
    ("shopping_centres", 4),
    ("retail", 5),
    ("logistics", 6),
    ("manufacturing", 7),
    ("automotive", 27),
    ("facility_services", 8),
    ("public_sector", 9),
    ("education", 10),
    ("airports", 12),
    ("public_transport", 13),
    ("restaurants", 14),
    ("offices_real_estate", 15),
    ("fitness_leisure", 16),
    ("events", 17),
    ("culture", 18),
    ("car_dealerships", 19),
    ("food_production", 20),
    ("pharma_labs", 21),
    ("data_centres", 22),
    ("parking", 23),
    ("cleaning_vendors", 24),
    ("other", 28),
];

impl Layout {
    /// `so-ingest` on the webhook port, checking the sandbox's signature.
    pub fn ingest(&self, binaries: &Binaries) -> Spec {
        let mut env = self.common_env();
        env.extend(vars(&[
            (
                "SO__INGEST__LISTEN",
                format!("127.0.0.1:{}", self.ingest_port),
            ),
            (
                "SO__INGEST__ADMIN__LISTEN",
                format!("127.0.0.1:{}", self.admin_port),
            ),
            ("SO__INGEST__WEBHOOK__SECRET", WEBHOOK_SECRET.to_owned()),
            // A stop drains quickly: the demo's deliveries are small.
            ("SO__INGEST__SHUTDOWN_TIMEOUT_SECS", "3".to_owned()),
        ]));
        Spec {
            name: "ingest".to_owned(),
            program: binaries.ingest.clone(),
            args: Vec::new(),
            env,
        }
    }

    /// `so-sandbox` with its shipped seed, posting signed webhooks to the
    /// ingest.
    pub fn sandbox(&self, binaries: &Binaries) -> Spec {
        let args = [
            "--listen",
            &format!("127.0.0.1:{}", self.sandbox_port),
            "--webhook-url",
            &format!("{}/connector/webhook", self.ingest_url()),
            "--webhook-secret",
            WEBHOOK_SECRET,
            "--retry-delays",
            WEBHOOK_RETRY_DELAYS,
        ];
        Spec {
            name: "sandbox".to_owned(),
            program: binaries.sandbox.clone(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            env: vars(&[("NO_COLOR", "1".to_owned())]),
        }
    }

    /// Worker `number` (1-based) with the builtin analyzer and a short
    /// retry policy, so that the poisoned job fails within seconds.
    pub fn worker(&self, binaries: &Binaries, number: usize) -> Spec {
        let mut env = self.common_env();
        env.extend(vars(&[
            ("SO__SUPEROFFICE__ENVIRONMENT", "sod".to_owned()),
            ("SO__SUPEROFFICE__CONTEXT_ID", CONTEXT_ID.to_owned()),
            ("SO__SUPEROFFICE__CLIENT_ID", CLIENT_ID.to_owned()),
            ("SO__SUPEROFFICE__CLIENT_SECRET", CLIENT_SECRET.to_owned()),
            ("SO__SUPEROFFICE__REFRESH_TOKEN", REFRESH_TOKEN.to_owned()),
            ("SO__SUPEROFFICE__AUTH_BASE", self.sandbox_url()),
            ("SO__ANALYZER__BACKEND", "builtin".to_owned()),
            ("SO__WORKER__RETRY__MAX_ATTEMPTS", "3".to_owned()),
            ("SO__WORKER__RETRY__BASE_DELAY_MS", "200".to_owned()),
            ("SO__WORKER__RETRY__MAX_DELAY_MS", "1000".to_owned()),
            // Outages without Retry-After are retried soon, not in 30 s.
            ("SO__WORKER__RETRY__DEFERRAL_DELAY_MS", "1000".to_owned()),
            ("SO__WORKER__SHUTDOWN_GRACE_MS", "3000".to_owned()),
        ]));
        for (vertical, item) in SEED_LIST_ITEMS {
            let key = format!("SO__ANALYZER__LIST_ITEM_IDS__{}", vertical.to_uppercase());
            env.push((key, item.to_string()));
        }
        Spec {
            name: format!("worker-{number}"),
            program: binaries.worker.clone(),
            args: Vec::new(),
            env,
        }
    }

    /// What the ingest and the workers share: the store, the rules, logs.
    fn common_env(&self) -> Vec<(String, String)> {
        let owners: Vec<String> = OUR_OWNERS.iter().map(i64::to_string).collect();
        vars(&[
            ("SO__STORE__PATH", self.store_path().display().to_string()),
            ("SO__RULES__OWN_ASSOCIATE_IDS", API_USER.to_string()),
            ("SO__RULES__OWNERS__ASSOCIATE_IDS", owners.join(",")),
            ("SO__LOG__FILTER", "info".to_owned()),
            // Plain log files, without terminal colour codes.
            ("NO_COLOR", "1".to_owned()),
        ])
    }
}

fn vars(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), value.clone()))
        .collect()
}
