//! Validation of the re-identification model by simulation (issue 4, "Validation").
//!
//! `cargo run --release -p clinpost-risk --example risk_sim > eval/risk-sim/results.md`
//!
//! For each of a set of bases drawn from the shipped tables (GP practice lists, with the author
//! named; and local authorities, with the author anonymous and the authority named as the place)
//! it draws a synthetic population person by person: sex and age from the base's own table
//! (single years spread evenly within a practice's 5-year bands; the open top band uniform over
//! 95–100, which is not what the model assumes), and binary attributes whose probability depends
//! on age (age-graded conditions, occupations only in working ages, GP consultations twice as
//! likely at 75 as at 20), so the model's independence assumption is wrong in the way it is in
//! life. Practice conditions use that practice's own QOF prevalence; the model is given the
//! England prevalence. It then plants posts: a template of details, a target drawn among the
//! people who have them, the true number of people matching every detail, and the model's k.

#![allow(dead_code)]

use clinpost_core::{Audience, Span};
use clinpost_risk::detail::{AgeRange, Detail, Sex, Value};
use clinpost_risk::model::{assess, AuthorProfile, Role};
use clinpost_risk::population::{self, AgeSexTable};

/// xorshift64* (deterministic, no dependencies).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.f64() * n as f64) as usize % n.max(1)
    }
}

/// A synthetic condition: model prevalence, whether rare, and how strongly it rises with age.
#[derive(Clone, Copy)]
struct Cond {
    qof: Option<&'static str>,
    prevalence: f64,
    rare: bool,
    /// exp(age / scale) weighting; 0 = flat.
    age_scale: f64,
}

const N_ATTR: usize = 8;

struct Person {
    sex: u8,
    age: u8,
    /// Bits: 0..5 conditions, 5 occupation, 6 extreme lab value, 7 seen this morning.
    attrs: u8,
}

pub struct Row {
    pub base: String,
    pub details: String,
    pub truth: usize,
    pub estimate: f64,
}

fn conditions() -> [Cond; 5] {
    let e = |c| population::england_prevalence(c).unwrap_or(0.01);
    [
        Cond {
            qof: Some("HYP"),
            prevalence: e("HYP"),
            rare: false,
            age_scale: 20.0,
        },
        Cond {
            qof: Some("DM"),
            prevalence: e("DM"),
            rare: false,
            age_scale: 25.0,
        },
        Cond {
            qof: Some("AST"),
            prevalence: e("AST"),
            rare: false,
            age_scale: 0.0,
        },
        Cond {
            qof: None,
            prevalence: 1.0 / 3_000.0,
            rare: true,
            age_scale: 0.0,
        },
        Cond {
            qof: Some("EP"),
            prevalence: e("EP"),
            rare: false,
            age_scale: 0.0,
        },
    ]
}

const OCCUPATION: f64 = 0.01;
const LAB: f64 = 0.002;

/// Draws Bernoulli attribute `bit` for everyone with probability `target · w(person) / mean w`.
fn assign(people: &mut [Person], rng: &mut Rng, bit: u8, target: f64, w: impl Fn(&Person) -> f64) {
    let mean = people.iter().map(&w).sum::<f64>() / people.len().max(1) as f64;
    if mean <= 0.0 {
        return;
    }
    for p in people.iter_mut() {
        if rng.f64() < (target * w(p) / mean).min(1.0) {
            p.attrs |= 1 << bit;
        }
    }
}

fn draw_population(
    table: &AgeSexTable,
    rng: &mut Rng,
    prevalences: &[f64; 5],
    seen: usize,
) -> Vec<Person> {
    let mut people = Vec::new();
    match table {
        AgeSexTable::Bands(b) => {
            for (s, row) in b.iter().enumerate() {
                for (band, &c) in row.iter().enumerate() {
                    for _ in 0..c {
                        let age = if band == 19 {
                            95 + rng.below(6) as u8
                        } else {
                            (band * 5 + rng.below(5)) as u8
                        };
                        people.push(Person {
                            sex: s as u8,
                            age,
                            attrs: 0,
                        });
                    }
                }
            }
        }
        AgeSexTable::Area(_) => unreachable!("areas are drawn from single years"),
    }
    attributes(&mut people, rng, prevalences, seen);
    people
}

fn draw_area(base: &population::Base, rng: &mut Rng, prevalences: &[f64; 5]) -> Vec<Person> {
    let mut people = Vec::with_capacity(base.n as usize);
    for s in 0..2u8 {
        let sex = if s == 0 { Sex::Female } else { Sex::Male };
        for age in 0..=100u8 {
            let f =
                population::age_sex_fraction(base, Some(sex), Some(AgeRange { lo: age, hi: age }));
            // Stochastic rounding keeps the total right on average.
            let x = f * base.n as f64;
            let c = x.floor() as usize + (rng.f64() < x.fract()) as usize;
            for _ in 0..c {
                people.push(Person {
                    sex: s,
                    age,
                    attrs: 0,
                });
            }
        }
    }
    attributes(&mut people, rng, prevalences, 0);
    people
}

