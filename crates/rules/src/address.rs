//! Street addresses and UK postcodes.
//!
//! Addresses: a house number, one to four capitalised name words and an explicit street type
//! (`21 High Street`, `19 Clover St.`), optionally behind a flat or apartment number
//! (`Flat 3, 21 High Street`), and flat/apartment numbers on their own (`Apt 4B`). Requiring a
//! capitalised name *and* a street type keeps `3 Way catheter` and `2 units` out; abbreviated
//! types after an all-capitals name (`80 SINUS ST`) are skipped because all-capitals clinical
//! notes are full of such abbreviations.
//!
//! Postcodes: a full postcode is validated against the official shapes and the real postcode
//! areas (high confidence). An outward code alone (`LS6`) is only reported after a place cue
//! (`postcode`, `area`, `lives in`...) and never when it reads as a clinical token (vertebrae
//! `L5`, heart sounds `S1`, vitamins `B12`, gases `CO2`), unless the cue is `postcode` itself.

use std::sync::LazyLock;

use clinpost_core::{
    Category, Cue, Detector, Document, Evidence, Finding, Kind, RuleMeta, Severity, Span,
};
use regex::Regex;

use crate::validators::{
    before_on_line, byte_at, byte_before, last_words, postcode_outward_valid, postcode_valid,
    Group as M,
};

const GUIDANCE: &[&str] = &["gmc-sm/no-public-patient-discussion", "hipaa/safe-harbor"];

/// PHI010: a street address.
pub static ADDRESS: RuleMeta = RuleMeta {
    code: "PHI010",
    name: "address",
    category: Category::Identifier,
    kind: Kind::Address,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "A street address (house number, street name and street type) or a flat number.",
    docs: "## What it does\n\
Finds street addresses: a house number, a capitalised street name and a street type (`Road`, \
`Street`, `Avenue`, `Lane`, `Close`, `Drive`, `Crescent`, `Way`, `Court`, `Gardens`, \
`Terrace`, `Mews`... and abbreviations such as `Rd`, `St`, `Ave`), with a flat or apartment \
number in front if there is one (`Flat 3, 21 High Street`), and flat or apartment numbers on \
their own (`Apt 4B`).\n\n\
## Why it matters\n\
An address identifies a household outright.\n\n\
## Example\n\
`Found at home, 19 Clover St.` is reported; `3 Way catheter` is not.\n\n\
## Fix\n\
Remove the address or give only the region. The safe fix replaces it with `[address]`.\n",
    placeholder: Some("[address]"),
    priority: 50,
    true_samples: &[
        "Lives at «Flat 3, 21 High Street» with her son.",
        "Found at home, «19 Clover St.» by a neighbour",
        "moved to «4 Acacia Avenue» last year",
        "visited her in «Apt 4B» yesterday",
    ],
    false_samples: &[
        "3 Way catheter in situ, 2 units given",
        "Level 3 of the car park",
        "HR 80 SINUS ST WITH PVCS",
    ],
};

/// PHI011: a UK postcode.
pub static POSTCODE: RuleMeta = RuleMeta {
    code: "PHI011",
    name: "postcode",
    category: Category::Identifier,
    kind: Kind::Postcode,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "A full UK postcode, or an outward code with a place cue.",
    docs: "## What it does\n\
Finds full UK postcodes (`SW1A 1AA`, `M1 1AE`, `B33 8TH`, `DN55 1PT`), checked against the \
official outward and inward shapes and the real postcode areas, with or without the space and \
in any case. An outward code alone (`LS6`) is reported only after a place cue (`postcode`, \
`area`, `lives in`) and not when it reads as a clinical token (`L5`, `S1`, `T2`, `B12`, \
`CO2`).\n\n\
## Why it matters\n\
A full postcode covers about fifteen households; with an age or a condition it usually \
identifies one person.\n\n\
## Example\n\
`lives at LS6 3AB` is reported; `L5 fracture, S1 S2 normal` is not.\n\n\
## Fix\n\
Remove it or give the town or region. The safe fix replaces it with `[postcode]`.\n",
    placeholder: Some("[postcode]"),
    priority: 65,
    true_samples: &[
        "She lives at «SW1A 1AA» with her husband.",
        "Postcode «m1 1ae» on the referral",
        "Lives in «LS6», near the park",
        "from «B338TH» originally",
    ],
    false_samples: &[
        "L5 fracture; S1 S2 normal; T2 hyperintensity",
        "B12 low, rise in CO2, C5 palsy",
        "QA1 1AA is not a postcode",
    ],
};

