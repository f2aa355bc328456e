//! Command-line arguments of `so-sandbox` and the help that explains it.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use so_sandbox::{
    AfterFailedCycle, NextLinkMode, RunningSandbox, SandboxConfig, Seed, WebhookTarget,
};
use url::Url;

const AFTER_HELP: &str = r#"STARTING
  so-sandbox                          serve the shipped seed on 127.0.0.1:8900
  so-sandbox --seed my-tenant.json    serve another seed (format: so-sandbox generate-seed)
  so-sandbox --webhook-url http://127.0.0.1:8700/connector/webhook \
             --webhook-secret sandbox-shared-secret

  The token endpoint is http://HOST/login/common/oauth/tokens, tenant status
  http://HOST/api/state/Cust12345, and the API http://HOST/Cust12345/api/v1/.
  Tokens: POST grant_type=refresh_token with --client-id, --client-secret and
  --refresh-token (form body or query string). Every token acts as the API
  user (--connector-associate-id, 17 in the seed, which has no person).

WEBHOOKS
  Every change through the API (PATCH) or the admin endpoints is POSTed to
  --webhook-url, signed with --webhook-secret (X-SuperOffice-Signature =
  base64 HMAC-SHA256 of the body). A cycle is 3 attempts, 1 s then 4 s apart
  (--retry-delays); 9 failed attempts in a row switch the webhook to
  TooManyErrors: nothing more is sent, changes meanwhile are lost, until
  PUT /_sandbox/webhook {"state":"Active"}.

ADMIN ENDPOINTS (JSON; H=http://127.0.0.1:8900)
  State and logs
    curl $H/_sandbox/state                      where things are, faults, webhook
    curl $H/_sandbox/requests                   request log (curl -X DELETE clears)
    curl $H/_sandbox/deliveries                 webhook attempts
    curl -X PUT $H/_sandbox/webhook -d '{"state":"Active"}'    (Stopped, TooManyErrors)
  Data (each change sends its webhook; by = ChangedByAssociateId, default 23)
    curl -X POST $H/_sandbox/contacts -d '{"name":"Neue Kunde GmbH","associate_id":23}'
    curl -X PATCH $H/_sandbox/contacts/1001?by=23 -d '{"Name":"Renamed AG"}'
    curl -X DELETE $H/_sandbox/contacts/1001?by=23          (soft delete; &hard=true)
    curl -X POST $H/_sandbox/persons \
         -d '{"contact_id":1001,"first_name":"Jörg","last_name":"Groß"}'
    curl -X PATCH $H/_sandbox/persons/5001?by=24 \
         -d '[{"op":"replace","path":"Title","value":"CEO"}]'
    curl -X DELETE $H/_sandbox/persons/5001?by=23
  Scripted webhook traffic
    curl -X POST $H/_sandbox/webhook/send -d '[{"event":"contact.changed","primary_key":1001,
         "changes":["name"],"changed_by":23,"copies":2}]'     (duplicates: same EventId)
    curl -X POST $H/_sandbox/webhook/send -d '[{"event":"contact.changed","primary_key":1001},
         {"event":"contact.created","primary_key":1001}]'     (out of order: as listed)
    curl -X POST $H/_sandbox/webhook/test                      registration test event
  Faults (POST $H/_sandbox/faults/NAME with a JSON body; GET $H/_sandbox/faults shows all)
    expire-tokens             {}                      all access tokens answer 401
    revoke-refresh-token      {}                      token endpoint: invalid_grant
    restore-refresh-token     {}
    throttle                  {"count":3,"retry_after":{"seconds":2}}   or {"date_in":2}
    unavailable               {"count":2}             503 for the next N API requests
    fail-contact              {"id":1001,"on":true}   500 on that record
    fail-person               {"id":5001,"on":true}
    fail-identity             {"on":true}             500 on User/…, Associate/…, InternalUsers
    associate-me              {"fail_without_person":false}
    delay                     {"ms":1500}             slow answers (0 = off)
    key-case                  {"case":"Camel"}        Pascal, Camel, Lower entity keys
    next-link                 {"mode":"Null"}         Absolute, Null, Repeat
    odata-key-case            {"case":"Alternating"}  AsSelected, Lower, Pascal, Alternating
    slim-ids-as-strings       {"on":true}
    tenant-state              {"state":"OfflineMaintenance"}
    move-tenant               {}                      old endpoint answers 421
    udf-changes               {"mode":"UserdefColumns"}  StampsOnly, UserdefColumns, NoEvent
    custom-field-companions   {"on":false}
    field-values              {"on":false}            webhook FieldValues
    webhook-copies            {"copies":2}            every event delivered twice
    reset                     {}                      all faults off
  Example: curl -X POST $H/_sandbox/faults/throttle -d '{"count":1,"retry_after":{"seconds":1}}'
"#;

