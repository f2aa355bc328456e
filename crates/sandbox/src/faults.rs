//! Injected faults and behaviour switches.
//!
//! [`Faults`] is the programmatic handle tests use; the admin endpoints
//! (`/_sandbox/faults/…`) call the very same methods. "Switches" choose
//! between variants the API notes leave unconfirmed; "faults" make the
//! tenant misbehave on purpose.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::config::NextLinkMode;
use crate::respond::KeyCase;
use crate::state::Shared;
use crate::webhooks::WebhookState;

/// Tenant states of the tenant status API, with their documented numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum TenantState {
    Unknown = 0,
    Provisioning = 1,
    #[default]
    Running = 2,
    Deleted = 3,
    Suspended = 4,
    OnlineMaintenance = 5,
    OfflineMaintenance = 6,
    ProvisioningFailed = 8,
    Deleting = 10,
    DeleteFailed = 11,
    MigrationPending = 12,
}

impl TenantState {
    /// `IsRunning`: only Running and OnlineMaintenance serve the API.
    pub fn is_running(self) -> bool {
        matches!(self, TenantState::Running | TenantState::OnlineMaintenance)
    }
}

/// The `Retry-After` value of a 429 or 503.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryAfter {
    /// Delta-seconds form: `Retry-After: 2`.
    Seconds(u64),
    /// HTTP-date form, this many seconds after the answer.
    DateIn(u64),
}

impl RetryAfter {
    /// The header value, computed at the time of the answer.
    pub fn header_value(self) -> String {
        match self {
            RetryAfter::Seconds(seconds) => seconds.to_string(),
            RetryAfter::DateIn(seconds) => {
                httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(seconds))
            }
        }
    }
}

/// How the keys of OData rows are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ODataKeyCase {
    /// Exactly as named in `$select` (documented behaviour).
    #[default]
    AsSelected,
    /// `contactid`.
    Lower,
    /// `ContactId`.
    Pascal,
    /// Odd rows lowercase, even rows PascalCase: a client must not care.
    Alternating,
}

/// What a webhook's `Changes` lists when only UDFs changed. The real
/// behaviour is unconfirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum UdfChanges {
    /// Only `updated`, `updated_associate_id`, `updatedCount` (default: UDF
    /// values live in a dependent table, which raises no column changes).
    #[default]
    StampsOnly,
    /// Also `userdef_id` (short fields) / `userdef2_id` (long text).
    UserdefColumns,
    /// No event at all for a UDF-only change: UDF values live in dependent
    /// tables, and the notes say those raise no events.
    NoEvent,
}

/// Current faults and switches; see [`Faults`] for what each does.
#[derive(Debug, Clone, Serialize)]
pub struct FaultState {
    /// Wait this long before answering tenant requests.
    pub delay: Option<Duration>,
    /// API requests still to be answered 429.
    pub throttle_left: u32,
    /// `Retry-After` of those 429s.
    pub throttle_retry_after: Option<RetryAfter>,
    /// API requests still to be answered 503.
    pub unavailable_left: u32,
    /// `Retry-After` of those 503s.
    pub unavailable_retry_after: Option<RetryAfter>,
    /// Contacts whose reads and writes answer 500.
    pub failing_contacts: HashSet<i32>,
    /// Persons whose reads and writes answer 500.
    pub failing_persons: HashSet<i32>,
    /// Identity look-ups answer 500.
    pub identity_fails: bool,
    /// `Associate/Me` answers 500 for an API user without a person.
    pub associate_me_fails_without_person: bool,
    /// Key case of entity JSON.
    pub key_case: KeyCase,
    /// How `odata.nextLink` is filled.
    pub next_link: NextLinkMode,
    /// Key case of OData row columns.
    pub odata_key_case: ODataKeyCase,
    /// Slim id columns as strings.
    pub slim_ids_as_strings: bool,
    /// What tenant status reports.
    pub tenant_state: TenantState,
    /// How often the tenant has moved; each move changes the endpoint path.
    pub moves: u32,
    /// What `Changes` lists for UDF-only changes.
    pub udf_changes: UdfChanges,
    /// `CustomFields` carries the list companions.
    pub custom_field_companions: bool,
}

impl FaultState {
    /// No faults; switches at their documented defaults.
    pub fn new(next_link: NextLinkMode) -> FaultState {
        FaultState {
            delay: None,
            throttle_left: 0,
            throttle_retry_after: None,
            unavailable_left: 0,
            unavailable_retry_after: None,
            failing_contacts: HashSet::new(),
            failing_persons: HashSet::new(),
            identity_fails: false,
            associate_me_fails_without_person: true,
            key_case: KeyCase::Pascal,
            next_link,
            odata_key_case: ODataKeyCase::AsSelected,
            slim_ids_as_strings: false,
            tenant_state: TenantState::Running,
            moves: 0,
            udf_changes: UdfChanges::StampsOnly,
            custom_field_companions: true,
        }
    }
}

/// Programmatic fault injection, the same as the admin endpoints.
#[derive(Debug, Clone)]
pub struct Faults {
    shared: Arc<Shared>,
}

impl Faults {
    pub(crate) fn new(shared: Arc<Shared>) -> Faults {
        Faults { shared }
    }

    fn change(&self, apply: impl FnOnce(&mut FaultState)) {
        apply(&mut self.shared.faults());
    }

