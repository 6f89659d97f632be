//! Dates, dates of birth and ages of 90 and over.
//!
//! One detector, one combined regex whose named groups are the date shapes: numeric dates with
//! a year (`12/03/1941`, `12.03.41`, `3-24-17`), ISO dates, day/month pairs (`7/22`, `10/15`),
//! month/two-digit-year (`12/82`), dates with month names (`12 March 1941`, `March 12th`,
//! `nov, 96`, `1->2 nov, 96`), ordinals (`the 11th`, `Tuesday 14th`), apostrophe years (`'92`,
//! `74'`), four-digit years and two-digit years after a dated event (`MI 92`, `CVA in 94`), and
//! ages (`97 y/o`, `aged 93`).
//!
//! The regex only finds shapes; what makes a shape a date is decided after matching, from
//! plausibility (month 1-12, day 1-31, a real calendar date for full dates) and from the words
//! around it. Clinical notes are full of slashed numbers that are not dates — fractions
//! (`1/2 NS`), blood pressures (`120/80`), ventilator settings (`PS 10/5`), scores (`GCS 15/15`,
//! `pain 8/10`), UK durations (`3/7 ago`) — so a day/month pair is rejected after a measurement
//! label, before a unit, when chained to other numbers, or when it is a small proper fraction.
//! A bare year is only a date with a date context (an event word such as `MI` or `CABG`, a past
//! medical history line, `in`/`since`); a four-digit number that reads as a clock time after
//! `since`/`until` is a time.
//!
//! A date behind a birth label (`DOB:`, `born`) is reported as `date-of-birth`; ages under 90
//! are never reported here (they are quasi-identifiers).

use std::sync::LazyLock;

use clinpost_core::{
    Category, Cue, Detector, Document, Evidence, Finding, Kind, RuleMeta, Severity, Span,
};
use regex::{CaptureLocations, Regex};

use crate::validators::{
    before_on_line, byte_at, byte_before, calendar_date_valid, ceil_boundary, day_month_plausible,
    expand_year, last_words, line_prefix, Group as M,
};

const GUIDANCE: &[&str] = &["gmc-sm/no-public-patient-discussion", "hipaa/safe-harbor"];

/// PHI004: a date more specific than a year, or a year in a date context.
pub static DATE: RuleMeta = RuleMeta {
    code: "PHI004",
    name: "date",
    category: Category::Identifier,
    kind: Kind::Date,
    severity: Severity::Error,
    guidance: &[
        "gmc-sm/no-public-patient-discussion",
        "gmc-sm/sum-of-information",
        "hipaa/safe-harbor",
    ],
    summary: "A date (day and month, full date, or a year tied to an event).",
    docs: "## What it does\n\
Finds dates: numeric dates (`12/03/1941`, `12.03.41`, `2024-03-12`), day and month (`7/22`, \
`10/15`), month and year (`12/82`, `March 1993`, `nov, 96`), written dates (`12 March 1941`, \
`March 12th`, `the 11th`, `Tuesday 14th`) and years tied to an event (`MI 1992`, `CABG '84`, \
`CVA in 94`, `since 2004`). Fractions, blood pressures, scores, ventilator settings and times \
are not dates, and a year on its own in running text is not reported.\n\n\
## Why it matters\n\
Admission, operation and event dates are among the details that let someone who knows the \
patient recognise them, and HIPAA's Safe Harbor removes every date element except the year.\n\n\
## Example\n\
`Admitted 12/03 after a fall, MI in 1992` is reported twice; `1/2 NS at 100/hr` is not.\n\n\
## Fix\n\
Replace the date with a relative or coarser one (\"last month\", \"in the 1990s\"). The safe fix \
replaces it with `[date]`.\n",
    placeholder: Some("[date]"),
    priority: 40,
    true_samples: &[
        "Admitted «12/03/1941» with chest pain.",
        "«7/22» found by husband on floor",
        "PMH: CAD, S/P MI «1992»; LCX PTCA",
        "s/p cabg/mvr «'95»",
        "Seen on «12 March» and again on «March 14th».",
        "echo «8/87» showing EF 20-25%",
        "PMHX CVA in «94» and «00» affected",
        "on the «11th». One set of cultures",
    ],
    false_samples: &[
        "Give 1/2 NS at 100 ml/hr and 1/2 tab at night.",
        "BP 120/80, GCS 15/15, pain 8/10.",
        "Shift 0700-1900, available 24/7.",
        "He has 2020 vision and took 1000 units.",
        "Vent PS 10/5, strength 5/5 bilaterally.",
        "Cough for 3/7, drank 2/3 bottles.",
    ],
};

/// PHI003: a labelled date of birth.
pub static DATE_OF_BIRTH: RuleMeta = RuleMeta {
    code: "PHI003",
    name: "date-of-birth",
    category: Category::Identifier,
    kind: Kind::DateOfBirth,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "A date of birth (a date behind DOB, date of birth, born...).",
    docs: "## What it does\n\
Finds a date written straight after a birth label: `DOB`, `D.O.B.`, `date of birth`, `born`, \
`born on`, `b.`.\n\n\
## Why it matters\n\
A date of birth with almost any other detail (sex, town) identifies most people uniquely.\n\n\
## Example\n\
`DOB: 12/03/41` is reported.\n\n\
## Fix\n\
Remove it; if age matters clinically, give an age band. The safe fix replaces it with \
`[date of birth]`.\n",
    placeholder: Some("[date of birth]"),
    priority: 70,
    true_samples: &[
        "DOB: «12/03/41»",
        "Date of birth «12 March 1941», lives alone",
        "born on «3rd of May 1950» in Leeds",
    ],
    false_samples: &[
        "Admitted 12/03/41 with a fall",
        "DOB not recorded",
        "born and bred locally",
    ],
};

/// PHI005: an age of 90 or over.
pub static AGE_OVER_89: RuleMeta = RuleMeta {
    code: "PHI005",
    name: "age-ninety-or-over",
    category: Category::Identifier,
    kind: Kind::Age,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "An age of 90 or over.",
    docs: "## What it does\n\
Finds ages of 90 and over written as ages: `97yo`, `97 y/o`, `97-year-old`, `aged 93`, \
`age 101`, `ninety-one years old`, `98 yo gentleman`. A number without an age cue (`HR 96`, \
`sats 94`) is not an age, and younger ages are never reported by this rule.\n\n\
## Why it matters\n\
Very few people are over 90, so an exact age narrows a patient down quickly; HIPAA's Safe \
Harbor groups all ages over 89 together.\n\n\
## Example\n\
`A 94 year old lady with a fractured neck of femur` is reported.\n\n\
## Fix\n\
Write `over 90` instead of the exact age. The safe fix does that.\n",
    placeholder: Some("over 90"),
    priority: 45,
    true_samples: &[
        "A «94» year old lady with a NOF fracture.",
        "«98» yo gentleman admitted with sepsis",
        "aged «93», lives alone",
        "She is «ninety-one» years old.",
    ],
    false_samples: &[
        "HR 96, sats 94 on air.",
        "An 89 year old man with pneumonia.",
        "A 45yo woman with chest pain.",
    ],
};

const MONTHS: &str = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const DAY: &str = "(?:3[01]|[12][0-9]|0?[1-9])";

