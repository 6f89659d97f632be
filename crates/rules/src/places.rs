//! Named places and facilities smaller than a region (PHI012).
//!
//! Reported by the name-and-place detector in `names.rs`, which shares one tokenisation and one
//! lexicon probe per token. A place is found by:
//! - a facility head word after a proper name ("Calvert Hospital", "Riverside Surgery",
//!   "St Mary's", "Nightingale Ward", "Ward 7", "Lally MICU");
//! - the gazetteers (settlements of Great Britain, towns of England and Wales, US places, world
//!   cities over 15,000 people, hospital, trust and GP practice names), with the guard that a
//!   place name that is also an English word or a person's name needs a place cue ("lives in",
//!   "transferred from") — regions, counties, states and countries are larger than a region and
//!   are not reported;
//! - two shapes that name a facility without saying so: a hospital abbreviation after a
//!   movement ("transferred to GH", "sent to UCLH") and a ward name with its number after one
//!   ("transfer to Nightingale 3").
//!
//! Once a facility or ward name is found, its other occurrences in the document are found too.

use clinpost_core::{Category, Cue, Evidence, Gazetteer, Kind, RuleMeta, Severity, Span};

use crate::lexicon::{fnv1a64, fnv1a64_extend, lexicon, PlaceKind};
use crate::names::{eponym_use, flag, next_set, Analysis, Intervals, WordFilter, WordSet};
use crate::tokens::Case;

/// PHI012 location.
pub static LOCATION: RuleMeta = RuleMeta {
    code: "PHI012",
    name: "location",
    category: Category::Identifier,
    kind: Kind::Location,
    severity: Severity::Error,
    guidance: &[
        "gmc-sm/sum-of-information",
        "gmc-sm/no-public-patient-discussion",
        "hipaa/safe-harbor",
    ],
    summary: "A named place or facility smaller than a region: hospital, ward, practice, care home, town, street.",
    docs: "## What it does\n\
Finds named places smaller than a region: hospitals and other care facilities (Calvert \
Hospital, Riverside Surgery, St Mary's), wards and units (Nightingale Ward, Ward 7), towns, \
villages and cities from the gazetteers, and streets. Place names that are also everyday words \
or people's names (Reading, Bath, Warren) are reported only with a place cue such as \"lives \
in\" or \"transferred from\". Regions, counties, states and countries are not reported: they \
are too large to point at a person.\n\n\
## Why it matters\n\
A place narrows the people a post could be about from a nation to a town, a practice list or a \
single ward — together with an age and a condition, often to one person (the GMC's \"sum of \
information\").\n\n\
## Example\n\
```text\nTransferred from Calvert Hospital to Nightingale Ward last night.\n```\n\n\
## Fix\n\
Replace the name with `[hospital]`, `[ward]` or `[place]`, or with a wider area (\"a district \
general hospital\", \"the North West\"). Safe to apply automatically.",
    placeholder: Some("[place]"),
    priority: 25,
    true_samples: &[
        "Transferred from «Calvert Hospital» overnight.",
        "She lives in «Rockville» with her son.",
        "Plan: transfer to «Nightingale Ward» in the morning.",
        "PT SENT TO «GH» FOR CATH.",
        "Admitted to «Riverside Surgery»'s list last year.",
        "Lovely patient from «Milton Keynes» today.",
    ],
    false_samples: &[
        "Reading the ECG again, no change.",
        "Back to the ward after the scan.",
        "He lives in England with his wife.",
        "GH deficiency on the endocrine clinic list.",
        "Will transfer to the floor later.",
        "Had surgery in the past.",
    ],
};

/// What kind of place a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    Facility,
    Ward,
    Settlement,
    Street,
}

type Found = (Span, Vec<Evidence>, What);

/// Facility head words, written after the facility's name.
pub(crate) const FACILITY_HEADS: &[&str] = &[
    "hospital",
    "hospitals",
    "hosp",
    "hospiatal",
    "hosptial",
    "hospice",
    "infirmary",
    "clinic",
    "rehab",
    "sanatorium",
    "memorial",
    "adventist",
    "surgery",
    "practice",
    "centre",
    "center",
    "ctr",
    "home",
    "lodge",
    "manor",
    "house",
    "regional",
    "general",
    "er",
    "ew",
    "ed",
    "ae",
];

/// Landscape words after a proper name that make it a named area ("the Eastern Shore", "Wye
/// Valley"). They need a capitalised name, or a place cue on a line without case.
pub(crate) const GEO_HEADS: &[&str] = &[
    "shore",
    "coast",
    "valley",
    "island",
    "isle",
    "hills",
    "lakes",
    "peninsula",
    "moor",
    "moors",
    "dales",
    "fens",
    "heath",
    "downs",
    "wolds",
    "marshes",
    "estuary",
    "forest",
];