    /// A snapshot of the current faults and switches.
    pub fn snapshot(&self) -> FaultState {
        self.shared.faults().clone()
    }

    /// Clears every fault and puts every switch back to its start value.
    /// The tenant stays where it moved to; tokens and data are untouched.
    pub fn reset(&self) {
        let next_link = self.shared.config.next_link;
        self.change(|f| {
            *f = FaultState {
                moves: f.moves,
                ..FaultState::new(next_link)
            }
        });
    }

    /// Every access token issued so far answers 401 from now on.
    pub fn expire_access_tokens(&self) {
        self.shared.auth().expire_all();
    }

    /// The refresh token is revoked: the token endpoint answers `invalid_grant`.
    pub fn revoke_refresh_token(&self) {
        self.shared.auth().refresh_revoked = true;
    }

    /// The refresh token works again (consent given anew).
    pub fn restore_refresh_token(&self) {
        self.shared.auth().refresh_revoked = false;
    }

    /// The next `count` API requests answer 429, with `Retry-After` if given.
    pub fn throttle(&self, count: u32, retry_after: Option<RetryAfter>) {
        self.change(|f| {
            f.throttle_left = count;
            f.throttle_retry_after = retry_after;
        });
    }

    /// The next `count` API requests answer 503, with `Retry-After` if given.
    pub fn unavailable(&self, count: u32, retry_after: Option<RetryAfter>) {
        self.change(|f| {
            f.unavailable_left = count;
            f.unavailable_retry_after = retry_after;
        });
    }

    /// Reads and writes of this contact answer 500 (`on = false` heals it).
    pub fn fail_contact(&self, contact_id: i32, on: bool) {
        self.change(|f| toggle(&mut f.failing_contacts, contact_id, on));
    }

    /// Reads and writes of this person answer 500 (`on = false` heals it).
    pub fn fail_person(&self, person_id: i32, on: bool) {
        self.change(|f| toggle(&mut f.failing_persons, person_id, on));
    }

    /// Identity look-ups (`User/…`, `Associate/…`, `Agents/Associate/…`,
    /// `Archive/InternalUsers`) answer 500.
    pub fn fail_identity_lookups(&self, on: bool) {
        self.change(|f| f.identity_fails = on);
    }

    /// Whether `Associate/Me` answers 500 for an API user without a person
    /// (on by default, as the production connector saw).
    pub fn associate_me_fails_without_person(&self, on: bool) {
        self.change(|f| f.associate_me_fails_without_person = on);
    }

    /// Every tenant request (token, status, API) waits this long first.
    pub fn set_delay(&self, delay: Option<Duration>) {
        self.change(|f| f.delay = delay);
    }

    /// Key case of entity JSON.
    pub fn set_key_case(&self, case: KeyCase) {
        self.change(|f| f.key_case = case);
    }

    /// How `odata.nextLink` is filled.
    pub fn set_next_link(&self, mode: NextLinkMode) {
        self.change(|f| f.next_link = mode);
    }

    /// Key case of OData row columns.
    pub fn set_odata_key_case(&self, case: ODataKeyCase) {
        self.change(|f| f.odata_key_case = case);
    }

    /// Slim rows give id columns (`contactId`) as strings instead of numbers.
    pub fn set_slim_ids_as_strings(&self, on: bool) {
        self.change(|f| f.slim_ids_as_strings = on);
    }

    /// The state tenant status reports; API calls answer 503 unless running.
    pub fn set_tenant_state(&self, state: TenantState) {
        self.change(|f| f.tenant_state = state);
    }

    /// Moves the tenant: the old endpoint answers 421 from now on and tenant
    /// status reports the new one, which is returned.
    pub fn move_tenant(&self) -> Url {
        self.change(|f| f.moves += 1);
        self.shared.endpoint()
    }

    /// What `Changes` lists for a UDF-only change.
    pub fn set_udf_changes(&self, mode: UdfChanges) {
        self.change(|f| f.udf_changes = mode);
    }

    /// Whether `CustomFields` carries the `:DisplayText`/`:DisplayTooltip`
    /// companions of list UDFs (`UserDefinedFields` always does).
    pub fn set_custom_field_companions(&self, on: bool) {
        self.change(|f| f.custom_field_companions = on);
    }

    /// Whether webhook payloads carry `FieldValues`.
    pub fn set_webhook_field_values(&self, on: bool) {
        self.shared.hooks.status().with_field_values = on;
    }

    /// The webhook's state (`Active`, `Stopped`, `TooManyErrors`).
    pub fn webhook_state(&self) -> WebhookState {
        self.shared.hooks.status().state
    }

    /// Sets the webhook's state; `Active` also clears the error count, as
    /// reactivating a webhook in SuperOffice does.
    pub fn set_webhook_state(&self, state: WebhookState) {
        self.shared.hooks.set_state(state);
    }

    /// Each event emitted from now on is delivered `copies` times with the
    /// same `EventId` (1 = normal).
    pub fn set_webhook_copies(&self, copies: u32) {
        self.shared.hooks.status().copies = copies.max(1);
    }
}

fn toggle(set: &mut HashSet<i32>, id: i32, on: bool) {
    if on {
        set.insert(id);
    } else {
        set.remove(&id);
    }
}
