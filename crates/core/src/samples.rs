//! Checking a rule's samples (the `true_samples` / `false_samples` contract of [`RuleMeta`]).
//!
//! Every crate that defines rules runs its rules' samples through the whole engine with these
//! functions, so a rule that stops firing where it must, fires where it must not, or flags more
//! than the marked text fails a test.

use crate::document::{Context, Document};
use crate::engine::Engine;
use crate::guidance;
use crate::rule::RuleMeta;

/// Checks rule metadata: codes like `PHI001`, kebab-case names, known guidance ids, docs with
/// the four headings, at least three true and three false samples (text rules). One line per
/// failure.
pub fn check_metadata(rules: &[&'static RuleMeta]) -> Vec<String> {
    let mut failures = Vec::new();
    if rules.is_empty() {
        failures.push("no rules".to_string());
    }
    for r in rules {
        if !(r.code.len() == 6 && r.code[3..].bytes().all(|b| b.is_ascii_digit())) {
            failures.push(format!("{}: codes look like PHI001", r.code));
        }
        if !r.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            failures.push(format!("{}: kebab-case name", r.code));
        }
        if r.guidance.is_empty() {
            failures.push(format!("{}: cites no guidance", r.code));
        }
        for g in r.guidance {
            if guidance::lookup(g).is_none() {
                failures.push(format!("{}: unknown guidance id {g}", r.code));
            }
        }
        for h in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            if !r.docs.contains(h) {
                failures.push(format!("{}: docs lack '{h}'", r.code));
            }
        }
        // Media rules fire on files, not text: their samples are the fixture images their
        // crate's tests check.
        if r.category != crate::finding::Category::Media
            && (r.true_samples.len() < 3 || r.false_samples.len() < 3)
        {
            failures.push(format!("{}: needs 3 true and 3 false samples", r.code));
        }
    }
    failures
}

/// A true sample with its expected spans marked «like this»: the text without the marks and
/// the byte ranges (in that text) the rule must flag.
pub fn unmark(sample: &str) -> (String, Vec<(usize, usize)>) {
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

/// Runs each rule's samples through `engine` with `ctx`; returns one line per failure: a marked
/// span not flagged, a flag outside the marks, or a flag on a false sample.
pub fn check_samples(
    engine: &Engine<'_>,
    rules: &[&'static RuleMeta],
    ctx: &Context,
) -> Vec<String> {
    let mut failures = Vec::new();
    for r in rules {
        for s in r.true_samples {
            let (text, marked) = unmark(s);
            if marked.is_empty() {
                failures.push(format!("{}: true sample without «marks»: {s:?}", r.code));
                continue;
            }
            let rep = engine.check(&Document::new(&text, ctx));
            let found: Vec<_> = rep
                .findings
                .iter()
                .filter(|f| f.rule.code == r.code)
                .map(|f| (f.span.start, f.span.end))
                .collect();
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
            let rep = engine.check(&Document::new(s, ctx));
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
    failures
}

/// Fixes each true sample of `rules` and checks that fixing converges and is idempotent;
/// returns one line per failure.
pub fn check_fixed_points(
    engine: &Engine<'_>,
    rules: &[&'static RuleMeta],
    ctx: &Context,
) -> Vec<String> {
    let mut failures = Vec::new();
    for r in rules {
        for s in r.true_samples {
            let (s, _) = unmark(s);
            let fixed = engine.fix(&Document::new(&s, ctx), false);
            if fixed.rounds >= 8 {
                failures.push(format!("{}: no fixed point for {s:?}", r.code));
                continue;
            }
            let again = engine.fix(&Document::new(&fixed.text, ctx), false);
            if again.text != fixed.text {
                failures.push(format!("{}: fixing twice changed {s:?}", r.code));
            }
        }
    }
    failures
}
