//! Quasi-identifier extraction: text in, typed [`Detail`]s out (issue 4 item 1; kinds as
//! DESIGN §4, category `quasi-identifier`).
//!
//! # How
//!
//! One pass over the word tokens of `clinpost_rules::tokens` (the tokenizer of the direct
//! identifier detectors). Each token is lower-cased once into a shared buffer and looked up in
//! one hash table of phrases (every word list of every kind, keyed by first word; longer phrases
//! are tried first), so a 1 kB post costs a few hundred hash probes. Numbers are read where they
//! stand, with the words around them deciding what they are: an age needs an age cue ("82yo",
//! "82-year-old", "aged 82", "man, 82"), a lab value needs its analyte ("PSA of 4,850"),
//! gestation needs weeks and a pregnancy cue or the `/40` notation, a date needs a date shape.
//! Capitalised words go to the compiled-in lexicon for places (see [`place`]).
//!
//! # What each kind means (the fractions are documented where they are written)
//!
//! - `age`: [`Value::Age`] with the band the text states (see `tables::AGE_WORDS` for the word
//!   bands: "elderly" is 75–120); gestation in weeks is [`Value::Gestation`].
//! - `sex`: one [`Value::Sex`] per post, spanning the first cue (a person word, a title, a
//!   pronoun, or the sex letter of "82yoM").
//! - `place`: [`Value::Place`]; population rules in [`place`].
//! - `condition`: [`Value::Condition`]; prevalence from `tables::CONDITIONS` (QOF registers,
//!   rare diseases, cancers, pregnancy); negated ("no AF", "AF excluded") and queried ("?AF")
//!   conditions are skipped.
//! - `lab-value`: [`Value::LabValue`]; analyte tables and the tail model in [`lab`].
//! - `occupation`, `relationship`, `time`, `event`, `ethnicity`, `religion`: the tables in
//!   `tables.rs`. Relatives of the author ("my daughter") are not details of the patient.
//!
//! Spans are UTF-8 byte ranges of the input; no detail holds text.
//!
//! # For the model
//!
//! A post may yield several details of one kind: several patients, or one person described
//! twice ("elderly gent, 82" gives the band 75–120 and the exact age 82; "a 3-week-old baby"
//! gives 0 and 0–1). Multiplying both would count one fact twice; take the narrowest detail of
//! a kind unless the post is known to describe several people. Sex is reported once per post.
//! Teaching posts with no patient still yield details ("AF is common in over-65s"); the model
//! weighs them.

mod lab;
mod place;
mod tables;

use std::collections::HashMap;
use std::sync::LazyLock;

use clinpost_core::Span;
use clinpost_rules::lexicon::Place as LexPlace;
use clinpost_rules::tokens::{tokenize, Case, Token};

use crate::detail::{AgeRange, Detail, Sex, Value};
use tables::*;