/// The alternatives of CANDIDATE, in order.
static CANDIDATE_PARTS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let p = [
        // ISO 2024-03-12.
        r"(?P<iso>(?P<iy>(?:19|20)[0-9]{2})-(?P<im>[0-9]{1,2})-(?P<id>[0-9]{1,2}))(?-u:\b)".to_string(),
        // Numeric with a year: 12/03/1941, 12.03.41, 3-24-17, 11/21.93.
        r"(?P<dmy>(?P<a>[0-9]{1,2})[/.-](?P<b>[0-9]{1,2})[/.-](?P<y>[0-9]{4}|[0-9]{2}))(?-u:\b)".to_string(),
        // Ages.
        r"(?i:(?P<age>(?-u:\b)[0-9]{2,3})\s*-?\s*(?:yo|y/o|y\.o\.?|yrs?[\s-]*old|years?[\s-]*old|yoa|y(?-u:\b)))".to_string(),
        r"(?i:(?-u:\b)(?:aged?|age of)\s*:?\s*(?:about\s+)?(?P<age2>[0-9]{2,3}))(?-u:\b)".to_string(),
        r"(?i:(?P<age3>(?-u:\b)(?:ninety|one hundred(?: and)?)(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)(?P<age3c>[\s-]+(?:years?|yrs?)[\s-]*old|[\s-]+y/?o(?-u:\b))?)".to_string(),
        r"(?m:^)[ \t]*(?P<age4>[0-9]{2,3})[ \t]+(?i:s/p|w/|yo|m|f|male|female|man|woman|gentleman|gent|lady)(?-u:\b)".to_string(),
        // Two-part: 7/22, 12/82.
        r"(?P<md>(?P<c>[0-9]{1,2})/(?P<d>[0-9]{1,2}))(?-u:\b)".to_string(),
        // Hyphenated day-month pair only after "on".
        r"(?i:(?-u:\b)on\s+)(?P<hy>(?P<hc>[0-9]{1,2})-(?P<hd>[0-9]{1,2}))(?-u:\b)".to_string(),
        // Day (or day range) then month name: 12 March 1941, 12th of March, 1->2 nov, 96.
        format!(
            r"(?i:(?P<dmon>(?-u:\b)(?:{DAY}(?:st|nd|rd|th)?\s*(?:-+>?|to|&|and)\s*)?(?P<dd>{DAY})(?:st|nd|rd|th)?(?:\s+of)?[\s-]+(?P<mon1>{MONTHS})(?-u:\b)\.?(?:(?:,\s*|\s*'|[\s-]+)(?P<y1>[0-9]{{4}})(?-u:\b)|(?:,\s*|\s*')(?P<y1b>[0-9]{{2}})(?-u:\b))?))"
        ),
        // Month name then day: March 12th, Mar 12, July 1, March 12, 1941.
        format!(
            r"(?i:(?P<mond>(?-u:\b)(?P<mon2>{MONTHS})(?-u:\b)\.?\s*(?:the\s+)?(?P<dd2>{DAY})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s*(?P<y2>[0-9]{{4}})(?-u:\b))?))"
        ),
        // Month name then year: March 1993, MARCH OF 1993, nov, 96, Nov '96.
        format!(
            r"(?i:(?P<mony>(?-u:\b)(?P<mon3>{MONTHS})(?-u:\b)\.?(?:\s+of\s+|,\s*|\s+|\s*')(?P<y3>[0-9]{{4}}|[0-9]{{2}})(?-u:\b)))"
        ),
        // Weekday then ordinal: Tuesday 14th.
        format!(
            r"(?i:(?-u:\b)(?:mon|tues?|wed(?:nes)?|thur?s?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+(?:the\s+)?(?P<wd>{DAY}(?:st|nd|rd|th)))(?-u:\b)"
        ),
        // The 11th.
        format!(r"(?i:(?-u:\b)the\s+(?P<ord>{DAY}(?:st|nd|rd|th))(?-u:\b)(?P<ordm>\s+of\s+(?:{MONTHS})(?-u:\b))?)"),
        // Month name alone (needs a cue).
        r"(?P<mon>(?-u:\b)(?i:january|february|march|april|may|june|july|august|sept?|september|october|november|december)(?-u:\b))".to_string(),
        // Apostrophe years: '92, 74'.
        r"(?P<ay>'[0-9]{2})(?-u:\b)".to_string(),
        r"(?-u:\b)(?P<ty>[0-9]{2}')".to_string(),
        // Four-digit years and decades: 1992, 1980s.
        r"(?-u:\b)(?P<y4>(?:19|20)[0-9]{2})(?P<dec>[sS])?(?-u:\b)".to_string(),
        // Two-digit years after a dated event: MI 92, CABG 81, CVA in 94 and 00.
        r"(?i:(?-u:\b)(?:mi|ami|imi|nstemi|stemi|cabg|cabgx?[0-9]|cva|tia|avr|mvr|ptca|pci|stents?|redo|dx|diagnosed|surgery|ablation|cholecystectomy|chole|appendectomy|nephrectomy|mastectomy|mastectomies|lobectomy|colectomy|hysterectomy|tah|turp|cardioversion|bypass|transplant|thyroidectomy|stroke|mva)(?:\s*x\s*[0-9])?[\s,]+(?:in\s+)?(?P<y2e>[0-9]{2})(?-u:\b)(?:\s*(?:and|&|,)\s*(?:in\s+)?(?P<y2f>[0-9]{2})(?-u:\b))?)".to_string(),
        // An age said of a person: "she is 93", "Mum turned 100", "he's 97".
        r"(?i:(?-u:\b)(?:he|she|who|pt|patient|mum|mom|mother|dad|father|gran|granny|grandma|grandad|grandpa|nan|nana|lady|gentleman|gent|man|woman|husband|wife)(?:'s|\s+(?:is|was|turned|turns|will\s+be|has\s+turned|is\s+turning|just\s+turned))\s+(?P<age5>[0-9]{2,3}))(?-u:\b)".to_string(),
    ];
    p.to_vec()
});

// The lazy DFA of this large Unicode-aware regex outgrows the default cache on long notes and
// keeps rebuilding states; a larger cache only changes speed, never matches.
static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    regex::RegexBuilder::new(&CANDIDATE_PARTS.join("|"))
        .dfa_size_limit(32 << 20)
        .build()
        .expect("dates regex")
});

static DOB_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:dob|d\.o\.b\.?|date of birth|birth ?date|born(?:\s+on)?|b\.)\s*[:=-]?\s*(?:the\s+)?$")
        .expect("dob label regex")
});

/// Words that make a following number a measurement, not a date.
const MEASURE: &[&str] = &[
    "bp", "nibp", "abp", "sbp", "dbp", "map", "pap", "pa", "cvp", "pcwp", "wedge", "ps", "psv",
    "peep", "cpap", "bipap", "simv", "co", "ci", "co/ci", "flowby", "ips", "imv", "vt", "tv", "rr",
    "hr", "ie", "i:e", "ratio", "gcs", "strength", "motor", "power", "grip", "grips", "sat",
    "sats", "spo2", "o2", "fio2", "abg", "vbg", "pain", "scale", "score", "mae", "rue", "lue",
    "rle", "lle", "bue", "ble", "ue", "le", "pupils", "perrl", "perrla", "vent", "settings",
    "rate", "apgar", "murmur", "grade", "x", "visual", "acuity", "va", "vision", "ett", "cm",
    "lytes", "mmhg", "arterial",
];

/// Words after a slashed pair that make it a quantity or ratio.
const UNIT_AFTER: &[&str] = &[
    "ns",
    "hns",
    "tab",
    "tabs",
    "tablet",
    "tablets",
    "strength",
    "bottle",
    "bottles",
    "amp",
    "amps",
    "cc",
    "ml",
    "l",
    "mg",
    "mcg",
    "unit",
    "units",
    "u",
    "pill",
    "pills",
    "x",
    "times",
    "dose",
    "doses",
    "cup",
    "cups",
    "glass",
    "glasses",
    "ratio",
    "scale",
    "pain",
    "score",
    "stars",
    "star",
    "points",
    "assist",
    "max",
    "bilat",
    "bilaterally",
    "throughout",
    "power",
    "grips",
    "cans",
    "can",
    "packs",
    "pack",
    "ppd",
    "mmhg",
    "cmh2o",
    "breaths",
    "beats",
    "sets",
    "teaspoon",
    "tsp",
    "tbsp",
    "strength.",
    "vision",
    "nc",
    "lpm",
    "kg",
    "g",
    "hr",
    "hrs",
    "min",
    "mins",
];

/// Words that precede a year or date and make it one.
const DATE_CUE: &[&str] = &[
    "on",
    "since",
    "from",
    "until",
    "till",
    "by",
    "in",
    "of",
    "dated",
    "date",
    "admitted",
    "adm",
    "admit",
    "during",
    "circa",
    "c",
    "year",
    "yr",
    "before",
    "after",
    "early",
    "late",
    "mid",
    "last",
    "next",
    "this",
    "end",
    "beginning",
    "discharged",
    "seen",
    "born",
    "back",
];

/// Words that, besides the specific dated events of [`EVENT_STRONG`], make a following year the
/// year of something in the patient's history ("in 94", "since 2004", "hx 1992").
const EVENT_CUES: &[&str] = &[
    "in", "c", "year", "since", "of", "hx", "moved", "from", "during", "till", "circa", "until",
];

/// A dated-event word: a specific event (not "born": a birth year is handled as a date of
/// birth) or a generic cue.
fn is_event_word(w: &str) -> bool {
    (EVENT_STRONG.contains(&w) && w != "born") || EVENT_CUES.contains(&w)
}

struct Dates;

impl Detector for Dates {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 3] = [&DATE, &DATE_OF_BIRTH, &AGE_OVER_89];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        // The capture slots are the thread's, reused from one document to the next (they hold
        // nothing between searches); a nested check (none today) would make its own.
        let slots = SLOTS.try_with(|s| s.take()).ok().flatten();
        let (mut locs, mut at_locs) = slots.unwrap_or_else(|| {
            (
                CANDIDATE.capture_locations(),
                AT_DIGIT.re.capture_locations(),
            )
        });
        self.check_with(doc, out, &mut locs, &mut at_locs);
        let _ = SLOTS.try_with(|s| s.set(Some((locs, at_locs))));
    }
}

