//! Places: named facilities ("Calvert Hospital", "Riverside Surgery", "Nightingale Ward",
//! "Ward 7", "Oak Lodge Care Home"), gazetteer places from the compiled-in lexicon (settlements,
//! facilities, regions), and postcode districts.
//!
//! Populations (documented choices):
//! - a lexicon place: the geometric midpoint of its population bucket. The lexicon stores
//!   `b = ceil(log2(pop) / 2)`, so a place in bucket `b` has `4^(b-1) < pop <= 4^b`; the
//!   midpoint on a log scale is `2^(2b-1)` (bucket 7, 4,097–16,384 people → 8,192). Unknown
//!   (bucket 0) is reported as 0;
//! - a named hospital or infirmary: 250,000 (the catchment of a district general hospital:
//!   England's ~57 million people over ~230 acute hospital sites); an NHS trust: 400,000;
//! - a GP practice, surgery, medical or health centre, or clinic: 10,000 (63.8 million
//!   registered patients over ~6,200 practices);
//! - a hospice: 1,000 (patients it cares for in a year); a ward: 2,000 (about 30 beds, some 60
//!   admissions a bed a year); a care or nursing home: 40 residents;
//! - a region, county or nation from the lexicon: at least 1,000,000;
//! - a lexicon facility without a population: by its last word as below (a hospital if none);
//! - a full postcode: 40 people (about 15 addresses); a postcode district: 25,000 (England and
//!   Wales, ~56 million people over ~2,300 districts).

use clinpost_rules::lexicon::{lexicon, normalise_key, PlaceKind};
use clinpost_rules::tokens::Case;

use super::tables::{PLACE_CUES, TITLES};
use super::Scan;
use crate::detail::Value;

const HOSPITAL: u64 = 250_000;
const TRUST: u64 = 400_000;
const PRACTICE: u64 = 10_000;
const HOSPICE: u64 = 1_000;
const WARD: u64 = 2_000;
const CARE_HOME: u64 = 40;
const FULL_POSTCODE: u64 = 40;
const POSTCODE_DISTRICT: u64 = 25_000;

/// Facility head words (after the name) and the population they imply.
fn head(word: &str) -> Option<u64> {
    Some(match word {
        "hospital" | "infirmary" | "hospitals" => HOSPITAL,
        "trust" => TRUST,
        "surgery" | "practice" | "clinic" => PRACTICE,
        "hospice" => HOSPICE,
        "ward" => WARD,
        _ => return None,
    })
}

/// Two-word heads ("Care Home", "Medical Centre").
fn head2(first: &str, second: &str) -> Option<u64> {
    Some(match (first, second) {
        ("care" | "nursing" | "residential" | "rest" | "retirement", "home") => CARE_HOME,
        ("medical" | "health", "centre" | "center" | "practice") => PRACTICE,
        ("nhs" | "foundation" | "health", "trust") => TRUST,
        _ => return None,
    })
}

/// Words inside a facility name that need not be capitalised.
fn connector(word: &str) -> bool {
    matches!(
        word,
        "of" | "the" | "and" | "st" | "on" | "upon" | "le" | "de" | "la" | "en"
    )
}

/// Capitalised words that do not name a facility ("The Hospital", "Our Surgery").
fn not_a_name(word: &str) -> bool {
    matches!(
        word,
        "the"
            | "a"
            | "an"
            | "our"
            | "my"
            | "this"
            | "that"
            | "your"
            | "their"
            | "his"
            | "her"
            | "local"
            | "at"
            | "in"
            | "to"
            | "from"
            | "back"
            | "busy"
            | "same"
            | "new"
            | "old"
            | "district"
            | "general"
            | "community"
            | "private"
            | "teaching"
    )
}

