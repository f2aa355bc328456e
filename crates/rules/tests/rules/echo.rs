use so_rules::{echo_rule, Decision, ReasonCode};

use crate::assert_verdict;

use Decision::{Process, Skip};
use ReasonCode::{EchoOfOwnWrite, NotAnEcho};

#[test]
fn echo_breaker_skips_changes_by_the_connectors_own_associates() {
    #[rustfmt::skip]
    let table: [(&str, &[i64], _, _, _); 6] = [
        // (case, own associate ids, changed by, decision, code)
        ("own associate", &[17], Some(17), Skip, EchoOfOwnWrite),
        ("second own associate", &[17, 42], Some(42), Skip, EchoOfOwnWrite),
        ("a salesperson", &[17], Some(23), Process, NotAnEcho),
        ("no changing associate", &[17], None, Process, NotAnEcho),
        ("no own ids configured", &[], Some(17), Process, NotAnEcho),
        ("associate 0 of state events", &[17], Some(0), Process, NotAnEcho),
    ];

    for (case, own_ids, changed_by, decision, code) in table {
        let verdict = echo_rule(own_ids, changed_by);

        assert_verdict(case, &verdict, decision, code);
    }
}

#[test]
fn echo_reason_names_the_associate() {
    let verdict = echo_rule(&[17], Some(17));

    assert_eq!(
        verdict.reason,
        "changed by associate 17, the connector's own API user"
    );
}
