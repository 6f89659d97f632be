//! The re-identification model (DESIGN §6, RISK-MODEL §3): how many people match what a post
//! reveals, for a stranger and for an insider, and the smallest generalisation that makes it safe.
//!
//! - Base population N: the author's practice list (or caseload) when the author is identifiable,
//!   else the smallest place the post names, else the UK. A place smaller than the author's list
//!   replaces it (the conservative choice: RISK-MODEL §3.2 step B).
//! - Fraction p = Π p_i. Age and sex are one joint factor from the base's own table (practice
//!   bands, or the ONS single-year table); every other detail is a marginal, multiplied as if
//!   independent. Typical combinations (old age and dementia) are then rarer than in life, which
//!   is conservative; atypical ones (a young adult with a disease of old age) are commoner than
//!   in life, which is not — the explanation says so.
//! - k = 1 + (N − 1)·p, P(unique) = (1 − p)^(N−1), κ = (1 − (1 − p)^N)/(N·p), computed in log
//!   space with `ln_1p`/`exp_m1` so tiny p and tiny N·p stay exact.
//! - The insider view: someone who knows the author saw the patient in the window a time detail
//!   implies (the daughter in case 1) chooses among the author's patients in that window
//!   (a GP sees about 30 a day), with the same non-time, non-place fractions.
//! - Levels by κ; thresholds by audience; the verdict takes the worse view.
//! - Generalisation: each detail has a ladder (exact age → 5-year band → decade → broad →
//!   dropped; exact lab value → "very high" → dropped; place → district → county → region →
//!   dropped; …) with a cost per step; a uniform-cost search over the lattice of ladder positions
//!   returns the cheapest set of changes that brings κ under the audience's threshold in every
//!   view.

use clinpost_core::{Audience, Span, Verdict};

use crate::detail::{AgeRange, Detail, Sex, Value};
use crate::population::{self, Base, BaseKind, LIST_INFLATION};

/// Births a year per person in the UK (about 680,000 / 67 million): the share of people pregnant
/// at a stated gestational week is this / 52.
const BIRTH_RATE: f64 = 0.0101;

/// Resident population assumed for a place the tables could not size (most often a village:
/// towns of 5,000 and more are in the tables).
pub const UNKNOWN_PLACE: u64 = 1_000;
/// Population assumed for a facility the tables could not size (a trust catchment).
pub const UNKNOWN_FACILITY: u64 = 500_000;
/// The median English practice list (July 2026), assumed for an identifiable GP whose practice
/// is not known.
pub const MEDIAN_LIST: u64 = 8_815;

/// Ladder populations for a generalised place.
const DISTRICT: u64 = 25_000;
const COUNTY: u64 = 600_000;
const REGION: u64 = 6_000_000;

/// κ at or above which the risk alone makes a post `do-not-post` (level very high).
pub const DO_NOT_POST: f64 = 0.5;

/// Most details the generalisation search varies (4 bits each in a u64); others stay as stated.
const MAX_SEARCH_DETAILS: usize = 16;
/// Most lattice nodes the search evaluates.
const MAX_NODES: usize = 20_000;

/// What the author does: sets the workload (insider view) and the contact rate (time detail).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    /// General practitioner (or other practice clinician).
    Gp,
    /// Hospital doctor or nurse seeing outpatients.
    Hospital,
    /// Emergency department.
    Emergency,
    /// Inpatient ward.
    Ward,
    /// Community staff.
    Community,
    /// Not said.
    #[default]
    Other,
}

impl Role {
    /// Patients the author sees in a working day (RISK-MODEL §3.2 step C): GP about 30, an
    /// emergency department 150–400 (250), a ward its 28 beds.
    pub fn patients_per_day(self) -> f64 {
        match self {
            Role::Gp | Role::Other => 30.0,
            Role::Hospital => 20.0,
            Role::Emergency => 250.0,
            Role::Ward => 28.0,
            Role::Community => 10.0,
        }
    }

    /// Share of the population in contact with such a service in a working day, used for a time
    /// detail when the author's own list is unknown (1.4 M GP-practice appointments a day for
    /// 63.4 M registered patients: 0.022).
    pub fn contact_rate(self) -> f64 {
        match self {
            Role::Gp | Role::Other => 0.022,
            Role::Hospital | Role::Community => 0.005,
            Role::Emergency => 0.0011,
            Role::Ward => 0.0007,
        }
    }

    /// Parse "gp", "hospital", "ed"/"emergency", "ward", "community"; anything else is `Other`.
    pub fn parse(s: &str) -> Role {
        match s.trim().to_ascii_lowercase().as_str() {
            "gp" | "general practice" | "general practitioner" => Role::Gp,
            "hospital" | "consultant" | "outpatients" => Role::Hospital,
            "ed" | "ae" | "a&e" | "emergency" => Role::Emergency,
            "ward" | "inpatient" => Role::Ward,
            "community" => Role::Community,
            _ => Role::Other,
        }
    }
}

/// Who is posting, as far as the model needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct AuthorProfile {
    /// Name (never printed by the model; its presence only matters through `identifiable`).
    pub name: Option<String>,
    /// Role.
    pub role: Role,
    /// ODS code of the author's practice.
    pub practice_code: Option<String>,
    /// Postcode of the workplace.
    pub postcode: Option<String>,
    /// The author's list or caseload size, if the user gives one.
    pub list_size: Option<u64>,
    /// Patients seen a day, overriding the role's default.
    pub patients_per_day: Option<f64>,
    /// Readers can tell who the author is (named account, or a pseudonym traceable from its
    /// bio or history: GMC para 9). Defaults to true.
    pub identifiable: bool,
}

impl Default for AuthorProfile {
    fn default() -> Self {
        AuthorProfile {
            name: None,
            role: Role::Other,
            practice_code: None,
            postcode: None,
            list_size: None,
            patients_per_day: None,
            identifiable: true,
        }
    }
}

impl AuthorProfile {
    /// An anonymous author of unknown role.
    pub fn anonymous() -> Self {
        AuthorProfile {
            identifiable: false,
            ..Default::default()
        }
    }

    fn per_day(&self) -> f64 {
        self.patients_per_day
            .filter(|x| x.is_finite() && *x > 0.0)
            .unwrap_or_else(|| self.role.patients_per_day())
    }
}

/// Risk levels by κ (RISK-MODEL §3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// κ < 0.05.
    VeryLow,
    /// 0.05 ≤ κ < 0.09 (meets the EMA / Health Canada public threshold).
    Low,
    /// 0.09 ≤ κ < 0.2.
    Medium,
    /// 0.2 ≤ κ < 0.5.
    High,
    /// κ ≥ 0.5: probably describes one identifiable person.
    VeryHigh,
}

impl Level {
    /// The level of a κ.
    pub fn of(kappa: f64) -> Level {
        if kappa >= 0.5 {
            Level::VeryHigh
        } else if kappa >= 0.2 {
            Level::High
        } else if kappa >= 0.09 {
            Level::Medium
        } else if kappa >= 0.05 {
            Level::Low
        } else {
            Level::VeryLow
        }
    }