/// Places at token `i`; returns the next token to look at.
pub(super) fn at(s: &mut Scan<'_>, i: usize) -> Option<usize> {
    let key = s.key(i);
    // Named facility ending here.
    let mut fac = head(key).map(|p| (i, p));
    if i > 0 && s.joined(i - 1) {
        if let Some(p) = head2(s.key(i - 1), key) {
            fac = Some((i - 1, p));
        }
    }
    if let Some((head_start, pop)) = fac {
        // "Ward 7", "ward 7B"
        if key == "ward" && i + 1 < s.len() && s.joined(i) && ward_number(s.tok_text(i + 1)) {
            s.push_place(i, i + 1, WARD, true);
            return Some(i + 2);
        }
        // A weak head written in lower case is an everyday word ("had surgery").
        let weak = !matches!(key, "hospital" | "infirmary" | "hospice" | "hospitals");
        if weak && !matches!(s.tok(i).case, Case::Title | Case::Upper) {
            return None;
        }
        let mut start = None;
        let mut k = head_start;
        while k > 0 && s.joined(k - 1) && head_start - k < 6 {
            let j = k - 1;
            let w = s.key(j);
            if connector(w) {
                k -= 1;
                continue;
            }
            let t = s.tok(j);
            if matches!(t.case, Case::Title | Case::Upper) && t.alpha {
                // "Leeds Teaching Hospitals": generic words inside a name are part of it.
                if !not_a_name(w) {
                    start = Some(j);
                }
                k -= 1;
                continue;
            }
            break;
        }
        let start = start?;
        // "Quiet hospital today": one sentence-initial everyday word is not a name.
        if start + 1 == head_start && s.sentence_start(start) {
            if let Some(e) = lexicon().get_cached(s.key(start)) {
                if e.common_word() && e.place().is_none() {
                    return None;
                }
            }
        }
        s.push_place(start, i, pop, true);
        return Some(i + 1);
    }
    let t = *s.tok(i);
    if !t.alpha {
        return None;
    }
    // Postcodes.
    if t.digit {
        return postcode(s, i);
    }
    if !matches!(t.case, Case::Title | Case::Upper) {
        return None;
    }
    if t.case == Case::Upper && t.len() < 3 {
        return None;
    }
    if i > 0 && TITLES.contains(&s.key(i - 1)) {
        return None;
    }
    let lex = lexicon();
    let mut word = String::new();
    normalise_key(s.tok_text(i), &mut word);
    let entry = lex.get_cached(&word);
    // Phrases first, longest first. The key of tokens i..=i+m is a prefix of one string built
    // once ("st mary s hospital"): `ends[m]` is its length.
    if let Some(e) = entry {
        let max = e.phrase_max();
        let mut reach = 0;
        while reach < max
            && i + reach + 1 < s.len()
            && s.joined(i + reach)
            && (matches!(s.tok(i + reach + 1).case, Case::Title | Case::Upper)
                || connector(s.key(i + reach + 1)))
        {
            reach += 1;
        }
        if reach > 0 {
            let mut key = String::with_capacity(64);
            let mut ends = [0usize; 8];
            for m in 0..=reach {
                normalise_key(s.tok_text(i + m), &mut word);
                if m > 0 {
                    key.push(' ');
                }
                key.push_str(&word);
                if s.tok(i + m).possessive {
                    key.push_str(" s");
                }
                ends[m] = key.len();
            }
            for m in (1..=reach).rev() {
                if !matches!(s.tok(i + m).case, Case::Title | Case::Upper) {
                    continue;
                }
                if let Some(place) = lex.get_cached(&key[..ends[m]]).and_then(|e| e.place()) {
                    s.push_lexicon_place(i, i + m, place);
                    return Some(i + m + 1);
                }
            }
        }
    }
    let e = entry?;
    let place = e.place()?;
    // A person's name is a place only after a place cue, unless the place is a city (bucket
    // 10 and up, over ~260,000 people: "Leeds", "Manchester").
    let name_like = place.pop_bucket < 10
        && (e.first_name().is_some_and(|(_, w)| w >= 6) || e.surname().is_some_and(|b| b >= 12));
    let ambiguous = e.word()
        || e.common_word()
        || name_like
        || e.ambiguous_name()
        || e.eponym()
        || e.drug()
        || e.clinical();
    if ambiguous {
        let cued = i > 0 && s.joined(i - 1) && PLACE_CUES.contains(&s.key(i - 1));
        if !cued {
            return None;
        }
    }
    // "Chester Bennington": a capitalised surname after a place word makes it a name.
    if i + 1 < s.len() && s.joined(i) && s.tok(i + 1).case == Case::Title {
        if let Some(next) = lex.get_cached(s.key(i + 1)) {
            if next.surname().is_some() && next.place().is_none() && !next.common_word() {
                return None;
            }
        }
    }
    s.push_lexicon_place(i, i, place);
    Some(i + 1)
}

