//! The re-identification model as an engine pass (issue 4 items 2, 3, 4, 5 and 7).
//!
//! [`QuasiIdentifiers`] is a [`clinpost_core::Assessor`]: after the detectors have run, it
//! extracts the post's quasi-identifiers, builds the author's profile from the context, adds
//! what earlier posts revealed (when a history is loaded and the post links to one), runs the
//! model, and returns the report's `risk` object. When the risk is above the audience's threshold
//! it also reports each detail the model used as a finding (category `quasi-identifier`, severity
//! from the risk: `warning` for caution, `error` for do-not-post), with the suggested change as
//! its fix, so the verdict, `clinpost fix` and every surface treat the sum of information like
//! any other finding. Below the threshold it reports nothing: a post is not flagged for saying
//! "an older man".
//!
//! A detail that a detector already reports as a direct identifier (a named hospital, an age of
//! 93) is used by the model but not reported twice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use clinpost_core::{
    Account, Applicability, Assessor, Category, Confidence, Document, EarlierDetail, EarlierLink,
    Evidence, Finding, Fix, History, Kind, Profile, Risk, RiskBase, RiskChange, RiskDetail,
    RiskView, Severity, Span, Verdict,
};

use crate::detail::{AgeRange, Detail, Sex, Value};
use crate::history;
use crate::model::{self, Assessment, AuthorProfile, Role};
use crate::population::{self, BaseKind};
use crate::rules;

/// The assessor. Stateless apart from a small cache of resolved author profiles.
#[derive(Default)]
pub struct QuasiIdentifiers {
    authors: Mutex<HashMap<AuthorKey, Arc<AuthorProfile>>>,
}

/// What an author profile is resolved from (identity text stays in memory only).
#[derive(Clone, PartialEq, Eq, Hash)]
struct AuthorKey {
    line: Option<String>,
    profile: Option<String>,
    account: bool,
}

const AUTHOR_CACHE: usize = 64;

impl Assessor for QuasiIdentifiers {
    fn rules(&self) -> &'static [&'static clinpost_core::RuleMeta] {
        rules::RULES
    }

    fn assess(&self, doc: &Document<'_>, findings: &[Finding], out: &mut Vec<Finding>) -> Risk {
        let author = self.author(doc);
        let details = crate::extract::extract(doc.text);
        let mut all = details.clone();
        let mut earlier = Vec::new();
        if let Some(h) = &doc.context.history {
            let (extra, links) = history::combine(h, &details, doc.text);
            all.extend(extra);
            earlier = links;
        }
        let a = model::assess(&all, &author, doc.context.audience);
        let risk = risk_object(&a, &details, doc, earlier);
        if a.verdict != Verdict::Ok {
            report(&a, &details, findings, &risk, out);
        }
        risk
    }
}

impl QuasiIdentifiers {
    /// A new assessor.
    pub fn new() -> QuasiIdentifiers {
        QuasiIdentifiers::default()
    }

    fn author(&self, doc: &Document<'_>) -> Arc<AuthorProfile> {
        let ctx = doc.context;
        let key = AuthorKey {
            line: ctx.author.as_ref().map(|a| a.expose().clone()),
            profile: ctx.profile.as_ref().map(profile_key),
            account: ctx.account == Account::Named,
        };
        if let Ok(cache) = self.authors.lock() {
            if let Some(p) = cache.get(&key) {
                return p.clone();
            }
        }
        let p = Arc::new(author_profile(
            ctx.profile.as_ref(),
            ctx.author.as_ref().map(|a| a.expose().as_str()),
            ctx.account,
        ));
        if let Ok(mut cache) = self.authors.lock() {
            if cache.len() >= AUTHOR_CACHE {
                cache.clear();
            }
            cache.insert(key, p.clone());
        }
        p
    }
}

fn profile_key(p: &Profile) -> String {
    let s = |o: &Option<clinpost_core::Sensitive<String>>| {
        o.as_ref().map(|v| v.expose().clone()).unwrap_or_default()
    };
    format!(
        "{}\u{1}{}\u{1}{}\u{1}{}\u{1}{}\u{1}{:?}\u{1}{:?}",
        s(&p.name),
        p.role.as_deref().unwrap_or(""),
        s(&p.workplace),
        s(&p.practice),
        s(&p.postcode),
        p.list_size,
        p.patients_per_day.map(f64::to_bits)
    )
}

