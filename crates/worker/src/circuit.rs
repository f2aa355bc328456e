//! The credentials circuit: after SuperOffice refused the connector's
//! credentials, stop claiming for a while instead of failing every job in
//! the queue and asking the token endpoint again for each.
//!
//! Closed: claim as usual. Open: claim nothing until the pause is over.
//! Then one probe (a single token request) decides: accepted closes the
//! circuit, refused opens it for another pause. The error is logged once,
//! when the circuit opens; probes that fail again log at debug only.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// What the claim loop should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Claim.
    Closed,
    /// Claim nothing until this moment.
    OpenUntil(Instant),
    /// The pause is over: check the credentials once before claiming.
    Probe,
}

/// Shared by the claim loop (which asks) and the job tasks (which trip it).
#[derive(Debug)]
pub struct Circuit {
    /// How long claiming pauses after a refusal.
    pause: Duration,
    /// When the pause ends; `None` while closed.
    open_until: Mutex<Option<Instant>>,
}

impl Circuit {
    /// A closed circuit that pauses for `pause` when tripped.
    pub fn new(pause: Duration) -> Self {
        Self {
            pause,
            open_until: Mutex::new(None),
        }
    }

    /// Opens the circuit for one pause. Logs the error only when it was
    /// closed, so a burst of refused jobs gives one line.
    pub fn trip(&self) {
        let mut open_until = self.open_until.lock().expect("never poisoned");
        let was_closed = open_until.is_none();
        *open_until = Some(Instant::now() + self.pause);

        if was_closed {
            tracing::error!(
                pause_ms = u64::try_from(self.pause.as_millis()).unwrap_or(u64::MAX),
                "SuperOffice refused the credentials; claiming paused. It resumes by itself, \
                 without a restart, once a check after the pause is accepted. If they were \
                 revoked, put a new refresh token (renew the consent) or the corrected client \
                 id and secret in the environment file, which the worker reads when it \
                 starts. Then requeue the failed jobs: soctl queue retry ID, or soctl queue \
                 retry-failed"
            );
        }
    }

    /// What the claim loop should do now.
    pub fn gate(&self) -> Gate {
        match *self.open_until.lock().expect("never poisoned") {
            None => Gate::Closed,
            Some(until) if Instant::now() < until => Gate::OpenUntil(until),
            Some(_) => Gate::Probe,
        }
    }

    /// Records the probe's answer: accepted closes, refused opens again.
    pub fn probed(&self, accepted: bool) {
        let mut open_until = self.open_until.lock().expect("never poisoned");
        if accepted {
            *open_until = None;
            tracing::info!("SuperOffice accepts the credentials again; claiming resumes");
        } else {
            *open_until = Some(Instant::now() + self.pause);
            tracing::debug!("credentials still refused; claiming stays paused");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tripped_circuit_holds_claims_for_the_pause() {
        let circuit = Circuit::new(Duration::from_secs(3600));
        assert_eq!(circuit.gate(), Gate::Closed);

        circuit.trip();

        assert!(matches!(circuit.gate(), Gate::OpenUntil(_)));
    }

    #[test]
    fn after_the_pause_a_probe_decides() {
        let circuit = Circuit::new(Duration::ZERO);
        circuit.trip();
        assert_eq!(circuit.gate(), Gate::Probe);

        circuit.probed(true);

        assert_eq!(circuit.gate(), Gate::Closed);
    }
}