thread_local! {
    /// Capture slots of CANDIDATE and of the AT_DIGIT regex, kept between documents.
    static SLOTS: std::cell::Cell<Option<(CaptureLocations, CaptureLocations)>> =
        const { std::cell::Cell::new(None) };
}

impl Dates {
    fn check_with(
        &self,
        doc: &Document<'_>,
        out: &mut Vec<Finding>,
        locs: &mut CaptureLocations,
        at_locs: &mut CaptureLocations,
    ) {
        let text = doc.text;
        let b = text.as_bytes();
        // Case-insensitive letters also match the Kelvin sign and the long s; the triggers
        // below read ASCII words only, so such (rare) texts take the plain loop.
        if !text.is_ascii() && text.contains(['\u{17F}', '\u{212A}']) {
            run_from(text, text.len(), 0, usize::MAX, locs, out);
            return;
        }
        // A rejected candidate may hide a shorter one inside it ("mastectomies 11/92" is not
        // "mastectomies 11" but holds "11/92"), so after a rejection the search resumes one
        // character after the candidate's start, otherwise after its end. Skipping a stretch
        // where no candidate could be reported therefore changes nothing: the regex only runs
        // near cheap triggers (digit runs of a date-like shape, month names, spelled ages).
        // A trigger gives the stretch of starts `rs..=re` a reportable candidate may have.
        let mut regions: Vec<(usize, usize)> = Vec::new();
        letter_triggers(b, &mut regions);
        digit_triggers(text, &mut regions);
        crate::validators::merge_regions(&mut regions);
        let mut pos = 0;
        for &(rs, re) in &regions {
            let from = ceil_boundary(text, pos.max(rs));
            if from > re || from >= text.len() {
                continue;
            }
            // A lone start right after a byte that is neither a word byte nor a line break:
            // only the shapes that can start with a digit can match there, and `\b` reads the
            // same with the haystack starting at it (`^` never could match there), so an
            // anchored regex of those shapes, in the same order, gives the candidate at `rs`.
            let cut = cut_after(b, re);
            if rs == re
                && from == rs
                && b[rs].is_ascii_digit()
                && rs > 0
                && !is_word(b[rs - 1])
                && b[rs - 1] != b'\n'
            {
                let at = &AT_DIGIT;
                if at.re.captures_read(at_locs, &text[rs..cut]).is_none() {
                    pos = rs + 1;
                    continue;
                }
                let c = Caps::from_sub(text, at_locs, &at.map, rs);
                let m = c.get(0).expect("group 0");
                let before = out.len();
                scan(text, &c, out);
                pos = if out.len() > before { m.end() } else { rs + 1 };
                continue;
            }
            pos = run_from(text, cut, from, re, locs, out);
        }
    }
}

/// The candidate loop from `pos`, on `text[..cut]`, for candidates starting at or before
/// `last`. Returns where the loop would resume.
fn run_from(
    text: &str,
    cut: usize,
    mut pos: usize,
    last: usize,
    locs: &mut CaptureLocations,
    out: &mut Vec<Finding>,
) -> usize {
    let hay = &text[..cut];
    loop {
        let Some(whole) = CANDIDATE.captures_read_at(locs, hay, pos) else {
            return ceil_boundary(text, last.saturating_add(1)).max(pos);
        };
        if whole.start() > last {
            return ceil_boundary(text, last.saturating_add(1)).max(pos);
        }
        let c = Caps::from_locs(text, locs);
        let m = c.get(0).expect("group 0");
        let before = out.len();
        scan(text, &c, out);
        pos = if out.len() > before || m.is_empty() {
            m.end().max(pos + 1)
        } else {
            next_char(text, m.start())
        };
        if pos >= text.len() {
            return pos;
        }
    }
}

/// A regex of the CANDIDATE shapes that can start with a digit (same order, same groups),
/// anchored, with the CANDIDATE index of each of its groups.
struct SubRegex {
    re: Regex,
    map: Vec<usize>,
}

static AT_DIGIT: LazyLock<SubRegex> = LazyLock::new(|| {
    let keep = ["iso", "dmy", "age", "md", "dmon", "ty", "y4"];
    let parts: Vec<&str> = CANDIDATE_PARTS
        .iter()
        .filter(|p| keep.iter().any(|k| p.contains(&format!("(?P<{k}>"))))
        .map(String::as_str)
        .collect();
    assert_eq!(parts.len(), keep.len());
    let re = Regex::new(&format!(r"\A(?:{})", parts.join("|"))).expect("dates sub-regex");
    let map = re
        .capture_names()
        .map(|n| n.map_or(0, group_index))
        .collect();
    SubRegex { re, map }
});

/// Bytes a CANDIDATE match may hold any number of: whitespace, commas, dashes (and, to be
/// safe, control and non-ASCII bytes, which hold the Unicode spaces). Every match holds at
/// most about 30 other bytes.
#[inline]
fn soft(x: u8) -> bool {
    x <= b' ' || x >= 0x80 || x == b',' || x == b'-'
}

#[inline]
fn is_word(x: u8) -> bool {
    x.is_ascii_alphanumeric() || x == b'_'
}

/// Start of a look-back of 32 non-soft bytes before `t`: a match reaching `t` starts there or
/// later.
fn back(b: &[u8], t: usize) -> usize {
    let mut i = t;
    let mut n = 0;
    while i > 0 {
        i -= 1;
        if !soft(b[i]) {
            n += 1;
            if n >= 32 {
                return i;
            }
        }
    }
    0
}

/// A haystack end after `re` that no match starting at or before `re` reaches: 64 non-soft
/// bytes later, at an ASCII non-word byte (so `\b` reads the same there), or the text's end.
fn cut_after(b: &[u8], re: usize) -> usize {
    let mut i = re;
    let mut n = 0;
    while i < b.len() && n < 64 {
        if !soft(b[i]) {
            n += 1;
        }
        i += 1;
    }
    while i < b.len() && (b[i] >= 0x80 || is_word(b[i])) {
        i += 1;
    }
    i
}

/// Trigrams starting every month word and spelled age, searched in a lower-cased copy.
static LETTERS: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|nin|hun")
        .expect("letters regex")
});

