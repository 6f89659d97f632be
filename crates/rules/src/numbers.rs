//! Health-service numbers and National Insurance numbers.
//!
//! One detector, one combined regex: ten-digit candidates (3-3-4, 6-4 or run together) and
//! NINO-shaped candidates. A ten-digit candidate is an NHS number only when the modulus-11 check
//! passes (NHS England/Wales, CHI Scotland with its date prefix, H&C Northern Ireland by range);
//! a checksum failure is never reported as an NHS number, but behind an explicit label ("NHS no",
//! "CHI") it is still a record number and is reported as `nhs-number-unverified` at low
//! confidence. Trade-off: about one random ten-digit number in eleven passes the check, so an
//! unlabelled candidate inside a phone context (a phone cue before it, digits glued on either
//! side) is left to the phone detector.

use std::sync::LazyLock;

use clinpost_core::{
    Category, Detector, Document, Evidence, Finding, Kind, RuleMeta, Severity, Span,
};
use regex::Regex;

use crate::validators::{
    before_on_line, break_table, byte_at, byte_before, ceil_boundary, chi_valid, digit_count16,
    digits_of, floor_boundary, hc_range, next_break, nhs_mod11, nino_prefix_valid,
};

const GUIDANCE: &[&str] = &["gmc-sm/no-public-patient-discussion", "hipaa/safe-harbor"];

/// PHI001: a checksum-valid NHS, CHI or H&C number.
pub static NHS_NUMBER: RuleMeta = RuleMeta {
    code: "PHI001",
    name: "nhs-number",
    category: Category::Identifier,
    kind: Kind::NhsNumber,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "An NHS (England/Wales), CHI (Scotland) or H&C (Northern Ireland) number that passes its check digit.",
    docs: "## What it does\n\
Finds ten-digit numbers written as 3-3-4, 6-4 or run together that pass the modulus-11 check \
digit used by NHS numbers in England and Wales, CHI numbers in Scotland (which also start with \
the date of birth) and H&C numbers in Northern Ireland (320 000 0000 – 399 999 9999). A number \
that fails the check is not reported here.\n\n\
## Why it matters\n\
An NHS number identifies exactly one patient for life. Posting it is a breach of confidentiality \
however little else is said.\n\n\
## Example\n\
`Reviewed NHS no 943 476 5919 in clinic today` is reported; `Order 943 476 5918` (check digit \
fails) is not.\n\n\
## Fix\n\
Remove the number. The safe fix replaces it with `[NHS number]`.\n",
    placeholder: Some("[NHS number]"),
    priority: 90,
    true_samples: &[
        "Reviewed NHS no «943 476 5919» in clinic today.",
        "Patient «9434765919» was discharged.",
        "Her number is «943-476-5919», please check.",
        "CHI «120341 1235» on the referral.",
    ],
    false_samples: &[
        "Order reference 943 476 5918 shipped.",
        "Call 0161 496 0000 for the clinic.",
        "Population of 94347659 in the region.",
        "Tel 943 476 5919 ext 2.",
    ],
};

/// PHI017: a labelled ten-digit NHS/CHI/H&C number whose check digit fails.
pub static NHS_NUMBER_UNVERIFIED: RuleMeta = RuleMeta {
    code: "PHI017",
    name: "nhs-number-unverified",
    category: Category::Identifier,
    kind: Kind::OtherId,
    severity: Severity::Warning,
    guidance: GUIDANCE,
    summary: "A ten-digit number labelled as an NHS, CHI or H&C number whose check digit fails.",
    docs: "## What it does\n\
Reports a ten-digit number written straight after an NHS, CHI or H&C label (\"NHS no\", \
\"NHS number:\", \"NHS#\", \"CHI\") when its modulus-11 check digit fails. It is probably a \
mistyped patient number, so it is reported at low confidence as another identifying number.\n\n\
## Why it matters\n\
A mistyped NHS number still points at a record, and the label tells everyone what it is.\n\n\
## Example\n\
`NHS no: 943 476 5918` is reported; `943 476 5918` without a label is not.\n\n\
## Fix\n\
Remove the number and its label. The safe fix replaces the number with `[id]`.\n",
    placeholder: Some("[id]"),
    priority: 85,
    true_samples: &[
        "NHS no: «943 476 5918»",
        "NHS number «1234567890» on the letter",
        "CHI «1203411234» in the notes",
    ],
    false_samples: &[
        "Reference 943 476 5918",
        "NHS no: 943 476 5919",
        "NHS staff numbered 1234 in 2020",
    ],
};