    /// Stable name: "very-low" … "very-high".
    pub fn as_str(self) -> &'static str {
        match self {
            Level::VeryLow => "very-low",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::VeryHigh => "very-high",
        }
    }

    fn words(self) -> &'static str {
        match self {
            Level::VeryLow => "very low",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::VeryHigh => "very high",
        }
    }
}

/// The highest κ acceptable for an audience: 0.09 for public posts and closed groups (the EMA /
/// Health Canada threshold, k ≈ 11), 0.05 for a public post carrying special-category detail
/// (health, pregnancy, ethnicity, religion), 0.2 for a private chat of up to 10 people.
pub fn threshold(audience: Audience, sensitive: bool) -> f64 {
    match audience {
        Audience::Public if sensitive => 0.05,
        Audience::Public | Audience::ClosedGroup(_) => 0.09,
        Audience::Private(n) if n <= 10 => 0.2,
        Audience::Private(_) => 0.09,
    }
}

/// k, P(unique) and κ for a base of `n` people and a joint fraction `p`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// Base population.
    pub n: f64,
    /// Joint fraction.
    pub p: f64,
    /// Expected number of people matching, the patient included: 1 + (N − 1)·p.
    pub k: f64,
    /// Probability nobody else matches: (1 − p)^(N−1).
    pub p_unique: f64,
    /// Probability a matching person is the patient: (1 − (1 − p)^N)/(N·p).
    pub kappa: f64,
    /// Level by κ.
    pub level: Level,
}

/// The closed forms, numerically stable for p → 0 and N·p tiny.
pub fn metrics(n: f64, p: f64) -> Metrics {
    let n = if n.is_finite() { n.max(1.0) } else { 1.0 };
    let p = if p.is_finite() {
        p.clamp(0.0, 1.0)
    } else {
        1.0
    };
    let (p_unique, kappa) = if p <= 0.0 {
        (1.0, 1.0)
    } else {
        let l = (-p).ln_1p(); // ln(1 − p); −∞ at p = 1
        let pu = if n <= 1.0 { 1.0 } else { ((n - 1.0) * l).exp() };
        let np = n * p;
        // κ = −expm1(N·ln(1−p)) / (N·p); for N·p below 1e-300 the ratio is 1.
        let kappa = if np < 1e-300 {
            1.0
        } else {
            (-(n * l).exp_m1() / np).clamp(0.0, 1.0)
        };
        (pu, kappa)
    };
    Metrics {
        n,
        p,
        k: 1.0 + (n - 1.0) * p,
        p_unique,
        kappa,
        level: Level::of(kappa),
    }
}

/// Which population a view counts in, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseInfo {
    /// What it is.
    pub kind: BaseKind,
    /// People counted (practice lists after [`LIST_INFLATION`]).
    pub n: u64,
    /// Short label: "a practice list of 8,815", "a place of about 1,000 people", "the UK".
    pub label: String,
    /// Why this base, in plain words.
    pub why: String,
}

/// One view of the risk: a stranger (k-map against the base) or an insider (the author's
/// patients in the post's time window).
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// The numbers.
    pub metrics: Metrics,
    /// The factors multiplied, in plain words with their fractions.
    pub factors: Vec<Factor>,
}

/// One factor of p.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// What it is, in plain words ("a man aged 82").
    pub what: String,
    /// Its fraction of the base.
    pub fraction: f64,
    /// The details it comes from (indices into the input).
    pub details: Vec<usize>,
}

/// One change to one detail.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// Index of the detail in the input.
    pub detail: usize,
    /// Where it is in the text.
    pub span: Span,
    /// Kind: "age", "sex", "place", "condition", "lab-value", "occupation", "relationship",
    /// "time", "event", "ethnicity", "religion", "gestation".
    pub kind: &'static str,
    /// True when the advice is to leave the detail out.
    pub drop: bool,
    /// What to say instead, in plain words ("a 10-year band, e.g. \"in their 80s\"").
    pub to: String,
}

/// A set of changes and what the post would score after them.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    /// The changes.
    pub changes: Vec<Suggestion>,
    /// Expected matches after (the worse view's).
    pub k: f64,
    /// κ after (the worse view's).
    pub kappa: f64,
    /// Level after.
    pub level: Level,
}

/// The model's answer for one post.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Expected matches in the worse view.
    pub k: f64,
    /// P(unique) in the worse view.
    pub p_unique: f64,
    /// κ in the worse view.
    pub kappa: f64,
    /// Level of the worse view.
    pub level: Level,
    /// The stranger's base population N.
    pub population: u64,
    /// The stranger's base and why.
    pub base: BaseInfo,
    /// The stranger's view.
    pub stranger: View,
    /// The insider's view, when the post has a time detail.
    pub insider: Option<View>,
    /// Indices of the details the model used (extra ages and sexes are not used: the narrowest
    /// age and the first sex describe the patient).
    pub used: Vec<usize>,
    /// The audience's κ threshold for this post.
    pub threshold: f64,
    /// ok / caution / do-not-post from the risk alone.
    pub verdict: Verdict,
    /// False when nothing in the post describes a person (only conditions and places: a
    /// teaching post); the verdict is then ok whatever the numbers.
    pub describes_person: bool,
    /// The cheapest set of changes that brings κ under the threshold in every view (empty when
    /// the post is already under it, or when no generalisation can: see `fix`).
    pub suggestions: Vec<Suggestion>,
    /// The outcome of `suggestions`; `None` when under the threshold already or unreachable.
    pub fix: Option<Fix>,
    /// Up to three single changes, best first, with their outcomes.
    pub alternatives: Vec<Fix>,
    /// The explanation, sentence by sentence, with the arithmetic.
    pub explanation: Vec<String>,
}

// ---------------------------------------------------------------------------------------------
// Ladders

#[derive(Debug, Clone, Copy, PartialEq)]
enum Rung {
    Age(AgeRange),
    Sex(Sex),
    /// A marginal fraction.
    Fraction(f64),
    /// A place of this many people.
    Place(f64),
    /// A time window in days.
    Time(f64),
    Dropped,
}

#[derive(Debug, Clone)]
struct Step {
    rung: Rung,
    /// Cumulative cost from the stated level.
    cost: u32,
    /// What to say at this level (empty at level 0).
    to: String,
}

#[derive(Debug, Clone)]
struct Ladder {
    detail: usize,
    span: Span,
    kind: &'static str,
    sensitive: bool,
    steps: Vec<Step>,
}

fn clean_fraction(f: f64) -> f64 {
    if !f.is_finite() || f <= 0.0 {
        1e-6
    } else {
        f.clamp(1e-12, 1.0)
    }
}

/// The detail's kind name for the generalisation ladders: the DESIGN §4 kind, with gestation
/// kept apart from age (its ladder differs).
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Gestation(_) => "gestation",
        _ => v.kind().as_str(),
    }
}

fn decade_words(lo: u8) -> String {
    if lo < 10 {
        "a child under 10".into()
    } else if lo < 20 {
        "in their teens".into()
    } else {
        format!("in their {lo}s")
    }
}