/// Heads that need a capitalised, proper name before them (everyday words otherwise).
pub(crate) const WEAK_HEADS: &[&str] = &[
    "surgery", "practice", "centre", "center", "ctr", "home", "lodge", "manor", "house",
    "memorial", "clinic", "rehab", "er", "ew", "ed", "ae", "general",
];

/// Words before "centre/center/home" that make them a facility ("Health Centre", "Care Home").
pub(crate) const CENTRE_QUALIFIERS: &[&str] = &[
    "medical",
    "health",
    "care",
    "nursing",
    "rest",
    "rehabilitation",
    "cancer",
    "treatment",
    "surgical",
    "walk",
    "urgent",
    "day",
    "retirement",
    "residential",
];

/// Unit abbreviations written after a named unit ("Lally MICU").
pub(crate) const UNIT_ABBREVS: &[&str] = &[
    "micu", "sicu", "ccu", "icu", "nicu", "picu", "hdu", "itu", "cicu", "csru", "ctu", "cvicu",
    "tsicu", "ward", "unit", "wing",
];

/// Street types.
pub(crate) const STREET_HEADS: &[&str] = &[
    "street",
    "road",
    "avenue",
    "lane",
    "close",
    "drive",
    "crescent",
    "terrace",
    "gardens",
    "grove",
    "mews",
    "boulevard",
    "square",
];

/// Words that end a backward walk over a facility's name.
pub(crate) const STOP: &[&str] = &[
    "the",
    "a",
    "an",
    "to",
    "at",
    "in",
    "on",
    "of",
    "for",
    "from",
    "with",
    "by",
    "and",
    "or",
    "into",
    "via",
    "per",
    "is",
    "was",
    "be",
    "been",
    "has",
    "had",
    "have",
    "pt",
    "patient",
    "transferred",
    "transfered",
    "transfer",
    "admitted",
    "sent",
    "referred",
    "seen",
    "our",
    "his",
    "her",
    "their",
    "my",
    "your",
    "this",
    "that",
    "local",
    "general",
    "new",
    "old",
    "private",
    "community",
    "district",
    "teaching",
    "main",
    "same",
    "other",
    "another",
    "general",
    "previous",
    "prev",
    "outside",
    "nearest",
    "nearby",
    "home",
    "nursing",
    "care",
    "rest",
    "leave",
    "left",
    "leaving",
    "discharge",
    "discharged",
    "return",
    "returned",
    "went",
    "go",
    "going",
    "visit",
    "admission",
    "possible",
    "poss",
    "need",
    "needs",
    "will",
    "would",
    "cardiac",
    "pulmonary",
    "acute",
    "inpatient",
    "outpatient",
    "psychiatric",
    "mental",
    "screened",
    "screening",
    "accepted",
    "bed",
    "beds",
    "state",
    "out",
    "after",
    "before",
    "prior",
    "until",
    "day",
    "long",
    "term",
    "short",
    "pt's",
    "patients",
];

/// Place cues immediately before a place name.
pub(crate) const PLACE_PREPS: &[&str] = &[
    "in", "from", "to", "at", "near", "into", "around", "outside", "@",
];

/// Movement and care words that, before a preposition, point at a facility.
pub(crate) const MOVE_WORDS: &[&str] = &[
    "transferred",
    "transfered",
    "transfer",
    "trans",
    "tx",
    "txd",
    "sent",
    "admitted",
    "adm",
    "admit",
    "referred",
    "brought",
    "came",
    "arrived",
    "followed",
    "seen",
    "presented",
    "presents",
    "transported",
    "medflight",
    "medflighted",
    "flown",
    "returned",
    "discharged",
    "back",
    "went",
    "taken",
    "moved",
    "go",
    "goes",
    "going",
    "rushed",
    "plan",
    "enroute",
    "accepted",
    "screened",
    "return",
];

/// Clinical abbreviations ending in H that are not hospitals.
pub(crate) const H_ABBREVS: &[&str] = &[
    "osh", "acth", "tsh", "fsh", "lh", "pth", "adh", "bph", "ich", "sah", "ivh", "pph", "nph",
    "lvh", "rvh", "sdh", "edh", "pah", "cah", "hh", "dh", "ph", "mph", "hsh", "jvh", "hch", "ldh",
    "crh", "gnrh", "trh", "ghrh", "mch", "hgh", "rh", "mah", "cmh", "nh", "ah", "bh", "bah", "uh",
    "oh", "eh", "ugh", "huh", "ash", "dash", "wash", "bath", "path", "math", "cath", "dvh", "cbh",
    "hph", "nsh",
];