/// PHI013: a UK National Insurance number.
pub static NATIONAL_INSURANCE_NUMBER: RuleMeta = RuleMeta {
    code: "PHI013",
    name: "national-insurance-number",
    category: Category::Identifier,
    kind: Kind::NationalInsuranceNumber,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "A UK National Insurance number (two allocatable letters, six digits, suffix A-D).",
    docs: "## What it does\n\
Finds UK National Insurance numbers: two prefix letters that can be allocated (not D, F, I, Q, \
U, V first; not D, F, I, O, Q, U, V second; not BG, GB, KN, NK, NT, TN or ZZ), six digits, and \
an optional suffix A-D, with or without spaces. Lower-case candidates need a label.\n\n\
## Why it matters\n\
A National Insurance number identifies one person for life and is used for identity fraud.\n\n\
## Example\n\
`NI number AB 12 34 56 C` is reported; `QQ 12 34 56 C` (unallocated prefix) is not.\n\n\
## Fix\n\
Remove it. The safe fix replaces it with `[NI number]`.\n",
    placeholder: Some("[NI number]"),
    priority: 85,
    true_samples: &[
        "NI number «AB 12 34 56 C» on the form",
        "His NINO is «JG123456A».",
        "national insurance: «ce 12 34 56 d»",
    ],
    false_samples: &[
        "QQ 12 34 56 C is the example prefix",
        "GB 12 34 56 A is not allocated",
        "Ab 12 34 56 in lower case without a label",
    ],
};

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(?:(?P<ten>[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}|[0-9]{6}[ -][0-9]{4})|(?P<ni>[A-Za-z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2}(?: ?[A-Da-d])?))(?-u:\b)",
    )
    .expect("numbers regex")
});

/// Bytes no CANDIDATE match can contain (anything but ASCII letters, digits, space and '-').
static BREAK: [bool; 256] = break_table(&[
    (b'0', b'9'),
    (b'A', b'Z'),
    (b'a', b'z'),
    (b' ', b' '),
    (b'-', b'-'),
]);

/// Indexes of CANDIDATE's groups `ten` and `ni`.
static GROUPS: LazyLock<(usize, usize)> = LazyLock::new(|| (group_index("ten"), group_index("ni")));

/// Index of a named group of CANDIDATE.
fn group_index(name: &str) -> usize {
    CANDIDATE
        .capture_names()
        .position(|n| n == Some(name))
        .expect("group")
}

static NHS_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:nhs|chi|h ?& ?c|health and care)(?:\s*(?:no\.?|nos\.?|number|num|#))?\s*(?:is|was)?\s*[:#.=-]?\s*$",
    )
    .expect("nhs label regex")
});

static NI_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:nino|ni|nat\.? ins\.?|national insurance)(?:\s*(?:no\.?|number|num|#))?\s*(?:is|was)?\s*[:#.=-]?\s*$",
    )
    .expect("ni label regex")
});

static PHONE_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:tel|telephone|phone|ph|mob|mobile|cell|home|work|fax|call|ring|text|ext|pager|contact|whatsapp)\b[^0-9]{0,6}$",
    )
    .expect("phone cue regex")
});

struct Numbers;

impl Detector for Numbers {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 3] = [
            &NHS_NUMBER,
            &NHS_NUMBER_UNVERIFIED,
            &NATIONAL_INSURANCE_NUMBER,
        ];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        let b = text.as_bytes();
        // Every candidate holds six digits within eight bytes (3-3 or 6 digits of a ten-digit
        // run, 2-2-2 of a NINO), so within two neighbouring aligned 16-byte chunks; and it starts
        // at most three bytes before them. Chunks are counted cheaply; the regex only runs from
        // there to the next byte no candidate can contain, which gives the same matches as a
        // search over the whole text (`captures_iter` order included).
        // Made on the first window: most notes have none.
        let mut locs = None;
        let (ten, ni) = *GROUPS;
        let mut pos = 0;
        let mut chunk = 0;
        let mut prev = 0;
        while chunk < b.len() {
            let cur = digit_count16(b, chunk);
            if prev + cur < 6 {
                prev = cur;
                chunk += 16;
                continue;
            }
            let start = floor_boundary(text, chunk.saturating_sub(16 + 3)).max(pos);
            // From a char boundary, the first non-ASCII break byte is a lead byte: a boundary.
            let from = ceil_boundary(text, (chunk + 16).max(start));
            let end = next_break(b, from, &BREAK);
            let hay = &text[..end];
            let mut p = start;
            let locs = locs.get_or_insert_with(|| CANDIDATE.capture_locations());
            while let Some(m) = CANDIDATE.captures_read_at(locs, hay, p) {
                if let Some((s, e)) = locs.get(ten) {
                    check_ten(text, s, e, out);
                } else if let Some((s, e)) = locs.get(ni) {
                    check_nino(text, s, e, out);
                }
                p = m.end();
            }
            pos = end;
            chunk = (end / 16 * 16).max(chunk + 16);
            prev = 0;
        }
    }
}