/// Resolves who is posting into the model's profile.
///
/// - Identifiable unless the account is pseudonymous (when nothing is said the author is
///   assumed identifiable and the audience public: issue 4 item 4).
/// - The structured profile wins; the free-text author line "Dr A B, GP, Practice, Town" fills
///   what it leaves out, read part by part: a role word, a postcode, a practice name or ODS
///   code (the profile's practice is tried first).
/// - A practice is found by ODS code, by postcode, or by name (several practices share a name:
///   a postcode or town part narrows them; if it stays ambiguous, the smallest list is taken,
///   the conservative choice).
pub fn author_profile(
    profile: Option<&Profile>,
    line: Option<&str>,
    account: Account,
) -> AuthorProfile {
    let mut a = AuthorProfile {
        identifiable: account == Account::Named,
        ..AuthorProfile::default()
    };
    let mut names: Vec<String> = Vec::new();
    if let Some(p) = profile {
        a.name = p.name.as_ref().map(|n| n.expose().clone());
        a.role = p.role.as_deref().map(role_of).unwrap_or_default();
        a.list_size = p.list_size.filter(|&n| n > 0);
        a.patients_per_day = p.patients_per_day;
        if let Some(pc) = &p.postcode {
            let pc = pc.expose().trim();
            if population::postcode_district(pc).is_some() {
                a.postcode = Some(pc.to_string());
            }
        }
        for v in [&p.practice, &p.workplace].into_iter().flatten() {
            names.push(v.expose().trim().to_string());
        }
    }
    if let Some(line) = line {
        let mut parts = line
            .split([',', ';'])
            .map(str::trim)
            .filter(|p| !p.is_empty());
        let name = parts.next().map(str::to_string);
        a.name = a.name.take().or(name);
        for part in parts {
            let role = role_of(part);
            if role != Role::Other {
                if a.role == Role::Other {
                    a.role = role;
                }
            } else if looks_like_postcode(part) {
                if a.postcode.is_none() {
                    a.postcode = Some(part.to_string());
                }
            } else {
                names.push(part.to_string());
            }
        }
    }
    for n in &names {
        if looks_like_ods(n) && population::practice_by_code(n).is_some() {
            a.practice_code = Some(n.to_ascii_uppercase());
            break;
        }
        let mut found = population::practice_by_name(n);
        if found.len() > 1 {
            let district = a
                .postcode
                .as_deref()
                .map(population::postcode_key)
                .and_then(|k| k.split(' ').next().map(str::to_string));
            let narrowed: Vec<_> = found
                .iter()
                .filter(|p| {
                    district
                        .as_deref()
                        .is_some_and(|d| p.postcode.split(' ').next() == Some(d))
                })
                .cloned()
                .collect();
            if !narrowed.is_empty() {
                found = narrowed;
            }
        }
        if let Some(p) = found.into_iter().min_by_key(|p| p.list_size) {
            a.practice_code = Some(p.code.to_string());
            if a.role == Role::Other {
                a.role = Role::Gp;
            }
            break;
        }
    }
    a
}

fn role_of(s: &str) -> Role {
    let l = s.trim().to_ascii_lowercase();
    let r = Role::parse(&l);
    if r != Role::Other {
        return r;
    }
    let has = |w: &[&str]| {
        w.iter().any(|x| {
            l.split(|c: char| !c.is_ascii_alphanumeric() && c != '&')
                .any(|t| t == *x)
        })
    };
    if has(&["gp", "gps", "practitioner"]) || l.contains("general practi") {
        Role::Gp
    } else if has(&["ed", "a&e", "emergency", "ae"]) {
        Role::Emergency
    } else if has(&["ward", "inpatient", "inpatients"]) {
        Role::Ward
    } else if has(&["community", "district", "health visitor"]) {
        Role::Community
    } else if has(&[
        "consultant",
        "registrar",
        "hospital",
        "surgeon",
        "physician",
        "outpatients",
    ]) {
        Role::Hospital
    } else {
        Role::Other
    }
}

fn looks_like_ods(s: &str) -> bool {
    let b = s.trim().as_bytes();
    b.len() == 6
        && b[0].is_ascii_alphabetic()
        && b[1..].iter().all(u8::is_ascii_alphanumeric)
        && b[1..].iter().filter(|c| c.is_ascii_digit()).count() >= 4
}

fn looks_like_postcode(s: &str) -> bool {
    let t: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    t.len() <= 8
        && t.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
        && population::postcode_district(&t).is_some()
}

fn base_kind(k: BaseKind) -> &'static str {
    match k {
        BaseKind::Practice => "practice",
        BaseKind::Caseload => "caseload",
        BaseKind::Place => "place",
        BaseKind::Nation => "nation",
    }
}

