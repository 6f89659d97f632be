//! The whole registry (direct identifiers and quasi-identifiers): metadata complete, and every
//! quasi-identifier rule's samples behave through the whole engine, assessor included.

use clinpost_core::{samples, Context, Engine};
use clinpost_risk::{registry, rules};

#[test]
fn registry_is_consistent() {
    let failures = samples::check_metadata(registry().rules());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for r in rules::RULES {
        assert!(
            registry().rule(r.code).is_some(),
            "{} not registered",
            r.code
        );
    }
}

#[test]
fn quasi_identifier_samples() {
    let engine = Engine::with_defaults(registry());
    let failures = samples::check_samples(&engine, rules::RULES, &Context::default());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn quasi_identifier_fixes_reach_a_fixed_point() {
    let engine = Engine::with_defaults(registry());
    let failures = samples::check_fixed_points(&engine, rules::RULES, &Context::default());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