fn check_ten(text: &str, start: usize, end: usize, out: &mut Vec<Finding>) {
    let Some(d) = digits_of(&text[start..end]) else {
        return;
    };
    let before = before_on_line(text, start, 40);
    let labelled = NHS_LABEL.is_match(before);
    // Glued to other digits ("0207 943 476 5919", "+44 ...", "943 476 5919 2") → part of
    // something longer, unless the label says otherwise.
    let glued_before = matches!(byte_before(text, start), Some(b'+' | b'.' | b'/'))
        || (matches!(byte_before(text, start), Some(b' ' | b'-'))
            && start >= 2
            && text.as_bytes()[start - 2].is_ascii_digit());
    let glued_after = matches!(byte_at(text, end), Some(b'.' | b'/'))
        && text.as_bytes().get(end + 1).is_some_and(u8::is_ascii_digit)
        || (matches!(byte_at(text, end), Some(b' ' | b'-'))
            && text.as_bytes().get(end + 1).is_some_and(u8::is_ascii_digit));
    if !labelled && (glued_before || glued_after || PHONE_CUE.is_match(before)) {
        return;
    }
    let span = Span::new(start, end);
    if nhs_mod11(&d) {
        let lead = d[0] as u32 * 100 + d[1] as u32 * 10 + d[2] as u32;
        let msg = if hc_range(&d) {
            "H&C number (checksum valid)"
        } else if lead < 320 && chi_valid(&d) {
            "CHI number (checksum and date valid)"
        } else {
            "NHS number (checksum valid)"
        };
        let mut ev = vec![Evidence::ChecksumValid];
        if labelled {
            ev.push(Evidence::Label);
        }
        out.push(Finding::new(&NHS_NUMBER, span, msg, ev));
    } else if labelled {
        out.push(Finding::new(
            &NHS_NUMBER_UNVERIFIED,
            span,
            "labelled NHS/CHI/H&C number (checksum fails: possibly mistyped)",
            vec![Evidence::Label, Evidence::ChecksumFailed],
        ));
    }
}

fn check_nino(text: &str, start: usize, end: usize, out: &mut Vec<Finding>) {
    let s = &text.as_bytes()[start..end];
    if !nino_prefix_valid(&s[..2]) {
        return;
    }
    let labelled = NI_LABEL.is_match(before_on_line(text, start, 40));
    let upper = s.iter().all(|b| !b.is_ascii_lowercase());
    if !upper && !labelled {
        return;
    }
    // The spaced form must group as 2-2-2; "AB 1234 56" is something else.
    let digits: Vec<u8> = s[2..].iter().copied().filter(u8::is_ascii_digit).collect();
    if digits.len() != 6 {
        return;
    }
    let has_suffix = s.last().is_some_and(|b| b.is_ascii_alphabetic());
    if !labelled && !has_suffix && digits.iter().all(|&b| b == digits[0]) {
        return;
    }
    let mut ev = vec![Evidence::FormatValid];
    if labelled {
        ev.push(Evidence::Label);
    }
    out.push(Finding::new(
        &NATIONAL_INSURANCE_NUMBER,
        Span::new(start, end),
        "National Insurance number (valid prefix)",
        ev,
    ));
}

/// The detectors of this module.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Numbers)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use clinpost_core::{Confidence, Context};

    fn run(t: &str) -> Vec<Finding> {
        let ctx = Context::default();
        let mut v = Vec::new();
        Numbers.check(&Document::new(t, &ctx), &mut v);
        v
    }

    #[test]
    fn nhs_valid_and_invalid() {
        let f = run("NHS no 943 476 5919");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule.code, "PHI001");
        assert_eq!(f[0].confidence, Confidence::High);
        assert_eq!(f[0].message, "NHS number (checksum valid)");
        let f = run("NHS no 943 476 5918");
        assert_eq!(f[0].rule.code, "PHI017");
        assert_eq!(f[0].confidence, Confidence::Low);
        assert!(run("ref 943 476 5918").is_empty());
    }

    #[test]
    fn chi_and_hc() {
        let f = run("CHI 1203411235");
        assert_eq!(f[0].message, "CHI number (checksum and date valid)");
        let f = run("H&C 320 000 0007");
        assert_eq!(f[0].message, "H&C number (checksum valid)");
    }

    #[test]
    fn phone_context_suppresses_unlabelled() {
        assert!(run("tel 943 476 5919").is_empty());
        assert!(run("0207 943 476 5919").is_empty());
    }

    #[test]
    fn nino() {
        assert_eq!(run("AB 12 34 56 C")[0].rule.code, "PHI013");
        assert_eq!(run("AB123456C").len(), 1);
        assert!(run("QQ 12 34 56 C").is_empty());
        assert!(run("ab 12 34 56 c").is_empty());
        assert_eq!(run("NI no: ab 12 34 56 c").len(), 1);
    }
}