thread_local! {
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Month names (which every month shape holds), "ninety" and "hundred" (spelled ages).
fn letter_triggers(b: &[u8], regions: &mut Vec<(usize, usize)>) {
    LOWER.with_borrow_mut(|low| {
        // Setting bit 5 of every byte turns ASCII capitals into lower case and leaves lower
        // case and digits alone; no other byte becomes an ASCII letter (a byte with bit 5 set
        // is a lower-case letter only if it was one or was the capital), and the bytes of a
        // word (letters, digits, "_", bounded in `b`) are only compared with letters. So every
        // test below reads what it would read after `make_ascii_lowercase`. Done eight bytes
        // at a time.
        low.clear();
        low.extend_from_slice(b);
        let mut chunks = low.chunks_exact_mut(8);
        for c in &mut chunks {
            let x = u64::from_ne_bytes((&*c).try_into().expect("8 bytes"));
            c.copy_from_slice(&(x | 0x2020_2020_2020_2020).to_ne_bytes());
        }
        for x in chunks.into_remainder() {
            *x |= 0x20;
        }
        for m in LETTERS.find_iter(low) {
            let w = m.start();
            if w > 0 && is_word(b[w - 1]) {
                continue;
            }
            let l = [low[w], low[w + 1], low[w + 2]];
            let full: &[&[u8]] = match &l {
                b"jan" => &[b"january"],
                b"feb" => &[b"feb", b"february"],
                b"mar" => &[b"march"],
                b"apr" => &[b"apr", b"april"],
                b"may" => &[],
                b"jun" => &[b"jun", b"june"],
                b"jul" => &[b"jul", b"july"],
                b"aug" => &[b"aug", b"august"],
                b"sep" => &[b"sep", b"sept", b"september"],
                b"oct" => &[b"oct", b"october"],
                b"nov" => &[b"nov", b"november"],
                b"dec" => &[b"december"],
                b"nin" => {
                    if low[w..].starts_with(b"ninety") {
                        regions.push((w, w));
                    }
                    continue;
                }
                _ => {
                    if low[w..].starts_with(b"hundred") {
                        regions.push((w.saturating_sub(4), w));
                    }
                    continue;
                }
            };
            let mut e = w + 3;
            while e < b.len() && is_word(b[e]) {
                e += 1;
            }
            let word = &low[w..e];
            // "jan", "mar", "may", "dec" are only months with a capital.
            let hit = full.contains(&word)
                || (e - w == 3
                    && b[w].is_ascii_uppercase()
                    && matches!(&l, b"jan" | b"mar" | b"may" | b"dec"));
            if hit {
                regions.push((back(b, w), w));
            }
        }
    });
}

fn run_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

fn value(d: &[u8]) -> u32 {
    d.iter().fold(0u32, |a, &x| a * 10 + u32::from(x - b'0'))
}

/// Digit runs that can start or end a reportable shape.
fn digit_triggers(text: &str, regions: &mut Vec<(usize, usize)>) {
    let b = text.as_bytes();
    let n = b.len();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    crate::validators::for_digit_runs(b, |i| {
        let j = run_end(b, i);
        let l = j - i;
        if l > 4 {
            return;
        }
        let v = value(&b[i..j]);
        let after = b.get(j).copied();
        // Separated pairs and triples: ISO, numeric dates, 7/22, "on 7-8".
        if let Some(s1 @ (b'/' | b'.' | b'-')) = after {
            if digit(j + 1) {
                let j2 = run_end(b, j + 1);
                let l2 = j2 - j - 1;
                if l2 <= 2 {
                    let v2 = value(&b[j + 1..j2]);
                    if l == 4 && s1 == b'-' {
                        regions.push((i, i));
                    } else if l <= 2 {
                        let s2 = b.get(j2).copied().unwrap_or(0);
                        let j3 = if matches!(s2, b'/' | b'.' | b'-') && digit(j2 + 1) {
                            run_end(b, j2 + 1)
                        } else {
                            j2
                        };
                        let l3 = j3 - j2 - usize::from(j3 > j2);
                        let dmy = matches!(l3, 2 | 4) && !b.get(j3).is_some_and(|&x| is_word(x));
                        if dmy {
                            if dmy_possible(text, i, j3, s1, s2, v, v2, value(&b[j2 + 1..j3])) {
                                regions.push((i, i));
                            }
                        } else if s1 == b'/' && md_possible(text, i, j2, v, v2, l2) {
                            regions.push((i, i));
                        }
                        if s1 == b'-' && prev_word_is(b, i, &[b"on"]) {
                            regions.push((back(b, i), i));
                        }
                    }
                }
            }
        }
        if matches!(l, 2 | 3) && (90..=125).contains(&v) {
            age_triggers(b, i, j, regions);
        }
        if l <= 2 && j + 2 <= n {
            let s = [b[j] | 0x20, b[j + 1] | 0x20];
            if matches!(&s, b"st" | b"nd" | b"rd" | b"th")
                && !b.get(j + 2).is_some_and(|&x| is_word(x))
            {
                regions.push((back(b, i), i));
            }
        }
        if l == 2 {
            if i > 0 && b[i - 1] == b'\'' {
                regions.push((i - 1, i - 1));
            }
            // 74': rejected when glued to a number before or a word after ("70's").
            if after == Some(b'\'')
                && !glued_before(text, i)
                && !b.get(j + 1).is_some_and(u8::is_ascii_alphanumeric)
            {
                regions.push((i, i));
            }
            if !after.is_some_and(is_word) && event_trigger(b, i) {
                regions.push((back(b, i), i));
            }
        }
        if l == 4 && (b[i..i + 2] == *b"19" || b[i..i + 2] == *b"20") && v <= 2029 {
            regions.push((i, i));
        }
    });
}

/// False when a `a.b.y` triple at `i..end` (it matches the `dmy` shape) is surely rejected by
/// `scan_dmy` before its context.
#[allow(clippy::too_many_arguments)]
fn dmy_possible(text: &str, i: usize, end: usize, s1: u8, s2: u8, a: u32, b: u32, yv: u32) -> bool {
    if s1 != s2 && !(s1 == b'/' && s2 == b'.') {
        return false;
    }
    if glued_before(text, i) || byte_before(text, i).is_some_and(|x| x == b'v' || x == b'V') {
        return false;
    }
    if glued_after(text, end) {
        return true;
    }
    let ylen = end
        - text[..end]
            .bytes()
            .rev()
            .take_while(u8::is_ascii_digit)
            .count();
    let y = if end - ylen == 2 { expand_year(yv) } else { yv };
    calendar_date_valid(y, a, b) || calendar_date_valid(y, b, a)
}

/// Regions for a number 90-125 at `i..j` that can be an age: "93 yo" (at the number),
/// a line "93 M" (from the line start), "aged 93", "she is 93" (from the words before).
fn age_triggers(b: &[u8], i: usize, j: usize, regions: &mut Vec<(usize, usize)>) {
    let mut k = j;
    while k < b.len() && soft(b[k]) {
        if b[k] >= 0x80 {
            regions.push((back(b, i), i));
            return;
        }
        k += 1;
    }
    if k < b.len() && b[k] | 0x20 == b'y' {
        regions.push((i, i));
    }
    let mut k = i;
    while k > 0 && matches!(b[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    if k == 0 || b[k - 1] == b'\n' {
        regions.push((k, i));
    }
    let ctx = match prev_word(b, i) {
        None => true,
        Some(w) => {
            (w.len() == 1 && (w[0] | 0x20) == b's')
                || [
                    &b"age"[..],
                    b"aged",
                    b"of",
                    b"about",
                    b"is",
                    b"was",
                    b"turned",
                    b"turns",
                    b"be",
                    b"turning",
                ]
                .iter()
                .any(|s| w.eq_ignore_ascii_case(s))
        }
    };
    if ctx {
        regions.push((back(b, i), i));
    }
}

/// A dated-event word of the CANDIDATE regex (ASCII, any case).
fn is_event(w: &[u8]) -> bool {
    if w.len() < 2 || w.len() > 15 {
        return false;
    }
    let mut buf = [0u8; 16];
    for (d, s) in buf.iter_mut().zip(w) {
        *d = s.to_ascii_lowercase();
    }
    matches!(
        &buf[..w.len()],
        b"mi"
            | b"ami"
            | b"imi"
            | b"nstemi"
            | b"stemi"
            | b"cabg"
            | b"cva"
            | b"tia"
            | b"avr"
            | b"mvr"
            | b"ptca"
            | b"pci"
            | b"stent"
            | b"stents"
            | b"redo"
            | b"dx"
            | b"diagnosed"
            | b"surgery"
            | b"ablation"
            | b"cholecystectomy"
            | b"chole"
            | b"appendectomy"
            | b"nephrectomy"
            | b"mastectomy"
            | b"mastectomies"
            | b"lobectomy"
            | b"colectomy"
            | b"hysterectomy"
            | b"tah"
            | b"turp"
            | b"cardioversion"
            | b"bypass"
            | b"transplant"
            | b"thyroidectomy"
            | b"stroke"
            | b"mva"
    )
}

/// False when a `c/d` pair at `i..j2` is surely rejected by `scan_md` before its context.
fn md_possible(text: &str, i: usize, j2: usize, a: u32, d: u32, dlen: usize) -> bool {
    if glued_before(text, i)
        || glued_after(text, j2)
        || byte_before(text, i).is_some_and(|x| x.is_ascii_alphabetic())
    {
        return false;
    }
    let day_month = (1..=12).contains(&a) && (1..=31).contains(&d)
        || (1..=12).contains(&d) && (1..=31).contains(&a);
    let month_year = (1..=12).contains(&a) && d >= 32 && dlen == 2;
    (day_month || month_year) && !(a == 5 && d == 5) && !(a == 24 && d == 7) && !(a < d && d <= 4)
}

/// The ASCII word before `i`, skipping whitespace and colons; `None` when the bytes there
/// are not plain ASCII (a Unicode space may hide in them).
fn prev_word(b: &[u8], i: usize) -> Option<&[u8]> {
    let mut k = i;
    while k > 0 && (b[k - 1].is_ascii_whitespace() || b[k - 1] == b':' || b[k - 1] == 0x0b) {
        k -= 1;
    }
    if k > 0 && b[k - 1] >= 0x80 {
        return None;
    }
    let e = k;
    while k > 0 && b[k - 1].is_ascii_alphabetic() {
        k -= 1;
    }
    Some(&b[k..e])
}

fn prev_word_is(b: &[u8], i: usize, set: &[&[u8]]) -> bool {
    prev_word(b, i).is_none_or(|w| set.iter().any(|s| w.eq_ignore_ascii_case(s)))
}

/// A dated-event word among the four tokens before `i` ("MI 92", "CABG x2 in 92").
fn event_trigger(b: &[u8], i: usize) -> bool {
    let mut k = i;
    for _ in 0..4 {
        let sep_end = k;
        while k > 0 && !b[k - 1].is_ascii_alphanumeric() {
            match b[k - 1] {
                0x80.. => return true,
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b',' => k -= 1,
                _ => return false,
            }
        }
        if k == sep_end {
            return false;
        }
        let e = k;
        while k > 0 && b[k - 1].is_ascii_alphanumeric() {
            k -= 1;
        }
        if k == e {
            return false;
        }
        let mut w = &b[k..e];
        while let [rest @ .., d] = w {
            if d.is_ascii_digit() {
                w = rest;
            } else {
                break;
            }
        }
        if is_event(w) {
            return true;
        }
        if let [rest @ .., x] = w {
            if x | 0x20 == b'x' && is_event(rest) {
                return true;
            }
        }
    }
    false
}

/// Number of groups of CANDIDATE (checked by a test).
const GROUPS: usize = 43;

/// The groups of one CANDIDATE match, by CANDIDATE group index (no allocation).
struct Caps<'t> {
    text: &'t str,
    slots: [Option<(usize, usize)>; GROUPS],
}

impl<'t> Caps<'t> {
    fn from_locs(text: &'t str, locs: &CaptureLocations) -> Self {
        let mut slots = [None; GROUPS];
        for (i, s) in slots.iter_mut().enumerate() {
            *s = locs.get(i);
        }
        Caps { text, slots }
    }
    /// From a sub-regex match on `text[off..]`, its groups mapped by `map`.
    fn from_sub(text: &'t str, locs: &CaptureLocations, map: &[usize], off: usize) -> Self {
        let mut slots = [None; GROUPS];
        for (i, &g) in map.iter().enumerate() {
            if let Some((s, e)) = locs.get(i) {
                slots[g] = Some((s + off, e + off));
            }
        }
        Caps { text, slots }
    }
    fn get(&self, i: usize) -> Option<M<'t>> {
        self.slots[i].map(|(s, e)| M {
            text: self.text,
            s,
            e,
        })
    }
    fn name(&self, name: &str) -> Option<M<'t>> {
        self.get(group_index(name))
    }
}

