//! Registry-wide checks: codes and names unique, guidance ids known, docs complete, and every
//! rule's true samples fire and false samples stay quiet through the whole engine.

use clinpost_core::{samples, Context, Engine};
use clinpost_rules::registry;

#[test]
fn registry_is_consistent() {
    let failures = samples::check_metadata(registry().rules());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_fires_on_its_true_samples_and_not_on_its_false_ones() {
    let reg = registry();
    let failures = samples::check_samples(
        &Engine::with_defaults(reg),
        reg.rules(),
        &Context::default(),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixes_reach_a_fixed_point() {
    let reg = registry();
    let failures = samples::check_fixed_points(
        &Engine::with_defaults(reg),
        reg.rules(),
        &Context::default(),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
