//! Organisation policy packs: a trust's or board's own rules, written in TOML and added with
//! `--pack FILE` or `packs = [...]` in `clinpost.toml` (category `conduct`, kind `policy`).
//!
//! A pack is a `[pack]` table (its `name` and a three-letter code `prefix`) and one `[[rule]]`
//! table per rule: a code (`prefix` + three digits, never reused), a kebab-case name, a fixed
//! message, a severity, guidance (a link to the policy or an id from clinpost's catalogue), what
//! it matches (`words`: whole-word, case-insensitive phrases; `patterns`: Rust regular
//! expressions, linear time), optional checks on a match (`validator`: a check digit or format;
//! `context`: one of these words within `window` words; `unless`: none of these that near), and
//! true and false samples. README.md, "Organisation policy packs", is the reference;
//! `examples/policy-pack.toml` is a worked example.
//!
//! # Loading is checking
//!
//! [`Pack::parse`] rejects anything it does not understand: unknown keys (named), values of the
//! wrong type, codes outside the pack's prefix, duplicate codes or names, patterns that do not
//! compile, and — like every built-in rule — samples that fail: each rule runs over its true
//! samples (the «marked» text must be flagged and nothing else) and its false samples (nothing
//! may be flagged) through the real engine, and a replacement must settle when applied. A pack
//! that loads therefore does what its author wrote down.
//!
//! Errors name the pack, the line and column, the rule (code and name) and the key or the
//! sample's number, but never quote a value from the file: samples are invented posts, but a
//! careless author may paste a real one, and error messages end up in terminals, CI logs and
//! bug reports. (Regular-expression errors give the regex crate's description of what is
//! wrong, without the pattern.)
//!
//! # Memory
//!
//! Rules are `&'static RuleMeta` like every other rule, so a pack's strings and metadata are
//! leaked (`Box::leak`): a pack is loaded once per process, at start-up, and lives as long as
//! it. A pack that fails to load may leak the rules it had built by then.
//!
//! # Precedence
//!
//! Within a category the engine keeps one finding of each overlapping group, the one whose rule
//! has the highest priority. A pack rule's priority follows the severity its pack gives it, so
//! that overlap never lowers a verdict: `error` rules rank above every built-in conduct rule
//! (priorities 40–62), `warning` and `info` rules below them all. Where a pack warning and a
//! built-in conduct finding cover the same words, the built-in one is reported (the words need
//! changing either way); a pack error wins over a built-in one. A severity override in
//! `clinpost.toml` changes what is reported, not this ranking.
#![deny(missing_docs)]

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use clinpost_core::{
    Category, Confidence, Context, Cue, Detector, Document, Engine, Evidence, Finding, Kind,
    Registry, RuleMeta, Settings, Severity, Span,
};
use clinpost_rules::validators;
use regex::{Regex, RegexBuilder};
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// Priority of a pack rule in overlap resolution, by its severity in the pack.
pub fn priority(severity: Severity) -> u8 {
    match severity {
        Severity::Error => 70,
        Severity::Warning => 35,
        Severity::Info => 20,
    }
}

/// Code prefixes of clinpost's own rule families, which a pack may not use.
pub const RESERVED_PREFIXES: &[&str] = &["PHI", "QID", "CND", "MED", "POL"];

/// The default and largest proximity window, in words.
pub const DEFAULT_WINDOW: usize = 8;
const MAX_WINDOW: usize = 50;
/// Compiled-size limit of one pattern (the regex crate's `size_limit`).
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// A check a match must pass, from `clinpost-rules`' validators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validator {
    /// Ten digits (spaces and dashes allowed) passing the NHS / CHI / H&C modulus-11 check.
    NhsNumber,
    /// A full UK postcode with valid letters in every position and a real area.
    Postcode,
    /// A National Insurance number with an allocatable prefix (spaces allowed).
    NiNumber,
    /// Digits (spaces and dashes allowed, at least two) passing the Luhn check.
    Luhn,
}