fn age_ladder(a: AgeRange) -> Vec<Step> {
    let a = AgeRange {
        lo: a.lo.min(population::MAX_AGE),
        hi: a
            .hi
            .min(population::MAX_AGE)
            .max(a.lo.min(population::MAX_AGE)),
    };
    let mut steps = vec![Step {
        rung: Rung::Age(a),
        cost: 0,
        to: String::new(),
    }];
    let contains = |o: AgeRange| o.lo <= a.lo && o.hi >= a.hi && (o.lo, o.hi) != (a.lo, a.hi);
    let band_lo = a.lo / 5 * 5;
    let band = if a.lo >= 90 {
        AgeRange { lo: 90, hi: 120 }
    } else {
        AgeRange {
            lo: band_lo,
            hi: band_lo + 4,
        }
    };
    let dec = if a.lo >= 90 {
        AgeRange { lo: 90, hi: 120 }
    } else {
        AgeRange {
            lo: a.lo / 10 * 10,
            hi: a.lo / 10 * 10 + 9,
        }
    };
    let broad = if a.lo >= 65 {
        (
            AgeRange { lo: 65, hi: 120 },
            "\"older\" (65 or over)".to_string(),
        )
    } else if a.lo >= 18 && a.hi < 65 {
        (AgeRange { lo: 18, hi: 64 }, "\"an adult\"".to_string())
    } else if a.hi < 18 {
        (AgeRange { lo: 0, hi: 17 }, "\"a child\"".to_string())
    } else {
        (AgeRange { lo: 0, hi: 120 }, String::new())
    };
    let mut cost = 0;
    let mut last = a;
    for (r, c, to) in [
        (
            band,
            1,
            if band.lo >= 90 {
                "\"over 90\"".to_string()
            } else {
                format!("a 5-year band ({}–{})", band.lo, band.hi)
            },
        ),
        (
            dec,
            1,
            if dec.lo >= 90 {
                "\"over 90\"".to_string()
            } else {
                format!("a 10-year band, e.g. \"{}\"", decade_words(dec.lo))
            },
        ),
        (broad.0, 2, broad.1),
    ] {
        cost += c;
        if contains(r) && r.lo <= last.lo && r.hi >= last.hi && (r.lo, r.hi) != (last.lo, last.hi) {
            if to.is_empty() {
                continue;
            }
            steps.push(Step {
                rung: Rung::Age(r),
                cost,
                to,
            });
            last = r;
        }
    }
    steps.push(Step {
        rung: Rung::Dropped,
        cost: cost + 3,
        to: "leave the age out".into(),
    });
    steps
}

fn ladder(i: usize, d: &Detail) -> Ladder {
    let kind = kind_of(&d.value);
    let first = |rung| Step {
        rung,
        cost: 0,
        to: String::new(),
    };
    let step = |rung, cost, to: &str| Step {
        rung,
        cost,
        to: to.to_string(),
    };
    let drop = |cost, what: &str| Step {
        rung: Rung::Dropped,
        cost,
        to: format!("leave {what} out"),
    };
    let (sensitive, steps) = match d.value {
        Value::Age(a) => (false, age_ladder(a)),
        Value::Sex(s) => (
            false,
            vec![
                first(Rung::Sex(s)),
                drop(4, "the sex (\"a patient\", \"they\")"),
            ],
        ),
        Value::Gestation(w) => {
            let wk = BIRTH_RATE / 52.0;
            (
                true,
                vec![
                    first(Rung::Fraction(if w == 0 { wk * 13.0 } else { wk })),
                    step(
                        Rung::Fraction(wk * 13.0),
                        1,
                        "the trimester rather than the week",
                    ),
                    step(Rung::Fraction(wk * 40.0), 2, "just \"pregnant\""),
                    drop(5, "the pregnancy"),
                ],
            )
        }
        Value::Place {
            population,
            facility,
        } => {
            let pop = if population > 0 {
                population
            } else if facility {
                UNKNOWN_FACILITY
            } else {
                UNKNOWN_PLACE
            };
            let mut s = vec![first(Rung::Place(pop as f64))];
            let mut cost = 0;
            for (n, to) in [
                (
                    DISTRICT,
                    "the town or postcode district (about 25,000 people)",
                ),
                (COUNTY, "the county (about 600,000 people)"),
                (REGION, "the region (about 6 million people)"),
            ] {
                cost += 1;
                if n > pop {
                    s.push(step(Rung::Place(n as f64), cost, to));
                }
            }
            s.push(drop(cost + 1, "the place"));
            (false, s)
        }
        Value::Condition { prevalence, rare } => {
            let p = clean_fraction(prevalence);
            let mut s = vec![first(Rung::Fraction(p))];
            let group = (p * 10.0).clamp(5e-4, 1.0);
            if rare && group > p {
                s.push(step(
                    Rung::Fraction(group),
                    4,
                    "the condition's group (\"a rare metabolic disorder\")",
                ));
            }
            s.push(drop(8, "the condition"));
            (true, s)
        }
        Value::LabValue {
            fraction,
            exact,
            analyte,
            high,
        } => {
            let f = clean_fraction(fraction);
            let mut s = Vec::new();
            if exact {
                // An exact value with units is about one bit more specific than its band.
                s.push(first(Rung::Fraction(f * 0.5)));
                s.push(step(
                    Rung::Fraction(f.max(0.005)),
                    2,
                    &format!(
                        "a description (\"a very {} {}\") instead of the value",
                        if high { "high" } else { "low" },
                        analyte.unwrap_or("result")
                    ),
                ));
                s.push(drop(6, "the test result"));
            } else {
                s.push(first(Rung::Fraction(f)));
                s.push(drop(4, "the test result"));
            }
            (true, s)
        }
        Value::Occupation { fraction } => {
            let f = clean_fraction(fraction);
            let mut s = vec![first(Rung::Fraction(f))];
            if f < 0.1 {
                s.push(step(
                    Rung::Fraction(0.1),
                    1,
                    "a broad occupation group (\"works in a shop\", \"a professional\")",
                ));
            }
            s.push(drop(2, "the occupation"));
            (false, s)
        }
        Value::Relationship { fraction } => (
            false,
            vec![
                first(Rung::Fraction(clean_fraction(fraction))),
                drop(1, "the family detail"),
            ],
        ),
        Value::Time { window_days } => {
            let w = if window_days.is_finite() && window_days > 0.0 {
                window_days
            } else {
                1.0
            };
            let mut s = vec![first(Rung::Time(w))];
            if w < 7.0 {
                s.push(step(Rung::Time(7.0), 1, "\"this week\""));
            }
            if w < 90.0 {
                s.push(step(Rung::Time(90.0), 2, "\"recently\""));
            }
            s.push(drop(3, "when it happened"));
            (false, s)
        }
        Value::Event { fraction } => (
            false,
            vec![
                first(Rung::Fraction(clean_fraction(fraction))),
                drop(3, "the event"),
            ],
        ),
        Value::Ethnicity { fraction } => (
            true,
            vec![
                first(Rung::Fraction(clean_fraction(fraction))),
                drop(2, "the ethnicity"),
            ],
        ),
        Value::Religion { fraction } => (
            true,
            vec![
                first(Rung::Fraction(clean_fraction(fraction))),
                drop(2, "the religion"),
            ],
        ),
    };
    Ladder {
        detail: i,
        span: d.span,
        kind,
        sensitive,
        steps,
    }
}

