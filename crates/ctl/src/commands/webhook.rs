//! `soctl webhook status | register | activate`: the connector's webhook
//! definition in SuperOffice, found by its name (`webhook.name`).

use anyhow::Context as _;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};
use so_ctl::reconcile::ReconcileOptions;
use so_ctl::when;
use so_superoffice::{Client, Error, NewWebhook, Webhook, WebhookState, WebhookUsage};

use crate::cli::WebhookCommand;
use crate::commands::reconcile::{report_json, report_text, run_reconcile};
use crate::context::Ctx;
use crate::exit::{fail, Code};
use crate::output::{or_dash, pairs, table};

/// `soctl webhook …`.
pub async fn run(command: WebhookCommand, ctx: &Ctx) -> anyhow::Result<Code> {
    match command {
        WebhookCommand::Status => status(ctx).await,
        WebhookCommand::Register { url, secret } => register(url, secret, ctx).await,
        WebhookCommand::Activate {
            since,
            no_reconcile,
        } => activate(since.as_deref(), no_reconcile, ctx).await,
    }
}

async fn status(ctx: &Ctx) -> anyhow::Result<Code> {
    let client = ctx.client()?;
    let webhooks = client.list_webhooks(None).await?;
    let usage = usage_or_note(&client, ctx).await?;
    let name = &ctx.settings.webhook.name;

    let views: Vec<Value> = webhooks
        .iter()
        .map(|hook| {
            let mut view = webhook_json(hook, usage_of(&usage, hook.id));
            view["ours"] = json!(hook.name.eq_ignore_ascii_case(name));
            view
        })
        .collect();
    let ours = webhooks.iter().find(|h| h.name.eq_ignore_ascii_case(name));
    let Some(ours) = ours else {
        return Err(fail(
            Code::NotFound,
            format!(
                "no webhook named {name:?} ({} others); register it with soctl webhook register",
                webhooks.len()
            ),
        ));
    };

    let document = json!({ "ours": ours.id, "webhooks": views });
    ctx.out.print(&document, || {
        let rows = webhooks.iter().map(|hook| {
            let usage = usage_of(&usage, hook.id);
            vec![
                hook.id.to_string(),
                hook.name.clone(),
                hook.state.to_string(),
                hook.target_url.clone(),
                or_dash(usage.map(|u| u.total_calls)),
                or_dash(usage.map(|u| u.total_errors)),
                or_dash(usage.map(|u| u.consecutive_errors)),
                or_dash(
                    usage
                        .map(|u| u.last_error.clone())
                        .filter(|e| !e.is_empty()),
                ),
            ]
        });
        let mut text = table(
            &[
                "id",
                "name",
                "state",
                "target",
                "calls",
                "errors",
                "in a row",
                "last error",
            ],
            rows,
        );
        if ours.state == WebhookState::TooManyErrors {
            text.push_str(&format!(
                "\nwebhook {} is switched off (TooManyErrors): fix the receiver, then run \
                 soctl webhook activate",
                ours.id
            ));
        }
        text
    });
    Ok(Code::Ok)
}

async fn register(url: Option<String>, secret: Option<String>, ctx: &Ctx) -> anyhow::Result<Code> {
    let settings = &ctx.settings;
    let Some(url) = url.or_else(|| settings.webhook.url.clone()) else {
        return Err(fail(
            Code::Usage,
            "no target URL: give --url or set SO__WEBHOOK__URL",
        ));
    };
    let secret = match secret {
        Some(secret) => SecretString::from(secret),
        None => settings.ingest.webhook.secret.clone().ok_or_else(|| {
            fail(
                Code::Usage,
                "no secret: give --secret or set SO__INGEST__WEBHOOK__SECRET (the ingest \
                 checks signatures with it)",
            )
        })?,
    };
    if secret.expose_secret().trim().is_empty() {
        return Err(fail(Code::Usage, "the webhook secret is empty"));
    }

    let client = ctx.client()?;
    let definition = NewWebhook {
        name: settings.webhook.name.clone(),
        events: settings.webhook.events.clone(),
        target_url: url.clone(),
        secret,
    };
    let existing = find_ours(&client, ctx).await?;
    let outcome = match &existing {
        Some(hook) => client.replace_webhook(hook.id, &definition).await,
        None => client.create_webhook(&definition).await,
    };
    let webhook = outcome.map_err(|error| match error {
        Error::BadRequest { message, .. } => fail(
            Code::Failure,
            format!(
                "SuperOffice refused the webhook: {message}; the URL must be reachable from \
                 SuperOffice over HTTPS and answer its test event with 200"
            ),
        ),
        other => anyhow::Error::new(other),
    })?;

    let created = existing.is_none();
    let document = json!({ "created": created, "webhook": webhook_json(&webhook, None) });
    ctx.out.print(&document, || {
        let verb = if created { "registered" } else { "updated" };
        format!(
            "webhook {} {verb}: {} → {} ({})",
            webhook.id, webhook.name, webhook.target_url, webhook.state
        )
    });
    Ok(Code::Ok)
}