/// "7", "7B", "B3", "10".
fn ward_number(w: &str) -> bool {
    let b = w.as_bytes();
    !b.is_empty()
        && b.len() <= 3
        && b.iter().any(|c| c.is_ascii_digit())
        && b.iter().all(|c| c.is_ascii_alphanumeric())
}

/// Outward code shape: A9, A99, AA9, AA99, A9A, AA9A.
pub(super) fn outward_code(w: &str) -> bool {
    let b = w.as_bytes();
    if !(2..=4).contains(&b.len()) || !b[0].is_ascii_uppercase() {
        return false;
    }
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if letters > 2 {
        return false;
    }
    let rest = &b[letters..];
    match rest {
        [d] => d.is_ascii_digit(),
        [d, x] => d.is_ascii_digit() && (x.is_ascii_digit() || x.is_ascii_uppercase()),
        _ => false,
    }
}

fn inward_code(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 3 && b[0].is_ascii_digit() && b[1].is_ascii_uppercase() && b[2].is_ascii_uppercase()
}

/// Tokens shaped like outward codes that are clinical (vitamins, vertebrae, cranial nerves...).
fn clinical_code(w: &str) -> bool {
    let b = w.as_bytes();
    matches!(
        b[0],
        b'B' | b'C' | b'T' | b'L' | b'S' | b'D' | b'V' | b'P' | b'H' | b'E' | b'K'
    ) && b.len() <= 3
        && b[1..].iter().all(|c| c.is_ascii_digit())
        || matches!(
            w,
            "CD4" | "CD8" | "HB1" | "A1C" | "GP1" | "G6PD" | "SP02" | "PR3" | "IL6"
        )
}

fn postcode(s: &mut Scan<'_>, i: usize) -> Option<usize> {
    let w = s.tok_text(i);
    if !outward_code(w) {
        return None;
    }
    if i + 1 < s.len() && s.gap(i) == " " && inward_code(s.tok_text(i + 1)) {
        s.push(
            i,
            i + 1,
            Value::Place {
                population: FULL_POSTCODE,
                facility: false,
            },
        );
        return Some(i + 2);
    }
    let cued = (i > 0 && s.joined(i - 1) && PLACE_CUES.contains(&s.key(i - 1)))
        || (i + 1 < s.len() && s.joined(i) && matches!(s.key(i + 1), "area" | "postcode"));
    if !cued || clinical_code(w) {
        return None;
    }
    s.push(
        i,
        i,
        Value::Place {
            population: POSTCODE_DISTRICT,
            facility: false,
        },
    );
    Some(i + 1)
}

/// Population for a lexicon place over tokens `a..=b` (see the module docs): regions (counties,
/// nations) at least 1,000,000 whatever their bucket (the lexicon's region buckets can come from
/// a smaller place of the same name); facilities without a bucket by their head word.
pub(super) fn lexicon_population(
    s: &Scan<'_>,
    a: usize,
    b: usize,
    kind: PlaceKind,
    bucket: u8,
) -> u64 {
    let mid = match bucket {
        1..=15 => 1u64 << (2 * bucket as u32 - 1),
        _ => 0,
    };
    match kind {
        PlaceKind::Region => mid.max(REGION_MIN),
        PlaceKind::Facility if mid == 0 => {
            let two = (b > a).then(|| head2(s.key(b - 1), s.key(b))).flatten();
            two.or_else(|| head(s.key(b))).unwrap_or(HOSPITAL)
        }
        _ => mid,
    }
}

const REGION_MIN: u64 = 1_000_000;
