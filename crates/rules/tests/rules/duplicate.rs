use so_rules::{
    duplicate_rule, normalise_company_name, Decision, ReasonCode, RecentJobFact, RecentJobState,
    DEFAULT_DUPLICATE_WINDOW_MS,
};

use crate::assert_verdict;

use Decision::{Process, Skip};
use ReasonCode::{DuplicateCreation, NotDuplicate};
use RecentJobState::{Completed, Processing};

/// Some instant in epoch milliseconds.
const NOW: i64 = 1_741_684_942_000;
const WINDOW: i64 = DEFAULT_DUPLICATE_WINDOW_MS;

#[test]
fn normalisation_table() {
    let table = [
        // (input, normalised)
        ("M\u{00FC}ller GmbH", "m\u{00FC}ller gmbh"),
        ("Mu\u{0308}ller GmbH", "m\u{00FC}ller gmbh"),
        ("MU\u{0308}LLER GMBH", "m\u{00FC}ller gmbh"),
        ("  Acme   GmbH  ", "acme gmbh"),
        ("Acme\tGmbH\n", "acme gmbh"),
        ("Acme\u{00A0}GmbH", "acme gmbh"),
        ("Nordlys Maskin AS", "nordlys maskin as"),
        ("Stra\u{00DF}e AG", "stra\u{00DF}e ag"),
        ("STRA\u{1E9E}E AG", "stra\u{00DF}e ag"),
        ("STRASSE AG", "strasse ag"),
        ("\u{00C5}SE", "\u{00E5}se"),
        ("A\u{030A}SE", "\u{00E5}se"),
        ("", ""),
        ("   ", ""),
    ];

    for (input, expected) in table {
        assert_eq!(normalise_company_name(input), expected, "input {input:?}");
    }
}

#[test]
fn composed_and_decomposed_umlauts_compare_equal() {
    let composed = "M\u{00FC}ller Maschinenbau";
    let decomposed = "Mu\u{0308}ller Maschinenbau";
    assert_ne!(composed, decomposed);

    assert_eq!(
        normalise_company_name(composed),
        normalise_company_name(decomposed)
    );
}

fn job(name: &str, state: RecentJobState) -> RecentJobFact {
    RecentJobFact {
        normalised_name: normalise_company_name(name),
        state,
    }
}

/// A job that completed `age_ms` before [`NOW`].
fn done(age_ms: i64) -> RecentJobState {
    Completed {
        finished_at_ms: NOW - age_ms,
    }
}

#[test]
fn duplicate_rule_skips_repeated_creation_within_the_window() {
    let created = "contact.created";
    #[rustfmt::skip]
    let table = [
        // (case, event, company name, recent job's name and state, decision)
        ("processing", created, "Acme GmbH", "acme gmbh", Processing, Skip),
        ("completed just now", created, "Acme GmbH", "Acme GmbH", done(1), Skip),
        ("completed 4m59s ago", created, "Acme GmbH", "Acme GmbH", done(WINDOW - 1_000), Skip),
        ("exactly at the window", created, "Acme GmbH", "Acme GmbH", done(WINDOW), Skip),
        ("1ms past the window", created, "Acme GmbH", "Acme GmbH", done(WINDOW + 1), Process),
        ("an hour ago", created, "Acme GmbH", "Acme GmbH", done(3_600_000), Process),
        ("clock skew", created, "Acme GmbH", "Acme GmbH", done(-500), Skip),
        ("other company", created, "Acme AG", "Acme GmbH", Processing, Process),
        ("decomposed umlaut", created, "Mu\u{0308}ller", "M\u{00FC}ller", Processing, Skip),
        ("spacing and case", created, " ACME  gmbh ", "Acme GmbH", Processing, Skip),
        ("event case", "Contact.Created", "Acme GmbH", "Acme GmbH", Processing, Skip),
        ("changed event", "contact.changed", "Acme GmbH", "Acme GmbH", Processing, Process),
        ("person created", "person.created", "Acme GmbH", "Acme GmbH", Processing, Process),
        ("blank name", created, "  ", "", Processing, Process),
    ];

    for (case, event, name, recent_name, state, decision) in table {
        let recent = [job(recent_name, state)];

        let verdict = duplicate_rule(event, name, &recent, NOW, WINDOW);

        let code = if decision == Skip {
            DuplicateCreation
        } else {
            NotDuplicate
        };
        assert_verdict(case, &verdict, decision, code);
    }
}

#[test]
fn duplicate_rule_looks_at_every_recent_job() {
    let recent = [
        job(
            "Acme GmbH",
            Completed {
                finished_at_ms: NOW - 2 * WINDOW,
            },
        ),
        job("Other AS", Processing),
        job(
            "Acme GmbH",
            Completed {
                finished_at_ms: NOW - 10_000,
            },
        ),
    ];

    let verdict = duplicate_rule("contact.created", "Acme GmbH", &recent, NOW, WINDOW);

    assert_verdict("third job", &verdict, Skip, DuplicateCreation);
    assert_eq!(
        verdict.reason,
        "another job for Acme GmbH completed 10s ago, within the 5m window"
    );
}

#[test]
fn no_recent_jobs_is_no_duplicate() {
    let verdict = duplicate_rule("contact.created", "Acme GmbH", &[], NOW, WINDOW);

    assert_verdict("no jobs", &verdict, Process, NotDuplicate);
}