impl Validator {
    /// The names used in packs.
    pub const NAMES: &'static [&'static str] = &["nhs-number", "postcode", "ni-number", "luhn"];

    /// By name.
    pub fn parse(s: &str) -> Option<Validator> {
        match s {
            "nhs-number" => Some(Validator::NhsNumber),
            "postcode" => Some(Validator::Postcode),
            "ni-number" => Some(Validator::NiNumber),
            "luhn" => Some(Validator::Luhn),
            _ => None,
        }
    }

    /// The name used in packs.
    pub fn as_str(self) -> &'static str {
        match self {
            Validator::NhsNumber => "nhs-number",
            Validator::Postcode => "postcode",
            Validator::NiNumber => "ni-number",
            Validator::Luhn => "luhn",
        }
    }

    /// True when `s` (a match) passes.
    pub fn check(self, s: &str) -> bool {
        match self {
            Validator::NhsNumber => {
                validators::digits_of(s.trim()).is_some_and(|d| validators::nhs_mod11(&d))
            }
            Validator::Postcode => {
                let c: String = s.chars().filter(|c| !c.is_whitespace()).collect();
                c.is_ascii()
                    && (5..=7).contains(&c.len())
                    && validators::postcode_valid(&c[..c.len() - 3], &c[c.len() - 3..])
            }
            Validator::NiNumber => {
                let c: Vec<u8> = s
                    .bytes()
                    .filter(|b| !b.is_ascii_whitespace())
                    .map(|b| b.to_ascii_uppercase())
                    .collect();
                c.len() == 9
                    && c[..2].iter().all(u8::is_ascii_uppercase)
                    && validators::nino_prefix_valid(&c[..2])
                    && c[2..8].iter().all(u8::is_ascii_digit)
                    && (b'A'..=b'D').contains(&c[8])
            }
            Validator::Luhn => {
                validators::digits_of(s.trim()).is_some_and(|d| d.len() >= 2 && luhn(&d))
            }
        }
    }

    fn evidence(self) -> Evidence {
        match self {
            Validator::NhsNumber | Validator::Luhn => Evidence::ChecksumValid,
            Validator::Postcode | Validator::NiNumber => Evidence::FormatValid,
        }
    }
}

fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    matches!(sum % 10, 0)
}

/// Why a pack did not load. Its `Display` names the pack, the line and column, the rule and the
/// key or sample, never a value from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    origin: Option<String>,
    at: Option<(usize, usize)>,
    rule: Option<String>,
    message: String,
}

impl PackError {
    fn new(at: Option<(usize, usize)>, rule: Option<&str>, message: impl Into<String>) -> Self {
        PackError {
            origin: None,
            at,
            rule: rule.map(str::to_string),
            message: message.into(),
        }
    }

    /// The same error, saying which file it is in.
    pub fn in_file(mut self, origin: impl Into<String>) -> PackError {
        self.origin = Some(origin.into());
        self
    }

    /// What is wrong (without the location or rule).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The rule it is about: `RIV001 (ward-photos)`, or `3` (its place in the file) before its
    /// code is known.
    pub fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// 1-based line and column, when known.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.at
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.origin, self.at) {
            (Some(o), Some((l, c))) => write!(f, "pack {o}:{l}:{c}: ")?,
            (Some(o), None) => write!(f, "pack {o}: ")?,
            (None, Some((l, c))) => write!(f, "pack, line {l}, column {c}: ")?,
            (None, None) => write!(f, "pack: ")?,
        }
        if let Some(r) = &self.rule {
            write!(f, "rule {r}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for PackError {}

/// One rule, compiled.
#[derive(Clone)]
struct Matcher {
    meta: &'static RuleMeta,
    message: &'static str,
    finders: Vec<Regex>,
    validator: Option<Validator>,
    context: Vec<Vec<String>>,
    unless: Vec<Vec<String>>,
    window: usize,
}

struct Inner {
    name: &'static str,
    prefix: &'static str,
    origin: Option<String>,
    rules: &'static [&'static RuleMeta],
    matchers: Vec<Matcher>,
}

/// A loaded policy pack: a [`Detector`] reporting its rules. Cheap to clone.
#[derive(Clone)]
pub struct Pack(Arc<Inner>);

impl fmt::Debug for Pack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pack")
            .field("name", &self.0.name)
            .field("prefix", &self.0.prefix)
            .field("rules", &self.0.rules.len())
            .finish()
    }
}

impl Pack {
    /// Read and check the pack in `path`; errors name the file.
    pub fn load(path: &Path) -> Result<Pack, PackError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            PackError::new(None, None, format!("cannot read: {}", io_reason(&e))).in_file(&shown)
        })?;
        let src = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            PackError::new(None, None, format!("not UTF-8 (byte {at})")).in_file(&shown)
        })?;
        let pack = Pack::parse(&src).map_err(|e| e.in_file(&shown))?;
        let mut inner = Arc::try_unwrap(pack.0).unwrap_or_else(|a| Inner {
            name: a.name,
            prefix: a.prefix,
            origin: None,
            rules: a.rules,
            matchers: a.matchers.clone(),
        });
        inner.origin = Some(shown);
        Ok(Pack(Arc::new(inner)))
    }

    /// Parse and check a pack (see the crate documentation for what is checked).
    pub fn parse(src: &str) -> Result<Pack, PackError> {
        let (pack, samples) = parse_pack(src)?;
        check_samples(&pack, src, &samples)?;
        Ok(pack)
    }

    /// The pack's name (`[pack] name`).
    pub fn name(&self) -> &'static str {
        self.0.name
    }

    /// The code prefix of its rules.
    pub fn prefix(&self) -> &'static str {
        self.0.prefix
    }

    /// The file it was loaded from, if any.
    pub fn origin(&self) -> Option<&str> {
        self.0.origin.as_deref()
    }
}

