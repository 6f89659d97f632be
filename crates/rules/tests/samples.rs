//! Registry-wide checks: codes and names unique, guidance ids known, docs complete, and every
//! rule's true samples fire and false samples stay quiet through the whole engine.

use clinpost_core::{guidance, Context, Document, Engine};
use clinpost_rules::registry;

#[test]
fn registry_is_consistent() {
    let reg = registry();
    assert!(!reg.rules().is_empty());
    for r in reg.rules() {
        assert!(
            r.code.len() == 6 && r.code[3..].bytes().all(|b| b.is_ascii_digit()),
            "{}: codes look like PHI001",
            r.code
        );
        assert!(
            r.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{}: kebab-case name",
            r.code
        );
        assert!(!r.guidance.is_empty(), "{}: cites no guidance", r.code);
        for g in r.guidance {
            assert!(
                guidance::lookup(g).is_some(),
                "{}: unknown guidance id {g}",
                r.code
            );
        }
        for h in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(r.docs.contains(h), "{}: docs lack '{h}'", r.code);
        }
        assert!(
            r.true_samples.len() >= 3,
            "{}: needs 3 true samples",
            r.code
        );
        assert!(
            r.false_samples.len() >= 3,
            "{}: needs 3 false samples",
            r.code
        );
    }
}

#[test]
fn every_rule_fires_on_its_true_samples_and_not_on_its_false_ones() {
    let reg = registry();
    let engine = Engine::with_defaults(reg);
    let ctx = Context::default();
    let mut failures = Vec::new();
    for r in reg.rules() {
        for s in r.true_samples {
            let rep = engine.check(&Document::new(s, &ctx));
            if !rep.findings.iter().any(|f| f.rule.code == r.code) {
                failures.push(format!("{} {} missed true sample: {s:?}", r.code, r.name));
            }
        }
        for s in r.false_samples {
            let rep = engine.check(&Document::new(s, &ctx));
            if let Some(f) = rep.findings.iter().find(|f| f.rule.code == r.code) {
                failures.push(format!(
                    "{} {} fired on false sample {s:?} at {:?}",
                    r.code,
                    r.name,
                    &s[f.span.start..f.span.end]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixes_reach_a_fixed_point() {
    let engine = Engine::with_defaults(registry());
    let ctx = Context::default();
    for r in registry().rules() {
        for s in r.true_samples {
            let fixed = engine.fix(&Document::new(s, &ctx), false);
            assert!(fixed.rounds < 8, "{}: no fixed point for {s:?}", r.code);
            let again = engine.fix(&Document::new(&fixed.text, &ctx), false);
            assert_eq!(
                again.text, fixed.text,
                "{}: fixing twice changed {s:?}",
                r.code
            );
        }
    }
}