/// The concrete replacement a suggested change applies, when the change has an obvious one:
/// leaving a detail out, an age's broad word ("82-year-old" → "older"), or a result described
/// rather than given ("PSA of 4,850" → "a very high PSA", the analyte's name from our table, not
/// from the post). Other generalisations (a decade, a county, a condition's group) need wording
/// only the author can choose; they are offered as advice.
fn replacement(s: &model::Suggestion, details: &[Detail]) -> Option<String> {
    if s.drop {
        return Some(String::new());
    }
    if let Some(Value::LabValue {
        analyte: Some(name),
        high,
        ..
    }) = details.get(s.detail).map(|d| &d.value)
    {
        if s.to.starts_with("a description") {
            let way = if *high { "high" } else { "low" };
            return Some(format!("a very {way} {name}"));
        }
    }
    if s.kind == "age" {
        for (quoted, word) in [
            ("\"older\"", "older"),
            ("\"an adult\"", "adult"),
            ("\"a child\"", "child"),
            ("\"over 90\"", "over 90"),
        ] {
            if s.to.starts_with(quoted) {
                return Some(word.to_string());
            }
        }
    }
    None
}

fn view(m: &model::Metrics) -> RiskView {
    RiskView {
        population: m.n.round().max(0.0) as u64,
        k: round3(m.k),
        kappa: round3(m.kappa),
        level: m.level.as_str(),
    }
}

fn round3(x: f64) -> f64 {
    if x.abs() >= 100.0 {
        x.round()
    } else {
        (x * 1000.0).round() / 1000.0
    }
}