const STREET_TYPES: &str = "Road|Rd|Street|St|Avenue|Ave|Av|Lane|Ln|Close|Cl|Drive|Dr|Crescent|Cres|Way|Court|Ct|Place|Pl|Gardens|Gdns|Terrace|Terr|Grove|Gr|Hill|Park|Square|Sq|Mews|Row|Walk|Boulevard|Blvd|Parade|Rise|Green|Vale|Wharf|Quay|Embankment|Highway|Hwy|Circle|Parkway|Pkwy|Trail";

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    let p = [
        format!(
            r"(?P<addr>(?:(?:Flat|FLAT|Apt|APT|Apartment|Suite|Unit)\.?\s*#?[0-9]{{1,4}}[A-Za-z]?,?\s+)?(?-u:\b)(?P<num>[0-9]{{1,5}}[A-Za-z]?)(?:-[0-9]{{1,5}})?,?\s+(?P<name>(?:[A-Z][A-Za-z'-]*\s+){{0,3}}[A-Z][A-Za-z'-]*)\s+(?P<type>(?i:{STREET_TYPES}))(?-u:\b)\.?)"
        ),
        r"(?P<apt>(?-u:\b)(?:Flat|Apt\.?|APT\.?|Apartment|Suite)\s*#?[0-9]{1,4}[A-Za-z]?)(?-u:\b)"
            .to_string(),
        r"(?i:(?P<pc>(?-u:\b)(?P<out>[a-z]{1,2}[0-9][a-z0-9]?)\s?(?P<inw>[0-9][a-z]{2})))(?-u:\b)"
            .to_string(),
        r"(?P<oc>(?-u:\b)[A-Z]{1,2}[0-9][A-Z0-9]?)(?-u:\b)".to_string(),
    ];
    Regex::new(&p.join("|")).expect("address regex")
});

/// Outward-code look-alikes that are clinical tokens.
fn clinical_token(s: &str) -> bool {
    let b = s.as_bytes();
    let digits_only = b[1..].iter().all(u8::is_ascii_digit);
    (b.len() <= 3 && digits_only && b"TLSCBMEDGNWP".contains(&b[0]))
        || matches!(
            s,
            "CO2"
                | "SO2"
                | "PO2"
                | "NO2"
                | "PE1"
                | "PE2"
                | "HR1"
                | "CA1"
                | "CA2"
                | "ST2"
                | "CA15"
                | "CA19"
                | "TN1"
        )
}

struct Address;

impl Detector for Address {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 2] = [&ADDRESS, &POSTCODE];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        if !text.bytes().any(|b| b.is_ascii_digit()) {
            return;
        }
        // `captures_iter` without its per-document set-up: the capture slots are the thread's,
        // reused, and the groups are looked up by index. No CANDIDATE match is empty, so
        // resuming at the end of each match visits the same matches as `captures_iter`.
        LOCS.with_borrow_mut(|locs| {
            let locs = locs.get_or_insert_with(|| CANDIDATE.capture_locations());
            let mut pos = 0;
            while let Some(m) = CANDIDATE.captures_read_at(locs, text, pos) {
                pos = m.end();
                one(text, &Caps { text, locs }, out);
            }
        });
    }
}

thread_local! {
    /// CANDIDATE's capture slots, reused from one document to the next.
    static LOCS: std::cell::RefCell<Option<regex::CaptureLocations>> =
        const { std::cell::RefCell::new(None) };
}