/// Units and counts after a number (so "Levophed 2 mcg" is no ward).
pub(crate) const MEASURES: &[&str] = &[
    "mg", "mcg", "ml", "units", "unit", "u", "l", "g", "kg", "mmol", "meq", "mm", "cm", "hours",
    "hrs", "hr", "h", "days", "mins", "min", "x", "times", "tabs", "tab", "puffs", "liters",
    "litres", "lpm", "percent", "doses", "dose", "amps", "bags", "weeks", "wks",
];

/// Hospital departments after a facility abbreviation ("GH EW", "GBMC nurse").
pub(crate) const DEPTS: &[&str] = &[
    "er", "ew", "ed", "ae", "micu", "sicu", "ccu", "icu", "cath", "nurse", "team", "clinic",
    "staff", "doctors", "hospital", "lab",
];

/// Find place spans. `names` are the person-name spans already found. A facility, ward or
/// gazetteer phrase may cover a name ("Warren Grant Hospital"); the caller drops such names.
/// A single gazetteer word never starts inside a name.
pub(crate) fn find_places(a: &Analysis<'_>, names: &[(Span, Vec<Evidence>)], out: &mut Vec<Found>) {
    let n = a.toks.len();
    let lex = lexicon();
    let mut key = String::new();
    let mut covered_until = 0usize;
    let name_spans = Intervals::new(names.iter().map(|(s, _)| *s));
    let in_name = |s: usize, e: usize| name_spans.overlaps(s, e);
    let mut i = 0;
    // Only the tokens that pass the first test of the fast path below are visited (see
    // `names::Gates`).
    while let Some(next) = next_set(&a.place_gate, i) {
        i = next;
        let tk = &a.toks[i];
        if !tk.alpha() || tk.start() < covered_until {
            i += 1;
            continue;
        }
        // Fast path: most tokens can start no place. The rules below need:
        // - 2 to 6, 8: a head word (2); "St", "ward" or "university" (3, 4, 8); an
        //   abbreviation shaped like a hospital's (6); a unit or street word next (4, 5);
        // - 7: a number in or after a word of four bytes or more, after "to", "on" or a
        //   movement word;
        // - 1: a phrase head followed, across a short gap, by a word without digits that can
        //   continue the phrase; on a mixed-case line it must be capitalised, elsewhere it
        //   needs a place cue before it or a head word that is no everyday word;
        // - 9, 10: a place smaller than a region, capitalised (or, 10, after a preposition on
        //   a line without case).
        // The tests that depend on the word alone were made when it was looked up (the
        // `flag::PLACE_WORD`, `PHRASE_HEAD`, `PHRASE_WORTHY` and `TOWN` bits).
        let next = a.toks.get(i + 1);
        let word_rule = tk.f & (flag::PLACE_WORD | flag::FAC_HEAD | flag::GEO_HEAD) != 0
            || next.is_some_and(|t| t.f & (flag::UNIT | flag::STREET) != 0);
        let ward_number = tk.len() >= 4
            && (tk.digit() || next.is_some_and(|t| t.digit()))
            && i > 0
            && !a.toks[i - 1].gap_has_newline()
            && (a.has(i - 1, flag::MOVE)
                || matches!(a.low(i - 1), "to" | "from" | "into" | "on" | "per"));
        if !word_rule && !ward_number {
            let uncased = tk.caps_line() || tk.lower_line();
            let phrase = tk.f & flag::PHRASE_HEAD != 0
                && next.is_some_and(|t| !t.digit())
                && tk.gap_end() - tk.end() <= 3
                && a.gap_only(i, b".-'")
                && (uncased
                    || a.capitalised(i + 1)
                    || matches!(
                        a.low(i + 1),
                        "of" | "upon" | "on" | "the" | "de" | "le" | "la" | "en"
                    ));
            if !phrase && tk.f & flag::TOWN == 0 {
                i += 1;
                continue;
            }
            if !a.capitalised(i) {
                let possible = uncased
                    && (place_prep_before(a, i)
                        || phrase && (tk.f & flag::PHRASE_WORTHY != 0 || moved_before(a, i)));
                if !possible {
                    i += 1;
                    continue;
                }
            }
        }
        let w = a.low(i);
        let prev = if i > 0 { a.low(i - 1) } else { "" };
        let prev_gap_ok = i > 0 && !a.toks[i - 1].gap_has_newline();
        let prep_before = place_prep_before(a, i);
        let moved = moved_before(a, i);

        // 1. Multi-word gazetteer phrases (longest first).
        if let Some(e) = tk.e() {
            let max = e.phrase_max();
            let uncased = tk.caps_line() || tk.lower_line();
            // Only shapes that could be accepted below are looked up: on a mixed-case line a
            // run of capitalised words, elsewhere a phrase after a place cue or headed by a word
            // that is not an everyday one.
            let worth = if uncased {
                prep_before
                    || moved
                    || !e.common_word()
                        && !e.clinical()
                        && (e.place().is_some()
                            || e.first_name().is_some()
                            || e.surname().is_some())
            } else {
                a.capitalised(i)
            };
            if max > 0 && worth {
                let mut found = None;
                let mut last = i;
                while last + 1 < n
                    && last < i + max
                    && !a.toks[last + 1].digit()
                    && a.gap_only(last, b".-'")
                    && a.gap(last).len() <= 3
                    && (uncased
                        || a.capitalised(last + 1)
                        || matches!(
                            a.low(last + 1),
                            "of" | "upon" | "on" | "the" | "de" | "le" | "la" | "en"
                        ))
                {
                    last += 1;
                }
                // The keys "w_i ... w_k" share their prefixes: hash them all in one pass, then
                // probe longest first; a key is spelled out only when the cache misses.
                let mut hashes = [0u64; 8];
                let mut h = fnv1a64(a.low_bytes(i));
                for m in i + 1..=last {
                    h = fnv1a64_extend(fnv1a64_extend(h, b" "), a.low_bytes(m));
                    hashes[m - i] = h;
                }
                let mut k = last;
                while k > i {
                    let entry = lex.get_cached_by_hash(hashes[k - i], || {
                        key.clear();
                        for m in i..=k {
                            if m > i {
                                key.push(' ');
                            }
                            key.push_str(a.low(m));
                        }
                        lex.get(&key)
                    });
                    if let Some(p) = entry.and_then(|pe| pe.place()) {
                        found = Some((k, p.kind));
                        break;
                    }
                    k -= 1;
                }
                if let Some((k, kind)) = found.filter(|&(k, _)| {
                    !eponym_use(a, i) && tk.len() >= 2 && a.toks[k].end() - tk.start() >= 5
                }) {
                    // A phrase of capitalised words, or any phrase after a place cue.
                    let all_caps = (i..=k).all(|m| a.capitalised(m));
                    let distinctive = (i..=k).any(|m| {
                        a.toks[m].e().is_some_and(|e| !e.common_word())
                            && !a.has(m, flag::PLACE_STOP)
                    });
                    let uncased = tk.caps_line() || tk.lower_line();
                    let shaped = all_caps && !(a.low(i) == "the" && a.sentence_start(i))
                        || uncased
                            && distinctive
                            && a.low(i) != "the"
                            && (prep_before || kind == PlaceKind::Facility);
                    if kind != PlaceKind::Region && shaped {
                        let what = if kind == PlaceKind::Facility {
                            What::Facility
                        } else {
                            What::Settlement
                        };
                        let mut ev = vec![Evidence::Gazetteer(if what == What::Facility {
                            Gazetteer::Facility
                        } else {
                            Gazetteer::Settlement
                        })];
                        if a.capitalised(i) {
                            ev.push(Evidence::Capitalised);
                        }
                        if prep_before {
                            ev.push(Evidence::ContextWord(Cue::Place));
                        }
                        out.push((Span::new(tk.start(), a.toks[k].end()), ev, what));
                        covered_until = a.toks[k].end();
                        i = k + 1;
                        continue;
                    }
                    if kind == PlaceKind::Region {
                        covered_until = a.toks[k].end();
                        i = k + 1;
                        continue;
                    }
                }
            }
        }

        // 2. Facility or landscape head word after a proper name ("Calvert Hospital", "the
        //    Eastern Shore"): walk back over the name.
        if a.has(i, flag::FAC_HEAD | flag::GEO_HEAD) && i > 0 {
            if let Some(j) = facility_start(a, i) {
                let s = a.toks[j].start();
                let geo = a.has(i, flag::GEO_HEAD);
                let ev = vec![
                    Evidence::ContextWord(Cue::Place),
                    Evidence::Gazetteer(if geo {
                        Gazetteer::Settlement
                    } else {
                        Gazetteer::Facility
                    }),
                ];
                let what = if geo {
                    What::Settlement
                } else {
                    What::Facility
                };
                out.push((Span::new(s, tk.end()), ev, what));
                covered_until = tk.end();
                i += 1;
                continue;
            }
        }

        // 3. Saint + name: "St. Mary's", "Saint Agnes", "ST. MARY" (not "19 Clover St." nor the
        //    ST segment).
        if (w == "st" || w == "saint")
            && i + 1 < n
            && a.gap_only(i, b".")
            && !tk.gap_has_newline()
            && (a.capitalised(i) || tk.caps_line())
            && saint_name(a, i + 1)
            && !(i > 0 && a.toks[i - 1].digit())
            && !(i > 0
                && prev_gap_ok
                && a.capitalised(i - 1)
                && !a.has(i - 1, flag::PREP | flag::MOVE | flag::STOP))
        {
            let k = i + 1;
            let ev = vec![Evidence::ContextWord(Cue::Place), Evidence::Capitalised];
            out.push((Span::new(tk.start(), a.toks[k].end()), ev, What::Facility));
            covered_until = a.toks[k].end();
            i = k + 1;
            continue;
        }

        // 4. Wards and units: "Ward 7", "ward 4B", "Nightingale Ward", "Lally MICU".
        if w == "ward"
            && i + 1 < n
            && a.gap_is_space(i)
            && a.toks[i + 1].digit()
            && a.toks[i + 1].len() <= 3
        {
            let ev = vec![Evidence::ContextWord(Cue::Place), Evidence::Shape];
            out.push((Span::new(tk.start(), a.toks[i + 1].end()), ev, What::Ward));
            covered_until = a.toks[i + 1].end();
            i += 2;
            continue;
        }
        if i + 1 < n
            && a.has(i + 1, flag::UNIT)
            && a.gap_is_space(i)
            && !tk.digit()
            && !matches!(w, "st" | "nd" | "rd" | "th")
            && !(i > 0 && a.toks[i - 1].digit())
            && (a.capitalised(i) || tk.caps_line() && a.toks[i + 1].case() == Case::Upper)
            && (a.capitalised(i + 1) || a.toks[i + 1].case() == Case::Upper)
            && proper_like(a, i)
            && tk.e().is_none_or(|e| {
                !e.clinical()
                    && !e.drug()
                    && (!e.word()
                        || a.toks[i + 1].case() == Case::Title
                            && matches!(a.low(i + 1), "ward" | "unit" | "wing")
                            && a.capitalised(i)
                            && (!e.common_word()
                                || e.first_name().is_some()
                                || e.surname().is_some()))
            })
            && !a.sentence_start(i)
        {
            let end = if matches!(a.low(i + 1), "ward" | "unit" | "wing") {
                a.toks[i + 1].end()
            } else {
                tk.end()
            };
            let ev = vec![Evidence::ContextWord(Cue::Place), Evidence::Capitalised];
            out.push((Span::new(tk.start(), end), ev, What::Ward));
            covered_until = end;
            i += 2;
            continue;
        }

        // 5. Streets without a house number: "Acacia Avenue" on a mixed-case line.
        if i + 1 < n
            && a.has(i + 1, flag::STREET)
            && a.gap_is_space(i)
            && a.capitalised(i)
            && a.toks[i + 1].case() == Case::Title
            && !a.sentence_start(i)
            && proper_like(a, i)
            && tk.e().is_none_or(|e| !e.common_word())
            && !in_name(tk.start(), tk.end())
        {
            let ev = vec![Evidence::ContextWord(Cue::Place), Evidence::Capitalised];
            out.push((Span::new(tk.start(), a.toks[i + 1].end()), ev, What::Street));
            covered_until = a.toks[i + 1].end();
            i += 2;
            continue;
        }

        // 6. Hospital abbreviation after a movement ("transferred to GH", "followed at gh") or
        //    before a department ("GH EW", "GBMC nurse").
        if (2..=5).contains(&tk.len())
            && !tk.digit()
            && (tk.case() == Case::Upper
                || tk.lower_line()
                || tk.e().is_none() && prev_gap_ok && matches!(prev, "to" | "at" | "from"))
            && (w.ends_with('h') || w.ends_with("mc"))
            && !a.has(i, flag::H_ABBREV)
            && tk.e().is_none_or(|e| !e.word() && !e.clinical())
        {
            let dept_after = i + 1 < n
                && a.has(i + 1, flag::DEPT)
                && a.gap_is_space(i)
                && (a.toks[i + 1].case() == Case::Upper
                    || a.toks[i + 1].caps_line()
                    || tk.lower_line());
            // "to GH", "at gh", "by GBMC", "to the GH"
            let (p1, p2) = (prev, if i >= 2 { a.low(i - 2) } else { "" });
            let after_move = prev_gap_ok
                && (matches!(p1, "to" | "at" | "from" | "into" | "by")
                    || i > 0 && gap_ends_with_at(a, i - 1)
                    || p1 == "the" && matches!(p2, "to" | "at" | "from" | "into" | "by")
                    || prep_before && moved);
            let hormone = i + 1 < n
                && matches!(
                    a.low(i + 1),
                    "level"
                        | "levels"
                        | "deficiency"
                        | "def"
                        | "therapy"
                        | "treatment"
                        | "replacement"
                        | "secretion"
                        | "axis"
                        | "stimulation"
                        | "excess"
                );
            if (dept_after || after_move) && !hormone {
                let ev = vec![Evidence::ContextWord(Cue::Place), Evidence::Shape];
                out.push((Span::new(tk.start(), tk.end()), ev, What::Facility));
                covered_until = tk.end();
                i += 1;
                continue;
            }
        }

        // 7. Ward name with its number after a movement: "transfer to Nightingale 3",
        //    "admitted to Nightingale3", "on Nightingale 3".
        let after_to =
            prev_gap_ok && (matches!(prev, "to" | "from" | "into") || a.has(i - 1, flag::MOVE));
        let after_on = prev_gap_ok && matches!(prev, "on" | "per");
        if (after_to || after_on)
            && tk.len() >= 4
            && (matches!(tk.case(), Case::Title | Case::Upper) || tk.lower_line() || !tk.digit())
            && !a.has(i, flag::STOP | flag::FAC_HEAD | flag::UNIT | flag::MEASURE)
        {
            let word = a.word(i);
            let numbered = if tk.digit() {
                // "Nightingale3": the letters must be no known word, abbreviation or drug.
                let alpha_len = word.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
                let digits = &word[alpha_len..];
                after_to
                    && alpha_len >= 4
                    && (1..=2).contains(&digits.len())
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && {
                        key.clear();
                        key.extend(
                            word[..alpha_len]
                                .bytes()
                                .map(|b| b.to_ascii_lowercase() as char),
                        );
                        lex.get(&key).is_none_or(|e| {
                            !e.word() && !e.clinical() && !e.drug() && e.first_name().is_none()
                        })
                    }
            } else {
                tk.e().is_none_or(|e| {
                    !e.word() && !e.clinical() && !e.drug() && e.first_name().is_none()
                }) && (after_to || a.capitalised(i) || tk.caps_line())
                    && i + 1 < n
                    && a.gap_is_space(i)
                    && a.toks[i + 1].digit()
                    && !a.toks[i + 1].alpha()
                    && a.toks[i + 1].len() <= 2
                    && !a.toks[i + 1].possessive()
                    && a.gap(i + 1) != "."
                    && !(i + 2 < n && a.gap_is_space(i + 1) && a.has(i + 2, flag::MEASURE))
            };
            if numbered {
                let ev = vec![Evidence::ContextWord(Cue::Place), Evidence::Shape];
                out.push((Span::new(tk.start(), tk.end()), ev, What::Ward));
                covered_until = tk.end();
                i += 1;
                continue;
            }
        }

        // 8. A university or its hospital: "U Maryland", "University of Leeds".
        if matches!(w, "u" | "univ" | "university") && i + 1 < n && !tk.gap_has_newline() {
            let mut k = i + 1;
            if a.low(k) == "of" && k + 1 < n {
                k += 1;
            }
            if (a.capitalised(k) || a.toks[k].caps_line() && tk.case() == Case::Upper)
                && a.toks[k].e().is_some_and(|e| e.place().is_some())
                && (w != "u" || a.word(i) == "U")
                && a.gap_only(i, b".")
            {
                let ev = vec![
                    Evidence::ContextWord(Cue::Place),
                    Evidence::Gazetteer(Gazetteer::Facility),
                ];
                out.push((Span::new(tk.start(), a.toks[k].end()), ev, What::Facility));
                covered_until = a.toks[k].end();
                i = k + 1;
                continue;
            }
        }

        // 9. A town written before its postcode: "Settle BD24 9JE".
        if a.capitalised(i)
            && tk
                .e()
                .is_some_and(|e| e.place().is_some_and(|p| p.kind != PlaceKind::Region))
            && i + 2 < n
            && a.gap_only(i, b",")
            && outward_code(a.word(i + 1))
            && a.gap_is_space(i + 1)
            && inward_code(a.word(i + 2))
            && !in_name(tk.start(), tk.end())
        {
            let ev = vec![
                Evidence::Gazetteer(Gazetteer::Settlement),
                Evidence::ContextWord(Cue::Place),
            ];
            out.push((Span::new(tk.start(), tk.end()), ev, What::Settlement));
            covered_until = tk.end();
            i += 1;
            continue;
        }

        // 10. Single-word gazetteer places.
        if let Some(e) = tk.e() {
            if let Some(p) = e.place() {
                let settlement = matches!(p.kind, PlaceKind::Settlement | PlaceKind::Facility);
                let named = e.first_name().is_some_and(|(_, w)| w >= 5)
                    || e.surname().is_some_and(|b| b >= 12);
                let big = p.pop_bucket >= 8;
                let title_before = a.prev_has(i, flag::TITLE);
                let cap = a.capitalised(i);
                let uncased = tk.caps_line() || tk.lower_line();
                let of_cap = cap && prev_gap_ok && prev == "of";
                let cue = prep_before || of_cap;
                // Case where it speaks; a place cue where it does not; everyday words and
                // people's names need both, unless the place is a large one.
                let ok = if e.common_word() {
                    cap && cue
                } else if big && !e.word() {
                    cap || cue && uncased
                } else if e.word() || named || tk.len() <= 3 {
                    cue && cap
                } else {
                    cap && !a.sentence_start(i) || cue && (cap || uncased && p.pop_bucket >= 7)
                };
                if settlement
                    && ok
                    && !title_before
                    && !a.has(i, flag::STOP)
                    && !eponym_use(a, i)
                    && !e.clinical()
                    && !e.drug()
                    && tk.len() >= 3
                    && !in_name(tk.start(), tk.end())
                {
                    let mut ev = vec![Evidence::Gazetteer(Gazetteer::Settlement)];
                    if cap {
                        ev.push(Evidence::Capitalised);
                    }
                    if prep_before {
                        ev.push(Evidence::ContextWord(Cue::Place));
                    }
                    out.push((Span::new(tk.start(), tk.end()), ev, What::Settlement));
                    covered_until = tk.end();
                }
            }
        }
        i += 1;
    }
    propagate(a, names, out);
}

