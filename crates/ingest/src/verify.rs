//! Who may post webhooks: the shared token and the body signature.
//!
//! SuperOffice signs the raw body when the webhook has a `Secret`:
//! `X-SuperOffice-Signature` is the standard base64 (with padding) of
//! HMAC-SHA256(secret as UTF-8, body bytes exactly as received). A shared
//! token in the target URL (`?token=`) or in `X-Connector-Token` is the
//! second, simpler check, for set-ups without a secret. Both comparisons run
//! in constant time, so response times leak nothing about the expected value.
//!
//! While the secret is being rotated, a previous secret may be accepted
//! beside the current one (`ingest.webhook.previous_secret`): SuperOffice
//! switches to the new secret when the webhook is updated, and a delivery
//! signed before that may still be on its way or be retried later.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The header SuperOffice puts the signature in.
pub const SIGNATURE_HEADER: &str = "X-SuperOffice-Signature";

/// The header a caller may put the shared token in instead of the query.
pub const TOKEN_HEADER: &str = "X-Connector-Token";

type HmacSha256 = Hmac<Sha256>;

/// Why a request was not let in. Each says what the caller can fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// A token is required and none came.
    #[error("token missing: add ?token=... to the webhook URL or send X-Connector-Token")]
    TokenMissing,
    /// The token that came is not the configured one.
    #[error("token does not match")]
    TokenWrong,
    /// A secret is configured and the request carries no signature.
    #[error("X-SuperOffice-Signature missing: the webhook must be registered with the secret")]
    SignatureMissing,
    /// The signature does not match the body (or is not base64).
    #[error("X-SuperOffice-Signature does not match the body")]
    SignatureWrong,
}