/// A local SuperOffice Online tenant: OAuth, tenant status, REST and OData
/// endpoints, signed webhooks, and faults on demand.
#[derive(Debug, Parser)]
#[command(version, after_long_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings of `serve`.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the tenant (the default).
    Serve(Box<ServeArgs>),
    /// Print the shipped seed, as generated from code, to stdout.
    GenerateSeed,
}

/// Settings of the served tenant.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SANDBOX_LISTEN", default_value = "127.0.0.1:8900")]
    pub listen: SocketAddr,
    /// Seed file; the shipped seed when omitted.
    #[arg(long, env = "SANDBOX_SEED")]
    pub seed: Option<PathBuf>,
    /// Context identifier of the tenant.
    #[arg(long, default_value = "Cust12345")]
    pub context: String,
    /// OAuth client id accepted by the token endpoint.
    #[arg(long, env = "SANDBOX_CLIENT_ID", default_value = "sandbox-client")]
    pub client_id: String,
    /// OAuth client secret accepted by the token endpoint.
    #[arg(
        long,
        env = "SANDBOX_CLIENT_SECRET",
        default_value = "sandbox-client-secret"
    )]
    pub client_secret: String,
    /// The one valid refresh token.
    #[arg(
        long,
        env = "SANDBOX_REFRESH_TOKEN",
        default_value = "sandbox-refresh-token"
    )]
    pub refresh_token: String,
    /// Access-token lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    pub token_ttl: u64,
    /// The connector's API user (every token acts as it).
    #[arg(long, default_value_t = 17)]
    pub connector_associate_id: i32,
    /// Where to POST webhooks; none are sent without it.
    #[arg(long, env = "SANDBOX_WEBHOOK_URL")]
    pub webhook_url: Option<Url>,
    /// Shared secret that signs webhooks.
    #[arg(long, env = "SANDBOX_WEBHOOK_SECRET")]
    pub webhook_secret: Option<String>,
    /// Send payloads with FieldValues (default).
    #[arg(long, overrides_with = "no_field_values")]
    pub field_values: bool,
    /// Send payloads without FieldValues.
    #[arg(long)]
    pub no_field_values: bool,
    /// Seconds between the attempts of a delivery cycle, comma-separated.
    #[arg(long, default_value = "1,4", value_delimiter = ',')]
    pub retry_delays: Vec<f64>,
    /// Queue a failed event again under a new EventId instead of dropping it.
    #[arg(long)]
    pub requeue_failed: bool,
    /// Always answer `odata.nextLink: null` (clients must page with $skip).
    #[arg(long)]
    pub no_next_link: bool,
    /// Rows per OData page when `$top` is missing.
    #[arg(long, default_value_t = 50)]
    pub page_size: usize,
}

impl ServeArgs {
    /// The library configuration these arguments describe.
    pub fn into_config(self) -> anyhow::Result<SandboxConfig> {
        let seed = match &self.seed {
            Some(path) => Seed::load(path).with_context(|| format!("seed {}", path.display()))?,
            None => Seed::builtin(),
        };
        let retry_delays = self
            .retry_delays
            .iter()
            .map(|s| Duration::from_secs_f64(*s))
            .collect();
        let webhook = self.webhook_url.map(|url| WebhookTarget {
            with_field_values: self.field_values || !self.no_field_values,
            retry_delays,
            after_failed_cycle: if self.requeue_failed {
                AfterFailedCycle::Requeue
            } else {
                AfterFailedCycle::Drop
            },
            ..WebhookTarget::new(url, self.webhook_secret)
        });

        Ok(SandboxConfig {
            seed,
            listen: Some(self.listen),
            context_identifier: self.context,
            client_id: self.client_id,
            client_secret: self.client_secret,
            refresh_token: self.refresh_token,
            access_token_ttl: Duration::from_secs(self.token_ttl),
            connector_associate_id: self.connector_associate_id,
            webhook,
            next_link: if self.no_next_link {
                NextLinkMode::Null
            } else {
                NextLinkMode::Absolute
            },
            page_size_default: self.page_size,
            workers: 2,
            ..SandboxConfig::default()
        })
    }
}

/// What a person starting the sandbox needs to know, printed at start.
pub fn banner(sandbox: &RunningSandbox) -> String {
    let config = sandbox.config();
    let webhook = match &config.webhook {
        Some(target) => format!("webhooks to {}", target.url),
        None => "no webhook target (--webhook-url)".to_owned(),
    };
    format!(
        "so-sandbox: tenant {ctx} at {endpoint}\n  token endpoint {token}\n  \
         tenant status  {status}\n  \
         client_id={id} client_secret={secret} refresh_token={refresh}\n  \
         {webhook}\n  admin: {base}_sandbox/state (see --help)",
        ctx = config.context_identifier,
        endpoint = sandbox.endpoint(),
        token = sandbox.token_url(),
        status = sandbox.status_url(),
        id = config.client_id,
        secret = config.client_secret,
        refresh = config.refresh_token,
        base = sandbox.base_url(),
    )
}