/// A place cue right before token `i`: a preposition on the same line, or "@".
fn place_prep_before(a: &Analysis<'_>, i: usize) -> bool {
    a.prev_has(i, flag::PREP) || i > 0 && gap_ends_with_at(a, i - 1)
}

/// The gap after token `i` ends with "@" (trailing spaces aside).
#[inline]
fn gap_ends_with_at(a: &Analysis<'_>, i: usize) -> bool {
    if !a.toks[i].gap_has_at() {
        return false;
    }
    let g = a.gap_bytes(i);
    // The last byte that is no ASCII white space decides, if it is ASCII; a multi-byte
    // character may be white space itself (U+00A0...): `trim_end` decides then.
    match g.iter().rposition(|&b| !matches!(b, b' ' | b'\t'..=b'\r')) {
        None => false,
        Some(k) if g[k] < 0x80 => g[k] == b'@',
        Some(_) => a.gap(i).trim_end().ends_with('@'),
    }
}

/// A movement word two tokens before `i` ("transferred to X", "sent to the X").
fn moved_before(a: &Analysis<'_>, i: usize) -> bool {
    i >= 2 && a.has(i - 2, flag::MOVE)
        || i >= 3 && a.has(i - 2, flag::THE) && a.has(i - 3, flag::MOVE)
}