// ---------------------------------------------------------------------------------------------
// The prepared model

struct AuthorBase {
    /// People on the author's list or caseload (after list inflation).
    n: f64,
    info: BaseInfo,
}

struct Model {
    ladders: Vec<Ladder>,
    /// Indices into `ladders` the search varies.
    searchable: Vec<usize>,
    /// For each ladder, its slot in `searchable`.
    slot_of: Vec<Option<usize>>,
    author: Option<AuthorBase>,
    per_day: f64,
    contact_rate: f64,
    uk_n: f64,
    audience: Audience,
    /// Age × sex fractions: `demo[age option][sex option]`, age option 0 = none, sex 0 = none,
    /// 1 female, 2 male.
    demo: Vec<[f64; 3]>,
    /// For each ladder and level, the age option index (0 when not an age rung).
    age_opt: Vec<Vec<usize>>,
}

/// What one lattice node scores.
#[derive(Debug, Clone, Copy)]
struct Eval {
    stranger: Metrics,
    insider: Option<Metrics>,
    sensitive: bool,
    n_base: f64,
    /// Index of the ladder giving the base (None: the author's base or the UK).
    base_place: Option<usize>,
}

impl Eval {
    fn worst(&self) -> Metrics {
        match self.insider {
            Some(i) if i.kappa > self.stranger.kappa => i,
            _ => self.stranger,
        }
    }
}

fn working_days(w: f64) -> f64 {
    if w <= 1.0 {
        w
    } else {
        w * 5.0 / 7.0
    }
}

#[allow(clippy::manual_is_multiple_of)] // is_multiple_of needs Rust 1.87
fn fmt_count(n: f64) -> String {
    let n = n.round().max(0.0) as u64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn sig2(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return x;
    }
    let mag = 10f64.powi(x.log10().floor() as i32 - 1);
    (x / mag).round() * mag
}

/// "12,000", "1.2 million": a count rounded to two significant figures.
pub(crate) fn fmt_big(n: f64) -> String {
    if n >= 1e11 {
        format!("{:.0} billion", n / 1e9)
    } else if n >= 1e9 {
        format!("{:.1} billion", n / 1e9)
    } else if n >= 1e8 {
        format!("{:.0} million", n / 1e6)
    } else if n >= 1e6 {
        format!("{:.1} million", n / 1e6)
    } else {
        fmt_count(sig2(n))
    }
}

/// "12%", "0.31%", "1 in 20,000".
fn fmt_frac(f: f64) -> String {
    if f >= 0.1 {
        format!("{:.0}%", f * 100.0)
    } else if f >= 0.01 {
        format!("{:.1}%", f * 100.0)
    } else if f >= 0.001 {
        format!("{:.2}%", f * 100.0)
    } else if f > 0.0 {
        format!("1 in {}", fmt_big(sig2(1.0 / f)))
    } else {
        "0".into()
    }
}

fn fmt_k(k: f64) -> String {
    if k < 1.5 {
        "probably only the patient".into()
    } else if k < 10.0 {
        format!("about {:.0} people", k)
    } else {
        format!("about {} people", fmt_big(sig2(k)))
    }
}

#[allow(clippy::manual_is_multiple_of)]
fn age_words(a: AgeRange) -> String {
    if a.lo == a.hi {
        format!("aged {}", a.lo)
    } else if a.hi >= population::MAX_AGE {
        format!("aged {} or over", a.lo)
    } else if a.lo == 0 {
        format!("aged under {}", a.hi as u32 + 1)
    } else if a.hi - a.lo == 9 && a.lo % 10 == 0 && a.lo >= 20 {
        format!("in their {}s", a.lo)
    } else {
        format!("aged {}–{}", a.lo, a.hi)
    }
}

fn time_words(w: f64) -> String {
    if w <= 0.5 {
        "seen in the last half day (\"this morning\")".into()
    } else if w <= 1.0 {
        "seen on one day (\"today\")".into()
    } else if w <= 7.0 {
        "seen in one week".into()
    } else {
        format!("seen within {:.0} days", w)
    }
}