fn attributes(people: &mut [Person], rng: &mut Rng, prevalences: &[f64; 5], seen: usize) {
    for (i, c) in conditions().iter().enumerate() {
        let scale = c.age_scale;
        assign(people, rng, i as u8, prevalences[i], |p| {
            if scale > 0.0 {
                (p.age as f64 / scale).exp()
            } else {
                1.0
            }
        });
    }
    assign(people, rng, 5, OCCUPATION, |p| {
        if (18..=66).contains(&p.age) {
            1.0
        } else {
            0.0
        }
    });
    assign(people, rng, 6, LAB, |_| 1.0);
    // "Seen this morning": `seen` people drawn without replacement, weighted by age.
    if seen > 0 {
        let w = |p: &Person| 1.0 + p.age as f64 / 75.0;
        let total: f64 = people.iter().map(w).sum();
        let mut chosen = 0;
        while chosen < seen.min(people.len()) {
            let mut x = rng.f64() * total;
            for p in people.iter_mut() {
                x -= w(p);
                if x <= 0.0 {
                    if p.attrs & (1 << 7) == 0 {
                        p.attrs |= 1 << 7;
                        chosen += 1;
                    }
                    break;
                }
            }
        }
    }
}

struct Template {
    age_level: u8, // 0 exact, 1 5-year, 2 decade, 3 none
    sex: bool,
    attrs: u8,
}

fn age_range(age: u8, level: u8) -> Option<AgeRange> {
    match level {
        0 => Some(AgeRange { lo: age, hi: age }),
        1 => Some(AgeRange {
            lo: age / 5 * 5,
            hi: age / 5 * 5 + 4,
        }),
        2 => Some(AgeRange {
            lo: age / 10 * 10,
            hi: age / 10 * 10 + 9,
        }),
        _ => None,
    }
}

fn plant(
    people: &[Person],
    rng: &mut Rng,
    practice: bool,
    place_n: Option<u64>,
    author: &AuthorProfile,
    label: &str,
) -> Option<Row> {
    let conds = conditions();
    let t = Template {
        age_level: rng.below(4) as u8,
        sex: rng.f64() < 0.7,
        attrs: {
            let mut a = 0u8;
            let c = rng.below(6);
            if c < 5 {
                a |= 1 << c;
            }
            if rng.f64() < 0.25 {
                a |= 1 << 5;
            }
            if rng.f64() < 0.25 {
                a |= 1 << 6;
            }
            if practice && rng.f64() < 0.3 {
                a |= 1 << 7;
            }
            a
        },
    };
    let candidates: Vec<usize> = (0..people.len())
        .filter(|&i| people[i].attrs & t.attrs == t.attrs)
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let target = &people[candidates[rng.below(candidates.len())]];
    let ages = age_range(target.age, t.age_level);
    let truth = candidates
        .iter()
        .filter(|&&i| {
            let p = &people[i];
            (!t.sex || p.sex == target.sex)
                && ages.into_iter().all(|a| (a.lo..=a.hi).contains(&p.age))
        })
        .count();
    let span = Span::new(0, 1);
    let mut details = Vec::new();
    let mut words = Vec::new();
    if let Some(a) = ages {
        details.push(Detail {
            span,
            value: Value::Age(a),
        });
        words.push(if a.lo == a.hi {
            format!("age {}", a.lo)
        } else {
            format!("age {}-{}", a.lo, a.hi)
        });
    }
    if t.sex {
        let s = if target.sex == 0 {
            Sex::Female
        } else {
            Sex::Male
        };
        details.push(Detail {
            span,
            value: Value::Sex(s),
        });
        words.push(if target.sex == 0 { "F" } else { "M" }.to_string());
    }
    for (i, c) in conds.iter().enumerate() {
        if t.attrs & (1 << i) != 0 {
            details.push(Detail {
                span,
                value: Value::Condition {
                    prevalence: c.prevalence,
                    rare: c.rare,
                },
            });
            words.push(c.qof.unwrap_or("rare").to_string());
        }
    }
    if t.attrs & (1 << 5) != 0 {
        details.push(Detail {
            span,
            value: Value::Occupation {
                fraction: OCCUPATION,
            },
        });
        words.push("occupation".into());
    }
    if t.attrs & (1 << 6) != 0 {
        details.push(Detail {
            span,
            value: Value::LabValue {
                fraction: LAB,
                exact: false,
                analyte: None,
                high: true,
            },
        });
        words.push("lab".into());
    }
    if t.attrs & (1 << 7) != 0 {
        details.push(Detail {
            span,
            value: Value::Time { window_days: 0.5 },
        });
        words.push("this morning".into());
    }
    if let Some(n) = place_n {
        details.push(Detail {
            span,
            value: Value::Place {
                population: n,
                facility: false,
            },
        });
    }
    if details.is_empty() {
        return None;
    }
    let a = assess(&details, author, Audience::Public);
    Some(Row {
        base: label.to_string(),
        details: words.join(", "),
        truth,
        estimate: a.stranger.metrics.k,
    })
}