/// The named groups of CANDIDATE that the checks read.
const GROUP_NAMES: [&str; 9] = [
    "addr", "name", "type", "num", "apt", "pc", "out", "inw", "oc",
];

/// Their indexes, in the order of [`GROUP_NAMES`].
static GROUPS: LazyLock<[usize; 9]> = LazyLock::new(|| {
    GROUP_NAMES.map(|g| {
        CANDIDATE
            .capture_names()
            .position(|n| n == Some(g))
            .expect("group")
    })
});

/// A CANDIDATE match: what the checks use of `regex::Captures`.
struct Caps<'t, 'l> {
    text: &'t str,
    locs: &'l regex::CaptureLocations,
}

impl<'t> Caps<'t, '_> {
    fn name(&self, name: &str) -> Option<M<'t>> {
        let k = GROUP_NAMES.iter().position(|g| *g == name)?;
        let (s, e) = self.locs.get(GROUPS[k])?;
        Some(M {
            text: self.text,
            s,
            e,
        })
    }
}

/// The checks and the finding of one CANDIDATE match.
fn one(text: &str, c: &Caps<'_, '_>, out: &mut Vec<Finding>) {
    if let Some(m) = c.name("addr") {
        let name = c.name("name").map_or("", |x| x.as_str());
        let ty = c.name("type").map_or("", |x| x.as_str());
        let abbrev = ty.len() <= 4
            && !matches!(
                ty.to_ascii_lowercase().as_str(),
                "road"
                    | "lane"
                    | "way"
                    | "hill"
                    | "park"
                    | "mews"
                    | "row"
                    | "walk"
                    | "rise"
                    | "vale"
                    | "quay"
            );
        let caps_name = name.bytes().all(|b| !b.is_ascii_lowercase());
        // All-capitals notes: abbreviations everywhere ("80 SINUS ST", "3 WAY FOLEY IN
        // PLACE"); only an explicit address cue makes a capitals match an address.
        if caps_name {
            let prev = last_words(before_on_line(text, m.start(), 24), 1);
            let cue = prev.first().is_some_and(|w| {
                matches!(
                    w.as_str(),
                    "at" | "address" | "lives" | "living" | "resides" | "of"
                )
            });
            if abbrev || !cue {
                return;
            }
        }
        if byte_before(text, c.name("num").map_or(m.start(), |x| x.start()))
            .is_some_and(|b| b == b'/' || b == b'.' || b.is_ascii_digit())
        {
            return;
        }
        out.push(Finding::new(
            &ADDRESS,
            Span::new(m.start(), m.end()),
            "street address",
            vec![Evidence::Shape, Evidence::Capitalised],
        ));
    } else if let Some(m) = c.name("apt") {
        if byte_at(text, m.end()) == Some(b'%') {
            return;
        }
        out.push(Finding::new(
            &ADDRESS,
            Span::new(m.start(), m.end()),
            "flat or apartment number",
            vec![Evidence::Label, Evidence::Shape],
        ));
    } else if let Some(m) = c.name("pc") {
        let (o, i) = (
            c.name("out").map_or("", |x| x.as_str()),
            c.name("inw").map_or("", |x| x.as_str()),
        );
        if !postcode_valid(o, i)
            || matches!(byte_at(text, m.end()), Some(b'-' | b'/' | b'.'))
                && text
                    .as_bytes()
                    .get(m.end() + 1)
                    .is_some_and(u8::is_ascii_alphanumeric)
        {
            // Still possibly an outward code followed by something else.
            let om = c.name("out").expect("out group");
            outward(text, om.start(), om.end(), out);
            return;
        }
        out.push(Finding::new(
            &POSTCODE,
            Span::new(m.start(), m.end()),
            "UK postcode (format valid)",
            vec![Evidence::FormatValid],
        ));
    } else if let Some(m) = c.name("oc") {
        outward(text, m.start(), m.end(), out);
    }
}

