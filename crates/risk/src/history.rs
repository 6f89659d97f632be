//! Details spread over several posts (issue 4 item 5): keyed fingerprints and the link rule.
//!
//! The history keeps, per post the author marked as posted, only a keyed fingerprint of each
//! quasi-identifier value (HMAC-SHA-256 under a secret key held beside the store, truncated to
//! 16 bytes), its kind, its population fraction, the time and the audience. A fingerprint says
//! nothing about the value to someone without the key; with the key only small domains (an age
//! decade, a sex) can be recovered, by trying every value — which is how a later post is
//! assessed with an earlier post's age and sex.
//!
//! # When posts are combined
//!
//! A new post is assessed together with an earlier post when either
//! - it refers back to one ("update on the lady from last week", "follow-up on the man I posted
//!   about"): it is combined with the most recent earlier post; or
//! - it shares with an earlier post at least one distinctive detail (a condition, place, test
//!   result, occupation, event, ethnicity or religion held by under 1% of people) and at least
//!   two details in all (ages match by decade, synonyms of one condition match).
//!
//! Combining adds, for each kind the new post does not state, the earlier post's detail (as a
//! fixed factor: it is already public, so the advice is about the new post only).

use clinpost_core::{EarlierLink, EarlierPost, History, Kind, Span};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::assess::identity;
use crate::detail::{AgeRange, Detail, Sex, Value};
use crate::population;

/// A fraction below which a shared detail links two posts on its own (with one other detail).
const DISTINCTIVE: f64 = 0.01;

/// Phrases that refer back to an earlier post (lower case).
const BACK_REFERENCES: &[&str] = &[
    "update on",
    "an update",
    "quick update",
    "follow-up on",
    "follow up on",
    "following up on",
    "from last week",
    "from yesterday",
    "from the other day",
    "i posted about",
    "posted about",
    "i mentioned",
    "remember the",
    "same patient",
    "same lady",
    "same man",
    "same gent",
    "last time i posted",
    "my earlier post",
    "my last post",
];

/// The keyed fingerprint of a value identity.
pub fn fingerprint(history: &History, identity: &[u8]) -> [u8; 16] {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(history.key.expose()).expect("HMAC takes any key length");
    mac.update(identity);
    let full = mac.finalize().into_bytes();
    let mut out = [0u8; 16];
    out.copy_from_slice(&full[..16]);
    out
}

/// Words for the person a back-reference points at.
const PERSON_WORDS: &[&str] = &[
    "lady",
    "man",
    "gent",
    "gentleman",
    "woman",
    "patient",
    "boy",
    "girl",
    "baby",
    "chap",
    "he",
    "she",
    "him",
    "her",
    "his",
    "mum",
    "dad",
    "child",
    "toddler",
    "teenager",
    "fella",
    "guy",
];

/// True when the text refers back to an earlier post about a person ("update on the lady from
/// last week"); an update on guidance is not one.
pub fn refers_back(text: &str) -> bool {
    let lower = text.to_lowercase();
    BACK_REFERENCES.iter().any(|p| lower.contains(p))
        && lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| PERSON_WORDS.contains(&w))
}

/// The UTC date (YYYY-MM-DD) of a Unix time.
pub fn date(secs: i64) -> String {
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm, public domain maths).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