/// Runs the simulation over `n_practices` practices and `n_areas` local authorities with
/// `posts` planted posts each.
pub fn run(n_practices: usize, n_areas: usize, posts: usize, seed: u64) -> Vec<Row> {
    let mut rng = Rng::new(seed);
    let mut rows = Vec::new();
    let conds = conditions();
    for _ in 0..n_practices {
        let p = population::practice_nth(rng.below(population::practice_count())).unwrap();
        if p.list_size < 1_000 {
            continue;
        }
        let prev: [f64; 5] = std::array::from_fn(|i| {
            conds[i]
                .qof
                .and_then(|q| p.qof_prevalence(q))
                .unwrap_or(conds[i].prevalence)
        });
        let people = draw_population(&p.base().table, &mut rng, &prev, 15);
        let author = AuthorProfile {
            role: Role::Gp,
            practice_code: Some(p.code.to_string()),
            ..Default::default()
        };
        let label = format!("practice {} ({})", p.code, p.list_size);
        for _ in 0..posts {
            rows.extend(plant(&people, &mut rng, true, None, &author, &label));
        }
    }
    let las: Vec<population::Base> = (0..population::area_count())
        .filter_map(population::area_nth)
        .filter(|(b, kind)| {
            b.n < 150_000
                && matches!(
                    *kind,
                    "Non-metropolitan District" | "Unitary Authority" | "London Borough"
                )
        })
        .map(|(b, _)| b)
        .collect();
    for _ in 0..n_areas {
        let b = &las[rng.below(las.len())];
        let prev: [f64; 5] = std::array::from_fn(|i| conds[i].prevalence);
        let people = draw_area(b, &mut rng, &prev);
        let author = AuthorProfile::anonymous();
        let label = format!("{} ({})", b.label, b.n);
        for _ in 0..posts {
            rows.extend(plant(&people, &mut rng, false, Some(b.n), &author, &label));
        }
    }
    rows
}

/// Share of rows with truth ≤ 100 whose estimate is within a factor of 3.
pub fn share_within_3(rows: &[Row]) -> (usize, f64) {
    let small: Vec<&Row> = rows.iter().filter(|r| r.truth <= 100).collect();
    let ok = small
        .iter()
        .filter(|r| r.estimate <= 3.0 * r.truth as f64 && r.estimate * 3.0 >= r.truth as f64)
        .count();
    (small.len(), ok as f64 / small.len().max(1) as f64)
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The committed table, as Markdown.
pub fn report(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str("# Risk model simulation: estimated k against the true count\n\n");
    out.push_str(
        "Made by `cargo run --release -p clinpost-risk --example risk_sim` (deterministic seed). \
         Synthetic populations drawn from the shipped tables; see the example's header for the \
         design.\n\n",
    );
    let (n, share) = share_within_3(rows);
    out.push_str(&format!(
        "**Planted posts with a true count ≤ 100: {n}; estimate within a factor of 3: {:.1} %** \
         (bar: ≥ 80 %). All planted posts: {}.\n\n",
        share * 100.0,
        rows.len()
    ));
    let above1: Vec<Row> = rows
        .iter()
        .filter(|r| r.truth > 1)
        .map(|r| Row {
            base: String::new(),
            details: String::new(),
            truth: r.truth,
            estimate: r.estimate,
        })
        .collect();
    let (n2, share2) = share_within_3(&above1);
    out.push_str(&format!(
        "Excluding true count 1 (where k ≥ 1 makes the bar easy): {n2} posts with a true count \
         2–100, within a factor of 3: {:.1} %.\n\n",
        share2 * 100.0
    ));
    out.push_str("| true count | posts | median estimate / truth | within ×3 | estimate too low (< truth/3) | estimate too high (> 3 × truth) |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for (lo, hi, name) in [
        (1, 1, "1"),
        (2, 3, "2–3"),
        (4, 10, "4–10"),
        (11, 30, "11–30"),
        (31, 100, "31–100"),
        (101, 1_000, "101–1,000"),
        (1_001, usize::MAX, "> 1,000"),
    ] {
        let b: Vec<&Row> = rows
            .iter()
            .filter(|r| r.truth >= lo && r.truth <= hi)
            .collect();
        if b.is_empty() {
            continue;
        }
        let ratio = median(b.iter().map(|r| r.estimate / r.truth as f64).collect());
        let within = b
            .iter()
            .filter(|r| r.estimate <= 3.0 * r.truth as f64 && r.estimate * 3.0 >= r.truth as f64)
            .count();
        let low = b
            .iter()
            .filter(|r| r.estimate * 3.0 < r.truth as f64)
            .count();
        out.push_str(&format!(
            "| {name} | {} | {:.2} | {:.1} % | {} | {} |\n",
            b.len(),
            ratio,
            100.0 * within as f64 / b.len() as f64,
            low,
            b.len() - within - low
        ));
    }
    out.push_str("\n## Sample of planted posts\n\n| base | details | true count | estimate |\n|---|---|---|---|\n");
    for r in rows.iter().step_by((rows.len() / 40).max(1)) {
        out.push_str(&format!(
            "| {} | {} | {} | {:.1} |\n",
            r.base, r.details, r.truth, r.estimate
        ));
    }
    out
}

fn main() {
    let rows = run(60, 8, 40, 2026);
    print!("{}", report(&rows));
}
