//! `POST /_sandbox/faults/{name}`: each fault or switch of [`Faults`] by
//! name, its arguments in the JSON body.

use std::time::Duration;

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::NextLinkMode;
use crate::faults::{Faults, ODataKeyCase, RetryAfter, TenantState, UdfChanges};
use crate::respond::{ApiError, KeyCase};
use crate::state::Shared;

/// The commands, tagged by the path's `{name}`.
#[derive(Debug, Deserialize)]
#[serde(tag = "fault", rename_all = "kebab-case")]
enum Command {
    ExpireTokens,
    RevokeRefreshToken,
    RestoreRefreshToken,
    Throttle {
        count: u32,
        retry_after: Option<RetryAfter>,
    },
    Unavailable {
        count: u32,
        retry_after: Option<RetryAfter>,
    },
    FailContact {
        id: i32,
        #[serde(default = "yes")]
        on: bool,
    },
    FailPerson {
        id: i32,
        #[serde(default = "yes")]
        on: bool,
    },
    FailIdentity {
        #[serde(default = "yes")]
        on: bool,
    },
    AssociateMe {
        fail_without_person: bool,
    },
    Delay {
        ms: u64,
    },
    KeyCase {
        case: KeyCase,
    },
    NextLink {
        mode: NextLinkMode,
    },
    OdataKeyCase {
        case: ODataKeyCase,
    },
    SlimIdsAsStrings {
        #[serde(default = "yes")]
        on: bool,
    },
    TenantState {
        state: TenantState,
    },
    MoveTenant,
    UdfChanges {
        mode: UdfChanges,
    },
    CustomFieldCompanions {
        on: bool,
    },
    FieldValues {
        on: bool,
    },
    WebhookCopies {
        copies: u32,
    },
    Reset,
}

fn yes() -> bool {
    true
}

/// `GET /_sandbox/faults`.
pub async fn snapshot(shared: web::Data<Shared>) -> HttpResponse {
    HttpResponse::Ok().json(&*shared.faults())
}

/// `POST /_sandbox/faults/{name}` with the command's arguments as body.
pub async fn apply(
    shared: web::Data<Shared>,
    name: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let mut arguments: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::bad_request(format!("body: {e}")))?
    };
    let Some(object) = arguments.as_object_mut() else {
        return Err(ApiError::bad_request("body: expected a JSON object"));
    };
    object.insert("fault".to_owned(), Value::String(name.into_inner()));
    let command: Command = serde_json::from_value(arguments)
        .map_err(|e| ApiError::bad_request(format!("fault: {e}")))?;

    let faults = Faults::new(shared.into_inner());
    let mut answer = json!({ "ok": true });
    match command {
        Command::ExpireTokens => faults.expire_access_tokens(),
        Command::RevokeRefreshToken => faults.revoke_refresh_token(),
        Command::RestoreRefreshToken => faults.restore_refresh_token(),
        Command::Throttle { count, retry_after } => faults.throttle(count, retry_after),
        Command::Unavailable { count, retry_after } => faults.unavailable(count, retry_after),
        Command::FailContact { id, on } => faults.fail_contact(id, on),
        Command::FailPerson { id, on } => faults.fail_person(id, on),
        Command::FailIdentity { on } => faults.fail_identity_lookups(on),
        Command::AssociateMe {
            fail_without_person,
        } => faults.associate_me_fails_without_person(fail_without_person),
        Command::Delay { ms } => faults.set_delay((ms > 0).then(|| Duration::from_millis(ms))),
        Command::KeyCase { case } => faults.set_key_case(case),
        Command::NextLink { mode } => faults.set_next_link(mode),
        Command::OdataKeyCase { case } => faults.set_odata_key_case(case),
        Command::SlimIdsAsStrings { on } => faults.set_slim_ids_as_strings(on),
        Command::TenantState { state } => faults.set_tenant_state(state),
        Command::MoveTenant => {
            answer = json!({ "ok": true, "Endpoint": faults.move_tenant().as_str() })
        }
        Command::UdfChanges { mode } => faults.set_udf_changes(mode),
        Command::CustomFieldCompanions { on } => faults.set_custom_field_companions(on),
        Command::FieldValues { on } => faults.set_webhook_field_values(on),
        Command::WebhookCopies { copies } => faults.set_webhook_copies(copies),
        Command::Reset => faults.reset(),
    }
    Ok(HttpResponse::Ok().json(answer))
}