async fn activate(since: Option<&str>, no_reconcile: bool, ctx: &Ctx) -> anyhow::Result<Code> {
    let client = ctx.client()?;
    let store = ctx.store().await?;
    let Some(ours) = find_ours(&client, ctx).await? else {
        let name = &ctx.settings.webhook.name;
        return Err(fail(
            Code::NotFound,
            format!("no webhook named {name:?} to activate"),
        ));
    };

    // Where reconciling will start, decided before anything changes.
    let now = so_queue::now_ms();
    let since_ms = match (since, no_reconcile) {
        (_, true) => None,
        (Some(text), false) => Some(when::parse_instant(text, now)?),
        (None, false) => {
            let last = store.last_webhook_delivery_at().await?.ok_or_else(|| {
                fail(
                    Code::Usage,
                    "no webhook delivery in the job store to reconcile from; give --since",
                )
            })?;
            Some(last - ctx.settings.reconcile.margin().as_millis() as i64)
        }
    };

    let previous = ours.state.clone();
    let webhook = client
        .set_webhook_state(ours.id, WebhookState::Active)
        .await
        .with_context(|| format!("cannot set webhook {} Active", ours.id))?;

    let report = match since_ms {
        Some(since_ms) => {
            let options = ReconcileOptions::since(since_ms);
            Some(run_reconcile(ctx, &client, &store, &options).await?)
        }
        None => None,
    };

    let document = json!({
        "previous_state": previous.as_str(),
        "webhook": webhook_json(&webhook, None),
        "reconcile": report.as_ref().map(report_json),
    });
    ctx.out.print(&document, || {
        let mut text = pairs(&[
            ("webhook", format!("{} ({})", webhook.id, webhook.name)),
            ("state", format!("{previous} → {}", webhook.state)),
        ]);
        if let Some(report) = &report {
            text.push('\n');
            text.push_str(&report_text(report));
        }
        text
    });
    Ok(Code::Ok)
}

/// Our definition, by name.
async fn find_ours(client: &Client, ctx: &Ctx) -> anyhow::Result<Option<Webhook>> {
    let name = &ctx.settings.webhook.name;
    let webhooks = client.list_webhooks(Some(name)).await?;
    Ok(webhooks
        .into_iter()
        .find(|hook| hook.name.eq_ignore_ascii_case(name)))
}

/// The usage counters, or none with a note when the tenant will not tell
/// (the dynamic archive is restricted on some tenants).
async fn usage_or_note(client: &Client, ctx: &Ctx) -> anyhow::Result<Option<Vec<WebhookUsage>>> {
    match client.webhook_usage().await {
        Ok(usage) => Ok(Some(usage)),
        Err(error @ (Error::Auth { .. } | Error::Transport { .. })) => Err(error.into()),
        Err(error) => {
            ctx.out.note(format!("usage counters unavailable: {error}"));
            Ok(None)
        }
    }
}

fn usage_of(usage: &Option<Vec<WebhookUsage>>, id: i64) -> Option<&WebhookUsage> {
    usage.as_ref()?.iter().find(|u| u.webhook_id == id)
}

fn webhook_json(hook: &Webhook, usage: Option<&WebhookUsage>) -> Value {
    let date = |at: Option<time::OffsetDateTime>| {
        at.map(|at| when::rfc3339(so_superoffice::dates::to_unix_millis(at)))
    };
    json!({
        "id": hook.id,
        "name": hook.name,
        "state": hook.state.as_str(),
        "target_url": hook.target_url,
        "events": hook.events,
        "registered": date(hook.registered),
        "updated": date(hook.updated),
        "usage": usage.map(|u| json!({
            "total_calls": u.total_calls,
            "total_errors": u.total_errors,
            "consecutive_errors": u.consecutive_errors,
            "last_error": u.last_error,
        })),
    })
}
