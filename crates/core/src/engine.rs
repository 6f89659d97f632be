//! The engine: run every enabled detector over a document, resolve overlaps, derive the verdict,
//! and apply fixes to a fixed point.
//!
//! `Engine::check(&Document) -> Report` is the one entry point every surface calls (the CLI, the
//! server, the archive audit). Overlap resolution lives here and only here: detectors may report
//! overlapping spans (a date inside a labelled date of birth, a first name inside a full name) and
//! the engine keeps, within a category, the best-ranked finding of each overlapping group — rank
//! is the rule's priority, then confidence, then length. Findings of different categories may
//! overlap (a derogatory word next to a name is two problems); their fixes cannot both apply, so
//! fix application skips an edit that overlaps an earlier one and re-checks until nothing
//! safe-fixable is left (a fixed point; a test asserts convergence).

use std::collections::HashMap;

use serde::Serialize;

use crate::document::Document;
use crate::error::{Error, ErrorKind};
use crate::finding::{Applicability, Category, Finding, Severity};
use crate::rule::{Detector, RuleMeta};

/// The one-word outcome of a check (DESIGN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Nothing worth changing.
    Ok,
    /// Review before posting.
    Caution,
    /// Must not be posted as it is.
    DoNotPost,
}

impl Verdict {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Caution => "caution",
            Verdict::DoNotPost => "do-not-post",
        }
    }
    /// Parse the stable name.
    pub fn parse(s: &str) -> Option<Verdict> {
        match s {
            "ok" => Some(Verdict::Ok),
            "caution" => Some(Verdict::Caution),
            "do-not-post" => Some(Verdict::DoNotPost),
            _ => None,
        }
    }
    /// The verdict a finding of this severity implies on its own.
    pub fn from_severity(s: Severity) -> Verdict {
        match s {
            Severity::Info => Verdict::Ok,
            Severity::Warning => Verdict::Caution,
            Severity::Error => Verdict::DoNotPost,
        }
    }
}

/// The result of checking one document.
#[derive(Debug, Clone)]
pub struct Report {
    /// The verdict.
    pub verdict: Verdict,
    /// Findings, sorted by start offset, non-overlapping within a category.
    pub findings: Vec<Finding>,
}

/// The outcome of fixing a document.
#[derive(Debug, Clone)]
pub struct Fixed {
    /// The safe version.
    pub text: String,
    /// How many edits were applied in all.
    pub applied: usize,
    /// Check-fix rounds run.
    pub rounds: usize,
    /// The report on the fixed text.
    pub report: Report,
}

/// The set of detectors and the rules they report. Built once (by `clinpost_rules::registry()`).
pub struct Registry {
    detectors: Vec<Box<dyn Detector>>,
    rules: Vec<&'static RuleMeta>,
}

impl Registry {
    /// Build a registry; fails if two rules share a code or a name.
    pub fn new(detectors: Vec<Box<dyn Detector>>) -> Result<Registry, Error> {
        let mut rules: Vec<&'static RuleMeta> = Vec::new();
        for d in &detectors {
            for r in d.rules() {
                if rules.iter().any(|x| x.code == r.code || x.name == r.name) {
                    return Err(Error::new(
                        ErrorKind::Registry,
                        format!("duplicate rule code or name: {} ({})", r.code, r.name),
                    ));
                }
                rules.push(r);
            }
        }
        rules.sort_by_key(|r| r.code);
        Ok(Registry { detectors, rules })
    }

    /// Every rule, sorted by code.
    pub fn rules(&self) -> &[&'static RuleMeta] {
        &self.rules
    }

    /// A rule by code (case-insensitive) or name.
    pub fn rule(&self, code_or_name: &str) -> Option<&'static RuleMeta> {
        self.rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
            .copied()
    }

    /// The detectors.
    pub fn detectors(&self) -> &[Box<dyn Detector>] {
        &self.detectors
    }
}

/// Which rules run and how they are reported: the typed form of `clinpost.toml`.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// When non-empty, only rules matching one of these selectors run.
    pub select: Vec<String>,
    /// Rules matching one of these selectors do not run.
    pub ignore: Vec<String>,
    /// Severity per rule code.
    pub severity: HashMap<String, Severity>,
    /// Words and phrases that are never reported (the user's own name, their practice).
    pub allow: Vec<String>,
}

/// True when `selector` names the rule: its code, a code prefix (`PHI`), its name, its category or
/// its kind. Matching is case-insensitive.
pub fn selector_matches(selector: &str, rule: &RuleMeta) -> bool {
    let s = selector.trim();
    if s.is_empty() {
        return false;
    }
    s.eq_ignore_ascii_case("all")
        || rule.code.len() >= s.len() && rule.code[..s.len()].eq_ignore_ascii_case(s)
        || rule.name.eq_ignore_ascii_case(s)
        || rule.category.as_str().eq_ignore_ascii_case(s)
        || rule.kind.as_str().eq_ignore_ascii_case(s)
}