impl Detector for Pack {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        self.0.rules
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let mut words = None;
        for m in &self.0.matchers {
            m.scan(doc.text, &mut words, out);
        }
    }
}

/// A word of the checked text: byte range and lower-cased form.
type Word = (usize, usize, String);

/// Runs of letters and digits, lower-cased (the same split for texts and context phrases).
fn words_of(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let w = i < text.len() && c.is_alphanumeric();
        match (start, w) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                out.push((s, i, text[s..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn phrase_words(p: &str) -> Vec<String> {
    words_of(p).into_iter().map(|(_, _, w)| w).collect()
}

impl Matcher {
    fn scan(&self, text: &str, words: &mut Option<Vec<Word>>, out: &mut Vec<Finding>) {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for r in &self.finders {
            spans.extend(
                r.find_iter(text)
                    .filter(|m| m.start() < m.end())
                    .map(|m| (m.start(), m.end())),
            );
        }
        if spans.is_empty() {
            return;
        }
        spans.sort_unstable();
        spans.dedup();
        for (s, e) in spans {
            let mut evidence = vec![Evidence::ContextWord(Cue::Phrase)];
            let mut sure = false;
            if let Some(v) = self.validator {
                if !v.check(&text[s..e]) {
                    continue;
                }
                evidence.push(v.evidence());
                sure = true;
            }
            if !self.context.is_empty() || !self.unless.is_empty() {
                let w = words.get_or_insert_with(|| words_of(text));
                if near(w, s, e, self.window, &self.unless) {
                    continue;
                }
                if !self.context.is_empty() {
                    if !near(w, s, e, self.window, &self.context) {
                        continue;
                    }
                    evidence.push(Evidence::ContextWord(Cue::Term));
                    sure = true;
                }
            }
            let f = Finding::new(self.meta, Span::new(s, e), self.message, evidence);
            out.push(if sure {
                f.with_confidence(Confidence::High)
            } else {
                f
            });
        }
    }
}

/// True when one of `phrases` occurs within `window` words before or after `[s, e)` (outside
/// the match itself).
fn near(words: &[Word], s: usize, e: usize, window: usize, phrases: &[Vec<String>]) -> bool {
    if phrases.is_empty() {
        return false;
    }
    let i = words.partition_point(|w| w.1 <= s);
    let j = words.partition_point(|w| w.0 < e).max(i);
    let before = &words[i.saturating_sub(window)..i];
    let after = &words[j..(j + window).min(words.len())];
    let has = |side: &[Word], p: &[String]| {
        !p.is_empty()
            && side
                .windows(p.len())
                .any(|win| win.iter().zip(p).all(|(w, x)| w.2 == *x))
    };
    phrases.iter().any(|p| has(before, p) || has(after, p))
}

/// The regex for a list of whole-word phrases: spaces match any run of white space, either
/// apostrophe matches both, and a word boundary is required where the phrase starts or ends
/// with a letter or digit.
fn words_regex(words: &[String]) -> Result<Regex, regex::Error> {
    let mut ws: Vec<&String> = words.iter().collect();
    // Longest first, so that "on the ward round" wins over "on the ward".
    ws.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let alts: Vec<String> = ws
        .iter()
        .map(|w| {
            let body = w
                .split_whitespace()
                .map(|p| regex::escape(p).replace(['\'', '’'], "['’]"))
                .collect::<Vec<_>>()
                .join(r"\s+");
            let edge = |c: Option<char>| match c {
                Some(c) if c.is_ascii_alphanumeric() => r"(?-u:\b)",
                Some(c) if c.is_alphanumeric() => r"\b",
                _ => "",
            };
            let t = w.trim();
            format!(
                "{}{}{}",
                edge(t.chars().next()),
                body,
                edge(t.chars().next_back())
            )
        })
        .collect();
    RegexBuilder::new(&format!("(?:{})", alts.join("|")))
        .case_insensitive(true)
        .size_limit(PATTERN_SIZE_LIMIT * 8)
        .build()
}

/// The part of a regex error that says what is wrong, without the pattern it quotes.
fn regex_reason(e: &regex::Error) -> String {
    match e {
        regex::Error::CompiledTooBig(_) => "the pattern is too large".to_string(),
        regex::Error::Syntax(s) => s
            .lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix("error: "))
            .filter(|r| r.len() <= 120 && !r.contains(['`', '"', '\'']))
            .map_or_else(|| "syntax error".to_string(), str::to_string),
        _ => "invalid pattern".to_string(),
    }
}

fn io_reason(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file",
        std::io::ErrorKind::PermissionDenied => "permission denied",
        std::io::ErrorKind::IsADirectory => "is a directory",
        _ => "read error",
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing

type Value<'i> = Spanned<DeValue<'i>>;

const PACK_KEYS: &[&str] = &["name", "prefix", "guidance", "version"];
const RULE_KEYS: &[&str] = &[
    "code",
    "name",
    "message",
    "summary",
    "description",
    "severity",
    "guidance",
    "words",
    "patterns",
    "case_sensitive",
    "validator",
    "context",
    "window",
    "unless",
    "replacement",
    "fix",
    "true_samples",
    "false_samples",
];

/// 1-based line and column of byte `offset`.
fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &src[..offset];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A key's name if it is safe to repeat (shaped like a key, not like free text).
fn key_shaped(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Parsing state: the source (for positions) and the rule being read (for messages).
struct P<'s> {
    src: &'s str,
    rule: Option<String>,
}

impl P<'_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> PackError {
        PackError::new(
            Some(line_col(self.src, offset)),
            self.rule.as_deref(),
            message,
        )
    }

    fn get<'t, 'i>(&self, t: &'t DeTable<'i>, key: &str) -> Option<&'t Value<'i>> {
        t.iter().find(|(k, _)| k.get_ref() == key).map(|(_, v)| v)
    }

    fn unknown_keys(&self, t: &DeTable<'_>, known: &[&str], table: &str) -> Result<(), PackError> {
        let mut entries: Vec<_> = t.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        for (k, _) in entries {
            let name: &str = k.get_ref();
            if !known.contains(&name) {
                let what = if key_shaped(name) {
                    format!("unknown key `{name}` in {table}")
                } else {
                    format!("unknown key in {table}")
                };
                return Err(self.err(
                    k.span().start,
                    format!("{what}; the keys are {}", known.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn string(&self, v: &Value<'_>, key: &str) -> Result<String, PackError> {
        match v.get_ref() {
            DeValue::String(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            DeValue::String(_) => Err(self.err(v.span().start, format!("`{key}` is empty"))),
            _ => Err(self.err(v.span().start, format!("`{key}` must be a string"))),
        }
    }

    fn req_string(
        &self,
        t: &DeTable<'_>,
        key: &str,
        at: usize,
        table: &str,
    ) -> Result<(String, usize), PackError> {
        match self.get(t, key) {
            Some(v) => Ok((self.string(v, key)?, v.span().start)),
            None => Err(self.err(at, format!("{table} needs `{key}`"))),
        }
    }

    fn opt_string(&self, t: &DeTable<'_>, key: &str) -> Result<Option<String>, PackError> {
        self.get(t, key).map(|v| self.string(v, key)).transpose()
    }

    /// A list of non-empty strings with their offsets; a single string is accepted where
    /// `single` is true.
    fn strings(
        &self,
        t: &DeTable<'_>,
        key: &str,
        single: bool,
    ) -> Result<Vec<(String, usize)>, PackError> {
        let Some(v) = self.get(t, key) else {
            return Ok(Vec::new());
        };
        let expected = if single {
            "a string or a list of strings"
        } else {
            "a list of strings"
        };
        match v.get_ref() {
            DeValue::String(_) if single => Ok(vec![(self.string(v, key)?, v.span().start)]),
            DeValue::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item.get_ref() {
                    DeValue::String(s) if !s.trim().is_empty() => {
                        Ok((s.to_string(), item.span().start))
                    }
                    DeValue::String(_) => Err(self.err(
                        item.span().start,
                        format!("`{key}` item {} is empty", i + 1),
                    )),
                    _ => Err(self.err(item.span().start, format!("`{key}` must be {expected}"))),
                })
                .collect(),
            _ => Err(self.err(v.span().start, format!("`{key}` must be {expected}"))),
        }
    }
}

/// Samples of one rule with their offsets, for sample checking.
struct RuleSamples {
    true_at: Vec<usize>,
    false_at: Vec<usize>,
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn leak_all(v: Vec<String>) -> &'static [&'static str] {
    Box::leak(
        v.into_iter()
            .map(leak)
            .collect::<Vec<_>>()
            .into_boxed_slice(),
    )
}

/// A sample's text without its «marks» and the marked byte ranges; `None` when the marks do not
/// pair up.
fn unmark(sample: &str) -> Option<(String, Vec<(usize, usize)>)> {
    let mut text = String::with_capacity(sample.len());
    let mut spans = Vec::new();
    let mut open = None;
    for c in sample.chars() {
        match c {
            '«' if open.is_none() => open = Some(text.len()),
            '»' => spans.push((open.take()?, text.len())),
            '«' => return None,
            _ => text.push(c),
        }
    }
    open.is_none().then_some((text, spans))
}

fn parse_pack(src: &str) -> Result<(Pack, Vec<RuleSamples>), PackError> {
    let mut p = P { src, rule: None };
    let table = DeTable::parse(src).map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        p.err(
            at,
            format!("invalid TOML: {}", toml_syntax_message(e.message())),
        )
    })?;
    let root = table.get_ref();
    p.unknown_keys(root, &["pack", "rule"], "the file")?;
    let Some(head) = p.get(root, "pack") else {
        return Err(p.err(0, "the file needs a [pack] table (name, prefix)"));
    };
    let DeValue::Table(head_t) = head.get_ref() else {
        return Err(p.err(head.span().start, "`pack` must be a table"));
    };
    p.unknown_keys(head_t, PACK_KEYS, "[pack]")?;
    let at = head.span().start;
    let (name, _) = p.req_string(head_t, "name", at, "[pack]")?;
    let (prefix, prefix_at) = p.req_string(head_t, "prefix", at, "[pack]")?;
    if !(prefix.len() == 3 && prefix.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(p.err(
            prefix_at,
            "`prefix` must be three capital letters (e.g. RIV)",
        ));
    }
    if RESERVED_PREFIXES.contains(&prefix.as_str()) {
        return Err(p.err(
            prefix_at,
            format!(
                "`prefix` {prefix} is reserved for clinpost's own rules ({})",
                RESERVED_PREFIXES.join(", ")
            ),
        ));
    }
    let pack_guidance = p.strings(head_t, "guidance", true)?;
    for (g, at) in &pack_guidance {
        check_guidance(&p, g, *at)?;
    }
    p.opt_string(head_t, "version")?;

    let rules_v = match p.get(root, "rule") {
        Some(v) => v,
        None => return Err(p.err(src.len(), "the pack has no [[rule]] tables")),
    };
    let DeValue::Array(items) = rules_v.get_ref() else {
        return Err(p.err(
            rules_v.span().start,
            "`rule` must be an array of tables ([[rule]])",
        ));
    };
    if items.is_empty() {
        return Err(p.err(rules_v.span().start, "the pack has no [[rule]] tables"));
    }
    let name: &'static str = leak(name);
    let prefix: &'static str = leak(prefix);
    let mut matchers = Vec::new();
    let mut metas: Vec<&'static RuleMeta> = Vec::new();
    let mut samples = Vec::new();
    for (i, item) in items.iter().enumerate() {
        p.rule = Some((i + 1).to_string());
        let DeValue::Table(t) = item.get_ref() else {
            return Err(p.err(item.span().start, "each `rule` must be a table ([[rule]])"));
        };
        let (m, s) = parse_rule(&mut p, t, item.span().start, name, prefix, &pack_guidance)?;
        if let Some(other) = metas
            .iter()
            .find(|o| o.code == m.meta.code || o.name == m.meta.name)
        {
            return Err(p.err(
                item.span().start,
                format!(
                    "code or name already used by rule {} ({})",
                    other.code, other.name
                ),
            ));
        }
        metas.push(m.meta);
        matchers.push(m);
        samples.push(s);
    }
    let rules: &'static [&'static RuleMeta] = Box::leak(metas.into_boxed_slice());
    Ok((
        Pack(Arc::new(Inner {
            name,
            prefix,
            origin: None,
            rules,
            matchers,
        })),
        samples,
    ))
}

fn check_guidance(p: &P<'_>, g: &str, at: usize) -> Result<(), PackError> {
    let link = (g.starts_with("https://") || g.starts_with("http://"))
        && g.len() > 8
        && !g.chars().any(char::is_whitespace);
    if link || clinpost_core::guidance::lookup(g).is_some() {
        Ok(())
    } else {
        Err(p.err(
            at,
            "`guidance` entries must be http(s) links or ids from clinpost's guidance catalogue",
        ))
    }
}

/// A TOML parser's syntax message when it is safe to print, else "syntax error": it may quote
/// the file (a pack's or a configuration's values are the user's own text). Shared with the
/// CLI's `clinpost.toml` errors.
pub fn toml_syntax_message(m: &str) -> String {
    let m = m.trim_end();
    // Backticks only around short grammar tokens (`=`, `"`); otherwise plain words.
    let parts: Vec<&str> = m.split('`').collect();
    let ok = parts.len() % 2 == 1
        && m.len() <= 160
        && m.is_ascii()
        && parts.iter().enumerate().all(|(i, p)| {
            if i % 2 == 1 {
                p.chars().count() <= 3
            } else {
                !p.contains(['"', '\'', '\n'])
            }
        });
    if ok {
        m.to_string()
    } else {
        "syntax error".to_string()
    }
}

fn parse_rule(
    p: &mut P<'_>,
    t: &DeTable<'_>,
    at: usize,
    pack_name: &str,
    prefix: &str,
    pack_guidance: &[(String, usize)],
) -> Result<(Matcher, RuleSamples), PackError> {
    // Code and name first, so that later messages can say which rule.
    let (code, code_at) = p.req_string(t, "code", at, "[[rule]]")?;
    let code_ok = code.len() == 6
        && code.starts_with(prefix)
        && code[3..].bytes().all(|b| b.is_ascii_digit())
        && &code[3..] != "000";
    if !code_ok {
        return Err(p.err(
            code_at,
            format!(
                "`code` must be the pack's prefix and three digits ({prefix}001, {prefix}002...)"
            ),
        ));
    }
    p.rule = Some(code.clone());
    let (name, name_at) = p.req_string(t, "name", at, "[[rule]]")?;
    let kebab = name.len() <= 40
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if !kebab {
        return Err(p.err(
            name_at,
            "`name` must be kebab-case: lower-case letters, digits and dashes (ward-photos)",
        ));
    }
    p.rule = Some(format!("{code} ({name})"));
    p.unknown_keys(t, RULE_KEYS, "[[rule]]")?;

    let (message, _) = p.req_string(t, "message", at, "[[rule]]")?;
    let summary = p.opt_string(t, "summary")?;
    let description = p.opt_string(t, "description")?;
    let fix = p.opt_string(t, "fix")?;
    let replacement = p.opt_string(t, "replacement")?;
    let severity = match p.get(t, "severity") {
        None => Severity::Warning,
        Some(v) => match v.get_ref() {
            DeValue::String(s) => Severity::parse(s).ok_or_else(|| {
                p.err(
                    v.span().start,
                    "`severity` must be \"info\", \"warning\" or \"error\"",
                )
            })?,
            _ => {
                return Err(p.err(
                    v.span().start,
                    "`severity` must be \"info\", \"warning\" or \"error\"",
                ))
            }
        },
    };
    let mut guidance = p.strings(t, "guidance", true)?;
    for (g, at) in &guidance {
        check_guidance(p, g, *at)?;
    }
    if guidance.is_empty() {
        guidance = pack_guidance.to_vec();
    }
    if guidance.is_empty() {
        return Err(p.err(
            at,
            "the rule needs `guidance` (a link to the policy), here or under [pack]",
        ));
    }

    let words = p.strings(t, "words", false)?;
    for (w, at) in &words {
        if !w.chars().any(char::is_alphanumeric) {
            return Err(p.err(*at, "`words` entries need a letter or digit"));
        }
    }
    let patterns = p.strings(t, "patterns", false)?;
    if words.is_empty() && patterns.is_empty() {
        return Err(p.err(at, "the rule needs `words` or `patterns`"));
    }
    let case_sensitive = match p.get(t, "case_sensitive") {
        None => false,
        Some(v) => match v.get_ref() {
            DeValue::Boolean(b) => *b,
            _ => return Err(p.err(v.span().start, "`case_sensitive` must be true or false")),
        },
    };
    let validator = match p.get(t, "validator") {
        None => None,
        Some(v) => {
            let bad = || {
                p.err(
                    v.span().start,
                    format!("`validator` must be one of {}", Validator::NAMES.join(", ")),
                )
            };
            match v.get_ref() {
                DeValue::String(s) => Some(Validator::parse(s).ok_or_else(bad)?),
                _ => return Err(bad()),
            }
        }
    };
    let phrases = |key: &str| -> Result<Vec<Vec<String>>, PackError> {
        p.strings(t, key, false)?
            .into_iter()
            .map(|(s, at)| {
                let w = phrase_words(&s);
                if w.is_empty() {
                    Err(p.err(at, format!("`{key}` entries need a letter or digit")))
                } else {
                    Ok(w)
                }
            })
            .collect()
    };
    let context = phrases("context")?;
    let unless = phrases("unless")?;
    let window = match p.get(t, "window") {
        None => DEFAULT_WINDOW,
        Some(v) => {
            let n = match v.get_ref() {
                DeValue::Integer(i) => {
                    u64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
                }
                _ => None,
            };
            match n {
                Some(n) if (1..=MAX_WINDOW as u64).contains(&n) => n as usize,
                _ => {
                    return Err(p.err(
                        v.span().start,
                        format!("`window` must be a whole number of words from 1 to {MAX_WINDOW}"),
                    ))
                }
            }
        }
    };
    if p.get(t, "window").is_some() && context.is_empty() && unless.is_empty() {
        return Err(p.err(at, "`window` needs `context` or `unless`"));
    }

    let mut finders = Vec::new();
    if !words.is_empty() {
        let ws: Vec<String> = words.iter().map(|(w, _)| w.clone()).collect();
        finders.push(
            words_regex(&ws)
                .map_err(|e| p.err(words[0].1, format!("`words`: {}", regex_reason(&e))))?,
        );
    }
    for (i, (pat, at)) in patterns.iter().enumerate() {
        let r = RegexBuilder::new(pat)
            .case_insensitive(!case_sensitive)
            .size_limit(PATTERN_SIZE_LIMIT)
            .build()
            .map_err(|e| {
                p.err(
                    *at,
                    format!(
                        "pattern {} is not a valid regular expression: {}",
                        i + 1,
                        regex_reason(&e)
                    ),
                )
            })?;
        if r.is_match("") {
            return Err(p.err(*at, format!("pattern {} matches empty text", i + 1)));
        }
        finders.push(r);
    }

    let true_samples = p.strings(t, "true_samples", false)?;
    let false_samples = p.strings(t, "false_samples", false)?;
    if true_samples.is_empty() {
        return Err(p.err(
            at,
            "the rule needs `true_samples` (at least one, with «marks»)",
        ));
    }
    if false_samples.is_empty() {
        return Err(p.err(
            at,
            "the rule needs `false_samples` (at least one near miss)",
        ));
    }
    for (i, (s, at)) in true_samples.iter().enumerate() {
        match unmark(s) {
            Some((_, m)) if !m.is_empty() => {}
            Some(_) => {
                return Err(p.err(
                    *at,
                    format!(
                        "true sample {} has no «marks» around what the rule flags",
                        i + 1
                    ),
                ))
            }
            None => {
                return Err(p.err(
                    *at,
                    format!("true sample {}: the « and » marks do not pair up", i + 1),
                ))
            }
        }
    }

    let docs = docs(DocParts {
        pack: pack_name,
        message: &message,
        description: description.as_deref(),
        fix: fix.as_deref(),
        replacement: replacement.as_deref(),
        words: words.len(),
        patterns: patterns.len(),
        validator,
        context: !context.is_empty(),
        unless: !unless.is_empty(),
        window,
        example: (&true_samples[0].0, &false_samples[0].0),
    });
    let message: &'static str = leak(message);
    let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
        code: leak(code),
        name: leak(name),
        category: Category::Conduct,
        kind: Kind::Policy,
        severity,
        guidance: leak_all(guidance.into_iter().map(|(g, _)| g).collect()),
        summary: summary.map_or(message, leak),
        docs: leak(docs),
        placeholder: replacement.map(leak),
        priority: priority(severity),
        true_samples: leak_all(true_samples.iter().map(|(s, _)| s.clone()).collect()),
        false_samples: leak_all(false_samples.iter().map(|(s, _)| s.clone()).collect()),
    }));
    Ok((
        Matcher {
            meta,
            message,
            finders,
            validator,
            context,
            unless,
            window,
        },
        RuleSamples {
            true_at: true_samples.iter().map(|(_, a)| *a).collect(),
            false_at: false_samples.iter().map(|(_, a)| *a).collect(),
        },
    ))
}

struct DocParts<'a> {
    pack: &'a str,
    message: &'a str,
    description: Option<&'a str>,
    fix: Option<&'a str>,
    replacement: Option<&'a str>,
    words: usize,
    patterns: usize,
    validator: Option<Validator>,
    context: bool,
    unless: bool,
    window: usize,
    example: (&'a str, &'a str),
}

/// The rule's documentation, with the four headings every rule has.
fn docs(d: DocParts<'_>) -> String {
    let mut what = String::new();
    if let Some(desc) = d.description {
        what.push_str(desc);
        what.push_str("\n\n");
    }
    let mut matches = Vec::new();
    if d.words > 0 {
        matches.push(format!(
            "{} listed word{} or phrase{} (whole words, any case)",
            d.words,
            if d.words == 1 { "" } else { "s" },
            if d.words == 1 { "" } else { "s" }
        ));
    }
    if d.patterns > 0 {
        matches.push(format!(
            "text matching {} pattern{}",
            d.patterns,
            if d.patterns == 1 { "" } else { "s" }
        ));
    }
    what.push_str(&format!(
        "A rule of the organisation policy pack \"{}\". Reports {}",
        d.pack,
        matches.join(" and ")
    ));
    if let Some(v) = d.validator {
        what.push_str(&format!(" that passes the `{}` check", v.as_str()));
    }
    if d.context {
        what.push_str(&format!(
            ", when one of its context words is within {} words",
            d.window
        ));
    }
    if d.unless {
        what.push_str(&format!(
            ", unless one of its exception words is within {} words",
            d.window
        ));
    }
    what.push('.');
    let fix = match (d.fix, d.replacement) {
        (Some(f), _) => f.to_string(),
        (None, Some(r)) => format!("`clinpost fix` replaces it with `{r}`."),
        (None, None) => "Leave it out or rephrase it; the policy linked below says more.".into(),
    };
    let (t, f) = d.example;
    let t: String = t.chars().filter(|c| !matches!(c, '«' | '»')).collect();
    format!(
        "## What it does\n{what}\n\n## Why it matters\n{} (policy pack \"{}\").\n\n## Example\n`{t}` is reported; `{f}` is not.\n\n## Fix\n{fix}\n",
        d.message.trim_end_matches('.'),
        d.pack
    )
}

// ---------------------------------------------------------------------------------------------
// Samples

/// Runs every rule's samples through the engine, one rule at a time (the others switched off),
/// and, for rules with a replacement, checks that fixing settles.
fn check_samples(pack: &Pack, src: &str, samples: &[RuleSamples]) -> Result<(), PackError> {
    let registry = Registry::new(vec![Box::new(pack.clone())])
        .map_err(|e| PackError::new(None, None, e.to_string()))?;
    let ctx = Context::default();
    for (meta, s) in pack.0.rules.iter().zip(samples) {
        let label = format!("{} ({})", meta.code, meta.name);
        let err = |at: usize, m: String| PackError::new(Some(line_col(src, at)), Some(&label), m);
        let settings = Settings {
            select: vec![meta.code.to_string()],
            ..Settings::default()
        };
        let engine = Engine::new(&registry, &settings)
            .map_err(|e| PackError::new(None, Some(&label), e.to_string()))?;
        for (i, (sample, at)) in meta.true_samples.iter().zip(&s.true_at).enumerate() {
            let n = i + 1;
            let (text, marks) = unmark(sample).unwrap_or_default();
            let rep = engine.check(&Document::new(&text, &ctx));
            let found: Vec<(usize, usize)> = rep
                .findings
                .iter()
                .filter(|f| std::ptr::eq(f.rule, *meta))
                .map(|f| (f.span.start, f.span.end))
                .collect();
            let missed = marks
                .iter()
                .filter(|&&(a, b)| !found.iter().any(|&(s, e)| s < b && a < e))
                .count();
            if missed > 0 {
                return Err(err(
                    *at,
                    format!(
                        "true sample {n}: {missed} of its {} «marked» span{} not flagged",
                        marks.len(),
                        if marks.len() == 1 { " is" } else { "s are" }
                    ),
                ));
            }
            if found
                .iter()
                .any(|&(s, e)| !marks.iter().any(|&(a, b)| a <= s && e <= b))
            {
                return Err(err(
                    *at,
                    format!("true sample {n}: text outside its «marks» is flagged"),
                ));
            }
            if meta.placeholder.is_some() {
                let fixed = engine.fix(&Document::new(&text, &ctx), false);
                let again = engine.fix(&Document::new(&fixed.text, &ctx), false);
                if !fixed.converged || again.text != fixed.text || again.applied > 0 {
                    return Err(err(
                        *at,
                        format!(
                            "true sample {n}: fixing does not settle (the replacement is flagged again)"
                        ),
                    ));
                }
            }
        }
        for (i, (sample, at)) in meta.false_samples.iter().zip(&s.false_at).enumerate() {
            let rep = engine.check(&Document::new(sample, &ctx));
            if rep.findings.iter().any(|f| std::ptr::eq(f.rule, *meta)) {
                return Err(err(*at, format!("false sample {} is flagged", i + 1)));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