/// The earlier details to add to `details` and the posts they come from.
pub fn combine(
    history: &History,
    details: &[Detail],
    text: &str,
) -> (Vec<Detail>, Vec<EarlierLink>) {
    if history.posts.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mine: Vec<(Kind, [u8; 16], f64)> = details
        .iter()
        .filter_map(|d| {
            let id = identity(&d.value)?;
            Some((
                d.value.kind(),
                fingerprint(history, &id),
                crate::assess::fraction(&d.value),
            ))
        })
        .collect();
    let mut linked: Vec<(&EarlierPost, Vec<Kind>, bool)> = Vec::new();
    for post in &history.posts {
        let mut shared = Vec::new();
        let mut distinctive = false;
        for e in &post.details {
            if let Some(m) = mine.iter().find(|m| m.1 == e.fingerprint) {
                if !shared.contains(&m.0) {
                    shared.push(m.0);
                }
                if !matches!(m.0, Kind::Age | Kind::Sex) && m.2 < DISTINCTIVE {
                    distinctive = true;
                }
            }
        }
        if distinctive && shared.len() >= 2 {
            linked.push((post, shared, false));
        }
    }
    if refers_back(text) {
        if let Some(last) = history.posts.iter().max_by_key(|p| p.posted) {
            match linked.iter_mut().find(|l| l.0.id == last.id) {
                Some(l) => l.2 = true,
                None => linked.push((last, Vec::new(), true)),
            }
        }
    }
    let present: Vec<Kind> = details.iter().map(|d| d.value.kind()).collect();
    let mut added_kinds: Vec<Kind> = Vec::new();
    let mut extra = Vec::new();
    let at = Span::new(0, 0);
    for (post, _, _) in &linked {
        for e in &post.details {
            if present.contains(&e.kind) || added_kinds.contains(&e.kind) {
                continue;
            }
            let value = match e.kind {
                Kind::Age => recover_age(history, &e.fingerprint).map(Value::Age),
                Kind::Sex => recover_sex(history, &e.fingerprint).map(Value::Sex),
                Kind::Condition => Some(Value::Condition {
                    prevalence: e.fraction,
                    rare: e.fraction < 1.0 / 2_000.0,
                }),
                Kind::Place => Some(Value::Place {
                    population: (e.fraction * population::uk().n as f64).round() as u64,
                    facility: false,
                }),
                Kind::LabValue => Some(Value::LabValue {
                    fraction: e.fraction,
                    exact: false,
                    analyte: None,
                    high: true,
                }),
                Kind::Occupation => Some(Value::Occupation {
                    fraction: e.fraction,
                }),
                Kind::Relationship => Some(Value::Relationship {
                    fraction: e.fraction,
                }),
                Kind::Event => Some(Value::Event {
                    fraction: e.fraction,
                }),
                Kind::Ethnicity => Some(Value::Ethnicity {
                    fraction: e.fraction,
                }),
                Kind::Religion => Some(Value::Religion {
                    fraction: e.fraction,
                }),
                _ => None,
            };
            if let Some(value) = value {
                added_kinds.push(e.kind);
                extra.push(Detail { span: at, value });
            }
        }
    }
    let links = linked
        .into_iter()
        .map(|(p, shared, back)| EarlierLink {
            id: p.id,
            posted: date(p.posted),
            shared,
            back_reference: back,
        })
        .collect();
    (extra, links)
}

fn recover_age(history: &History, fp: &[u8; 16]) -> Option<AgeRange> {
    (0..=12u8).map(|d| d * 10).find_map(|lo| {
        let id = identity(&Value::Age(AgeRange { lo, hi: lo }))?;
        (fingerprint(history, &id) == *fp).then_some(AgeRange {
            lo,
            hi: (lo + 9).min(120),
        })
    })
}

fn recover_sex(history: &History, fp: &[u8; 16]) -> Option<Sex> {
    [Sex::Female, Sex::Male]
        .into_iter()
        .find(|s| identity(&Value::Sex(*s)).is_some_and(|id| fingerprint(history, &id) == *fp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_795_392_000), "2026-11-23");
        assert_eq!(date(951_782_400), "2000-02-29");
    }

    #[test]
    fn fingerprints_depend_on_the_key() {
        let a = History {
            key: clinpost_core::Sensitive([1; 32]),
            posts: vec![],
        };
        let b = History {
            key: clinpost_core::Sensitive([2; 32]),
            posts: vec![],
        };
        assert_eq!(fingerprint(&a, b"sex:m"), fingerprint(&a, b"sex:m"));
        assert_ne!(fingerprint(&a, b"sex:m"), fingerprint(&b, b"sex:m"));
        assert_ne!(fingerprint(&a, b"sex:m"), fingerprint(&a, b"sex:f"));
        let fp = fingerprint(
            &a,
            &identity(&Value::Age(AgeRange { lo: 84, hi: 84 })).unwrap(),
        );
        assert_eq!(recover_age(&a, &fp), Some(AgeRange { lo: 80, hi: 89 }));
    }

    #[test]
    fn back_references() {
        assert!(refers_back("Quick update on the lady from last week"));
        assert!(refers_back("Following up on the man I posted about"));
        assert!(!refers_back("New guidance on statins this week"));
        assert!(!refers_back("An update on the statin guidance"));
    }
}