fn risk_object(
    a: &Assessment,
    details: &[Detail],
    doc: &Document<'_>,
    earlier: Vec<EarlierLink>,
) -> Risk {
    let real = |s: &Span| !s.is_empty();
    let mut explanation = a.explanation.clone();
    for e in &earlier {
        explanation.push(format!(
            "Combined with your post of {} (history id {}; {}): readers who saw both can put the \
             details together.",
            e.posted,
            e.id,
            if e.back_reference {
                "this post refers back to it".to_string()
            } else {
                format!(
                    "it shares the {}",
                    e.shared
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ));
    }
    Risk {
        level: a.level.as_str(),
        verdict: a.verdict,
        describes_person: a.describes_person,
        k: round3(a.k),
        p_unique: round3(a.p_unique),
        kappa: round3(a.kappa),
        threshold: a.threshold,
        audience: doc.context.audience,
        population: a.population,
        base: RiskBase {
            kind: base_kind(a.base.kind),
            label: a.base.label.clone(),
            why: a.base.why.clone(),
        },
        insider: a.insider.as_ref().map(|v| view(&v.metrics)),
        details: details
            .iter()
            .enumerate()
            .map(|(i, d)| RiskDetail::new(d.value.kind(), d.span, a.used.contains(&i)))
            .collect(),
        suggestions: a
            .suggestions
            .iter()
            .filter(|s| real(&s.span))
            .map(|s| RiskChange {
                kind: details.get(s.detail).map_or(Kind::Age, |d| d.value.kind()),
                start: s.span.start,
                end: s.span.end,
                utf16_start: 0,
                utf16_end: 0,
                drop: s.drop,
                advice: s.to.clone(),
                replacement: replacement(s, details),
            })
            .collect(),
        after: a.fix.as_ref().map(|f| RiskView {
            population: a.population,
            k: round3(f.k),
            kappa: round3(f.kappa),
            level: f.level.as_str(),
        }),
        earlier,
        explanation,
    }
}

/// Words for a detail in a finding's message.
fn what(v: &Value) -> &'static str {
    match v {
        Value::Age(_) => "The patient's age",
        Value::Gestation(_) => "The gestation",
        Value::Sex(_) => "The patient's sex",
        Value::Place { facility: true, .. } => "A named facility",
        Value::Place { .. } => "A named place",
        Value::Condition { rare: true, .. } => "A rare condition",
        Value::Condition { .. } => "The condition",
        Value::LabValue { exact: true, .. } => "An exact test result",
        Value::LabValue { .. } => "A test result",
        Value::Occupation { .. } => "The patient's occupation",
        Value::Relationship { .. } => "A relationship",
        Value::Time { .. } => "When the patient was seen",
        Value::Event { .. } => "A notable event",
        Value::Ethnicity { .. } => "The patient's ethnicity",
        Value::Religion { .. } => "The patient's religion",
    }
}

fn fmt_people(k: f64) -> String {
    if k < 1.5 {
        "only the patient".to_string()
    } else if k < 100.0 {
        format!("about {:.0} people", k)
    } else {
        format!("about {} people", model::fmt_big(k))
    }
}

fn report(
    a: &Assessment,
    details: &[Detail],
    direct: &[Finding],
    risk: &Risk,
    out: &mut Vec<Finding>,
) {
    let severity = if a.verdict == Verdict::DoNotPost {
        Severity::Error
    } else {
        Severity::Warning
    };
    let headline = format!(
        "with the post's other details, {} {} (κ {:.2}; threshold {} for this audience)",
        fmt_people(a.k),
        if a.k < 1.5 { "matches" } else { "match" },
        a.kappa,
        a.threshold
    );
    for &i in &a.used {
        let Some(d) = details.get(i) else { continue };
        if d.span.is_empty()
            || direct
                .iter()
                .any(|f| f.category == Category::Identifier && f.span.overlaps(&d.span))
        {
            continue;
        }
        let Some(rule) = rules::for_kind(d.value.kind()) else {
            continue;
        };
        let sugg = a.suggestions.iter().find(|s| s.detail == i);
        let mut message = format!("{} is a quasi-identifier: {}", what(&d.value), headline);
        if let Some(s) = sugg {
            message.push_str(&format!(". Suggested: {}", s.to));
        }
        if !risk.earlier.is_empty() {
            let dates: Vec<&str> = risk.earlier.iter().map(|e| e.posted.as_str()).collect();
            message.push_str(&format!(
                ". Combined with your earlier post of {}",
                dates.join(", ")
            ));
        }
        let fix = sugg.and_then(|s| {
            replacement(s, details).map(|r| Fix {
                replacement: r,
                applicability: Applicability::Safe,
            })
        });
        let confidence = if a.kappa >= 0.5 {
            Confidence::High
        } else if a.kappa >= 0.2 {
            Confidence::Medium
        } else {
            Confidence::Low
        };
        let mut f = Finding::new(rule, d.span, message, vec![Evidence::Combination])
            .with_fix(fix)
            .with_confidence(confidence);
        f.severity = severity;
        out.push(f);
    }
}

/// A detail's value identity, for fingerprints: what makes two mentions "the same" detail
/// (synonyms from one table row share their fraction, so "MND" and "motor neurone disease"
/// match; ages match by decade). `None` for details that are relative to their post (time).
pub(crate) fn identity(v: &Value) -> Option<Vec<u8>> {
    let f = |tag: &str, x: f64| {
        let mut b = tag.as_bytes().to_vec();
        b.extend_from_slice(&x.to_bits().to_le_bytes());
        Some(b)
    };
    match v {
        Value::Age(AgeRange { lo, .. }) => Some(format!("age:{}", lo / 10 * 10).into_bytes()),
        Value::Gestation(w) => Some(format!("gestation:{w}").into_bytes()),
        Value::Sex(Sex::Female) => Some(b"sex:f".to_vec()),
        Value::Sex(Sex::Male) => Some(b"sex:m".to_vec()),
        Value::Place {
            population,
            facility,
        } => Some(format!("place:{population}:{facility}").into_bytes()),
        Value::Condition { prevalence, .. } => f("condition:", *prevalence),
        Value::LabValue { fraction, .. } => {
            Some(format!("lab:{}", (-fraction.max(1e-12).log10()).round() as i32).into_bytes())
        }
        Value::Occupation { fraction } => f("occupation:", *fraction),
        Value::Relationship { fraction } => f("relationship:", *fraction),
        Value::Event { fraction } => f("event:", *fraction),
        Value::Ethnicity { fraction } => f("ethnicity:", *fraction),
        Value::Religion { fraction } => f("religion:", *fraction),
        Value::Time { .. } => None,
    }
}

/// The fraction of the population a detail describes, stored with its fingerprint so that a
/// later post can be assessed with it (a number, not text).
pub(crate) fn fraction(v: &Value) -> f64 {
    match v {
        Value::Condition { prevalence, .. } => *prevalence,
        Value::LabValue { fraction, .. }
        | Value::Occupation { fraction }
        | Value::Relationship { fraction }
        | Value::Event { fraction }
        | Value::Ethnicity { fraction }
        | Value::Religion { fraction } => *fraction,
        Value::Place { population, .. } => *population as f64 / population::uk().n.max(1) as f64,
        _ => 1.0,
    }
}

/// Fingerprints of a text's details under `history`'s key, for recording a post as posted.
pub fn fingerprints(text: &str, history: &History) -> Vec<EarlierDetail> {
    crate::extract::extract(text)
        .iter()
        .filter_map(|d| {
            let id = identity(&d.value)?;
            Some(EarlierDetail {
                kind: d.value.kind(),
                fingerprint: history::fingerprint(history, &id),
                fraction: fraction(&d.value),
            })
        })
        .collect()
}