fn proper_like(a: &Analysis<'_>, i: usize) -> bool {
    let tk = &a.toks[i];
    if !tk.alpha() {
        return false;
    }
    if a.has(i, flag::PLACE_STOP) || a.has(i, flag::TITLE) && a.low(i) != "st" {
        return false;
    }
    if tk.case() == Case::Lower && !tk.lower_line() {
        return false;
    }
    if let Some(e) = tk.e() {
        if (e.clinical() || e.drug()) && !a.cased(i) {
            return false;
        }
    }
    true
}

/// A token after "St." that names a saint: a first name or surname, capitalised where case
/// speaks, and not a common word unless capitalised ("ST. MARY", "St Agnes", not "ST changes").
fn saint_name(a: &Analysis<'_>, k: usize) -> bool {
    let tk = &a.toks[k];
    let Some(e) = tk.e() else { return false };
    if !(e.first_name().is_some_and(|(_, w)| w >= 5) || e.surname().is_some() && !e.common_word())
        || e.clinical()
        || tk.len() < 3
        || a.has(k, flag::STOP)
    {
        return false;
    }
    let cap = a.capitalised(k);
    if e.common_word() {
        return cap;
    }
    cap || tk.caps_line()
}

/// Where the name of the facility whose head word is token `i` starts, if it has one.
fn facility_start(a: &Analysis<'_>, i: usize) -> Option<usize> {
    let n = a.toks.len();
    let w = a.low(i);
    // "House diet", "general discomfort": a head word used as an everyday word.
    if i + 1 < n
        && matches!(
            a.low(i + 1),
            "diet" | "discomfort" | "anaesthetic" | "anesthesia" | "condition" | "appearance"
        )
    {
        return None;
    }
    let weak = a.has(i, flag::WEAK_HEAD);
    let mut head_i = i;
    // "Health Centre", "Care Home": the qualifier belongs to the head.
    if matches!(w, "centre" | "center" | "ctr" | "home") {
        if a.has(i - 1, flag::CENTRE_QUAL) && a.gap_is_space(i - 1) {
            head_i = i - 1;
        } else if w == "home" {
            return None;
        }
    }
    // Walk back over the candidate name (at most four words).
    let mut j = head_i;
    while j > 0 && head_i - j < 4 {
        let p = j - 1;
        // A full stop ends the walk unless it closes an abbreviation ("St.").
        if a.gap_bytes(p).contains(&b'.') && !(a.low(p) == "st" || a.toks[p].len() == 1) {
            break;
        }
        let lower_ok = a.toks[p].case() == Case::Lower
            && a.toks[p].alpha()
            && !a.toks[p].digit()
            && !a.has(p, flag::PLACE_STOP | flag::TITLE)
            && a.toks[p].e().is_none_or(|e| !e.clinical() && !e.drug());
        if a.toks[p].gap_has_newline() || !a.gap_only(p, b".'-") || !(proper_like(a, p) || lower_ok)
        {
            break;
        }
        j = p;
    }
    if j == head_i {
        return None;
    }
    let names = j..head_i;
    let uncased = a.toks[i].caps_line() || a.toks[i].lower_line();
    let word = |m: usize| a.toks[m].e().is_some_and(|e| e.word());
    let common = |m: usize| a.toks[m].e().is_some_and(|e| e.common_word());
    // A place cue right before the name: "to", "from", "by", "transferred to the".
    let left_cue = j > 0
        && !a.toks[j - 1].gap_has_newline()
        && (a.has(j - 1, flag::PREP | flag::MOVE)
            || a.low(j - 1) == "by"
            || a.low(j - 1) == "the" && j > 1 && a.has(j - 2, flag::PREP | flag::MOVE));
    // "sent to Warren Grant EW": a department after a name needs a movement before it.
    if matches!(w, "er" | "ew" | "ed" | "ae")
        && !(a.toks[i].case() == Case::Upper
            && left_cue
            && (0..j).rev().take(3).any(|q| a.has(q, flag::MOVE)))
    {
        return None;
    }
    let all_cased = names.clone().all(|m| a.cased(m));
    let any_distinct = names.clone().any(|m| !word(m));
    let accept = if a.has(i, flag::GEO_HEAD) {
        if !uncased {
            all_cased && a.capitalised(i)
        } else if a.toks[i].lower_line() {
            left_cue && any_distinct
        } else {
            left_cue
        }
    } else if !uncased {
        if all_cased {
            // Mixed-case line: "Calvert Hospital", "Riverside Surgery", "Sacred Heart memorial".
            !weak || a.capitalised(i) || names.len() >= 2
        } else {
            // Lower-case name on a mixed line: only before a hospital word, after a cue.
            !weak && left_cue && names.clone().all(|m| a.toks[m].case() == Case::Lower)
        }
    } else if weak && a.toks[i].lower_line() {
        // All lower case: "talk about any surgery" is no facility; "to keeley house" is.
        left_cue && any_distinct
    } else if weak {
        // "BY HOLY CROSS REHAB", "from Keeley House": a cue and a real name.
        left_cue && (any_distinct || names.len() >= 2)
            || any_distinct && names.clone().all(|m| !common(m))
    } else {
        // "CALVERT HOSPITAL", "TO UNION HOSP", "franklin square hosp".
        any_distinct || left_cue
    };
    accept.then_some(j)
}

