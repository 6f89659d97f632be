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
use crate::risk::{Assessor, Risk};
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
    /// The re-identification risk, when the registry has an assessor and it ran.
    pub risk: Option<Risk>,
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
    /// False when the round limit was reached with edits still being made (a rule whose fix
    /// keeps matching; the result needs a person's look).
    pub converged: bool,
    /// The report on the fixed text.
    pub report: Report,
}

/// The set of detectors and the rules they report. Built once (by `clinpost_rules::registry()`).
pub struct Registry {
    detectors: Vec<Box<dyn Detector>>,
    assessors: Vec<Box<dyn Assessor>>,
    rules: Vec<&'static RuleMeta>,
}

impl Registry {
    /// Build a registry; fails if two rules share a code or a name.
    pub fn new(detectors: Vec<Box<dyn Detector>>) -> Result<Registry, Error> {
        Registry::with_assessors(detectors, Vec::new())
    }

    /// Build a registry with document-level assessors, which run after the detectors.
    pub fn with_assessors(
        detectors: Vec<Box<dyn Detector>>,
        assessors: Vec<Box<dyn Assessor>>,
    ) -> Result<Registry, Error> {
        let mut rules: Vec<&'static RuleMeta> = Vec::new();
        let lists = detectors
            .iter()
            .map(|d| d.rules())
            .chain(assessors.iter().map(|a| a.rules()));
        for list in lists {
            for r in list {
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
        Ok(Registry {
            detectors,
            assessors,
            rules,
        })
    }

    /// Every rule, sorted by code.
    pub fn rules(&self) -> &[&'static RuleMeta] {
        &self.rules
    }

    /// A rule by code (case-insensitive) or name.
    pub fn rule(&self, code_or_name: &str) -> Option<&'static RuleMeta> {
        self.rules
            .iter()
            .find(|r| {
                r.code.eq_ignore_ascii_case(code_or_name)
                    || r.name.eq_ignore_ascii_case(code_or_name)
            })
            .copied()
    }

    /// The detectors.
    pub fn detectors(&self) -> &[Box<dyn Detector>] {
        &self.detectors
    }

    /// The document-level assessors.
    pub fn assessors(&self) -> &[Box<dyn Assessor>] {
        &self.assessors
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
    // A code prefix is the letters of a code family ("PHI"), never part of its number: "PHI01"
    // must not silently select PHI010-PHI019.
    let family = s.bytes().all(|b| b.is_ascii_alphabetic())
        && rule.code.len() > s.len()
        && rule.code[..s.len()].eq_ignore_ascii_case(s)
        && rule.code.as_bytes()[s.len()].is_ascii_digit();
    s.eq_ignore_ascii_case("all")
        || family
        || rule.code.eq_ignore_ascii_case(s)
        || rule.name.eq_ignore_ascii_case(s)
        || rule.category.as_str().eq_ignore_ascii_case(s)
        || rule.kind.as_str().eq_ignore_ascii_case(s)
}

/// True when `selector` matches at least one rule of `registry`.
pub fn selector_is_known(selector: &str, registry: &Registry) -> bool {
    registry
        .rules()
        .iter()
        .any(|r| selector_matches(selector, r))
}

/// Runs the registry's detectors with settings applied.
pub struct Engine<'r> {
    registry: &'r Registry,
    /// Per rule (by pointer), whether enabled and the configured severity override.
    enabled: Vec<(&'static RuleMeta, bool, Option<Severity>)>,
    /// Per detector, whether any of its rules is enabled.
    detector_on: Vec<bool>,
    /// Per assessor, whether any of its rules is enabled.
    assessor_on: Vec<bool>,
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
                    // Echo the selector only when it looks like a code or name, never
                    // free text that may be a person's name typed in the wrong place.
                    if s.len() <= 32
                        && s.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                    {
                        format!("unknown rule selector '{s}' (see `clinpost rules`)")
                    } else {
                        "unknown rule selector (see `clinpost rules`)".to_string()
                    },
                ));
            }
        }
        // Severity overrides keyed by the rule they name (code or name, any case); two keys for
        // one rule would make the result depend on map order, so they are an error.
        let mut severity: HashMap<&'static str, Severity> = HashMap::new();
        for (key, sev) in &settings.severity {
            let Some(rule) = registry.rule(key) else {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!("severity override for unknown rule '{key}'"),
                ));
            };
            if severity.insert(rule.code, *sev).is_some() {
                return Err(Error::new(
                    ErrorKind::Config,
                    format!(
                        "two severity overrides for rule {} ({})",
                        rule.code, rule.name
                    ),
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
                (*r, on, severity.get(r.code).copied())
            })
            .collect();
        let any_on = |rules: &[&'static RuleMeta]| {
            rules
                .iter()
                .any(|r| enabled.iter().any(|(x, on, _)| std::ptr::eq(*x, *r) && *on))
        };
        let detector_on = registry
            .detectors()
            .iter()
            .map(|d| any_on(d.rules()))
            .collect();
        let assessor_on = registry
            .assessors()
            .iter()
            .map(|a| any_on(a.rules()))
            .collect();
        // Each entry may list several things ("Dr Jane Smith, Riverside Surgery"); a leading title
        // is dropped so that the name also matches without it.
        let allow = settings
            .allow
            .iter()
            .flat_map(|a| a.split([',', ';']))
            .map(|part| {
                let mut w = words_lower(part);
                while w.len() > 1
                    && matches!(
                        w[0].as_str(),
                        "dr" | "mr"
                            | "mrs"
                            | "ms"
                            | "miss"
                            | "mx"
                            | "prof"
                            | "professor"
                            | "sister"
                            | "nurse"
                    )
                {
                    w.remove(0);
                }
                w
            })
            .filter(|w| !w.is_empty())
            .collect();
        Ok(Engine {
            registry,
            enabled,
            detector_on,
            assessor_on,
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

    /// `None` when the rule is off, else its configured severity override (if any).
    fn rule_state(&self, rule: &'static RuleMeta) -> Option<Option<Severity>> {
        self.enabled
            .iter()
            .find(|(r, _, _)| std::ptr::eq(*r, rule))
            .and_then(|(_, on, sev)| on.then_some(*sev))
    }

    /// Check a document: the detectors, overlap resolution, then the assessors (which see the
    /// detectors' findings and add their own), then the verdict over everything.
    pub fn check(&self, doc: &Document<'_>) -> Report {
        let mut raw = Vec::new();
        for (d, on) in self.registry.detectors().iter().zip(&self.detector_on) {
            if *on {
                d.check(doc, &mut raw);
            }
        }
        let allowed = self.allowed_spans(doc.text);
        let mut findings = resolve_overlaps(self.settle(doc, raw, &allowed));
        let mut risk = None;
        for (a, on) in self.registry.assessors().iter().zip(&self.assessor_on) {
            if *on {
                let mut extra = Vec::new();
                risk = Some(a.assess(doc, &findings, &mut extra));
                findings.extend(resolve_overlaps(self.settle(doc, extra, &allowed)));
            }
        }
        findings.sort_by(|a, b| {
            (a.span.start, a.span.end, a.rule.code).cmp(&(b.span.start, b.span.end, b.rule.code))
        });
        let verdict = verdict_of(&findings);
        Report {
            verdict,
            findings,
            risk,
        }
    }

    /// Applies the settings (rules switched off, severity overrides) to findings made outside
    /// [`Engine::check`]: an image's metadata, text found in a file. Returns them sorted.
    pub fn settle_external(&self, findings: Vec<Finding>) -> Vec<Finding> {
        let mut out: Vec<Finding> = findings
            .into_iter()
            .filter_map(|mut f| {
                let over = self.rule_state(f.rule)?;
                if let Some(sev) = over {
                    f.severity = sev;
                }
                Some(f)
            })
            .collect();
        out.sort_by(|a, b| {
            (a.span.start, a.span.end, a.rule.code).cmp(&(b.span.start, b.span.end, b.rule.code))
        });
        out
    }

    /// Drops findings of disabled rules, with bad spans or inside allowed phrases, and applies
    /// severity overrides.
    fn settle(
        &self,
        doc: &Document<'_>,
        raw: Vec<Finding>,
        allowed: &[(usize, usize)],
    ) -> Vec<Finding> {
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
            let Some(over) = self.rule_state(f.rule) else {
                continue;
            };
            if let Some(sev) = over {
                f.severity = sev;
            }
            if allowed
                .iter()
                .any(|&(s, e)| s <= f.span.start && f.span.end <= e)
            {
                continue;
            }
            findings.push(f);
        }
        findings
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
                    converged: n == 0 || next == text,
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

    /// Byte ranges of the document where an allowed phrase occurs, word for word (case and
    /// punctuation aside). A finding is suppressed only inside one: the user's own name must
    /// not hide a patient who shares one of its words.
    fn allowed_spans(&self, text: &str) -> Vec<(usize, usize)> {
        if self.allow.is_empty() {
            return Vec::new();
        }
        let words = word_spans(text);
        let mut spans = Vec::new();
        for phrase in &self.allow {
            if phrase.len() > words.len() {
                continue;
            }
            for win in words.windows(phrase.len()) {
                if win.iter().zip(phrase).all(|((_, _, w), p)| w == p) {
                    spans.push((win[0].0, win[win.len() - 1].1));
                }
            }
        }
        spans
    }
}

/// Words of `text` with their byte ranges, lower-cased, possessive `'s` dropped (the same
/// normalisation as the allow list).
fn word_spans(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let word_char = c.is_alphanumeric() || c == '\'' || c == '’';
        match (start, word_char && i < text.len()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let raw = &text[s..i];
                let trimmed = raw.trim_matches(|c| c == '\'' || c == '’');
                let lead = raw.len() - raw.trim_start_matches(['\'', '’']).len();
                let base = trimmed
                    .strip_suffix("'s")
                    .or_else(|| trimmed.strip_suffix("’s"))
                    .unwrap_or(trimmed);
                if !base.is_empty() {
                    out.push((s + lead, s + lead + base.len(), base.to_lowercase()));
                }
                start = None;
            }
            _ => {}
        }
    }
    out
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
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    if findings.len() <= SMALL_RESOLVE {
        // Few findings (most documents): compare with every kept finding of the category, with
        // no map to build. A new span clashes with the last kept span starting before its end
        // exactly when it clashes with any kept span (kept spans never overlap each other: the
        // others end before that one starts), so this keeps the same findings as the maps.
        for f in findings {
            if f.category != Category::Media {
                let end = f.span.end.max(f.span.start + 1);
                let clash = kept.iter().any(|k| {
                    k.category == f.category
                        && k.span.start < end
                        && k.span.end.max(k.span.start + 1) > f.span.start
                });
                if clash {
                    continue;
                }
            }
            kept.push(f);
        }
        sort_kept(&mut kept);
        return kept;
    }
    let mut taken: std::collections::HashMap<Category, std::collections::BTreeMap<usize, usize>> =
        std::collections::HashMap::new();
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
    sort_kept(&mut kept);
    kept
}