impl Model {
    fn new(details: &[Detail], author: &AuthorProfile, audience: Audience) -> Model {
        let uk = population::uk();
        let uk_n = uk.n as f64;
        let mut table = uk.table.clone();
        let mut author_base = None;
        if author.identifiable {
            let practice = author
                .practice_code
                .as_deref()
                .and_then(population::practice_by_code)
                .or_else(|| {
                    author.postcode.as_deref().and_then(|pc| {
                        population::practice_by_postcode(pc)
                            .into_iter()
                            .min_by_key(|p| p.list_size)
                    })
                });
            if let Some(p) = practice.filter(|p| p.list_size > 0) {
                let b: Base = p.base();
                table = b.table.clone();
                let n = (author.list_size.unwrap_or(p.list_size as u64) as f64 * LIST_INFLATION)
                    .max(1.0);
                author_base = Some(AuthorBase {
                    n,
                    info: BaseInfo {
                        kind: BaseKind::Practice,
                        n: n.round() as u64,
                        label: format!("a practice list of {}", fmt_count(p.list_size as f64)),
                        why: format!(
                            "your account is identifiable and your practice ({}) is known, so \
                             readers can narrow the patient to its list of {} (about {} real \
                             people after allowing for duplicate registrations)",
                            p.code,
                            fmt_count(p.list_size as f64),
                            fmt_count(n)
                        ),
                    },
                });
            } else if let Some(ls) = author.list_size.filter(|&n| n > 0) {
                author_base = Some(AuthorBase {
                    n: ls as f64,
                    info: BaseInfo {
                        kind: BaseKind::Caseload,
                        n: ls,
                        label: format!("a caseload of {}", fmt_count(ls as f64)),
                        why: format!(
                            "your account is identifiable, so readers can narrow the patient to \
                             your caseload of {}",
                            fmt_count(ls as f64)
                        ),
                    },
                });
            } else if let Some(n) = author
                .postcode
                .as_deref()
                .and_then(population::postcode_district)
            {
                author_base = Some(AuthorBase {
                    n: n as f64,
                    info: BaseInfo {
                        kind: BaseKind::Place,
                        n,
                        label: format!("a postcode district of {} people", fmt_count(n as f64)),
                        why: "your account is identifiable and your workplace's postcode district \
                              is known"
                            .into(),
                    },
                });
            } else {
                let default = match author.role {
                    Role::Gp => Some((
                        MEDIAN_LIST as f64 * LIST_INFLATION,
                        BaseKind::Practice,
                        format!(
                            "a practice list of {} (the median)",
                            fmt_count(MEDIAN_LIST as f64)
                        ),
                        "you are an identifiable GP, so readers can find your practice; the \
                         median English list is assumed",
                    )),
                    Role::Hospital | Role::Emergency | Role::Ward => Some((
                        UNKNOWN_FACILITY as f64,
                        BaseKind::Caseload,
                        "a hospital catchment of about 500,000".to_string(),
                        "you are an identifiable hospital clinician, so readers can find your \
                         hospital; a typical catchment is assumed",
                    )),
                    Role::Community => Some((
                        150_000.0,
                        BaseKind::Caseload,
                        "a community service area of about 150,000".to_string(),
                        "you are identifiable community staff; a typical service area is assumed",
                    )),
                    Role::Other => None,
                };
                if let Some((n, kind, label, why)) = default {
                    author_base = Some(AuthorBase {
                        n,
                        info: BaseInfo {
                            kind,
                            n: n.round() as u64,
                            label,
                            why: why.into(),
                        },
                    });
                }
            }
        }
        let ladders: Vec<Ladder> = details
            .iter()
            .enumerate()
            .map(|(i, d)| ladder(i, d))
            .collect();
        // Age options for the joint factor.
        let mut ages: Vec<AgeRange> = Vec::new();
        let mut age_opt = Vec::with_capacity(ladders.len());
        for l in &ladders {
            let mut v = Vec::with_capacity(l.steps.len());
            for s in &l.steps {
                if let Rung::Age(a) = s.rung {
                    ages.push(a);
                    v.push(ages.len());
                } else {
                    v.push(0);
                }
            }
            age_opt.push(v);
        }
        let demo = std::iter::once(None)
            .chain(ages.iter().copied().map(Some))
            .map(|a| {
                [None, Some(Sex::Female), Some(Sex::Male)]
                    .map(|s| population::age_sex_fraction_in(&table, s, a))
            })
            .collect();
        // A detail with an empty span is known from elsewhere (an earlier post): it counts, but
        // it cannot be changed here.
        let mut searchable: Vec<usize> = (0..ladders.len())
            .filter(|&i| ladders[i].steps.len() > 1 && !ladders[i].span.is_empty())
            .collect();
        if searchable.len() > MAX_SEARCH_DETAILS {
            // Vary the most informative details; the rest stay as stated.
            let info = |i: usize| match ladders[i].steps[0].rung {
                Rung::Fraction(f) => -f.ln(),
                Rung::Time(_) | Rung::Age(_) | Rung::Place(_) => 10.0,
                _ => 1.0,
            };
            searchable.sort_by(|&a, &b| info(b).total_cmp(&info(a)));
            searchable.truncate(MAX_SEARCH_DETAILS);
            searchable.sort_unstable();
        }
        let slot_of = (0..ladders.len())
            .map(|i| searchable.iter().position(|&x| x == i))
            .collect();
        Model {
            ladders,
            slot_of,
            searchable,
            author: author_base,
            per_day: author.per_day(),
            contact_rate: author.role.contact_rate(),
            uk_n,
            audience,
            demo,
            age_opt,
        }
    }

    fn level_of(&self, node: u64, ladder: usize) -> usize {
        match self.slot_of[ladder] {
            Some(j) => ((node >> (4 * j)) & 0xf) as usize,
            None => 0,
        }
    }

    /// Selected age option, sex option and which ladders they come from.
    fn demographics(&self, node: u64) -> (usize, usize, Option<usize>, Option<usize>) {
        let mut age: Option<(u8, usize, usize)> = None; // (width, option, ladder)
        let mut sex: Option<(usize, usize)> = None;
        for (i, l) in self.ladders.iter().enumerate() {
            let lv = self.level_of(node, i);
            match l.steps[lv].rung {
                Rung::Age(a) => {
                    let w = a.hi.saturating_sub(a.lo);
                    if !matches!(age, Some((bw, _, _)) if w >= bw) {
                        age = Some((w, self.age_opt[i][lv], i));
                    }
                }
                Rung::Sex(s) if sex.is_none() => {
                    sex = Some((if s == Sex::Female { 1 } else { 2 }, i));
                }
                _ => {}
            }
        }
        (
            age.map_or(0, |a| a.1),
            sex.map_or(0, |s| s.0),
            age.map(|a| a.2),
            sex.map(|s| s.1),
        )
    }

    fn eval(&self, node: u64) -> Eval {
        let (ao, so, _, _) = self.demographics(node);
        let demo = self.demo[ao][so];
        let mut marg = 1.0f64;
        let mut sensitive = false;
        let mut window: Option<f64> = None;
        let mut n_base = self.author.as_ref().map_or(self.uk_n, |a| a.n);
        let mut base_place = None;
        for (i, l) in self.ladders.iter().enumerate() {
            let r = l.steps[self.level_of(node, i)].rung;
            if r != Rung::Dropped && l.sensitive {
                sensitive = true;
            }
            match r {
                Rung::Fraction(f) => marg *= f,
                Rung::Place(pop) if pop < n_base => {
                    n_base = pop;
                    base_place = Some(i);
                }
                Rung::Time(w) => window = Some(window.map_or(w, |x: f64| x.min(w))),
                _ => {}
            }
        }
        let (time_f, insider) = match window {
            Some(w) => {
                let seen = self.per_day * working_days(w);
                let f = match &self.author {
                    Some(a) => seen / a.n,
                    None => self.contact_rate * working_days(w),
                };
                (
                    f.clamp(1e-12, 1.0),
                    Some(metrics(seen.max(1.0), demo * marg)),
                )
            }
            None => (1.0, None),
        };
        Eval {
            stranger: metrics(n_base, demo * marg * time_f),
            insider,
            sensitive,
            n_base,
            base_place,
        }
    }

    fn passes(&self, e: &Eval) -> bool {
        e.worst().kappa <= threshold(self.audience, e.sensitive)
    }

    fn changes(&self, node: u64) -> Vec<Suggestion> {
        self.searchable
            .iter()
            .filter_map(|&i| {
                let lv = self.level_of(node, i);
                (lv > 0).then(|| {
                    let l = &self.ladders[i];
                    Suggestion {
                        detail: l.detail,
                        span: l.span,
                        kind: l.kind,
                        drop: l.steps[lv].rung == Rung::Dropped,
                        to: l.steps[lv].to.clone(),
                    }
                })
            })
            .collect()
    }

    fn fix_of(&self, node: u64, e: &Eval) -> Fix {
        let w = e.worst();
        Fix {
            changes: self.changes(node),
            k: w.k,
            kappa: w.kappa,
            level: w.level,
        }
    }

    /// Branch-and-bound search over the lattice of ladder positions for the cheapest node
    /// (fewest steps on ties) that passes. Passing is monotone (generalising a detail never
    /// lowers k, never raises κ and never tightens the threshold), so a subtree is cut when even
    /// its most general node fails, and closed as soon as its least general node passes.
    fn search(&self) -> Option<(u64, Eval)> {
        let mut best: Option<(u32, u32, u64)> = None;
        let mut budget = MAX_NODES;
        // max_from[j]: the node bits putting slots j.. at their top rung.
        let mut max_from = vec![0u64; self.searchable.len() + 1];
        for j in (0..self.searchable.len()).rev() {
            let top = self.ladders[self.searchable[j]].steps.len() as u64 - 1;
            max_from[j] = max_from[j + 1] | (top << (4 * j));
        }
        self.dfs(0, 0, 0, 0, &max_from, &mut best, &mut budget);
        best.map(|(_, _, node)| (node, self.eval(node)))
    }

