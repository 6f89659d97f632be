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

/// A true sample with its expected spans marked «like this»: the text without the marks and
/// the byte ranges (in that text) the rule must flag.
fn unmark(sample: &str) -> (String, Vec<(usize, usize)>) {
    let mut text = String::with_capacity(sample.len());
    let mut spans = Vec::new();
    let mut open = None;
    for c in sample.chars() {
        match c {
            '«' => open = Some(text.len()),
            '»' => spans.push((open.take().expect("« before »"), text.len())),
            _ => text.push(c),
        }
    }
    assert!(open.is_none(), "unclosed « in {sample:?}");
    (text, spans)
}

#[test]
fn every_rule_fires_on_its_true_samples_and_not_on_its_false_ones() {
    let reg = registry();
    let engine = Engine::with_defaults(reg);
    let ctx = Context::default();
    let mut failures = Vec::new();
    for r in reg.rules() {
        for s in r.true_samples {
            let (text, marked) = unmark(s);
            assert!(
                !marked.is_empty(),
                "{}: true sample without «marks»: {s:?}",
                r.code
            );
            let rep = engine.check(&Document::new(&text, &ctx));
            let found: Vec<_> = rep
                .findings
                .iter()
                .filter(|f| f.rule.code == r.code)
                .map(|f| (f.span.start, f.span.end))
                .collect();
            // Every marked span is flagged, and nothing outside the marks is.
            for &(a, b) in &marked {
                if !found.iter().any(|&(s, e)| s < b && a < e) {
                    failures.push(format!(
                        "{} {} missed {:?} in {s:?}",
                        r.code,
                        r.name,
                        &text[a..b]
                    ));
                }
            }
            for &(s2, e2) in &found {
                if !marked.iter().any(|&(a, b)| a <= s2 && e2 <= b) {
                    failures.push(format!(
                        "{} {} flagged {:?} outside the marks in {s:?}",
                        r.code,
                        r.name,
                        &text[s2..e2]
                    ));
                }
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
            let (s, _) = unmark(s);
            let s = s.as_str();
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
