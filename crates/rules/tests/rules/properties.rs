use std::time::Duration;

use proptest::prelude::*;
use so_rules::{
    judge_delivery, normalise_company_name, retry_policy, DeliveryFacts, ErrorClass,
    OwnerWhitelist, PayloadRules, RetryDecision, RetryPolicy,
};
use unicode_normalization::UnicodeNormalization;

fn rules() -> PayloadRules {
    PayloadRules {
        own_associate_ids: vec![17],
        owners: OwnerWhitelist {
            associate_ids: vec![23],
            short_names: Vec::new(),
        },
        ..PayloadRules::default()
    }
}

proptest! {
    #[test]
    fn judge_delivery_never_panics_and_always_gives_a_reason(
        event in any::<String>(),
        entity in any::<String>(),
        changes in prop::collection::vec(any::<String>(), 0..8),
        changed_by in any::<Option<i64>>(),
        payload_owner in any::<Option<i64>>(),
    ) {
        let facts = DeliveryFacts {
            event: &event,
            entity: &entity,
            changes: &changes,
            changed_by,
            payload_owner,
        };

        let verdict = judge_delivery(&rules(), &facts);

        prop_assert!(!verdict.reason.is_empty());
    }

    #[test]
    fn normalising_twice_changes_nothing(name in any::<String>()) {
        let once = normalise_company_name(&name);

        prop_assert_eq!(normalise_company_name(&once), once);
    }

    #[test]
    fn decomposed_and_composed_names_normalise_alike(name in any::<String>()) {
        let decomposed: String = name.nfd().collect();

        prop_assert_eq!(normalise_company_name(&decomposed), normalise_company_name(&name));
    }

    #[test]
    fn no_delay_exceeds_the_cap(
        attempts_so_far in any::<u32>(),
        jitter in any::<f64>(),
        wait_secs in any::<Option<u64>>(),
    ) {
        let policy = RetryPolicy { max_attempts: u32::MAX, ..RetryPolicy::default() };
        let wait = wait_secs.map(Duration::from_secs);
        let cap = Duration::from_millis(policy.max_delay_ms);

        for error in [
            ErrorClass::RateLimited { wait },
            ErrorClass::Unavailable { wait },
            ErrorClass::Server { status: 500 },
        ] {
            let decision = retry_policy(&policy, &error, attempts_so_far, jitter);

            if let RetryDecision::RetryAfter { delay, .. } = decision {
                prop_assert!(delay <= cap, "{delay:?} > {cap:?}");
            }
        }
    }
}