/// Extracts the quasi-identifiers of `text`, ordered by position.
pub fn extract(text: &str) -> Vec<Detail> {
    let mut s = Scan::new(text);
    s.run();
    let mut out = s.out;
    if let Some((span, sex)) = s.sex {
        out.push(Detail {
            span,
            value: Value::Sex(sex),
        });
    }
    out.sort_by_key(|d| (d.span.start, d.span.end));
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseReq {
    Any,
    Upper,
    Capital,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Guard {
    None,
    Eponym,
    Person,
    Article,
}

#[derive(Debug, Clone, Copy)]
enum Kw {
    Condition(f64),
    Analyte(u16),
    Age(u8, u8),
    Decade(u8),
    Sex(Sex),
    Occupation(f64),
    Relationship(f64),
    Event(f64),
    Ethnicity(f64),
    Religion(f64),
    Time(f64),
    Intensifier,
    /// A month name; `true` for a short form that needs a day beside it.
    Month(bool),
    AgeCue,
}

struct Phrase {
    rest: Box<[Box<str>]>,
    case: CaseReq,
    guard: Guard,
    kw: Kw,
}

type Dict = HashMap<Box<str>, Vec<Phrase>>;

static DICT: LazyLock<Dict> = LazyLock::new(build_dict);

fn add(d: &mut Dict, spec: &str, kw: Kw) {
    for alt in spec.split('|') {
        let mut p = alt.trim();
        let mut case = CaseReq::Any;
        let mut guard = Guard::None;
        if let Some(r) = p.strip_prefix('^') {
            case = CaseReq::Upper;
            p = r;
        } else if let Some(r) = p.strip_prefix('!') {
            case = CaseReq::Capital;
            p = r;
        }
        if let Some(r) = p.strip_suffix('~') {
            guard = Guard::Eponym;
            p = r;
        } else if let Some(r) = p.strip_suffix('@') {
            guard = Guard::Person;
            p = r;
        } else if let Some(r) = p.strip_suffix('&') {
            guard = Guard::Article;
            p = r;
        }
        let mut words = p.split(' ').filter(|w| !w.is_empty());
        let Some(first) = words.next() else { continue };
        let rest: Box<[Box<str>]> = words.map(Box::from).collect();
        d.entry(Box::from(first)).or_default().push(Phrase {
            rest,
            case,
            guard,
            kw,
        });
    }
}

fn build_dict() -> Dict {
    let mut d = Dict::new();
    // Order matters between phrases of equal length: conditions before sex ("MS" vs "Ms").
    for &(spec, p) in CONDITIONS {
        add(&mut d, spec, Kw::Condition(p));
    }
    for (k, a) in lab::ANALYTES.iter().enumerate() {
        add(&mut d, a.names, Kw::Analyte(k as u16));
    }
    for &(spec, lo, hi) in AGE_WORDS {
        add(&mut d, spec, Kw::Age(lo, hi));
    }
    for &(spec, lo) in DECADE_WORDS {
        add(&mut d, spec, Kw::Decade(lo));
    }
    add(&mut d, "aged|age", Kw::AgeCue);
    for &(spec, male) in SEX_WORDS {
        add(
            &mut d,
            spec,
            Kw::Sex(if male { Sex::Male } else { Sex::Female }),
        );
    }
    for &(spec, f) in OCCUPATIONS {
        add(&mut d, spec, Kw::Occupation(f));
    }
    for &(spec, f) in RELATIONSHIPS {
        add(&mut d, spec, Kw::Relationship(f));
    }
    for &(spec, f) in EVENTS {
        add(&mut d, spec, Kw::Event(f));
    }
    for &(spec, f) in ETHNICITIES {
        add(&mut d, spec, Kw::Ethnicity(f));
    }
    for &(spec, f) in RELIGIONS {
        add(&mut d, spec, Kw::Religion(f));
    }
    for &(spec, w) in TIMES {
        add(&mut d, spec, Kw::Time(w));
    }
    for w in INTENSIFIERS {
        add(&mut d, w, Kw::Intensifier);
    }
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    const SHORT: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sept", "oct", "nov", "dec",
    ];
    for name in MONTHS {
        add(&mut d, &format!("!{name}"), Kw::Month(false));
    }
    for name in SHORT {
        if name != "may" {
            add(&mut d, &format!("!{name}"), Kw::Month(true));
        }
    }
    add(&mut d, "!sep", Kw::Month(true));
    for v in d.values_mut() {
        v.sort_by_key(|p| std::cmp::Reverse(p.rest.len()));
    }
    d
}

/// Words that may stand between an analyte and its value ("PSA of 4,850", "Na was 108").
const LAB_FILLERS: &[&str] = &[
    "of",
    "was",
    "is",
    "at",
    "now",
    "level",
    "levels",
    "came",
    "back",
    "up",
    "to",
    "over",
    "above",
    "greater",
    "than",
    "just",
    "a",
    "reading",
    "result",
    "value",
    "rose",
    "risen",
    "down",
    "dropped",
    "fell",
    "under",
    "below",
    "less",
    "still",
    "only",
    "nearly",
    "almost",
    "around",
    "about",
    "approx",
    "approximately",
    "measured",
    "count",
    "peaked",
    "peak",
];

/// Words after a number that make it a count or a dose, not a lab value or an age.
const NOT_LAB_UNITS: &[&str] = &[
    "hours", "hour", "hrs", "hr", "h", "days", "day", "d", "weeks", "week", "wks", "months",
    "month", "years", "year", "yrs", "y", "mins", "minutes", "min", "times", "x", "kg", "mg",
    "mcg", "ug", "ml", "tablets", "tabs", "patients", "people", "doses", "puffs", "am", "pm",
    "percent", "beds", "cm", "mm", "miles", "km", "bpm", "breaths",
];

pub(crate) struct Scan<'a> {
    text: &'a str,
    toks: Vec<Token>,
    lower: String,
    lo: Vec<(u32, u32)>,
    out: Vec<Detail>,
    sex: Option<(Span, Sex)>,
    pregnancy: bool,
}