    #[allow(clippy::too_many_arguments)]
    fn dfs(
        &self,
        j: usize,
        node: u64,
        cost: u32,
        steps: u32,
        max_from: &[u64],
        best: &mut Option<(u32, u32, u64)>,
        budget: &mut usize,
    ) {
        if best.is_some_and(|b| (cost, steps) >= (b.0, b.1)) || *budget == 0 {
            return;
        }
        *budget -= 1;
        if self.passes(&self.eval(node)) {
            *best = Some((cost, steps, node));
            return;
        }
        if j == self.searchable.len() || !self.passes(&self.eval(node | max_from[j])) {
            return;
        }
        let steps_j = &self.ladders[self.searchable[j]].steps;
        for (lv, st) in steps_j.iter().enumerate() {
            self.dfs(
                j + 1,
                node | ((lv as u64) << (4 * j)),
                cost + st.cost,
                steps + (lv > 0) as u32,
                max_from,
                best,
                budget,
            );
        }
    }

    /// Single changes (one detail to any higher rung), best outcome first, at most three, one per
    /// detail.
    fn alternatives(&self) -> Vec<Fix> {
        let mut out: Vec<(f64, u32, Fix)> = Vec::new();
        for (j, &i) in self.searchable.iter().enumerate() {
            let mut best: Option<(f64, u32, Fix)> = None;
            for lv in 1..self.ladders[i].steps.len() {
                let node = (lv as u64) << (4 * j);
                let e = self.eval(node);
                let w = e.worst();
                let c = self.ladders[i].steps[lv].cost;
                let better = match &best {
                    None => true,
                    Some((k, bc, _)) => w.kappa < *k - 1e-9 || (w.kappa <= *k + 1e-9 && c < *bc),
                };
                if better {
                    best = Some((w.kappa, c, self.fix_of(node, &e)));
                }
                if self.passes(&e) {
                    break;
                }
            }
            out.extend(best);
        }
        out.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        out.into_iter().take(3).map(|x| x.2).collect()
    }

    fn factors(&self, node: u64, insider: bool) -> Vec<Factor> {
        let (ao, so, al, sl) = self.demographics(node);
        let mut out = Vec::new();
        if al.is_some() || sl.is_some() {
            let who = match so {
                1 => "a woman",
                2 => "a man",
                _ => "a person",
            };
            let age = al.map(
                |i| match self.ladders[i].steps[self.level_of(node, i)].rung {
                    Rung::Age(a) => format!(" {}", age_words(a)),
                    _ => String::new(),
                },
            );
            out.push(Factor {
                what: format!("{who}{}", age.unwrap_or_default()),
                fraction: self.demo[ao][so],
                details: al.into_iter().chain(sl).collect(),
            });
        }
        let e = self.eval(node);
        for (i, l) in self.ladders.iter().enumerate() {
            let r = l.steps[self.level_of(node, i)].rung;
            let what = match (r, &self.ladders[i].kind) {
                (Rung::Fraction(f), &"condition") => {
                    if f < 5e-4 {
                        format!("a rare condition (about {})", fmt_frac(f))
                    } else {
                        format!("a condition {} of people have", fmt_frac(f))
                    }
                }
                (Rung::Fraction(f), &"lab-value") => {
                    format!("a test result only about {} reach", fmt_frac(f))
                }
                (Rung::Fraction(f), &"occupation") => {
                    format!("an occupation {} of people have", fmt_frac(f))
                }
                (Rung::Fraction(f), &"relationship") => {
                    format!("a family detail {} of people share", fmt_frac(f))
                }
                (Rung::Fraction(f), &"event") => {
                    format!("an event {} of people have in a year", fmt_frac(f))
                }
                (Rung::Fraction(f), &"ethnicity") => {
                    format!("an ethnic group {} of people belong to", fmt_frac(f))
                }
                (Rung::Fraction(f), &"religion") => {
                    format!("a religion {} of people follow", fmt_frac(f))
                }
                (Rung::Fraction(f), &"gestation") => {
                    format!("pregnant at the stated stage ({})", fmt_frac(f))
                }
                (Rung::Time(w), _) if !insider => time_words(w),
                _ => continue,
            };
            // A time's fraction is what is left of p once every other factor is taken out
            // (filled in below, when all of them are known).
            let fraction = match r {
                Rung::Fraction(f) => f,
                _ => 1.0,
            };
            out.push(Factor {
                what,
                fraction,
                details: vec![i],
            });
        }
        // Only the narrowest time detail counts: keep one time factor.
        if !insider {
            let is_time =
                |f: &Factor| f.details.len() == 1 && self.ladders[f.details[0]].kind == "time";
            let mut seen_time = false;
            out.retain(|f| {
                let t = is_time(f);
                let keep = !(t && seen_time);
                seen_time |= t;
                keep
            });
            let others: f64 = out
                .iter()
                .filter(|f| !is_time(f))
                .map(|f| f.fraction)
                .product();
            for f in out.iter_mut().filter(|f| is_time(f)) {
                f.fraction = (e.stranger.p / others.max(1e-300)).min(1.0);
            }
        }
        out
    }

    fn base_info(&self, e: &Eval) -> BaseInfo {
        if let Some(i) = e.base_place {
            let _ = i;
            let n = e.n_base;
            let mut why = format!(
                "the post names a place of about {} people",
                fmt_big(sig2(n))
            );
            if let Some(a) = &self.author {
                why.push_str(&format!(", smaller than {}", a.info.label));
            }
            return BaseInfo {
                kind: BaseKind::Place,
                n: n.round() as u64,
                label: format!("a place of about {} people", fmt_big(sig2(n))),
                why,
            };
        }
        if let Some(a) = &self.author {
            return a.info.clone();
        }
        BaseInfo {
            kind: BaseKind::Nation,
            n: self.uk_n as u64,
            label: format!("the UK ({})", fmt_big(self.uk_n)),
            why: "no practice, caseload or place narrows it, so the whole UK population is the \
                  base"
                .into(),
        }
    }
}