/// Index of a named group of CANDIDATE (checked against the regex by a test).
fn group_index(name: &str) -> usize {
    match name {
        "iso" => 1,
        "iy" => 2,
        "im" => 3,
        "id" => 4,
        "dmy" => 5,
        "a" => 6,
        "b" => 7,
        "y" => 8,
        "age" => 9,
        "age2" => 10,
        "age3" => 11,
        "age3c" => 12,
        "age4" => 13,
        "md" => 14,
        "c" => 15,
        "d" => 16,
        "hy" => 17,
        "hc" => 18,
        "hd" => 19,
        "dmon" => 20,
        "dd" => 21,
        "mon1" => 22,
        "y1" => 23,
        "y1b" => 24,
        "mond" => 25,
        "mon2" => 26,
        "dd2" => 27,
        "y2" => 28,
        "mony" => 29,
        "mon3" => 30,
        "y3" => 31,
        "wd" => 32,
        "ord" => 33,
        "ordm" => 34,
        "mon" => 35,
        "ay" => 36,
        "ty" => 37,
        "y4" => 38,
        "dec" => 39,
        "y2e" => 40,
        "y2f" => 41,
        "age5" => 42,
        _ => unreachable!("unknown group {name}"),
    }
}

/// The char boundary after the char starting at `i`.
pub(crate) fn next_char(text: &str, i: usize) -> usize {
    text[i..]
        .chars()
        .next()
        .map_or(text.len(), |ch| i + ch.len_utf8())
}

fn num(c: &Caps<'_>, name: &str) -> u32 {
    c.name(name)
        .and_then(|m| m.as_str().trim_matches('\'').parse().ok())
        .unwrap_or(0)
}

fn prev_words(text: &str, pos: usize, n: usize) -> Vec<String> {
    last_words(clause_before(text, pos, 48), n)
}

fn next_word(text: &str, pos: usize) -> String {
    let s = &text[pos..];
    let s = s.trim_start_matches([' ', '\t']);
    s.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '.'))
        .next()
        .unwrap_or("")
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// Digit (or a decimal point after a digit, or a slash) directly before `pos`.
fn glued_before(text: &str, pos: usize) -> bool {
    let b = text.as_bytes();
    match byte_before(text, pos) {
        Some(x) if x.is_ascii_digit() => true,
        Some(b'/' | b'.' | b'>' | b'<' | b'~' | b'+' | b'#' | b'*' | b'=') => true,
        Some(b':' | b',' | b'-' | b'x' | b'X') => pos >= 2 && b[pos - 2].is_ascii_digit(),
        _ => false,
    }
}

/// A separator and a digit directly after `pos` (`/4`, `.5`, `-3`): part of a longer chain.
fn glued_after(text: &str, pos: usize) -> bool {
    let b = text.as_bytes();
    match byte_at(text, pos) {
        Some(b'/') => b
            .get(pos + 1)
            .is_some_and(|x| x.is_ascii_digit() || *x == b'.'),
        Some(b'.' | b'-' | b':') => b.get(pos + 1).is_some_and(u8::is_ascii_digit),
        Some(b'%') => true,
        Some(b'\'') => b.get(pos + 1).is_some_and(|x| x | 0x20 == b's'),
        Some(x) => x.is_ascii_digit(),
        None => false,
    }
}

fn cue_before(text: &str, pos: usize) -> bool {
    prev_words(text, pos, 1)
        .first()
        .is_some_and(|w| DATE_CUE.contains(&w.as_str()))
}

/// Report a date at `span`, as a date of birth when a birth label precedes it.
fn push_date(
    text: &str,
    span: Span,
    msg: &'static str,
    mut ev: Vec<Evidence>,
    out: &mut Vec<Finding>,
) {
    if DOB_LABEL.is_match(before_on_line(text, span.start, 40)) {
        ev.push(Evidence::Label);
        out.push(Finding::new(
            &DATE_OF_BIRTH,
            span,
            "date of birth (labelled)",
            ev,
        ));
    } else {
        out.push(Finding::new(&DATE, span, msg, ev));
    }
}

fn push_age(text: &str, span: Span, ev: Vec<Evidence>, out: &mut Vec<Finding>) {
    // "over 90" is the safe, banded form (and this rule's own fix), not an exact age.
    let prev = last_words(before_on_line(text, span.start, 16), 1);
    if prev
        .first()
        .is_some_and(|w| matches!(w.as_str(), "over" | "above" | "past"))
        || before_on_line(text, span.start, 2)
            .trim_end()
            .ends_with(['>', '+'])
    {
        return;
    }
    out.push(Finding::new(&AGE_OVER_89, span, "age 90 or over", ev));
}