/// Checks token and signature against the configured values.
#[derive(Clone)]
pub struct Verifier {
    /// SHA-256 of the expected token; hashing both sides first makes the
    /// comparison constant-time in the length of the token too.
    token_digest: Option<[u8; 32]>,
    /// HMAC state already keyed with the secret; cloned per request so the
    /// key schedule is computed once.
    keyed_mac: Option<HmacSha256>,
    /// The same for the previous secret during a rotation; tried only when
    /// the current one does not match.
    previous_mac: Option<HmacSha256>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("token", &self.token_digest.map(|_| "[REDACTED]"))
            .field("secret", &self.keyed_mac.as_ref().map(|_| "[REDACTED]"))
            .field(
                "previous_secret",
                &self.previous_mac.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

impl Verifier {
    /// A verifier requiring each of `token` and `secret` that is set and not
    /// empty. With neither, every request passes: the settings refuse that.
    pub fn new(token: Option<&SecretString>, secret: Option<&SecretString>) -> Self {
        let token_digest = present(token).map(|token| Sha256::digest(token).into());
        let keyed_mac = present(secret).map(keyed);

        Self {
            token_digest,
            keyed_mac,
            previous_mac: None,
        }
    }

    /// Also accepts signatures made with `previous`, while the secret is
    /// rotated. Ignored unless a current secret is set: a previous secret
    /// alone would make signing optional in name only.
    pub fn with_previous_secret(mut self, previous: Option<&SecretString>) -> Self {
        self.previous_mac = present(previous)
            .filter(|_| self.keyed_mac.is_some())
            .map(keyed);
        self
    }

    /// Whether a signature is checked; the body must then be read first.
    pub fn wants_signature(&self) -> bool {
        self.keyed_mac.is_some()
    }

    /// Checks the token from the query or header, when one is configured.
    pub fn check_token(&self, given: Option<&[u8]>) -> Result<(), Rejection> {
        let Some(expected) = &self.token_digest else {
            return Ok(());
        };
        let given = given.ok_or(Rejection::TokenMissing)?;

        let given: [u8; 32] = Sha256::digest(given).into();
        if bool::from(given.ct_eq(expected)) {
            Ok(())
        } else {
            Err(Rejection::TokenWrong)
        }
    }

    /// Checks the signature header against the raw body, when a secret is
    /// configured.
    pub fn check_signature(&self, body: &[u8], header: Option<&[u8]>) -> Result<(), Rejection> {
        let Some(mac) = &self.keyed_mac else {
            return Ok(());
        };
        let header = header.ok_or(Rejection::SignatureMissing)?;

        // A header that is not base64 cannot match; it is no different from
        // a wrong signature to the caller.
        let claimed = STANDARD
            .decode(header.trim_ascii())
            .map_err(|_| Rejection::SignatureWrong)?;
        if matches(mac, body, &claimed) {
            return Ok(());
        }

        // During a rotation: a delivery signed before SuperOffice switched.
        match &self.previous_mac {
            Some(previous) if matches(previous, body, &claimed) => {
                tracing::debug!("signature matches the previous secret");
                Ok(())
            }
            _ => Err(Rejection::SignatureWrong),
        }
    }
}

/// The bytes of a secret that is set and not empty.
fn present(value: Option<&SecretString>) -> Option<Vec<u8>> {
    value
        .map(|v| v.expose_secret().as_bytes().to_vec())
        .filter(|v| !v.is_empty())
}

fn keyed(key: Vec<u8>) -> HmacSha256 {
    HmacSha256::new_from_slice(&key).expect("HMAC accepts keys of any length")
}

/// Whether `claimed` is the HMAC of `body` under `mac`'s key (compared in
/// constant time by `verify_slice`).
fn matches(mac: &HmacSha256, body: &[u8], claimed: &[u8]) -> bool {
    let mut mac = mac.clone();
    mac.update(body);
    mac.verify_slice(claimed).is_ok()
}

/// The signature SuperOffice sends for `body` under `secret`; for tests, the
/// benchmark and the sandbox.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `contact.changed` example of the API notes, one line, no newline.
    const BODY: &str = concat!(
        r#"{"EventId":"3f1c2a9e-7b4d-4c1e-9a55-0d2e8f6b1a10","#,
        r#""Timestamp":"2025-03-11T09:15:42.1234567Z","#,
        r#""Changes":["contact_id","name","department","updated","updated_associate_id","#,
        r#""updatedCount"],"Event":"contact.changed","PrimaryKey":4711,"Entity":"contact","#,
        r#""ContextIdentifier":"Cust12345","ChangedByAssociateId":17,"#,
        r#""WebhookName":"enrichment-connector"}"#,
    );
    const SECRET: &str = "sandbox-shared-secret";
    const SIGNATURE: &str = "xsNbRkwIfI9txs38RB83Q8BTCxEpAIfp/F7zQ7qdrCk=";
    const SIGNATURE_WITH_NEWLINE: &str = "mNBm2M9tScZH0KXlF6x6teI8fhVrfVNTkoGHs3F3lN8=";

    fn verifier(token: Option<&str>, secret: Option<&str>) -> Verifier {
        let token = token.map(SecretString::from);
        let secret = secret.map(SecretString::from);
        Verifier::new(token.as_ref(), secret.as_ref())
    }

    #[test]
    fn signing_the_test_vector_gives_the_documented_signature() {
        assert_eq!(sign(SECRET, BODY.as_bytes()), SIGNATURE);
        assert_eq!(
            sign(SECRET, format!("{BODY}\n").as_bytes()),
            SIGNATURE_WITH_NEWLINE
        );
    }

    #[test]
    fn documented_signature_is_accepted() {
        let verifier = verifier(None, Some(SECRET));

        let checked = verifier.check_signature(BODY.as_bytes(), Some(SIGNATURE.as_bytes()));

        assert_eq!(checked, Ok(()));
    }

    #[test]
    fn trailing_newline_changes_the_signature() {
        let verifier = verifier(None, Some(SECRET));
        let body = format!("{BODY}\n");

        let old = verifier.check_signature(body.as_bytes(), Some(SIGNATURE.as_bytes()));
        let new =
            verifier.check_signature(body.as_bytes(), Some(SIGNATURE_WITH_NEWLINE.as_bytes()));

        assert_eq!(old, Err(Rejection::SignatureWrong));
        assert_eq!(new, Ok(()));
    }

    #[test]
    fn missing_or_garbled_signature_is_rejected() {
        let verifier = verifier(None, Some(SECRET));

        let missing = verifier.check_signature(BODY.as_bytes(), None);
        let garbled = verifier.check_signature(BODY.as_bytes(), Some(b"not base64!"));

        assert_eq!(missing, Err(Rejection::SignatureMissing));
        assert_eq!(garbled, Err(Rejection::SignatureWrong));
    }

    #[test]
    fn token_must_match_exactly() {
        let verifier = verifier(Some("0123"), None);

        assert_eq!(verifier.check_token(Some(b"0123")), Ok(()));
        assert_eq!(
            verifier.check_token(Some(b"123")),
            Err(Rejection::TokenWrong)
        );
        assert_eq!(verifier.check_token(None), Err(Rejection::TokenMissing));
    }

    #[test]
    fn previous_secret_is_accepted_beside_the_current_one_during_a_rotation() {
        let previous = SecretString::from(SECRET);
        let verifier = verifier(None, Some("the-new-secret")).with_previous_secret(Some(&previous));
        let new_signature = sign("the-new-secret", BODY.as_bytes());
        let other_signature = sign("neither-secret", BODY.as_bytes());

        let old = verifier.check_signature(BODY.as_bytes(), Some(SIGNATURE.as_bytes()));
        let new = verifier.check_signature(BODY.as_bytes(), Some(new_signature.as_bytes()));
        let other = verifier.check_signature(BODY.as_bytes(), Some(other_signature.as_bytes()));

        assert_eq!(old, Ok(()));
        assert_eq!(new, Ok(()));
        assert_eq!(other, Err(Rejection::SignatureWrong));
    }

    #[test]
    fn previous_secret_without_a_current_one_is_ignored() {
        let previous = SecretString::from(SECRET);
        let verifier = verifier(Some("0123"), None).with_previous_secret(Some(&previous));

        let unsigned = verifier.check_signature(BODY.as_bytes(), None);

        assert_eq!(unsigned, Ok(()));
        assert!(!verifier.wants_signature());
    }

    #[test]
    fn unconfigured_checks_pass_and_debug_hides_values() {
        let open = verifier(None, None);
        let previous = SecretString::from("old-hunter2");
        let closed = verifier(Some("hunter2"), Some(SECRET)).with_previous_secret(Some(&previous));

        assert_eq!(open.check_token(None), Ok(()));
        assert_eq!(open.check_signature(b"{}", None), Ok(()));
        assert!(!format!("{closed:?}").contains("hunter2"));
        assert!(format!("{closed:?}").contains("previous_secret"));
    }
}