/// Assesses a post's details for an author and an audience.
pub fn assess(details: &[Detail], author: &AuthorProfile, audience: Audience) -> Assessment {
    let m = Model::new(details, author, audience);
    let e = m.eval(0);
    let worst = e.worst();
    let base = m.base_info(&e);
    let describes_person = details.iter().any(|d| {
        !matches!(
            d.value,
            Value::Condition { .. } | Value::Place { .. } | Value::Time { .. }
        )
    });
    let thr = threshold(audience, e.sensitive);
    // Over the audience's threshold the post needs a look (caution); at κ ≥ 0.5 — more likely
    // than not only the patient matches, RISK-MODEL §3.4 "probably describes one identifiable
    // person" — it must not go out as it is.
    let verdict = if !describes_person || worst.kappa <= thr {
        Verdict::Ok
    } else if worst.kappa >= DO_NOT_POST {
        Verdict::DoNotPost
    } else {
        Verdict::Caution
    };
    let (suggestions, fix, alternatives) = if m.passes(&e) || !describes_person {
        (Vec::new(), None, Vec::new())
    } else {
        let alts = m.alternatives();
        match m.search() {
            Some((node, fe)) => (m.changes(node), Some(m.fix_of(node, &fe)), alts),
            None => (Vec::new(), None, alts),
        }
    };
    let stranger = View {
        metrics: e.stranger,
        factors: m.factors(0, false),
    };
    let insider = e.insider.map(|mi| View {
        metrics: mi,
        factors: m.factors(0, true),
    });
    let (_, _, al, sl) = m.demographics(0);
    let used: Vec<usize> = (0..details.len())
        .filter(|&i| match m.ladders[i].kind {
            "age" => al == Some(i),
            "sex" => sl == Some(i),
            "place" => e.base_place == Some(i),
            _ => true,
        })
        .collect();

    let mut explanation = Vec::new();
    let list: Vec<String> = stranger.factors.iter().map(|f| f.what.clone()).collect();
    let matches = if stranger.metrics.k < 1.5 {
        "matches"
    } else {
        "match"
    };
    explanation.push(format!(
        "{} {} {} {}{}{}.",
        capitalise(&fmt_k(stranger.metrics.k)),
        match base.kind {
            BaseKind::Practice | BaseKind::Caseload => "on",
            _ => "in",
        },
        base.label,
        matches,
        if list.is_empty() { "" } else { ": " },
        list.join(", ")
    ));
    explanation.push(format!("Base: {}.", base.why));
    if !stranger.factors.is_empty() {
        let prod: Vec<String> = stranger
            .factors
            .iter()
            .map(|f| format!("{} ({})", fmt_frac(f.fraction), short(&f.what)))
            .collect();
        explanation.push(format!(
            "For a stranger: p = {} = {}; k = 1 + ({} − 1) × p ≈ {:.1}; the chance nobody else \
             matches is {:.0}%, and the chance a match is the patient is κ = {:.2} ({}).",
            prod.join(" × "),
            fmt_frac(stranger.metrics.p),
            fmt_count(stranger.metrics.n),
            stranger.metrics.k,
            stranger.metrics.p_unique * 100.0,
            stranger.metrics.kappa,
            stranger.metrics.level.words()
        ));
    }
    if let Some(iv) = &insider {
        explanation.push(format!(
            "For an insider (a relative or colleague who knows you saw the patient then): you \
             see about {} patients in that time, and {} (p = {}), so κ = {:.2} ({}).",
            fmt_count(iv.metrics.n),
            if iv.metrics.k < 1.5 {
                "probably only the patient matches".to_string()
            } else {
                format!("about {:.0} of them match", iv.metrics.k)
            },
            fmt_frac(iv.metrics.p),
            iv.metrics.kappa,
            iv.metrics.level.words()
        ));
    }
    if stranger.factors.len() > 1 {
        explanation.push(
            "Age and sex come from the base's own table; the other details are multiplied as if \
             independent. Unusual combinations are rarer than that, so the real number of \
             matches may be smaller."
                .into(),
        );
    }
    explanation.push(format!(
        "Threshold for this audience ({}): κ ≤ {}{}.",
        audience,
        thr,
        if thr == 0.05 {
            ", because the post carries health or other special-category detail"
        } else {
            ""
        }
    ));
    if !describes_person {
        explanation.push("Nothing in the post describes a particular person.".into());
    } else if let Some(f) = &fix {
        let what: Vec<String> = f
            .changes
            .iter()
            .map(|s| {
                if s.drop {
                    s.to.clone()
                } else {
                    format!("say {} for the {}", s.to, s.kind.replace('-', " "))
                }
            })
            .collect();
        explanation.push(format!(
            "To make it safe: {}. Then {} would match (κ = {:.2}, {}).",
            what.join("; "),
            fmt_k(f.k),
            f.kappa,
            f.level.words()
        ));
    } else if verdict != Verdict::Ok {
        explanation.push(
            "No generalisation of the details is enough on its own; ask the patient's consent or \
             do not post."
                .into(),
        );
    }
    if verdict != Verdict::Ok
        && m.author.is_some()
        && matches!(base.kind, BaseKind::Practice | BaseKind::Caseload)
    {
        explanation.push(format!(
            "Because readers can tell who you are, the base is about {}, not {}: removing the \
             time of the visit or the link to your workplace matters most.",
            fmt_count(base.n as f64),
            fmt_big(m.uk_n)
        ));
    }
    Assessment {
        k: worst.k,
        p_unique: worst.p_unique,
        kappa: worst.kappa,
        level: worst.level,
        population: base.n,
        base,
        stranger,
        insider,
        used,
        threshold: thr,
        verdict,
        describes_person,
        suggestions,
        fix,
        alternatives,
        explanation,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The head of a factor's description for the arithmetic line.
fn short(what: &str) -> String {
    let s = what.split(" (").next().unwrap_or(what);
    s.split(" only").next().unwrap_or(s).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(value: Value) -> Detail {
        Detail {
            span: Span::new(0, 1),
            value,
        }
    }

    #[test]
    fn closed_forms() {
        // μ = 1.594 → κ = 0.5 (RISK-MODEL §3.10).
        let n = 1e6;
        let m = metrics(n, 1.594 / n);
        assert!((m.kappa - 0.5).abs() < 1e-3, "{}", m.kappa);
        assert_eq!(metrics(n, 1.59 / n).level, Level::VeryHigh);
        assert_eq!(metrics(n, 1.6 / n).level, Level::High);
        assert!((m.k - 2.594).abs() < 1e-5);
        assert!((m.p_unique - (-1.594f64).exp()).abs() < 1e-5);
        // p → 0: κ → 1, P(unique) → 1, no NaN.
        let m = metrics(67e6, 1e-30);
        assert!((m.kappa - 1.0).abs() < 1e-12 && (m.p_unique - 1.0).abs() < 1e-12);
        let m = metrics(67e6, 0.0);
        assert_eq!((m.kappa, m.p_unique, m.k), (1.0, 1.0, 1.0));
        // p = 1: everyone matches.
        let m = metrics(100.0, 1.0);
        assert!((m.kappa - 0.01).abs() < 1e-12 && m.p_unique == 0.0 && m.k == 100.0);
        let m = metrics(1.0, 1.0);
        assert_eq!((m.kappa, m.p_unique), (1.0, 1.0));
        // Large μ: κ ≈ 1/μ.
        let m = metrics(1e6, 1e-4);
        assert!((m.kappa - 0.01).abs() < 1e-4);
        // Bad inputs are clamped.
        assert!(metrics(f64::NAN, f64::NAN).kappa.is_finite());
        assert!(metrics(0.0, 2.0).kappa.is_finite());
    }

    #[test]
    fn levels_and_thresholds() {
        assert_eq!(Level::of(0.5), Level::VeryHigh);
        assert_eq!(Level::of(0.2), Level::High);
        assert_eq!(Level::of(0.09), Level::Medium);
        assert_eq!(Level::of(0.05), Level::Low);
        assert_eq!(Level::of(0.049), Level::VeryLow);
        assert_eq!(Level::High.as_str(), "high");
        assert_eq!(threshold(Audience::Public, false), 0.09);
        assert_eq!(threshold(Audience::Public, true), 0.05);
        assert_eq!(threshold(Audience::ClosedGroup(5000), true), 0.09);
        assert_eq!(threshold(Audience::Private(3), true), 0.2);
        assert_eq!(threshold(Audience::Private(50), false), 0.09);
    }

    #[test]
    fn roles() {
        assert_eq!(Role::parse("GP"), Role::Gp);
        assert_eq!(Role::parse("A&E"), Role::Emergency);
        assert_eq!(Role::parse("plumber"), Role::Other);
        assert_eq!(Role::Gp.patients_per_day(), 30.0);
        let a = AuthorProfile {
            patients_per_day: Some(12.0),
            ..Default::default()
        };
        assert_eq!(a.per_day(), 12.0);
        assert!(AuthorProfile::default().identifiable);
        assert!(!AuthorProfile::anonymous().identifiable);
    }

    #[test]
    fn formatting() {
        assert_eq!(fmt_count(8815.0), "8,815");
        assert_eq!(fmt_count(67_081_234.0), "67,081,234");
        assert_eq!(fmt_frac(0.25), "25%");
        assert_eq!(fmt_frac(0.0313), "3.1%");
        assert_eq!(fmt_frac(0.00313), "0.31%");
        assert_eq!(fmt_frac(1.0 / 20_000.0), "1 in 20,000");
        assert_eq!(fmt_frac(1e-10), "1 in 10.0 billion");
        assert_eq!(fmt_k(1.01), "probably only the patient");
        assert_eq!(fmt_k(3.2), "about 3 people");
        assert_eq!(fmt_k(452.0), "about 450 people");
        assert_eq!(age_words(AgeRange { lo: 82, hi: 82 }), "aged 82");
        assert_eq!(age_words(AgeRange { lo: 80, hi: 89 }), "in their 80s");
        assert_eq!(age_words(AgeRange { lo: 75, hi: 120 }), "aged 75 or over");
        assert_eq!(age_words(AgeRange { lo: 0, hi: 17 }), "aged under 18");
        assert_eq!(working_days(0.5), 0.5);
        assert_eq!(working_days(7.0), 5.0);
    }

    #[test]
    fn ladders_generalise_monotonically() {
        // Every rung is at least as common as the one before, and costs rise.
        let details = [
            d(Value::Age(AgeRange { lo: 82, hi: 82 })),
            d(Value::Age(AgeRange { lo: 92, hi: 92 })),
            d(Value::Age(AgeRange { lo: 80, hi: 89 })),
            d(Value::Age(AgeRange { lo: 3, hi: 3 })),
            d(Value::Sex(Sex::Male)),
            d(Value::Gestation(24)),
            d(Value::Place {
                population: 900,
                facility: false,
            }),
            d(Value::Place {
                population: 0,
                facility: true,
            }),
            d(Value::Condition {
                prevalence: 1e-5,
                rare: true,
            }),
            d(Value::LabValue {
                fraction: 1e-4,
                exact: true,
                analyte: None,
                high: true,
            }),
            d(Value::Occupation { fraction: 0.002 }),
            d(Value::Time { window_days: 0.5 }),
        ];
        let uk = population::uk();
        for (i, det) in details.iter().enumerate() {
            let l = ladder(i, det);
            assert!(l.steps.len() >= 2, "{:?}", det);
            assert_eq!(l.steps.last().unwrap().rung, Rung::Dropped);
            for w in l.steps.windows(2) {
                assert!(w[1].cost > w[0].cost, "{:?}", l.steps);
                assert!(!w[1].to.is_empty());
                let frac = |r: Rung| match r {
                    Rung::Age(a) => population::age_sex_fraction(&uk, None, Some(a)),
                    Rung::Fraction(f) => f,
                    Rung::Place(p) => p,
                    Rung::Time(t) => t,
                    Rung::Sex(_) => 0.5,
                    Rung::Dropped => f64::INFINITY,
                };
                assert!(frac(w[1].rung) >= frac(w[0].rung), "{:?}", l.steps);
            }
        }
        let a = age_ladder(AgeRange { lo: 82, hi: 82 });
        let rungs: Vec<Rung> = a.iter().map(|s| s.rung).collect();
        assert_eq!(
            rungs,
            [
                Rung::Age(AgeRange { lo: 82, hi: 82 }),
                Rung::Age(AgeRange { lo: 80, hi: 84 }),
                Rung::Age(AgeRange { lo: 80, hi: 89 }),
                Rung::Age(AgeRange { lo: 65, hi: 120 }),
                Rung::Dropped
            ]
        );
    }

    #[test]
    fn generalising_never_lowers_k() {
        let details = vec![
            d(Value::Age(AgeRange { lo: 82, hi: 82 })),
            d(Value::Sex(Sex::Male)),
            d(Value::LabValue {
                fraction: 1e-4,
                exact: true,
                analyte: None,
                high: true,
            }),
            d(Value::Time { window_days: 0.5 }),
            d(Value::Place {
                population: 3_000,
                facility: false,
            }),
        ];
        let author = AuthorProfile {
            role: Role::Gp,
            practice_code: Some("H81034".into()),
            ..Default::default()
        };
        let m = Model::new(&details, &author, Audience::Public);
        // Walk every node: each successor's k is at least its predecessor's.
        let dims: Vec<usize> = m
            .searchable
            .iter()
            .map(|&i| m.ladders[i].steps.len())
            .collect();
        let total: usize = dims.iter().product();
        for idx in 0..total {
            let mut node = 0u64;
            let mut r = idx;
            for (j, &dm) in dims.iter().enumerate() {
                node |= ((r % dm) as u64) << (4 * j);
                r /= dm;
            }
            let k0 = m.eval(node).stranger.k;
            for (j, &dm) in dims.iter().enumerate() {
                if ((node >> (4 * j)) & 0xf) as usize + 1 < dm {
                    let k1 = m.eval(node + (1 << (4 * j))).stranger.k;
                    assert!(k1 >= k0 * (1.0 - 1e-9), "{node:x} → {j}: {k0} > {k1}");
                }
            }
        }
    }

    #[test]
    fn stranger_factors_multiply_to_p_whatever_the_order() {
        let details = vec![
            d(Value::Time { window_days: 0.5 }),
            d(Value::Age(AgeRange { lo: 82, hi: 82 })),
            d(Value::Sex(Sex::Male)),
            d(Value::LabValue {
                fraction: 1e-5,
                exact: true,
                analyte: None,
                high: true,
            }),
        ];
        let a = assess(&details, &AuthorProfile::default(), Audience::Public);
        let prod: f64 = a.stranger.factors.iter().map(|f| f.fraction).product();
        let p = a.stranger.metrics.p;
        assert!(
            (prod / p - 1.0).abs() < 1e-9,
            "{prod} vs {p}: {:?}",
            a.stranger.factors
        );
    }
}