fn scan(text: &str, c: &Caps<'_>, out: &mut Vec<Finding>) {
    let sp = |m: M<'_>| Span::new(m.start(), m.end());
    if let Some(m) = c.name("iso") {
        let (y, mo, d) = (num(c, "iy"), num(c, "im"), num(c, "id"));
        if calendar_date_valid(y, mo, d)
            && !glued_before(text, m.start())
            && !glued_after(text, m.end())
        {
            push_date(
                text,
                sp(m),
                "full date (calendar-valid)",
                vec![Evidence::FormatValid],
                out,
            );
        }
    } else if let Some(m) = c.name("dmy") {
        scan_dmy(text, c, m, out);
    } else if let Some(m) = c.name("age") {
        let n = num(c, "age");
        if (90..=125).contains(&n) && !glued_before(text, m.start()) {
            push_age(
                text,
                sp(m),
                vec![Evidence::Plausible, Evidence::ContextWord(Cue::Label)],
                out,
            );
        }
    } else if let Some(m) = c.name("age2") {
        let n = num(c, "age2");
        if (90..=125).contains(&n) && !glued_after(text, m.end()) {
            push_age(
                text,
                sp(m),
                vec![Evidence::Plausible, Evidence::ContextWord(Cue::Label)],
                out,
            );
        }
    } else if let Some(m) = c.name("age3") {
        let aged = prev_words(text, m.start(), 2).iter().any(|w| {
            matches!(
                w.as_str(),
                "aged" | "age" | "is" | "was" | "turned" | "turns"
            )
        });
        if c.name("age3c").is_some() || aged {
            push_age(
                text,
                sp(m),
                vec![Evidence::Plausible, Evidence::ContextWord(Cue::Label)],
                out,
            );
        }
    } else if let Some(m) = c.name("age5") {
        let n = num(c, "age5");
        let nw = next_word(text, m.end());
        if (90..=125).contains(&n)
            && !glued_after(text, m.end())
            && !is_unit_word(&nw)
            && byte_at(text, m.end()) != Some(b'%')
        {
            push_age(
                text,
                sp(m),
                vec![Evidence::Plausible, Evidence::ContextWord(Cue::Label)],
                out,
            );
        }
    } else if let Some(m) = c.name("age4") {
        let n = num(c, "age4");
        if (90..=125).contains(&n) {
            push_age(text, sp(m), vec![Evidence::Plausible, Evidence::Shape], out);
        }
    } else if let Some(m) = c.name("md") {
        scan_md(
            text,
            num(c, "c"),
            num(c, "d"),
            m,
            c.name("d").map_or(0, |d| d.len()),
            out,
        );
    } else if let Some(m) = c.name("hy") {
        let (a, b) = (num(c, "hc"), num(c, "hd"));
        let plausible = (1..=12).contains(&a) && (1..=31).contains(&b) && a != b;
        let nw = next_word(text, m.end());
        if plausible
            && !glued_after(text, m.end())
            && (nw.is_empty()
                || matches!(
                    nw.as_str(),
                    "for"
                        | "at"
                        | "and"
                        | "with"
                        | "when"
                        | "after"
                        | "before"
                        | "then"
                        | "to"
                        | "via"
                        | "in"
                        | "am"
                        | "pm"
                ))
        {
            push_date(
                text,
                sp(m),
                "date (month and day)",
                vec![Evidence::Plausible, Evidence::ContextWord(Cue::Date)],
                out,
            );
        }
    } else if let Some(m) = c.name("dmon") {
        let d = num(c, "dd");
        if !glued_before(text, m.start())
            && month_day_ok(c.name("mon1").map_or("", |x| x.as_str()), d, true)
        {
            let y = num(c, "y1");
            if y != 0 && !(1000..3000).contains(&y) {
                return;
            }
            push_date(
                text,
                sp(m),
                "date (day and month)",
                vec![Evidence::FormatValid],
                out,
            );
        }
    } else if let Some(m) = c.name("mond") {
        let mon = c.name("mon2").map_or("", |x| x.as_str());
        let d = num(c, "dd2");
        let nw = next_word(text, c.name("dd2").map_or(m.end(), |x| x.end()));
        if month_day_ok(mon, d, false)
            && !glued_after(text, m.end())
            && !UNIT_AFTER.contains(&nw.as_str())
            && (c.name("y2").is_some() || !is_unit_word(&nw))
        {
            push_date(
                text,
                sp(m),
                "date (month and day)",
                vec![Evidence::FormatValid],
                out,
            );
        }
    } else if let Some(m) = c.name("mony") {
        let mon = c.name("mon3").map_or("", |x| x.as_str());
        let y = c.name("y3").map_or("", |x| x.as_str());
        let nw = next_word(text, m.end());
        if month_word_ok(mon, false)
            && !glued_after(text, m.end())
            && !is_unit_word(&nw)
            && (y.len() == 4 && (y.starts_with("19") || y.starts_with("20")) || y.len() == 2)
        {
            push_date(
                text,
                sp(m),
                "date (month and year)",
                vec![Evidence::FormatValid],
                out,
            );
        }
    } else if let Some(m) = c.name("wd") {
        push_date(
            text,
            sp(m),
            "date (weekday and day)",
            vec![Evidence::Plausible, Evidence::ContextWord(Cue::Date)],
            out,
        );
    } else if let (Some(m), Some(om)) = (c.name("ord"), c.name("ordm")) {
        let mon = om.as_str().split_whitespace().last().unwrap_or("");
        let d: u32 = m
            .as_str()
            .trim_end_matches(char::is_alphabetic)
            .parse()
            .unwrap_or(0);
        if month_day_ok(mon, d, true) {
            push_date(
                text,
                Span::new(m.start(), om.end()),
                "date (day and month)",
                vec![Evidence::FormatValid],
                out,
            );
        }
    } else if let Some(m) = c.name("ord") {
        // "the 11th." / "the 11th of": a day; "the 4th time", "the 2nd ICS": not.
        let after = text[m.end()..].trim_start_matches([' ', '\t']);
        let nb = after.as_bytes().first().copied();
        let ok = match nb {
            None | Some(b'.' | b',' | b';' | b':' | b')' | b'!' | b'?' | b'"' | b'\n' | b'\r') => {
                true
            }
            _ => {
                let nw = next_word(text, m.end());
                matches!(
                    nw.as_str(),
                    "at" | "and" | "or" | "when" | "until" | "till" | "to" | "as"
                )
            }
        };
        if ok {
            push_date(
                text,
                sp(m),
                "date (day of the month)",
                vec![Evidence::Plausible, Evidence::ContextWord(Cue::Date)],
                out,
            );
        }
    } else if let Some(m) = c.name("mon") {
        let w = m.as_str();
        let prev = prev_words(text, m.start(), 1);
        let cue = prev.first().is_some_and(|p| DATE_CUE.contains(&p.as_str()));
        // "may" and "march" are words; they need a capital and a cue.
        let lower = w.to_ascii_lowercase();
        let ambiguous = lower == "may" || lower == "march";
        let title = w.as_bytes()[0].is_ascii_uppercase()
            && w.as_bytes()[1..].iter().all(u8::is_ascii_lowercase);
        if cue && (!ambiguous || title) {
            push_date(
                text,
                sp(m),
                "month",
                vec![Evidence::ContextWord(Cue::Date)],
                out,
            );
        }
    } else if let Some(m) = c.name("ay") {
        // '92: the apostrophe must not close a word (pt's, rec'd).
        if byte_before(text, m.start()).is_some_and(|x| x.is_ascii_alphanumeric())
            || glued_after(text, m.end())
        {
            return;
        }
        let nw = next_word(text, m.end());
        if is_unit_word(&nw) {
            return;
        }
        push_date(
            text,
            sp(m),
            "year (abbreviated)",
            vec![Evidence::Shape, Evidence::Plausible],
            out,
        );
    } else if let Some(m) = c.name("ty") {
        // 74': a two-digit year with a trailing apostrophe, not a height (5'10").
        if glued_before(text, m.start())
            || byte_at(text, m.end()).is_some_and(|x| x.is_ascii_alphanumeric())
            || !(event_before(text, m.start()) || pmh_line(text, m.start()))
        {
            return;
        }
        push_date(
            text,
            sp(m),
            "year (abbreviated)",
            vec![Evidence::Shape, Evidence::Plausible],
            out,
        );
    } else if let Some(m) = c.name("y4") {
        scan_year4(text, c, m, out);
    } else if let Some(m) = c.name("y2e") {
        for g in [Some(m), c.name("y2f")].into_iter().flatten() {
            let nw = next_word(text, g.end());
            if glued_after(text, g.end())
                || is_unit_word(&nw)
                || text[g.end()..].starts_with(['%', 's', 'S'])
            {
                continue;
            }
            push_date(
                text,
                sp(g),
                "year of a past event",
                vec![Evidence::ContextWord(Cue::Date), Evidence::Plausible],
                out,
            );
        }
    }
}

fn is_unit_word(w: &str) -> bool {
    UNIT_AFTER.contains(&w)
        || matches!(
            w,
            "mg" | "mcg"
                | "ml"
                | "units"
                | "u"
                | "kcal"
                | "cal"
                | "g"
                | "kg"
                | "l"
                | "lb"
                | "lbs"
                | "cc"
                | "mmol"
                | "mm"
                | "cm"
                | "percent"
                | "mph"
                | "bpm"
                | "x"
                | "yo"
                | "year"
                | "years"
                | "yrs"
                | "min"
                | "mins"
                | "minutes"
                | "h"
                | "hours"
                | "hrs"
                | "hr"
                | "days"
                | "day"
                | "weeks"
                | "wks"
                | "am"
                | "pm"
        )
}

/// A month word usable with a number. Three-letter abbreviations that are also clinical
/// abbreviations ("dec" = decreased, "mar") need a capital.
fn month_word_ok(mon: &str, _with_day_before: bool) -> bool {
    let lower = mon.to_ascii_lowercase();
    match lower.as_str() {
        "dec" | "mar" | "may" | "jan" => mon.as_bytes()[0].is_ascii_uppercase(),
        _ => true,
    }
}

fn month_index(mon: &str) -> u32 {
    let l = mon.to_ascii_lowercase();
    let k = &l[..3.min(l.len())];
    [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|x| *x == k)
    .map_or(0, |i| i as u32 + 1)
}

fn month_day_ok(mon: &str, day: u32, day_first: bool) -> bool {
    month_word_ok(mon, day_first) && day_month_plausible(month_index(mon), day)
}