/// The shape of a UK outward code (LS6, SW1A, M1), case-insensitive.
fn outward_code(w: &str) -> bool {
    let b = w.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    let digits = b[letters..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let rest = b.len() - letters - digits;
    (1..=2).contains(&letters)
        && (1..=2).contains(&digits)
        && rest <= 1
        && b[letters + digits..]
            .iter()
            .all(|c| c.is_ascii_alphabetic())
}

/// The shape of a UK inward code (9JE): a digit and two letters.
fn inward_code(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() == 3
        && b[0].is_ascii_digit()
        && b[1].is_ascii_alphabetic()
        && b[2].is_ascii_alphabetic()
}

/// Other occurrences of found ward and facility names (distinctive words only).
fn propagate(a: &Analysis<'_>, names: &[(Span, Vec<Evidence>)], out: &mut Vec<Found>) {
    let mut words: WordSet<'_> = WordSet::default();
    let mut filter = WordFilter::default();
    for (span, _, what) in out.iter() {
        if !matches!(what, What::Ward | What::Facility) {
            continue;
        }
        for i in a.tokens_within(*span) {
            let tk = &a.toks[i];
            if tk.len() >= 4
                && !tk.digit()
                && tk.e().is_none_or(|e| !e.word() && !e.clinical())
                && tk.f & (flag::FAC_HEAD | flag::UNIT) == 0
            {
                words.insert(a.low(i));
                filter.add(a.low(i));
            }
        }
    }
    if words.is_empty() {
        return;
    }
    let taken = Intervals::new(
        out.iter()
            .map(|(s, _, _)| *s)
            .chain(names.iter().map(|(s, _)| *s)),
    );
    let mut extra = Vec::new();
    for (i, tk) in a.toks.iter().enumerate() {
        if !filter.may_contain(a.low_bytes(i)) || !words.contains(a.low(i)) {
            continue;
        }
        let (s, e) = (tk.start(), tk.end());
        if taken.overlaps(s, e) {
            continue;
        }
        extra.push((
            Span::new(s, e),
            vec![Evidence::Propagated, Evidence::Shape],
            What::Ward,
        ));
    }
    out.extend(extra);
}

/// The detectors of this module: none of its own (see `names.rs`).
pub fn detectors() -> Vec<Box<dyn clinpost_core::Detector>> {
    Vec::new()
}