impl<'a> Scan<'a> {
    fn new(text: &'a str) -> Scan<'a> {
        let mut toks = Vec::with_capacity(text.len() / 5 + 4);
        tokenize(text, &mut toks);
        let mut lower = String::with_capacity(text.len());
        let mut lo = Vec::with_capacity(toks.len());
        let mut pregnancy = false;
        for t in &toks {
            let a = lower.len();
            let w = &text[t.start..t.end];
            if w.is_ascii() {
                lower.extend(w.bytes().map(|b| b.to_ascii_lowercase() as char));
            } else {
                lower.extend(w.chars().flat_map(char::to_lowercase));
            }
            let k = &lower[a..];
            pregnancy |= matches!(
                k,
                "pregnant"
                    | "pregnancy"
                    | "gestation"
                    | "gestational"
                    | "antenatal"
                    | "preterm"
                    | "prem"
                    | "premature"
                    | "labour"
                    | "obstetric"
                    | "obstetrics"
                    | "midwife"
                    | "fetal"
                    | "foetal"
                    | "miscarriage"
                    | "stillbirth"
                    | "delivered"
                    | "born"
                    | "primip"
                    | "multip"
                    | "primigravida"
                    | "pn"
                    | "baby"
                    | "twins"
            );
            lo.push((a as u32, lower.len() as u32));
        }
        Scan {
            text,
            toks,
            lower,
            lo,
            out: Vec::new(),
            sex: None,
            pregnancy,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.toks.len()
    }

    pub(crate) fn tok(&self, i: usize) -> &Token {
        &self.toks[i]
    }

    pub(crate) fn tok_text(&self, i: usize) -> &'a str {
        &self.text[self.toks[i].start..self.toks[i].end]
    }

    /// The lower-cased token.
    pub(crate) fn key(&self, i: usize) -> &str {
        let (a, b) = self.lo[i];
        &self.lower[a as usize..b as usize]
    }

    /// Key of token `i`, or "" past the end.
    fn key_at(&self, i: usize) -> &str {
        if i < self.toks.len() {
            self.key(i)
        } else {
            ""
        }
    }

    /// The characters between token `i` and the next.
    pub(crate) fn gap(&self, i: usize) -> &'a str {
        &self.text[self.toks[i].end..self.toks[i].gap_end]
    }

    /// Token `i` and the next are in one phrase: only spaces, hyphens or a possessive between.
    pub(crate) fn joined(&self, i: usize) -> bool {
        if i + 1 >= self.toks.len() {
            return false;
        }
        let g = self.gap(i);
        let g = g
            .strip_prefix("'s")
            .or_else(|| g.strip_prefix("\u{2019}s"))
            .unwrap_or(g);
        // Plural possessive: "St Thomas' Hospital".
        let g = if self.tok_text(i).ends_with(['s', 'S']) {
            g.strip_prefix('\'')
                .or_else(|| g.strip_prefix('\u{2019}'))
                .unwrap_or(g)
        } else {
            g
        };
        !g.is_empty() && g.len() <= 4 && g.bytes().all(|b| matches!(b, b' ' | b'-' | b'\t'))
            || g.is_empty() && self.toks[i].possessive
    }

    /// Token `i` starts a sentence (or the text).
    pub(crate) fn sentence_start(&self, i: usize) -> bool {
        i == 0
            || self
                .gap(i - 1)
                .bytes()
                .any(|b| matches!(b, b'.' | b'!' | b'?' | b'\n' | b':' | b';'))
    }

    fn span(&self, a: usize, b: usize) -> Span {
        Span::new(self.toks[a].start, self.toks[b].end)
    }

    pub(crate) fn push(&mut self, a: usize, b: usize, value: Value) {
        let span = self.span(a, b);
        self.out.push(Detail { span, value });
    }

    /// A named facility or place over tokens `a..=b`; replaces places found inside it.
    pub(crate) fn push_place(&mut self, a: usize, b: usize, population: u64, facility: bool) {
        let span = self.span(a, b);
        self.out.retain(|d| {
            !(matches!(d.value, Value::Place { .. })
                && d.span.start >= span.start
                && d.span.end <= span.end)
        });
        self.out.push(Detail {
            span,
            value: Value::Place {
                population,
                facility,
            },
        });
    }

    pub(crate) fn push_lexicon_place(&mut self, a: usize, b: usize, p: LexPlace) {
        let facility = p.kind == clinpost_rules::lexicon::PlaceKind::Facility;
        let pop = place::lexicon_population(self, a, b, p.kind, p.pop_bucket);
        self.push_place(a, b, pop, facility);
    }

    fn set_sex(&mut self, a: usize, b: usize, sex: Sex) {
        if self.sex.is_none() {
            self.sex = Some((self.span(a, b), sex));
        }
    }