fn scan_dmy(text: &str, c: &Caps<'_>, m: M<'_>, out: &mut Vec<Finding>) {
    let (a, b) = (num(c, "a"), num(c, "b"));
    // Separators must agree, except 11/21.93; "5.6/67" and "3-4/10" are values and ranges.
    let seps: Vec<u8> = m
        .as_str()
        .bytes()
        .filter(|x| matches!(x, b'/' | b'.' | b'-'))
        .collect();
    if seps.len() == 2 && seps[0] != seps[1] && !(seps[0] == b'/' && seps[1] == b'.') {
        return;
    }
    let yraw = c.name("y").map_or("", |x| x.as_str());
    let y = if yraw.len() == 2 {
        expand_year(num(c, "y"))
    } else {
        num(c, "y")
    };
    if glued_before(text, m.start())
        || byte_before(text, m.start()).is_some_and(|x| x == b'v' || x == b'V')
    {
        return;
    }
    let span = Span::new(m.start(), m.end());
    if glued_after(text, m.end()) {
        // 10/03/10/04: two month/day pairs run together.
        let rest = &text[m.end()..];
        let extra: String = rest[1..].chars().take_while(char::is_ascii_digit).collect();
        let d2: u32 = extra.parse().unwrap_or(0);
        if rest.starts_with('/')
            && extra.len() <= 2
            && yraw.len() == 2
            && (1..=12).contains(&a)
            && (1..=31).contains(&b)
            && (1..=12).contains(&num(c, "y"))
            && (1..=31).contains(&d2)
            && !glued_after(text, m.end() + 1 + extra.len())
        {
            push_date(
                text,
                Span::new(m.start(), m.end() + 1 + extra.len()),
                "dates (month and day)",
                vec![Evidence::Plausible, Evidence::Shape],
                out,
            );
        }
        return;
    }
    if !(calendar_date_valid(y, a, b) || calendar_date_valid(y, b, a)) {
        return;
    }
    // Dotted triples with a two-digit last part are often versions or lab chains; need a cue.
    let s = m.as_str();
    if s.matches('.').count() == 2
        && yraw.len() == 2
        && !cue_before(text, m.start())
        && !DOB_LABEL.is_match(before_on_line(text, m.start(), 40))
    {
        let prev = prev_words(text, m.start(), 1);
        if prev.first().is_some_and(|w| MEASURE.contains(&w.as_str())) {
            return;
        }
    }
    if prev_words(text, m.start(), 1)
        .first()
        .is_some_and(|w| MEASURE.contains(&w.as_str()) && w != "x")
    {
        return;
    }
    push_date(
        text,
        span,
        "full date (calendar-valid)",
        vec![Evidence::FormatValid, Evidence::Plausible],
        out,
    );
}

fn scan_md(text: &str, a: u32, b: u32, m: M<'_>, dlen: usize, out: &mut Vec<Finding>) {
    if glued_before(text, m.start())
        || glued_after(text, m.end())
        || byte_before(text, m.start()).is_some_and(|x| x.is_ascii_alphabetic())
    {
        return;
    }
    // Ventilator settings (PS/PEEP pairs) and pain scores in the same clause.
    let clause = clause_before(text, m.start(), 48);
    let after = after_words(text, m.end(), 3);
    let has = |ws: &[String], set: &[&str]| ws.iter().any(|w| set.contains(&w.as_str()));
    let before_words = last_words(clause, 6);
    let after_vent = after.iter().take(2).any(|w| {
        VENT.contains(&w.as_str())
            || matches!(
                w.as_str(),
                "sat" | "sats" | "abg" | "abgs" | "tv" | "vt" | "fio2"
            )
    });
    let pct_after = {
        let t =
            crate::validators::after_on_line(text, m.end(), 12).trim_start_matches([' ', ',', '&']);
        let d = t.bytes().take_while(u8::is_ascii_digit).count();
        d > 0 && t.as_bytes().get(d) == Some(&b'%')
    };
    if b <= 20 && (has(&before_words, VENT) || after_vent || pct_after) {
        return;
    }
    // 5/5: full power, or PS 5 / PEEP 5.
    if a == 5 && b == 5 {
        return;
    }
    if b == 10 && a <= 10 && (has(&before_words, PAIN) || has(&after, PAIN)) {
        return;
    }
    let day_month = (1..=12).contains(&a) && (1..=31).contains(&b)
        || (1..=12).contains(&b) && (1..=31).contains(&a);
    let month_year = (1..=12).contains(&a) && b >= 32 && dlen == 2;
    if !(day_month || month_year) {
        return;
    }
    // 24/7.
    if a == 24 && b == 7 {
        return;
    }
    // Small proper fractions: 1/2, 1/3, 2/3, 1/4, 3/4.
    if a < b && b <= 4 {
        return;
    }
    let prev = prev_words(text, m.start(), 2);
    let p1 = prev.first().map_or("", String::as_str);
    if MEASURE.contains(&p1) {
        return;
    }
    let nw = next_word(text, m.end());
    if UNIT_AFTER.contains(&nw.as_str()) {
        return;
    }
    // UK durations: 3/7 (days), 2/52 (weeks), 6/12 (months), 8/24 (hours).
    // Weeks (x/52) are never a day and month; x/52 as March 1952 would need a date cue.
    if b == 52 && a < 52 && !DATE_CUE.contains(&p1) {
        return;
    }
    if matches!(b, 7 | 12 | 24 | 52)
        && a < b
        && (matches!(
            p1,
            "for"
                | "x"
                | "over"
                | "past"
                | "last"
                | "within"
                | "next"
                | "after"
                | "actually"
                | "approx"
                | "approximately"
                | "about"
                | "around"
                | "roughly"
                | "nearly"
                | "almost"
                | "only"
                | "just"
        ) || matches!(
            nw.as_str(),
            "ago"
                | "hx"
                | "history"
                | "hist"
                | "duration"
                | "post"
                | "later"
                | "course"
                | "of"
                | "prior"
        ))
    {
        return;
    }
    let mut ev = vec![Evidence::Plausible, Evidence::Shape];
    if DATE_CUE.contains(&p1) {
        ev.push(Evidence::ContextWord(Cue::Date));
    }
    let msg = if month_year && !day_month {
        "date (month and year)"
    } else {
        "date (day and month)"
    };
    push_date(text, Span::new(m.start(), m.end()), msg, ev, out);
}

/// Ventilator words: a slashed pair near them is a setting (PS/PEEP), not a date.
const VENT: &[&str] = &[
    "peep",
    "psv",
    "ps",
    "cpap",
    "ips",
    "bipap",
    "imv",
    "simv",
    "vent",
    "vented",
    "ventilation",
    "settings",
    "flowby",
    "fio2",
    "prvc",
    "aprv",
    "ventilator",
    "ps/peep",
    "cpap/ps",
    "ps/cpap",
    "psv/cpap",
    "cpap/psv",
    "ips/cpap",
    "cpap/ips",
    "mode",
];

/// Pain words: `n/10` near them is a pain score.
const PAIN: &[&str] = &[
    "pain",
    "cp",
    "c/o",
    "angina",
    "discomfort",
    "ha",
    "headache",
    "pressure",
    "ache",
    "aching",
    "rated",
    "rates",
    "rating",
    "scale",
    "hurts",
    "sore",
    "soreness",
    "incisional",
    "cramping",
];

/// Text before `pos` on the same line and in the same clause (cut at ". ", ";", "(", ")").
fn clause_before(text: &str, pos: usize, max: usize) -> &str {
    let s = before_on_line(text, pos, max);
    // A bracket right before the candidate ("cpap/ps (10/5)") does not end the clause.
    let t = s.trim_end_matches([' ', '(']);
    let open = if t.len() < s.len() {
        t.rfind('(')
    } else {
        s.rfind('(')
    };
    let cut = [s.rfind(". "), s.rfind(';'), open, s.rfind(')')]
        .into_iter()
        .flatten()
        .max();
    match cut {
        Some(i) => &s[i + 1..],
        None => s,
    }
}

/// The next `n` words after `pos` on the same line, lower-cased.
fn after_words(text: &str, pos: usize, n: usize) -> Vec<String> {
    let s = crate::validators::after_on_line(text, pos, 40);
    let s = match (s.find(". "), s.find(';')) {
        (Some(x), Some(y)) => &s[..x.min(y)],
        (Some(x), None) | (None, Some(x)) => &s[..x],
        (None, None) => s,
    };
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '/'))
        .filter(|w| !w.is_empty())
        .take(n)
        .map(str::to_ascii_lowercase)
        .collect()
}

fn scan_year4(text: &str, c: &Caps<'_>, m: M<'_>, out: &mut Vec<Finding>) {
    let y = num(c, "y4");
    if !(1900..=2029).contains(&y) || glued_before(text, m.start()) || glued_after(text, m.end()) {
        return;
    }
    let end = c.name("dec").map_or(m.end(), |d| d.end());
    let nw = next_word(text, end);
    if is_unit_word(&nw) || text[end..].starts_with(['%', '/']) {
        return;
    }
    let prev = prev_words(text, m.start(), 3);
    let p1 = prev.first().map_or("", String::as_str);
    let near_cue = prev.iter().any(|w| is_event_word(w) || month_index_full(w));
    let strong = event_before(text, m.start()) || pmh_line(text, m.start());
    if !(near_cue || strong) {
        return;
    }
    // A clock time: "since 2000", "until 1930", "@ 2000", "approx 2030".
    let clock = y % 100 < 60 && y / 100 < 24;
    let round = matches!(y % 100, 0 | 15 | 30 | 45);
    if c.name("dec").is_some() && !strong {
        return;
    }
    let raw_before = before_on_line(text, m.start(), 3).trim_end();
    if clock
        && (raw_before.ends_with('@')
            || matches!(
                p1,
                "at" | "to"
                    | "approx"
                    | "around"
                    | "about"
                    | "until"
                    | "till"
                    | "by"
                    | "after"
                    | "before"
            )
            || round && !strong)
    {
        return;
    }
    push_date(
        text,
        Span::new(m.start(), end),
        "year in a date context",
        vec![Evidence::ContextWord(Cue::Date), Evidence::Plausible],
        out,
    );
}

