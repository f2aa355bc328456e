//! The `admin` settings section of a binary: where its admin listener
//! (dashboard, metrics, health) binds, and the credential it requires.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// `<binary>.admin.*`.
///
/// The listener is for operators, not for SuperOffice: loopback by default,
/// reached through an SSH tunnel or a reverse proxy. Bound to any other
/// address it requires a credential, since the dashboard can requeue jobs
/// and shows company names.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdminSettings {
    /// `off`, a port (on loopback), or an address and port. A binary gives
    /// its own default (the ingest `127.0.0.1:8701`).
    pub listen: String,
    /// Bearer token (`Authorization: Bearer …`). A browser can log in with
    /// basic auth, any user name and the token as password.
    pub token: Option<SecretString>,
    /// User name for basic auth; needs `password`.
    pub user: Option<String>,
    /// Password for basic auth; needs `user`.
    pub password: Option<SecretString>,
}

impl Default for AdminSettings {
    fn default() -> Self {
        Self::listening_on("127.0.0.1:8701")
    }
}

/// Where the admin listener is to bind, once validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenOn {
    /// No admin listener.
    Off,
    /// Bind this address.
    Address(SocketAddr),
}

/// Admin settings that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum InvalidAdmin {
    /// `listen` is neither `off`, a port, nor an address and port.
    #[error(
        "{section}.listen: {value:?} is not off, a port or an address:port such as 127.0.0.1:8701"
    )]
    Listen {
        /// The section, `ingest.admin`.
        section: &'static str,
        /// What was set.
        value: String,
    },

    /// The listener is reachable from other hosts and no credential is set.
    #[error(
        "{section}.listen: {address} is reachable from other hosts, so the admin listener \
         needs a credential: set {env}__TOKEN, or {env}__USER and {env}__PASSWORD, or \
         listen on a loopback address such as 127.0.0.1"
    )]
    NoCredential {
        /// The section, `ingest.admin`.
        section: &'static str,
        /// Its environment prefix, `SO__INGEST__ADMIN`.
        env: &'static str,
        /// The address asked for.
        address: SocketAddr,
    },

    /// Only one of user and password is set, or one is empty.
    #[error("{section}: set both user and password for basic auth, or neither")]
    HalfBasic {
        /// The section, `ingest.admin`.
        section: &'static str,
    },
}

impl AdminSettings {
    /// Settings listening on `listen` without a credential.
    pub fn listening_on(listen: &str) -> Self {
        Self {
            listen: listen.to_owned(),
            token: None,
            user: None,
            password: None,
        }
    }

    /// Checks the settings; `section` (`ingest.admin`) and `env`
    /// (`SO__INGEST__ADMIN`) name them in the errors.
    pub fn validate(
        &self,
        section: &'static str,
        env: &'static str,
    ) -> Result<ListenOn, InvalidAdmin> {
        let listen = self.listen_on(section)?;

        let user = self.user.as_deref().filter(|user| !user.is_empty());
        let password = self
            .password
            .as_ref()
            .filter(|p| !p.expose_secret().is_empty());
        if user.is_some() != password.is_some() {
            return Err(InvalidAdmin::HalfBasic { section });
        }

        if let ListenOn::Address(address) = listen {
            if !address.ip().is_loopback() && !self.has_credential() {
                return Err(InvalidAdmin::NoCredential {
                    section,
                    env,
                    address,
                });
            }
        }
        Ok(listen)
    }

    /// `listen` parsed: `off`, a bare port (loopback), or `address:port`.
    pub fn listen_on(&self, section: &'static str) -> Result<ListenOn, InvalidAdmin> {
        let value = self.listen.trim();
        if value.eq_ignore_ascii_case("off") {
            return Ok(ListenOn::Off);
        }
        if let Ok(port) = value.parse::<u16>() {
            let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
            return Ok(ListenOn::Address(SocketAddr::new(loopback, port)));
        }
        value
            .parse()
            .map(ListenOn::Address)
            .map_err(|_| InvalidAdmin::Listen {
                section,
                value: self.listen.clone(),
            })
    }

    /// Whether a token or a user and password are set (and not empty).
    pub fn has_credential(&self) -> bool {
        let token = self
            .token
            .as_ref()
            .filter(|t| !t.expose_secret().is_empty());
        let password = self
            .password
            .as_ref()
            .filter(|p| !p.expose_secret().is_empty());
        token.is_some()
            || (self.user.as_deref().is_some_and(|u| !u.is_empty()) && password.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(listen: &str) -> AdminSettings {
        AdminSettings::listening_on(listen)
    }

    #[test]
    fn off_a_port_and_an_address_are_understood() {
        let on = |listen| settings(listen).validate("admin", "SO__ADMIN").unwrap();

        assert_eq!(on("off"), ListenOn::Off);
        assert_eq!(
            on("9100"),
            ListenOn::Address("127.0.0.1:9100".parse().unwrap())
        );
        assert_eq!(on("[::1]:0"), ListenOn::Address("[::1]:0".parse().unwrap()));
    }

    #[test]
    fn a_non_loopback_address_without_a_credential_is_refused() {
        let error = settings("0.0.0.0:8701")
            .validate("ingest.admin", "SO__INGEST__ADMIN")
            .unwrap_err();

        assert!(matches!(error, InvalidAdmin::NoCredential { .. }));
        let message = error.to_string();
        assert!(message.contains("SO__INGEST__ADMIN__TOKEN"), "{message}");
        assert!(message.contains("0.0.0.0:8701"), "{message}");
    }

    #[test]
    fn a_non_loopback_address_with_a_token_or_basic_auth_is_accepted() {
        let mut with_token = settings("0.0.0.0:8701");
        with_token.token = Some("t0ken".into());
        let mut with_basic = settings("0.0.0.0:8701");
        with_basic.user = Some("ops".into());
        with_basic.password = Some("pw".into());

        assert!(with_token.validate("admin", "SO__ADMIN").is_ok());
        assert!(with_basic.validate("admin", "SO__ADMIN").is_ok());
    }

    #[test]
    fn a_user_without_a_password_is_refused() {
        let mut half = settings("127.0.0.1:8701");
        half.user = Some("ops".into());

        let error = half.validate("admin", "SO__ADMIN").unwrap_err();

        assert!(matches!(error, InvalidAdmin::HalfBasic { .. }));
    }

    #[test]
    fn garbage_is_refused_with_the_value() {
        let error = settings("everywhere")
            .validate("admin", "SO__ADMIN")
            .unwrap_err();

        assert!(error.to_string().contains("\"everywhere\""));
    }
}