    fn run(&mut self) {
        let dict = &*DICT;
        let mut i = 0;
        'tokens: while i < self.toks.len() {
            let t = self.toks[i];
            if t.digit {
                if let Some(next) = self.number(i) {
                    i = next;
                    continue;
                }
            }
            if let Some(list) = dict.get(self.key(i)) {
                for ph in list {
                    let Some(end) = self.matches(i, ph) else {
                        continue;
                    };
                    if let Some(next) = self.handle(i, end, ph.kw) {
                        i = next;
                        continue 'tokens;
                    }
                }
            }
            if let Some(next) = place::at(self, i) {
                i = next;
                continue;
            }
            i += 1;
        }
    }

    /// Whether phrase `ph` starts at token `i`; the index of its last token.
    fn matches(&self, i: usize, ph: &Phrase) -> Option<usize> {
        let case = self.toks[i].case;
        match ph.case {
            CaseReq::Any => {}
            CaseReq::Upper if case == Case::Upper => {}
            CaseReq::Capital if matches!(case, Case::Title | Case::Upper) => {}
            _ => return None,
        }
        let end = i + ph.rest.len();
        if end >= self.toks.len() {
            return None;
        }
        for (j, w) in ph.rest.iter().enumerate() {
            if !self.joined(i + j) || self.key(i + j + 1) != &**w {
                return None;
            }
        }
        match ph.guard {
            Guard::None => {}
            Guard::Eponym => {
                let next = if self.joined(end) {
                    self.key_at(end + 1)
                } else {
                    ""
                };
                if !(self.toks[end].possessive
                    || matches!(
                        next,
                        "disease" | "syndrome" | "chorea" | "sarcoma" | "lymphoma"
                    ))
                {
                    return None;
                }
            }
            Guard::Person => {
                let ok = self.joined(end) && PERSON_WORDS.contains(&self.key_at(end + 1));
                if !ok {
                    return None;
                }
            }
            Guard::Article => {
                if !(i > 0 && self.joined(i - 1) && ARTICLES.contains(&self.key(i - 1))) {
                    return None;
                }
            }
        }
        Some(end)
    }

    fn handle(&mut self, i: usize, end: usize, kw: Kw) -> Option<usize> {
        match kw {
            Kw::Condition(p) => {
                if !self.negated(i, end) && !self.organisation(i, end) {
                    self.push(
                        i,
                        end,
                        Value::Condition {
                            prevalence: p,
                            rare: p < RARE,
                        },
                    );
                }
            }
            Kw::Analyte(a) => return self.analyte(i, end, a),
            Kw::Intensifier => return self.intensified(i),
            Kw::Age(lo, hi) => self.push(i, end, Value::Age(AgeRange { lo, hi })),
            Kw::Decade(lo) => {
                let (a, b) = self.decade_band(i, lo)?;
                self.push(i, end, Value::Age(AgeRange { lo: a, hi: b }));
            }
            Kw::AgeCue => return self.age_cue(i),
            Kw::Sex(sex) => {
                let k = self.key(i);
                if k == "miss" {
                    let next_cap = end + 1 < self.len()
                        && self.joined(end)
                        && self.toks[end + 1].case == Case::Title;
                    if !next_cap {
                        return None;
                    }
                }
                // "HE" (hepatic encephalopathy) in a lower-case post is not a pronoun.
                if self.toks[i].case == Case::Upper
                    && matches!(k, "he" | "his" | "him" | "she" | "her" | "hers")
                {
                    return None;
                }
                self.set_sex(i, end, sex);
            }
            Kw::Occupation(f) => self.push(i, end, Value::Occupation { fraction: f }),
            Kw::Relationship(f) => {
                let mut a = i;
                if i > 0 && self.joined(i - 1) {
                    match self.key(i - 1) {
                        "my" | "our" | "mine" => return Some(end + 1),
                        "his" | "her" | "their" => {
                            a = i - 1;
                        }
                        _ => {}
                    }
                }
                self.push(a, end, Value::Relationship { fraction: f });
            }
            Kw::Event(f) => self.push(i, end, Value::Event { fraction: f }),
            Kw::Ethnicity(f) => self.push(i, end, Value::Ethnicity { fraction: f }),
            Kw::Religion(f) => self.push(i, end, Value::Religion { fraction: f }),
            Kw::Time(w) => {
                if i > 0 && matches!(self.key(i - 1), "every" | "each") {
                    return Some(end + 1);
                }
                self.push(i, end, Value::Time { window_days: w });
            }
            Kw::Month(short) => return self.month(i, short),
        }
        Some(end + 1)
    }

    /// "no AF", "nil ...", "denies ...", "r/o ...", "?AF", "AF excluded".
    fn negated(&self, i: usize, end: usize) -> bool {
        let before = if i > 0 {
            self.gap(i - 1)
        } else {
            &self.text[..self.toks[i].start]
        };
        if before.trim_end().ends_with('?') {
            return true;
        }
        let mut k = i;
        for _ in 0..4 {
            if k == 0 {
                break;
            }
            let g = self.gap(k - 1);
            if g.bytes()
                .any(|b| matches!(b, b'.' | b',' | b';' | b'!' | b'\n' | b'('))
            {
                break;
            }
            k -= 1;
            if NEGATIONS.contains(&self.key(k)) {
                return true;
            }
        }
        end + 1 < self.len()
            && !self.gap(end).contains(['.', '\n', ';'])
            && NEGATIONS_AFTER.contains(&self.key(end + 1))
    }

    /// A charity or service named after the condition ("Cancer Research UK", "Diabetes UK",
    /// "Stroke Association"): not a patient's condition.
    fn organisation(&self, i: usize, end: usize) -> bool {
        matches!(self.toks[i].case, Case::Title | Case::Upper)
            && self.joined(end)
            && matches!(self.toks[end + 1].case, Case::Title | Case::Upper)
            && matches!(
                self.key(end + 1),
                "research"
                    | "uk"
                    | "society"
                    | "trust"
                    | "foundation"
                    | "charity"
                    | "awareness"
                    | "care"
                    | "support"
                    | "association"
                    | "alliance"
                    | "network"
                    | "institute"
                    | "action"
                    | "matters"
                    | "now"
                    | "connect"
                    | "federation"
                    | "campaign"
            )
    }

    fn decade_band(&self, i: usize, lo: u8) -> Option<(u8, u8)> {
        if i == 0 || !self.joined(i - 1) {
            return None;
        }
        if lo == 13 {
            // teens
            return Some(match self.key(i - 1) {
                "early" => (13, 15),
                "mid" => (14, 17),
                "late" => (17, 19),
                "his" | "her" | "their" => (13, 19),
                _ => return None,
            });
        }
        Some(match self.key(i - 1) {
            "early" => (lo, lo + 3),
            "mid" => (lo + 3, lo + 6),
            "late" => (lo + 6, lo + 9),
            "his" | "her" | "their" => (lo, lo + 9),
            "over" => (lo, 120),
            "under" => (0, lo.saturating_sub(1)),
            _ => return None,
        })
    }

    // ---- numbers -------------------------------------------------------------------------

    /// A plain number at token `i` ("4", "4,850", "4.5"): value and last token.
    fn plain_number(&self, i: usize) -> Option<(f64, usize)> {
        let t = self.toks[i];
        if t.alpha || !t.digit {
            return None;
        }
        let mut s = String::from(self.tok_text(i));
        let mut last = i;
        // thousands: "4,850", "1,000,000"
        while last + 1 < self.len()
            && self.gap(last) == ","
            && self.tok_text(last + 1).len() == 3
            && self.tok_text(last + 1).bytes().all(|b| b.is_ascii_digit())
            && s.len() <= 3 + (last - i) * 4
        {
            s.push_str(self.tok_text(last + 1));
            last += 1;
        }
        if last + 1 < self.len()
            && self.gap(last) == "."
            && self.tok_text(last + 1).bytes().all(|b| b.is_ascii_digit())
        {
            s.push('.');
            s.push_str(self.tok_text(last + 1));
            last += 1;
        }
        s.parse::<f64>().ok().map(|v| (v, last))
    }

    #[allow(clippy::manual_is_multiple_of)] // MSRV 1.80
    fn number(&mut self, i: usize) -> Option<usize> {
        let w = self.key(i).to_string();
        let w = w.as_str();
        let digits = w.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 6 {
            return None;
        }
        let n: u32 = w[..digits].parse().ok()?;
        let suffix = &w[digits..];
        let next_is = |s: &Self, k: usize, words: &[&str]| {
            k + 1 < s.len() && s.joined(k) && words.contains(&s.key(k + 1))
        };
        match suffix {
            "" => {}
            "yo" | "y" | "yr" | "yrs" | "yrsold" | "yearold" | "yearsold" if n <= 120 => {
                let mut last = i;
                if next_is(self, i, &["old"]) {
                    last = i + 1;
                }
                if self.gap(i).starts_with('/') && self.key_at(i + 1) == "o" {
                    last = i + 1;
                }
                self.push(i, last, age(n, n));
                self.sex_letter(i, last);
                return Some(last + 1);
            }
            "yom" | "yof" | "yoM" | "yf" | "ym" | "yrm" | "yrf" if n <= 120 => {
                self.push(i, i, age(n, n));
                let sex = if suffix.ends_with('m') {
                    Sex::Male
                } else {
                    Sex::Female
                };
                self.set_sex(i, i, sex);
                return Some(i + 1);
            }
            "m" | "f" if (16..=110).contains(&n) && self.sentence_start(i) => {
                // "82M with chest pain"
                let next = self.key_at(i + 1);
                if NOT_LAB_UNITS.contains(&next) {
                    return None;
                }
                self.push(i, i, age(n, n));
                self.set_sex(
                    i,
                    i,
                    if suffix == "m" {
                        Sex::Male
                    } else {
                        Sex::Female
                    },
                );
                return Some(i + 1);
            }
            "s" if n % 10 == 0 && (10..=110).contains(&n) => {
                // "in her 80s", "late 70s", "over-65s"
                let (a, b) = self.decade_band(i, n as u8).or_else(|| {
                    (i > 0 && matches!(self.key(i - 1), "over" | "under")).then(|| {
                        if self.key(i - 1) == "over" {
                            (n as u8, 120)
                        } else {
                            (0, n as u8 - 1)
                        }
                    })
                })?;
                let a0 = if matches!(self.key(i - 1), "over" | "under") {
                    i - 1
                } else {
                    i
                };
                self.push(a0, i, age(a as u32, b as u32));
                return Some(i + 1);
            }
            "s" if (1..=110).contains(&n)
                && i > 0
                && matches!(self.key(i - 1), "over" | "under") =>
            {
                let (a, b) = if self.key(i - 1) == "over" {
                    (n, 120)
                } else {
                    (0, n - 1)
                };
                self.push(i - 1, i, age(a, b));
                return Some(i + 1);
            }
            "st" | "nd" | "rd" | "th" if (1..=31).contains(&n) => {
                return self.day_month(i, i);
            }
            "wks" | "wk" | "w" | "weeks" if (4..=44).contains(&n) => {
                if self.gestation_cue(i, i) {
                    self.push(i, i, Value::Gestation(n as u8));
                    return Some(i + 1);
                }
                return None;
            }
            _ => return None,
        }
        // Dates: 12/03/2025, 12.03.25, 2025-03-12, "3 March", "on 12/03".
        if let Some(next) = self.numeric_date(i) {
            return Some(next);
        }
        // A plain number.
        let (v, last) = self.plain_number(i)?;
        if last != i {
            return None; // 4,850 or 4.5 on its own: not an age, a date or gestation
        }
        if (1..=31).contains(&n) {
            if let Some(next) = self.day_month(i, i) {
                return Some(next);
            }
        }
        // Gestation: 24/40, 24+3/40, 24 weeks (pregnant).
        if (4..=44).contains(&n) {
            let g = self.gap(i);
            if g == "/" && self.key_at(i + 1) == "40" {
                self.push(i, i + 1, Value::Gestation(n as u8));
                return Some(i + 2);
            }
            if g == "+" && i + 2 < self.len() && self.gap(i + 1) == "/" && self.key(i + 2) == "40" {
                self.push(i, i + 2, Value::Gestation(n as u8));
                return Some(i + 3);
            }
            let mut k = i;
            if g == "+" && i + 1 < self.len() && self.tok_text(i + 1).len() == 1 {
                k = i + 1; // 24+3 weeks
            }
            if next_is(self, k, &["weeks", "week", "wks", "wk", "w"])
                && self.gestation_cue(i, k + 1)
            {
                self.push(i, k + 1, Value::Gestation(n as u8));
                return Some(k + 2);
            }
        }
        if v > 120.0 {
            return None;
        }
        // "82 year old", "82-year-old", "82 years old", "82 yo", "82 y/o", "6-month-old".
        if i + 1 < self.len() && self.joined(i) {
            let unit = self.key(i + 1);
            let old_after = next_is(self, i + 1, &["old"]);
            match unit {
                "year" | "years" | "yr" | "yrs" | "yo" if old_after || unit == "yo" => {
                    let last = if unit == "yo" { i + 1 } else { i + 2 };
                    self.push(i, last, age(n, n));
                    self.sex_letter(i, last);
                    return Some(last + 1);
                }
                "month" | "months" | "week" | "weeks" | "day" | "days" if old_after => {
                    let y = if unit.starts_with("month") { n / 12 } else { 0 };
                    self.push(i, i + 2, age(y, y));
                    return Some(i + 3);
                }
                _ => {}
            }
        }
        if i + 2 < self.len()
            && self.key(i + 1) == "y"
            && matches!(self.gap(i + 1), "/" | ".")
            && self.key(i + 2) == "o"
        {
            self.push(i, i + 2, age(n, n));
            self.sex_letter(i, i + 2);
            return Some(i + 3);
        }
        // "man, 82," / "lady (82)"
        if i > 0 && n <= 110 {
            let before = self.gap(i - 1).trim();
            let after = self.gap(i).trim_start();
            if matches!(before, "," | "(" | "aged")
                && PERSON_WORDS.contains(&self.key(i - 1))
                && (after.is_empty()
                    || after.starts_with([',', ')', '.', ';', '\n'])
                    || i + 1 == self.len())
            {
                self.push(i, i, age(n, n));
                return Some(i + 1);
            }
        }
        None
    }

    /// The sex letter after an age: "82yo M", "82 y/o F".
    fn sex_letter(&mut self, _i: usize, last: usize) {
        if last + 1 < self.len() && self.gap(last) == " " {
            match self.tok_text(last + 1) {
                "M" => self.set_sex(last + 1, last + 1, Sex::Male),
                "F" => self.set_sex(last + 1, last + 1, Sex::Female),
                _ => {}
            }
        }
    }

    /// Whether "N weeks" at tokens `a..=b` is gestation.
    fn gestation_cue(&self, a: usize, b: usize) -> bool {
        let next = if self.joined(b) || self.gap(b).starts_with("' ") {
            self.key_at(b + 1)
        } else {
            ""
        };
        if matches!(
            next,
            "pregnant" | "gestation" | "gest" | "preg" | "pregnancy" | "gestational"
        ) {
            return true;
        }
        if !self.pregnancy {
            return false;
        }
        if matches!(
            next,
            "ago" | "later" | "earlier" | "before" | "after" | "postpartum" | "post"
        ) {
            return false;
        }
        let prev = if a > 0 { self.key(a - 1) } else { "" };
        !matches!(
            prev,
            "for" | "last" | "past" | "over" | "within" | "after" | "every" | "next" | "in"
        )
    }

    fn age_cue(&mut self, i: usize) -> Option<usize> {
        let mut k = i + 1;
        if k < self.len() && matches!(self.key(k), "over" | "under" | "just" | "only") {
            k += 1;
        }
        if k >= self.len() || self.gap(k - 1).contains(['.', '\n', ';']) {
            return None;
        }
        let w = self.key(k);
        if w.is_empty() || !w.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = w.parse().ok()?;
        if n > 120 {
            return None;
        }
        let (mut a, mut b) = match self.key(k - 1) {
            "over" => (n, 120),
            "under" => (0, n.saturating_sub(1)),
            _ => (n, n),
        };
        let mut last = k;
        if k + 1 < self.len() && self.joined(k) {
            match self.key(k + 1) {
                "months" | "month" | "weeks" | "week" | "days" | "day" => {
                    let y = if self.key(k + 1).starts_with("month") {
                        n / 12
                    } else {
                        0
                    };
                    (a, b) = (y, y);
                    last = k + 1;
                }
                "years" | "yrs" | "year" => last = k + 1,
                _ => {}
            }
        }
        // "aged 80-85"
        if last == k && self.gap(k).trim() == "-" && k + 1 < self.len() {
            if let Ok(m) = self.key(k + 1).parse::<u32>() {
                if m > n && m <= 120 {
                    b = m;
                    last = k + 1;
                }
            }
        }
        self.push(i, last, age(a, b));
        Some(last + 1)
    }

    // ---- dates -----------------------------------------------------------------------------

    /// 12/03/2025, 12.03.25, 2025-03-12, and "on 12/03".
    fn numeric_date(&mut self, i: usize) -> Option<usize> {
        let sep = self.gap(i);
        if !matches!(sep, "/" | "." | "-") || i + 1 >= self.len() {
            return None;
        }
        let num = |s: &Self, k: usize| -> Option<u32> {
            let w = s.key(k);
            (!w.is_empty() && w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit()))
                .then(|| w.parse().ok())
                .flatten()
        };
        let a = num(self, i)?;
        let b = num(self, i + 1)?;
        let third = (i + 2 < self.len() && self.gap(i + 1) == sep)
            .then(|| num(self, i + 2))
            .flatten();
        let a_len = self.key(i).len();
        if let Some(c) = third {
            let c_len = self.key(i + 2).len();
            let ok = if a_len == 4 {
                (1900..=2100).contains(&a) && (1..=12).contains(&b) && (1..=31).contains(&c)
            } else {
                (1..=31).contains(&a)
                    && (1..=12).contains(&b)
                    && (c_len == 2 || (c_len == 4 && (1900..=2100).contains(&c)))
            };
            if ok {
                self.push(i, i + 2, Value::Time { window_days: 1.0 });
                return Some(i + 3);
            }
            return None;
        }
        // Two parts only after "on", and not 2/7, 3/12, 8/10, 5/52 (durations, scores).
        let on = i > 0 && matches!(self.key(i - 1), "on" | "dated" | "since");
        if on
            && sep == "/"
            && (1..=31).contains(&a)
            && (1..=12).contains(&b)
            && !matches!(b, 7 | 10 | 12)
        {
            self.push(i, i + 1, Value::Time { window_days: 1.0 });
            return Some(i + 2);
        }
        None
    }

    /// "3 March", "3rd of March 2024", with the day at `a..=b`.
    fn day_month(&mut self, a: usize, b: usize) -> Option<usize> {
        let mut k = b + 1;
        if k < self.len() && self.joined(b) && self.key(k) == "of" {
            k += 1;
        }
        if k >= self.len() || !self.joined(k - 1) || !self.is_month(k) {
            return None;
        }
        let last = self.year_after(k).unwrap_or(k);
        self.push(a, last, Value::Time { window_days: 1.0 });
        Some(last + 1)
    }

    fn is_month(&self, k: usize) -> bool {
        matches!(self.toks[k].case, Case::Title | Case::Upper)
            && DICT
                .get(self.key(k))
                .is_some_and(|v| v.iter().any(|p| matches!(p.kw, Kw::Month(..))))
    }

    fn year_after(&self, k: usize) -> Option<usize> {
        let w = self.key_at(k + 1);
        (k + 1 < self.len()
            && matches!(self.gap(k), " " | ", ")
            && w.len() == 4
            && w.parse::<u32>().is_ok_and(|y| (1900..=2100).contains(&y)))
        .then_some(k + 1)
    }

    /// A month name at `i`: "March 3rd", "March 2024", "in March".
    fn month(&mut self, i: usize, short: bool) -> Option<usize> {
        if i + 1 < self.len() && self.joined(i) {
            let w = self.key(i + 1);
            let d = w.bytes().take_while(u8::is_ascii_digit).count();
            if d > 0 && matches!(&w[d..], "" | "st" | "nd" | "rd" | "th") {
                let n: u32 = w[..d].parse().ok()?;
                if (1..=31).contains(&n) && d <= 2 {
                    let last = self.year_after(i + 1).unwrap_or(i + 1);
                    self.push(i, last, Value::Time { window_days: 1.0 });
                    return Some(last + 1);
                }
            }
        }
        if let Some(y) = self.year_after(i) {
            self.push(i, y, Value::Time { window_days: 30.0 });
            return Some(y + 1);
        }
        if short {
            return None;
        }
        let cue = i > 0
            && self.joined(i - 1)
            && matches!(
                self.key(i - 1),
                "in" | "last"
                    | "this"
                    | "early"
                    | "late"
                    | "mid"
                    | "since"
                    | "during"
                    | "until"
                    | "of"
            );
        if !cue {
            return None;
        }
        self.push(i, i, Value::Time { window_days: 30.0 });
        Some(i + 1)
    }

    // ---- lab values ------------------------------------------------------------------------

    fn analyte(&mut self, i: usize, end: usize, a: u16) -> Option<usize> {
        let an = &lab::ANALYTES[a as usize];
        let mut k = end + 1;
        let mut steps = 0;
        while k < self.len() && steps < 5 {
            let g = self.gap(k - 1);
            if g.bytes()
                .any(|b| matches!(b, b'.' | b'\n' | b';' | b'!' | b'?' | b','))
            {
                break;
            }
            let t = self.toks[k];
            if t.digit && !t.alpha {
                if an.high.is_empty() && an.low.is_empty() {
                    return None;
                }
                let (v, last) = self.plain_number(k)?;
                if last + 1 < self.len() && NOT_LAB_UNITS.contains(&self.key(last + 1)) {
                    return None;
                }
                if let Some(f) = an.fraction(v) {
                    self.push(
                        i,
                        last,
                        Value::LabValue {
                            fraction: f,
                            exact: true,
                            analyte: Some(an.label()),
                            high: an.is_high(v),
                        },
                    );
                }
                return Some(last + 1);
            }
            if t.digit {
                // "4850ng/ml": a number glued to its unit
                let w = self.key(k);
                let d = w.bytes().take_while(u8::is_ascii_digit).count();
                if d > 0 && !NOT_LAB_UNITS.contains(&&w[d..]) {
                    let v: f64 = w[..d].parse().ok()?;
                    if let Some(f) = an.fraction(v) {
                        self.push(
                            i,
                            k,
                            Value::LabValue {
                                fraction: f,
                                exact: true,
                                analyte: Some(an.label()),
                                high: an.is_high(v),
                            },
                        );
                    }
                    return Some(k + 1);
                }
                return None;
            }
            let w = self.key(k);
            if let Some(last) = self.qualifier(k) {
                self.push(
                    i,
                    last,
                    Value::LabValue {
                        fraction: lab::QUALITATIVE,
                        exact: false,
                        analyte: None,
                        high: true,
                    },
                );
                return Some(last + 1);
            }
            if !LAB_FILLERS.contains(&w) {
                break;
            }
            k += 1;
            steps += 1;
        }
        None
    }

    /// A qualitative extreme at `k` ("very high", "markedly raised", "through the roof",
    /// "astronomical", "in the thousands"): its last token.
    fn qualifier(&self, k: usize) -> Option<usize> {
        let w = self.key(k);
        let seq = |s: &Self, words: &[&str]| {
            words.iter().enumerate().all(|(j, x)| {
                k + j < s.len() && s.key(k + j) == *x && (j == 0 || s.joined(k + j - 1))
            })
        };
        for words in [
            &["through", "the", "roof"][..],
            &["off", "the", "scale"],
            &["off", "the", "charts"],
            &["off", "the", "chart"],
            &["in", "the", "thousands"],
            &["in", "the", "tens", "of", "thousands"],
        ] {
            if seq(self, words) {
                return Some(k + words.len() - 1);
            }
        }
        if matches!(w, "astronomical" | "stratospheric" | "sky") && !self.joined(k) {
            return Some(k);
        }
        if INTENSIFIERS.contains(&w) && self.joined(k) && DIRECTIONS.contains(&self.key_at(k + 1)) {
            return Some(k + 1);
        }
        if matches!(w, "astronomical" | "astronomically" | "stratospheric") {
            return Some(k);
        }
        None
    }

    /// An intensifier at `i` before an analyte: "very high PSA", "sky-high CRP".
    fn intensified(&mut self, i: usize) -> Option<usize> {
        let mut k = i + 1;
        if k < self.len() && self.joined(i) && DIRECTIONS.contains(&self.key(k)) {
            k += 1;
        } else if !matches!(
            self.key(i),
            "astronomical" | "huge" | "massive" | "enormous" | "stratospheric"
        ) {
            return None;
        }
        if k >= self.len() || !self.joined(k - 1) {
            return None;
        }
        let list = DICT.get(self.key(k))?;
        for ph in list {
            if let Kw::Analyte(_) = ph.kw {
                if let Some(end) = self.matches(k, ph) {
                    self.push(
                        i,
                        end,
                        Value::LabValue {
                            fraction: lab::QUALITATIVE,
                            exact: false,
                            analyte: None,
                            high: true,
                        },
                    );
                    return Some(end + 1);
                }
            }
        }
        None
    }
}

fn age(lo: u32, hi: u32) -> Value {
    Value::Age(AgeRange {
        lo: lo.min(120) as u8,
        hi: hi.min(120) as u8,
    })
}