fn outward(text: &str, start: usize, end: usize, out: &mut Vec<Finding>) {
    let s = &text[start..end];
    if !s.bytes().all(|b| !b.is_ascii_lowercase()) || !postcode_outward_valid(s) {
        return;
    }
    if matches!(byte_at(text, end), Some(b'-' | b'/' | b'.' | b':'))
        && text
            .as_bytes()
            .get(end + 1)
            .is_some_and(u8::is_ascii_alphanumeric)
    {
        return;
    }
    let before = before_on_line(text, start, 32).to_ascii_lowercase();
    let words = last_words(&before, 3);
    let explicit = before
        .trim_end()
        .trim_end_matches([':', '-'])
        .trim_end()
        .ends_with("postcode")
        || before
            .trim_end()
            .trim_end_matches([':', '-'])
            .trim_end()
            .ends_with("post code");
    let w1 = words.first().map_or("", String::as_str);
    let w2 = words.get(1).map_or("", String::as_str);
    let place_cue = matches!(w1, "area" | "district")
        || (matches!(w1, "in" | "near" | "around")
            && matches!(
                w2,
                "lives"
                    | "living"
                    | "live"
                    | "lived"
                    | "based"
                    | "home"
                    | "house"
                    | "flat"
                    | "resident"
                    | "area"
            ))
        || (matches!(w1, "from")
            && matches!(
                w2,
                "is" | "comes" | "originally" | "patient" | "lady" | "man" | "woman"
            ));
    // "at the LS6 practices", "in the SW1A area": a district named with "the" after a place
    // preposition, or followed by a place noun.
    let next = text[end..]
        .trim_start_matches([' ', '\t'])
        .split(|c: char| !c.is_ascii_alphabetic())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let district_cue = w1 == "the"
        && matches!(w2, "at" | "in" | "around" | "near" | "across" | "covering")
        || matches!(
            next.as_str(),
            "practice"
                | "practices"
                | "area"
                | "areas"
                | "district"
                | "postcode"
                | "surgery"
                | "surgeries"
                | "residents"
                | "patch"
                | "catchment"
        ) && !matches!(w1, "of" | "x");
    if explicit
        || ((place_cue || district_cue)
            && s.as_bytes()[1].is_ascii_alphabetic()
            && !clinical_token(s))
    {
        out.push(Finding::new(
            &POSTCODE,
            Span::new(start, end),
            "UK outward postcode (with a place cue)",
            vec![Evidence::ContextWord(Cue::Place)],
        ));
    }
}

/// The detectors of this module.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Address)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use clinpost_core::Context;

    fn run(t: &str) -> Vec<(&'static str, String)> {
        let ctx = Context::default();
        let mut v = Vec::new();
        Address.check(&Document::new(t, &ctx), &mut v);
        v.into_iter()
            .map(|f| (f.rule.code, t[f.span.start..f.span.end].to_string()))
            .collect()
    }

    #[test]
    fn addresses() {
        assert_eq!(
            run("at Flat 3, 21 High Street now"),
            [("PHI010", "Flat 3, 21 High Street".into())]
        );
        assert_eq!(
            run("home, 19 Clover St. by"),
            [("PHI010", "19 Clover St.".into())]
        );
        assert_eq!(run("in Apt 4B"), [("PHI010", "Apt 4B".into())]);
        assert!(run("3 Way catheter, 2 units, Level 3").is_empty());
        assert!(run("HR 80 SINUS ST").is_empty());
    }

    #[test]
    fn postcodes() {
        for (t, want) in [
            ("at SW1A 1AA.", "SW1A 1AA"),
            ("m1 1ae", "m1 1ae"),
            ("B338TH", "B338TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("postcode: LS6", "LS6"),
            ("lives in LS6", "LS6"),
            ("Postcode M3", "M3"),
        ] {
            assert_eq!(run(t), [("PHI011", want.to_string())], "{t}");
        }
        for t in [
            "L5 fracture",
            "lives in T2",
            "rise in CO2",
            "B12 low",
            "S1 S2",
            "in LS6 area is",
        ] {
            let f = run(t);
            assert!(f.is_empty() || t.contains("LS6"), "{t}: {f:?}");
        }
        assert!(run("MRI T2 in L5").is_empty());
    }
}