/// Up to this many findings, [`resolve_overlaps`] compares each with the kept ones directly.
const SMALL_RESOLVE: usize = 32;

/// The order of [`resolve_overlaps`]' result.
fn sort_kept(kept: &mut [Finding]) {
    kept.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(a.span.end.cmp(&b.span.end))
            .then(a.rule.code.cmp(b.rule.code))
    });
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
            (fix.applicability >= min && f.region.is_none()).then_some((
                f.span.start,
                f.span.end,
                fix.replacement.as_str(),
            ))
        })
        .collect();
    edits.sort();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut n = 0;
    for (mut s, mut e, rep) in edits {
        if rep.is_empty() {
            (s, e) = widen_deletion(text, s, e);
        }
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

/// A deletion takes the space before it, and a comma before it when the text after it is
/// punctuation ("82yo man, PSA of 4,850, from clinic" → "82yo man, from clinic"), so that
/// leaving a detail out does not leave ", ," or " ." behind.
fn widen_deletion(text: &str, s: usize, e: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let mut start = s;
    while start > 0 && b[start - 1] == b' ' {
        start -= 1;
    }
    let next = b.get(e).copied();
    if start > 0 && b[start - 1] == b',' && matches!(next, Some(b',' | b'.' | b';' | b'!' | b'?')) {
        start -= 1;
    } else if start == 0 || b[start - 1] == b'\n' {
        // At the start of a line: take the spaces after it instead.
        start = s;
        let mut end = e;
        while end < b.len() && b[end] == b' ' {
            end += 1;
        }
        return (start, end);
    }
    (start, e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
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
        let spans: Vec<_> = kept
            .iter()
            .map(|k| (k.rule.code, k.span.start, k.span.end))
            .collect();
        assert_eq!(
            spans,
            vec![("TST002", 5, 8), ("TST001", 8, 12), ("TST002", 24, 30)]
        );
    }

    #[test]
    fn chains_of_overlaps_keep_every_other_finding() {
        // 20,000 findings each overlapping the next: a quadratic resolution would crawl here.
        let v: Vec<_> = (0..20_000).map(|i| f(&LOW, i * 2, i * 2 + 3)).collect();
        let kept = resolve_overlaps(v);
        assert_eq!(kept.len(), 10_000);
        assert!(kept.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    }

    #[test]
    fn small_and_large_resolutions_keep_what_the_definition_keeps() {
        // Both ways of resolving (direct comparison up to SMALL_RESOLVE findings, maps above)
        // against the definition: in rank order, keep a finding unless it overlaps a kept one
        // of its category (media findings never clash).
        static QUASI: RuleMeta = RuleMeta {
            code: "TST003",
            name: "quasi",
            category: Category::QuasiIdentifier,
            priority: 50,
            ..LOW
        };
        static MEDIA: RuleMeta = RuleMeta {
            code: "TST004",
            name: "media",
            category: Category::Media,
            ..LOW
        };
        let rules: [&'static RuleMeta; 4] = [&LOW, &HIGH, &QUASI, &MEDIA];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m) as usize
        };
        for n in [0, 1, 2, 5, 17, 31, 32, 33, 40, 64, 200] {
            for _ in 0..50 {
                let v: Vec<Finding> = (0..n)
                    .map(|_| {
                        let s = next(120);
                        f(rules[next(4)], s, s + next(12))
                    })
                    .collect();
                let mut want: Vec<Finding> = Vec::new();
                let mut ranked = v.clone();
                ranked.sort_by(|a, b| {
                    b.rule
                        .priority
                        .cmp(&a.rule.priority)
                        .then(b.confidence.cmp(&a.confidence))
                        .then(b.span.len().cmp(&a.span.len()))
                        .then(a.span.start.cmp(&b.span.start))
                        .then(a.rule.code.cmp(b.rule.code))
                });
                for x in ranked {
                    let end = x.span.end.max(x.span.start + 1);
                    let clash = x.category != Category::Media
                        && want.iter().any(|k| {
                            k.category == x.category
                                && k.span.start < end
                                && k.span.end.max(k.span.start + 1) > x.span.start
                        });
                    if !clash {
                        want.push(x);
                    }
                }
                sort_kept(&mut want);
                let key = |v: &[Finding]| -> Vec<(&str, usize, usize)> {
                    v.iter()
                        .map(|k| (k.rule.code, k.span.start, k.span.end))
                        .collect()
                };
                assert_eq!(key(&resolve_overlaps(v)), key(&want), "{n} findings");
            }
        }
    }

    struct Fixed1;
    static REG_RULES: &[&RuleMeta] = &[&LOW, &HIGH];
    impl crate::rule::Detector for Fixed1 {
        fn rules(&self) -> &'static [&'static RuleMeta] {
            REG_RULES
        }
        fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
            // Reports every occurrence of the words "smith", "jane" and "leeds".
            let lower = doc.text.to_lowercase();
            for w in ["smith", "jane", "leeds"] {
                for (i, _) in lower.match_indices(w) {
                    out.push(f(&LOW, i, i + w.len()));
                }
            }
        }
    }

    #[test]
    fn the_allow_list_hides_only_its_own_occurrences() {
        let reg = Registry::new(vec![Box::new(Fixed1)]).unwrap();
        let settings = Settings {
            allow: vec!["Dr Jane Smith, Riverside Surgery, Leeds".into()],
            ..Settings::default()
        };
        let engine = Engine::new(&reg, &settings).unwrap();
        let ctx = crate::document::Context::default();
        let text = "From Jane Smith: saw Mrs Smith; her daughter Jane rang. Leeds.";
        let r = engine.check(&Document::new(text, &ctx));
        let got: Vec<&str> = r
            .findings
            .iter()
            .map(|x| &text[x.span.start..x.span.end])
            .collect();
        // "Jane Smith" (the user) and "Leeds" (listed) are allowed; the patient's "Smith" and the
        // daughter "Jane" are not.
        assert_eq!(got, vec!["Smith", "Jane"]);
    }

    #[test]
    fn selectors_and_severity_keys() {
        assert!(selector_matches("PHI", &PHI_LIKE));
        assert!(selector_matches("phi010", &PHI_LIKE));
        assert!(!selector_matches("PHI01", &PHI_LIKE));
        let reg = Registry::new(vec![Box::new(Fixed1)]).unwrap();
        let mut s = Settings::default();
        s.severity.insert("LOW".into(), Severity::Info);
        s.severity.insert("tst001".into(), Severity::Warning);
        assert!(Engine::new(&reg, &s).is_err(), "two keys for one rule");
        let mut s = Settings::default();
        s.severity.insert("High".into(), Severity::Info);
        assert!(Engine::new(&reg, &s).is_ok(), "names in any case");
    }

    static PHI_LIKE: RuleMeta = RuleMeta {
        code: "PHI010",
        name: "phi-like",
        ..LOW
    };

    #[test]
    fn fixes_skip_overlapping_edits_and_converge() {
        let text = "abcdefghij";
        let (out, n) = apply_fixes(text, &[f(&LOW, 0, 4), f(&HIGH, 2, 6), f(&LOW, 7, 9)], false);
        assert_eq!((out.as_str(), n), ("[x]efg[x]j", 2));
    }
}