/// True when `selector` matches at least one rule of `registry`.
pub fn selector_is_known(selector: &str, registry: &Registry) -> bool {
    registry.rules().iter().any(|r| selector_matches(selector, r))
}

/// Runs the registry's detectors with settings applied.
pub struct Engine<'r> {
    registry: &'r Registry,
    /// Per rule (by pointer), whether enabled.
    enabled: Vec<(&'static RuleMeta, bool, Severity)>,
    /// Per detector, whether any of its rules is enabled.
    detector_on: Vec<bool>,
    /// Normalised allowed phrases, as word lists.
    allow: Vec<Vec<String>>,
}

impl<'r> Engine<'r> {
    /// An engine over `registry` with `settings`. Unknown selectors or severity codes are errors
    /// (a typo must not silently disable nothing).
    pub fn new(registry: &'r Registry, settings: &Settings) -> Result<Engine<'r>, Error> {
        for s in settings.select.iter().chain(&settings.ignore) {
            if !selector_is_known(s, registry) {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("unknown rule selector '{s}' (see `clinpost rules`)"),
                ));
            }
        }
        for code in settings.severity.keys() {
            if registry.rule(code).is_none() {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("severity override for unknown rule '{code}'"),
                ));
            }
        }
        let enabled: Vec<_> = registry
            .rules()
            .iter()
            .map(|r| {
                let on = (settings.select.is_empty()
                    || settings.select.iter().any(|s| selector_matches(s, r)))
                    && !settings.ignore.iter().any(|s| selector_matches(s, r));
                let sev = settings
                    .severity
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(r.code) || k.as_str() == r.name)
                    .map(|(_, v)| *v)
                    .unwrap_or(r.severity);
                (*r, on, sev)
            })
            .collect();
        let detector_on = registry
            .detectors()
            .iter()
            .map(|d| {
                d.rules().iter().any(|r| {
                    enabled
                        .iter()
                        .any(|(x, on, _)| std::ptr::eq(*x, *r) && *on)
                })
            })
            .collect();
        let allow = settings
            .allow
            .iter()
            .map(|a| words_lower(a))
            .filter(|w| !w.is_empty())
            .collect();
        Ok(Engine {
            registry,
            enabled,
            detector_on,
            allow,
        })
    }

    /// An engine with every rule on at its default severity.
    pub fn with_defaults(registry: &'r Registry) -> Engine<'r> {
        Engine::new(registry, &Settings::default()).expect("default settings are valid")
    }

    /// The registry.
    pub fn registry(&self) -> &'r Registry {
        self.registry
    }

    fn rule_state(&self, rule: &'static RuleMeta) -> Option<Severity> {
        self.enabled
            .iter()
            .find(|(r, _, _)| std::ptr::eq(*r, rule))
            .and_then(|(_, on, sev)| on.then_some(*sev))
    }

    /// Check a document.
    pub fn check(&self, doc: &Document<'_>) -> Report {
        let mut raw = Vec::new();
        for (d, on) in self.registry.detectors().iter().zip(&self.detector_on) {
            if *on {
                d.check(doc, &mut raw);
            }
        }
        let mut findings = Vec::with_capacity(raw.len());
        for mut f in raw {
            debug_assert!(
                f.span.end <= doc.text.len()
                    && doc.text.is_char_boundary(f.span.start)
                    && doc.text.is_char_boundary(f.span.end),
                "rule {} produced a span off a char boundary",
                f.rule.code
            );
            if f.span.end > doc.text.len()
                || !doc.text.is_char_boundary(f.span.start)
                || !doc.text.is_char_boundary(f.span.end)
            {
                continue;
            }
            let Some(sev) = self.rule_state(f.rule) else {
                continue;
            };
            f.severity = sev;
            if self.is_allowed(&doc.text[f.span.start..f.span.end]) {
                continue;
            }
            findings.push(f);
        }
        let findings = resolve_overlaps(findings);
        let verdict = verdict_of(&findings);
        Report { verdict, findings }
    }

    /// Apply safe fixes (and unsafe ones when `include_unsafe`) until nothing fixable is left or
    /// the text stops changing. Converges in a handful of rounds; bounded at 8.
    pub fn fix(&self, doc: &Document<'_>, include_unsafe: bool) -> Fixed {
        const MAX_ROUNDS: usize = 8;
        let mut text = doc.text.to_string();
        let mut applied = 0;
        let mut rounds = 0;
        loop {
            let report = self.check(&Document::new(&text, doc.context));
            let (next, n) = apply_fixes(&text, &report.findings, include_unsafe);
            if n == 0 || next == text || rounds == MAX_ROUNDS {
                return Fixed {
                    text,
                    applied,
                    rounds,
                    report,
                };
            }
            text = next;
            applied += n;
            rounds += 1;
        }
    }

    fn is_allowed(&self, matched: &str) -> bool {
        if self.allow.is_empty() {
            return false;
        }
        let w = words_lower(matched);
        if w.is_empty() {
            return false;
        }
        self.allow
            .iter()
            .any(|a| a.windows(w.len()).any(|win| win == w.as_slice()))
    }
}

