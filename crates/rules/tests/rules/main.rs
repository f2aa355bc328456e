//! The rules crate's one integration test binary: one module per rule, one
//! table row per case.

mod codes;
mod config;
mod delivery;
mod duplicate;
mod echo;
mod events;
mod fields;
mod owner;
mod properties;
mod retry;

use so_rules::{Decision, ReasonCode, Verdict};

/// Owned column names, as a parsed payload holds them.
pub fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

/// Asserts a verdict's decision and code, naming the table row on failure.
#[track_caller]
pub fn assert_verdict(case: &str, verdict: &Verdict, decision: Decision, code: ReasonCode) {
    assert_eq!(
        (verdict.decision, verdict.code),
        (decision, code),
        "case {case:?}: got {verdict}"
    );
    assert!(!verdict.reason.is_empty(), "case {case:?}: empty reason");
}