/// Specific dated-event words (not generic cues) among the two previous words.
const EVENT_STRONG: &[&str] = &[
    "mi",
    "ami",
    "imi",
    "nstemi",
    "stemi",
    "cabg",
    "cva",
    "tia",
    "avr",
    "mvr",
    "ptca",
    "pci",
    "stent",
    "stents",
    "redo",
    "dx",
    "diagnosed",
    "surgery",
    "ablation",
    "cholecystectomy",
    "chole",
    "appendectomy",
    "nephrectomy",
    "mastectomy",
    "lobectomy",
    "colectomy",
    "hysterectomy",
    "tah",
    "turp",
    "cardioversion",
    "bypass",
    "transplant",
    "thyroidectomy",
    "stroke",
    "mva",
    "ca",
    "cancer",
    "repair",
    "fracture",
    "fx",
    "pacer",
    "pacemaker",
    "aicd",
    "ppm",
    "s/p",
    "died",
    "deceased",
    "married",
    "retired",
    "widowed",
    "divorced",
    "born",
];

fn event_before(text: &str, pos: usize) -> bool {
    let w = prev_words(text, pos, 3);
    w.iter().take(3).any(|x| EVENT_STRONG.contains(&x.as_str()))
}

fn pmh_line(text: &str, pos: usize) -> bool {
    let line = line_prefix(text, pos).to_ascii_lowercase();
    [
        "pmh",
        "pmhx",
        "psh",
        "past medical",
        "past hx",
        "hx:",
        "history:",
    ]
    .iter()
    .any(|k| line.contains(k))
}

fn month_index_full(w: &str) -> bool {
    matches!(
        w,
        "january"
            | "february"
            | "march"
            | "april"
            | "june"
            | "july"
            | "august"
            | "september"
            | "sept"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "oct"
            | "nov"
    )
}

/// The detectors of this module.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Dates)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use clinpost_core::Context;

    fn run(t: &str) -> Vec<(&'static str, String)> {
        let ctx = Context::default();
        let mut v = Vec::new();
        Dates.check(&Document::new(t, &ctx), &mut v);
        v.into_iter()
            .map(|f| (f.rule.code, t[f.span.start..f.span.end].to_string()))
            .collect()
    }

    fn spans(t: &str) -> Vec<String> {
        run(t).into_iter().map(|x| x.1).collect()
    }

    /// The plain candidate loop over the whole text, which the triggers must reproduce.
    fn full(t: &str) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        run_from(
            t,
            t.len(),
            0,
            usize::MAX,
            &mut CANDIDATE.capture_locations(),
            &mut v,
        );
        v.into_iter()
            .map(|f| (f.rule.code, t[f.span.start..f.span.end].to_string()))
            .collect()
    }

    #[test]
    fn triggers_find_what_the_full_loop_finds() {
        for t in [
            "PMH: MI 92, CABG x2 in 94 and 00, mastectomies 11/92",
            "she is \u{a0}  93, he's 97, Mum turned\n100, aged:about 95",
            "  93 M s/p fall\n\t101 yo F",
            "on\u{2003}7-8 for coiling; seen 1->2 nov, 96; March 12th, 1941",
            "the 11th of March, Tuesday 14th, in Sep, May 3, dec 12, '92, 74'",
            "one hundred and two years old, ninety-one y/o, 12/03/1941, 2024-03-12",
            "10/03/10/04 bp 90-100/40's 7.5/3.5/43 v1.2.93 1980s since 2000",
            "12 march 1941 MARCH OF 1993 nov '96 Jan 5 jan 5 May be",
        ] {
            assert_eq!(run(t), full(t), "{t}");
        }
    }

    #[test]
    fn group_indexes_match_the_regex() {
        assert_eq!(CANDIDATE.captures_len(), GROUPS);
        for (i, n) in CANDIDATE.capture_names().enumerate() {
            if let Some(n) = n {
                assert_eq!(group_index(n), i, "{n}");
            }
        }
    }

    #[test]
    fn numeric_dates() {
        assert_eq!(
            spans("on 12/03/1941 and 12.03.41"),
            ["12/03/1941", "12.03.41"]
        );
        assert_eq!(spans("3-24-17 B: neuro"), ["3-24-17"]);
        assert_eq!(spans("11/21.93 neuro"), ["11/21.93"]);
        assert_eq!(spans("on10/14/82> to hct"), ["10/14/82"]);
        assert_eq!(spans("2024-03-12"), ["2024-03-12"]);
        assert_eq!(
            spans("7/22 found; 10/15; 12/82; 2/21, 4/21"),
            ["7/22", "10/15", "12/82", "2/21", "4/21"]
        );
        assert_eq!(spans("TREATMENTS 10/03/10/04 AND"), ["10/03/10/04"]);
        assert_eq!(spans("(3.3 3/25)"), ["3/25"]);
        assert_eq!(spans("returned to OR on 7-8 for coiling"), ["7-8"]);
    }

    #[test]
    fn not_dates() {
        for t in [
            "1/2 NS at 100",
            "1/2 tab",
            "BP 120/80",
            "GCS 15/15",
            "24/7",
            "drank 2/3 bottles",
            "ABG 7.39/43/137/27",
            "PS 10/5 PEEP 5",
            "strength 5/5",
            "pain 8/10",
            "cough for 3/7",
            "0700-1900",
            "2020 vision",
            "1000 units",
            "90 mg",
            "since 2000 HR stable",
            "on 2-3 L NC",
            "the 4th time",
            "version 1.2.3",
            "1 1/2 tabs",
        ] {
            assert!(run(t).is_empty(), "{t}: {:?}", run(t));
        }
    }

    #[test]
    fn month_names() {
        assert_eq!(spans("12 March 1941"), ["12 March 1941"]);
        assert_eq!(spans("the 12th of March"), ["12th of March"]);
        assert_eq!(spans("March 12th and Mar 12"), ["March 12th", "Mar 12"]);
        assert_eq!(spans("1->2 nov, 96  \n"), ["1->2 nov, 96"]);
        assert_eq!(spans("21 Apr, 21 0700"), ["21 Apr, 21"]);
        assert_eq!(spans("IN THIS CASE MARCH OF 1993.)"), ["MARCH OF 1993"]);
        assert_eq!(spans("with brother) in sept. and"), ["sept"]);
        assert_eq!(spans("on Tuesday 14th"), ["14th"]);
        assert_eq!(spans("on the 11th. One"), ["11th"]);
        assert!(run("pt may need more").is_empty());
        assert!(run("dec 2 L").is_empty());
    }

    #[test]
    fn years() {
        assert_eq!(spans("S/P MI 1992; LCX"), ["1992"]);
        assert_eq!(
            spans("pmh: cad--s/p mi '92 \n s/p cabg/mvr '95 "),
            ["'92", "'95"]
        );
        assert_eq!(spans("CVA 74'. \n CHOLECYSTECTOMY 77'."), ["74", "77"]);
        assert_eq!(spans("PMHX CVA in 94 and 00 affected"), ["94", "00"]);
        assert_eq!(
            spans("CABG 81, Redo CABG 84, MVR,MI 81,HTN"),
            ["81", "84", "81"]
        );
        assert_eq!(spans("POSSIBLE MI IN 1980S AFTER"), ["1980S"]);
        assert_eq!(spans("PMH: RENAL CELL CA 1977,S/P"), ["1977"]);
        assert_eq!(spans("since 2004"), ["2004"]);
        assert!(run("pt's BP rec'd 12").is_empty());
    }

    #[test]
    fn dob_and_age() {
        assert_eq!(run("DOB: 12/03/41"), [("PHI003", "12/03/41".to_string())]);
        assert_eq!(run("98 yo gentleman"), [("PHI005", "98".to_string())]);
        assert_eq!(
            run("\n \n98 s/p left hip fx"),
            [("PHI005", "98".to_string())]
        );
        assert_eq!(run("aged 93"), [("PHI005", "93".to_string())]);
        assert_eq!(run("a 101-year-old"), [("PHI005", "101".to_string())]);
        assert_eq!(run("ninety-one years old")[0].0, "PHI005");
        assert!(run("HR 96, sats 94, 89 yo, 45yo").is_empty());
    }
}