/// Lower-cased alphanumeric words, with a possessive `'s` dropped.
fn words_lower(s: &str) -> Vec<String> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| {
            let w = w.trim_matches(|c| c == '\'' || c == '’');
            let w = w
                .strip_suffix("'s")
                .or_else(|| w.strip_suffix("’s"))
                .unwrap_or(w);
            w.to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Keep, within each category, the best-ranked finding of every overlapping group.
pub fn resolve_overlaps(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        b.rule
            .priority
            .cmp(&a.rule.priority)
            .then(b.confidence.cmp(&a.confidence))
            .then(b.span.len().cmp(&a.span.len()))
            .then(a.span.start.cmp(&b.span.start))
            .then(a.rule.code.cmp(b.rule.code))
    });
    // Kept spans per category, keyed by start; they never overlap each other, so a new span
    // overlaps one of them exactly when the last kept span starting before its end reaches
    // past its start (O(log n) per finding; long documents have thousands).
    let mut taken: std::collections::HashMap<Category, std::collections::BTreeMap<usize, usize>> =
        std::collections::HashMap::new();
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        if f.category != Category::Media {
            let spans = taken.entry(f.category).or_default();
            let end = f.span.end.max(f.span.start + 1);
            let clash = spans
                .range(..end)
                .next_back()
                .is_some_and(|(&s, &e)| e > f.span.start && s < end);
            if clash {
                continue;
            }
            spans.insert(f.span.start, end);
        }
        kept.push(f);
    }
    kept.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(a.span.end.cmp(&b.span.end))
            .then(a.rule.code.cmp(b.rule.code))
    });
    kept
}

/// The verdict implied by a set of findings: the worst severity's.
pub fn verdict_of(findings: &[Finding]) -> Verdict {
    findings
        .iter()
        .map(|f| Verdict::from_severity(f.severity))
        .max()
        .unwrap_or(Verdict::Ok)
}

/// Apply the non-overlapping fixes of `findings` to `text`; returns the new text and the number
/// of edits applied. An edit overlapping an earlier one is skipped (the next round picks it up).
pub fn apply_fixes(text: &str, findings: &[Finding], include_unsafe: bool) -> (String, usize) {
    let min = if include_unsafe {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let mut edits: Vec<(usize, usize, &str)> = findings
        .iter()
        .filter_map(|f| {
            let fix = f.fix.as_ref()?;
            (fix.applicability >= min && f.region.is_none())
                .then_some((f.span.start, f.span.end, fix.replacement.as_str()))
        })
        .collect();
    edits.sort();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut n = 0;
    for (s, e, rep) in edits {
        if s < pos {
            continue;
        }
        if text[s..e] == *rep {
            continue;
        }
        out.push_str(&text[pos..s]);
        out.push_str(rep);
        pos = e;
        n += 1;
    }
    out.push_str(&text[pos..]);
    (out, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Kind, Span};
    use crate::rule::RuleMeta;

    static LOW: RuleMeta = RuleMeta {
        code: "TST001",
        name: "low",
        category: Category::Identifier,
        kind: Kind::Date,
        severity: Severity::Error,
        guidance: &[],
        summary: "",
        docs: "",
        placeholder: Some("[x]"),
        priority: 10,
        true_samples: &[],
        false_samples: &[],
    };
    static HIGH: RuleMeta = RuleMeta {
        code: "TST002",
        name: "high",
        priority: 90,
        ..LOW
    };

    fn f(rule: &'static RuleMeta, s: usize, e: usize) -> Finding {
        Finding::new(rule, Span::new(s, e), "m", vec![])
    }

    #[test]
    fn overlaps_keep_the_best_ranked_finding() {
        let kept = resolve_overlaps(vec![
            f(&LOW, 0, 10),
            f(&HIGH, 5, 8),
            f(&LOW, 8, 12),
            f(&LOW, 20, 25),
            f(&HIGH, 24, 30),
        ]);
        let spans: Vec<_> = kept.iter().map(|k| (k.rule.code, k.span.start, k.span.end)).collect();
        assert_eq!(
            spans,
            vec![("TST002", 5, 8), ("TST001", 8, 12), ("TST002", 24, 30)]
        );
    }

    #[test]
    fn many_findings_resolve_quickly() {
        let v: Vec<_> = (0..200_000).map(|i| f(&LOW, i * 2, i * 2 + 3)).collect();
        let t = std::time::Instant::now();
        let kept = resolve_overlaps(v);
        assert!(kept.windows(2).all(|w| w[0].span.end <= w[1].span.start));
        assert!(t.elapsed().as_secs() < 5, "overlap resolution is not quadratic");
    }

    #[test]
    fn fixes_skip_overlapping_edits_and_converge() {
        let text = "abcdefghij";
        let (out, n) = apply_fixes(text, &[f(&LOW, 0, 4), f(&HIGH, 2, 6), f(&LOW, 7, 9)], false);
        assert_eq!((out.as_str(), n), ("[x]efg[x]j", 2));
    }
}
