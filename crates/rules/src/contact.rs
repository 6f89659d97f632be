//! Contact details: telephone and pager numbers, email addresses, web addresses and social
//! media handles.
//!
//! One detector and one combined regex with a named group per shape; leftmost-first order puts
//! emails before bare domains and handles, so `a@b.com` is one email, not a handle and a domain.
//! Phone shapes are validated after matching (digit counts, glued digits, the NANP rule that an
//! area code and exchange do not start with 0 or 1) because a clinical note is full of digit
//! runs that are not phones: times (`0700-1900`), blood pressures (`120/80`), ranges and doses.
//! Short numbers (pagers, bleeps, extensions) are only phones behind an explicit label.

use std::sync::LazyLock;

use clinpost_core::{
    Category, Cue, Detector, Document, Evidence, Finding, Kind, RuleMeta, Severity, Span,
};
use regex::Regex;

use crate::validators::{before_on_line, byte_at, byte_before, ceil_boundary};

const GUIDANCE: &[&str] = &["gmc-sm/no-public-patient-discussion", "hipaa/safe-harbor"];

/// PHI006: a telephone, mobile, pager or bleep number.
pub static PHONE: RuleMeta = RuleMeta {
    code: "PHI006",
    name: "phone",
    category: Category::Identifier,
    kind: Kind::Phone,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "A telephone, mobile, pager, bleep or extension number.",
    docs: "## What it does\n\
Finds UK landline and mobile numbers (`07700 900123`, `0161 496 0000`, `+44 (0)20 7946 0958`), \
international numbers (`+1 ...`, `+353 ...`), North American numbers (`301-680-6286`, \
`(301) 680-6286`) and, behind a label only, short pager, bleep and extension numbers \
(`pager #54321`, `bleep 1234`, `ext 4567`). Times, blood pressures, ranges and doses are not \
phone numbers.\n\n\
## Why it matters\n\
A phone number leads straight to a person (a patient, a relative) or to the ward that treated \
them.\n\n\
## Example\n\
`Daughter's mobile 07700 900123` is reported; `shift 0700-1900` is not.\n\n\
## Fix\n\
Remove the number. The safe fix replaces it with `[phone]`.\n",
    placeholder: Some("[phone]"),
    priority: 60,
    true_samples: &[
        "Daughter's mobile «07700 900123», call after 5.",
        "Home «301-680-6286» Office «410-164-4517»",
        "Pager: #«54321»",
        "Ring the ward on «+44 (0)20 7946 0958».",
        "bleep «1234» if worried",
        "son «(240444-1243)» was in",
    ],
    false_samples: &[
        "Shift 0700-1900, BP 120/80, HR 80-90.",
        "Give 1000 units at 0800.",
        "Pager not working today",
        "Glucose 5.8 then 7.2 at 1230",
    ],
};

/// PHI007: an email address.
pub static EMAIL: RuleMeta = RuleMeta {
    code: "PHI007",
    name: "email",
    category: Category::Identifier,
    kind: Kind::Email,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "An email address.",
    docs: "## What it does\n\
Finds email addresses (`name@example.com`).\n\n\
## Why it matters\n\
An email address usually names its owner and always reaches them.\n\n\
## Example\n\
`Her son emailed from j.bloggs@example.com` is reported.\n\n\
## Fix\n\
Remove it. The safe fix replaces it with `[email]`.\n",
    placeholder: Some("[email]"),
    priority: 80,
    true_samples: &[
        "Her son emailed from «j.bloggs@example.com» today.",
        "Contact: «ward7.nurses@nhs.net»",
        "mail «A.Patient+notes@gmail.co.uk» now",
    ],
    false_samples: &[
        "Meet @ 10am in clinic",
        "Give 5mg @ night",
        "email me later about it",
    ],
};

/// PHI008: a web address.
pub static URL: RuleMeta = RuleMeta {
    code: "PHI008",
    name: "url",
    category: Category::Identifier,
    kind: Kind::Url,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "A web address (http(s)://, www., or a bare domain with a known top-level domain).",
    docs: "## What it does\n\
Finds web addresses: anything starting `http://`, `https://` or `www.`, and bare lower-case \
domains ending in a common top-level domain (`example.com`, `trust.nhs.uk`).\n\n\
## Why it matters\n\
A link can point at a fundraising page, a news story or a profile that names the patient.\n\n\
## Example\n\
`See https://example.com/story/123` is reported.\n\n\
## Fix\n\
Remove the link. The safe fix replaces it with `[url]`.\n",
    placeholder: Some("[url]"),
    priority: 75,
    true_samples: &[
        "See «https://example.com/story/123» for the story.",
        "Her page at «www.gofundme.com/f/help-mum» is up",
        "Details on «ourpractice.nhs.uk» today",
    ],
    false_samples: &[
        "Pt.Ct. stable, e.g. no change",
        "Ward 3.Com-fortable overnight",
        "Sats 94.Org function normal",
    ],
};

/// PHI009: a social media handle.
pub static SOCIAL_HANDLE: RuleMeta = RuleMeta {
    code: "PHI009",
    name: "social-handle",
    category: Category::Identifier,
    kind: Kind::SocialHandle,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "A social media handle (@name).",
    docs: "## What it does\n\
Finds social media handles: `@` followed by a letter or underscore and up to 29 letters, digits \
or underscores, not part of an email address. `@ 10am` and `@5mg` are not handles.\n\n\
## Why it matters\n\
Tagging or naming an account points readers at a person.\n\n\
## Example\n\
`Thanks to @jane_doe_88 for sharing` is reported.\n\n\
## Fix\n\
Remove the handle. The safe fix replaces it with `[handle]`.\n",
    placeholder: Some("[handle]"),
    priority: 70,
    true_samples: &[
        "Thanks to «@jane_doe_88» for sharing",
        "her son «@BigDave» tagged us",
        "(«@someone») replied",
    ],
    false_samples: &[
        "Meet @ 10am in clinic",
        "Give 5mg @5pm",
        "write to a.b@example.com",
    ],
};

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<email>[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,})",
        r"|(?P<url>(?i:https?://|www\.)[^\s<>\x22'\[\]{}|\\^`]+)",
        r"|(?P<handle>@[A-Za-z_][A-Za-z0-9_]{1,29})",
        r"|(?P<dom>(?-u:\b)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:com|org|net|edu|gov|io|info|uk|ie|eu|us|ca|au|nz|de|fr|app|dev|health|scot|wales)(?-u:\b)(?:/[^\s<>\x22'\[\]{}]*)?)",
        r"|(?P<short>(?i:pager|beeper|bleep|bleeper|pg|page|ext|extn|extension)\.?(?:\s*(?i:number|no\.?|num|#))?\s*[:#]?\s*#?\s*(?P<sv>[0-9]{3,6}))(?-u:\b)",
        r"|(?P<uk>(?:\+44[ -]?(?:\(0\)[ -]?)?[1-9][0-9]{1,4}|\(0[1-9][0-9]{1,4}\)|0[1-9][0-9]{1,4})(?:[ -]?[0-9]{3,6}){1,2})(?-u:\b)",
        r"|(?P<intl>\+[1-9][0-9]{0,2}[ -]?(?:\([0-9]{1,4}\)[ -]?)?[0-9]{1,4}(?:[ -]?[0-9]{2,6}){1,4})(?-u:\b)",
        r"|(?P<us>\([2-9][0-9]{2}\)[ .-]?[2-9][0-9]{2}[ .-]?[0-9]{4}|(?-u:\b)[2-9][0-9]{2}-[0-9]{3}-[0-9]{4}|(?-u:\b)[2-9][0-9]{2}(?P<sep>[ .-])[2-9][0-9]{2}[ .-][0-9]{4}|\([2-9][0-9]{5}-[0-9]{4}\)|\([2-9][0-9]{2} [0-9]{3} [0-9]{4,5}\))",
    ))
    .expect("contact regex")
});

static CONTACT_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:tel|telephone|phone|ph|mob|mobile|cell|home|work|office|fax|call|ring|text|contact|whatsapp|w|h|m|number|no)(?-u:\b)[^0-9A-Za-z]{0,8}$",
    )
    .expect("contact cue regex")
});

/// Words written after "@" meaning "at" in clinical shorthand.
const AT_WORDS: &[&str] = &[
    "goal",
    "rest",
    "home",
    "night",
    "nite",
    "bedside",
    "hs",
    "noc",
    "baseline",
    "times",
    "present",
    "this",
    "that",
    "the",
    "noon",
    "midnight",
    "rate",
    "kvo",
    "tkvo",
    "bedtime",
    "shift",
    "start",
    "end",
    "least",
    "most",
    "all",
    "once",
    "approx",
    "about",
    "around",
    "time",
    "lunch",
    "dinner",
    "breakfast",
    "meals",
    "work",
    "school",
    "hospital",
    "clinic",
    "ward",
    "desk",
    "station",
    "osh",
    "rehab",
    "nursing",
    "level",
    "ease",
    "risk",
    "max",
    "min",
    "first",
    "last",
    "same",
];

struct Contact;

impl Detector for Contact {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 4] = [&PHONE, &EMAIL, &URL, &SOCIAL_HANDLE];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        let b = text.as_bytes();
        // Prefilter: contacts need a digit, '@' or a '.'.
        // (Sixteen bytes at a time without an early exit inside, which the compiler can
        // vectorise; the result is that of `any` over the bytes.)
        if !b.chunks(16).any(|c| {
            c.iter().fold(false, |a, &c| {
                a | (c.is_ascii_digit() | (c == b'@') | (c == b'.'))
            })
        }) {
            return;
        }
        if !text.is_ascii() && text.contains(['\u{17F}', '\u{212A}']) {
            // Case-insensitive letters also match the Kelvin sign and the long s; the triggers
            // read ASCII only, so such (rare) texts take the plain loop.
            run_from(text, text.len(), 0, usize::MAX, out);
            return;
        }
        // After a rejected candidate the search resumes one character after its start, so
        // skipping a stretch where no candidate could be reported changes nothing: the regex
        // only runs from cheap triggers ('@', "://", "www.", a domain ending, '+' or '(' before
        // a digit, digit runs of a phone's or a labelled short number's shape), each giving
        // the stretch `rs..=re` where a reportable candidate may start.
        let mut regions: Vec<(usize, usize)> = Vec::new();
        triggers(text, &mut regions);
        crate::validators::merge_regions(&mut regions);
        let mut pos = 0;
        for &(rs, re) in &regions {
            let from = ceil_boundary(text, pos.max(rs));
            if from > re || from >= text.len() {
                continue;
            }
            pos = run_from(text, cut_after(b, re), from, re, out);
        }
    }
}

/// The candidate loop from `pos`, on `text[..cut]`, for candidates starting at or before
/// `last`. Returns where the loop would resume.
fn run_from(text: &str, cut: usize, mut pos: usize, last: usize, out: &mut Vec<Finding>) -> usize {
    let hay = &text[..cut];
    let b = text.as_bytes();
    // Where the next candidate starts, without the capture engine.
    while let Some(m) = CANDIDATE.find_at(hay, pos).filter(|m| m.start() <= last) {
        // Its groups: the leftmost match from its start, on `hay` cut again at the first ASCII
        // non-word byte at or after its end, is the same match. Every way of matching that
        // ends by then reads the same bytes, and `\b` (the regex's only assertion) reads the
        // same at such a cut, so no way that failed on `hay` can succeed there; the capture
        // engine then only has the match's own bytes to cover, not the rest of `hay`.
        let mut e = m.end();
        while e < cut && (b[e] >= 0x80 || b[e].is_ascii_alphanumeric() || b[e] == b'_') {
            e += 1;
        }
        let c = CANDIDATE
            .captures_at(&text[..e], m.start())
            .expect("found above");
        let whole = c.get(0).expect("group 0");
        let before = out.len();
        Contact.one(text, &c, out);
        pos = if out.len() > before {
            whole.end()
        } else {
            crate::dates::next_char(text, whole.start())
        };
        if pos >= text.len() {
            return pos;
        }
    }
    ceil_boundary(text, last.saturating_add(1)).max(pos)
}

/// Whitespace, control and non-ASCII bytes (which hold the Unicode spaces).
#[inline]
fn soft(x: u8) -> bool {
    x <= b' ' || x >= 0x80
}

/// A haystack end after `re` that no candidate starting at or before `re` reaches. Emails,
/// web addresses, domains and handles stop at whitespace; the other shapes hold fewer than 48
/// bytes besides whitespace. So: 64 such bytes later, then the next ASCII whitespace byte
/// (where `\b` reads the same), or the text's end.
fn cut_after(b: &[u8], re: usize) -> usize {
    let mut i = re;
    let mut n = 0;
    while i < b.len() && n < 64 {
        if !soft(b[i]) {
            n += 1;
        }
        i += 1;
    }
    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != 0x0b {
        i += 1;
    }
    i
}

static MARKS: LazyLock<regex::bytes::Regex> =
    LazyLock::new(|| regex::bytes::Regex::new("[@+(]").expect("marks regex"));

/// Top-level domains of the `dom` shape.
const TLDS: &[&[u8]] = &[
    b"com", b"org", b"net", b"edu", b"gov", b"io", b"info", b"uk", b"ie", b"eu", b"us", b"ca",
    b"au", b"nz", b"de", b"fr", b"app", b"dev", b"health", b"scot", b"wales",
];

/// Every stretch of starts where a reportable candidate may begin.
fn triggers(text: &str, regions: &mut Vec<(usize, usize)>) {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    for m in MARKS.find_iter(b) {
        let t = m.start();
        match b[t] {
            // An email needs a local part and a domain, a handle a name, after '@'.
            b'@' if !b
                .get(t + 1)
                .is_some_and(|&x| x.is_ascii_alphanumeric() || x == b'_') => {}
            b'@' => {
                // An email starts in the run of local-part bytes before '@'; a handle at '@'.
                let mut s = t;
                while s > 0
                    && (b[s - 1].is_ascii_alphanumeric()
                        || matches!(b[s - 1], b'.' | b'_' | b'%' | b'+' | b'-'))
                {
                    s -= 1;
                }
                regions.push((s, t));
            }
            _ => {
                if digit(t + 1) {
                    regions.push((t, t));
                }
            }
        }
    }
    crate::validators::for_digit_runs_and(b, *b".:", |i, run| {
        if !run {
            web_trigger(b, i, regions);
            return;
        }
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let l = j - i;
        // UK national numbers: 0 then 1-9 and ten or eleven digits in all, in at most three
        // groups (the '+44' and '(0' forms start at a mark).
        if b[i] == b'0'
            && b.get(i + 1).is_some_and(|x| (b'1'..=b'9').contains(x))
            && digits_ahead(b, i) >= 10
        {
            regions.push((i, i));
        }
        // North American 3-3-4.
        if l == 3 && b[i] >= b'2' && matches!(b.get(j), Some(b' ' | b'.' | b'-')) && digit(j + 1) {
            let j2 = run_end(b, j + 1);
            if j2 - j - 1 == 3
                && matches!(b.get(j2), Some(b' ' | b'.' | b'-'))
                && run_end(b, j2 + 1) - j2 > 4
            {
                regions.push((i, i));
            }
        }
        // Labelled short numbers.
        if (3..=6).contains(&l) {
            if let Some(s) = short_label_before(b, i) {
                regions.push((s, i));
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

/// Digits in the groups from `i` separated by one space or dash (a phone's digits).
fn digits_ahead(b: &[u8], i: usize) -> usize {
    let mut n = 0;
    let mut k = i;
    for _ in 0..4 {
        let e = run_end(b, k);
        n += e - k;
        if matches!(b.get(e), Some(b' ' | b'-')) && b.get(e + 1).is_some_and(u8::is_ascii_digit) {
            k = e + 1;
        } else {
            break;
        }
    }
    n
}

/// "://" (a scheme), "www." and ".tld" followed by a non-word byte (a bare domain).
fn web_trigger(b: &[u8], t: usize, regions: &mut Vec<(usize, usize)>) {
    if b[t] == b':' {
        if b.get(t + 1..t + 3) == Some(b"//") {
            regions.push((t.saturating_sub(5), t));
        }
        return;
    }
    if t >= 3 && b[t - 3..t].eq_ignore_ascii_case(b"www") {
        regions.push((t - 3, t - 3));
    }
    let mut e = t + 1;
    while e < b.len() && b[e].is_ascii_lowercase() {
        e += 1;
    }
    if e - t < 3
        || b.get(e)
            .is_some_and(|&x| x.is_ascii_alphanumeric() || x == b'_')
    {
        return;
    }
    if !TLDS.contains(&&b[t + 1..e]) {
        return;
    }
    let mut s = t;
    while s > 0
        && (b[s - 1].is_ascii_lowercase()
            || b[s - 1].is_ascii_digit()
            || matches!(b[s - 1], b'.' | b'-'))
    {
        s -= 1;
    }
    regions.push((s, t));
}

/// Where a "pager"/"bleep"/"ext" label of a number at `i` may start, or `None` when there is
/// none: between a label and its number only '.', ':', '#', whitespace and the words "no",
/// "num", "number" may stand.
fn short_label_before(b: &[u8], i: usize) -> Option<usize> {
    let mut k = i;
    for _ in 0..2 {
        while k > 0
            && matches!(
                b[k - 1],
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | b'.' | b':' | b'#' | 0x80..
            )
        {
            // Non-ASCII bytes are skipped too: they may be Unicode spaces.
            k -= 1;
        }
        let e = k;
        while k > 0 && b[k - 1].is_ascii_alphabetic() {
            k -= 1;
        }
        let w = &b[k..e];
        let has = |p: &[u8]| w.windows(p.len()).any(|x| x.eq_ignore_ascii_case(p));
        if has(b"pag") || has(b"pg") || has(b"ext") || has(b"beep") || has(b"bleep") {
            return Some(k);
        }
        if !(w.eq_ignore_ascii_case(b"no")
            || w.eq_ignore_ascii_case(b"num")
            || w.eq_ignore_ascii_case(b"number"))
        {
            return None;
        }
    }
    None
}

impl Contact {
    fn one(&self, text: &str, c: &regex::Captures<'_>, out: &mut Vec<Finding>) {
        {
            if let Some(m) = c.name("email") {
                out.push(Finding::new(
                    &EMAIL,
                    Span::new(m.start(), m.end()),
                    "email address",
                    vec![Evidence::FormatValid],
                ));
            } else if let Some(m) = c.name("url") {
                let end = m.start() + trim_url(m.as_str());
                if end - m.start() > 4 {
                    out.push(Finding::new(
                        &URL,
                        Span::new(m.start(), end),
                        "web address",
                        vec![Evidence::FormatValid],
                    ));
                }
            } else if let Some(m) = c.name("handle") {
                if byte_before(text, m.start())
                    .is_some_and(|x| x.is_ascii_alphanumeric() || x == b'.' || x == b'_')
                {
                    return;
                }
                // "@goal", "@ night", "@hs": clinical shorthand for "at", not a handle.
                let h = &m.as_str()[1..];
                if h.len() < 3 || AT_WORDS.iter().any(|w| w.eq_ignore_ascii_case(h)) {
                    return;
                }
                out.push(Finding::new(
                    &SOCIAL_HANDLE,
                    Span::new(m.start(), m.end()),
                    "social media handle",
                    vec![Evidence::Shape, Evidence::Plausible],
                ));
            } else if let Some(m) = c.name("dom") {
                if matches!(
                    byte_before(text, m.start()),
                    Some(b'@' | b'.' | b'-' | b'/')
                ) {
                    return;
                }
                let end = m.start() + trim_url(m.as_str());
                // A bare domain needs a name of at least two letters before the TLD.
                let s = &text[m.start()..end];
                let first = s.split(['.', '/']).next().unwrap_or("");
                if first.len() < 2 || !first.bytes().any(|x| x.is_ascii_alphabetic()) {
                    return;
                }
                out.push(Finding::new(
                    &URL,
                    Span::new(m.start(), end),
                    "web address (bare domain)",
                    vec![Evidence::Shape, Evidence::Plausible],
                ));
            } else if let Some(m) = c.name("sv") {
                let whole = c.name("short").expect("short group");
                if byte_before(text, whole.start()).is_some_and(|x| x.is_ascii_alphanumeric()) {
                    return;
                }
                let label = &text[whole.start()..m.start()];
                let lower = label.trim().to_ascii_lowercase();
                // "page" and "pg" are verbs and page numbers unless the number is 4+ digits.
                if (lower.starts_with("page") && !lower.starts_with("pager")
                    || lower.starts_with("pg"))
                    && m.len() < 4
                {
                    return;
                }
                if glued(text, m.start(), m.end()) {
                    return;
                }
                out.push(Finding::new(
                    &PHONE,
                    Span::new(m.start(), m.end()),
                    "pager, bleep or extension number (labelled)",
                    vec![Evidence::Label, Evidence::Shape],
                ));
            } else if let Some(m) = c.name("uk") {
                let s = m.as_str();
                let digits = s.bytes().filter(u8::is_ascii_digit).count();
                let trunk = usize::from(s.contains("(0)"));
                let national = if s.starts_with("+44") {
                    digits - 2 - trunk
                } else {
                    digits - 1
                };
                if !(9..=10).contains(&national) || glued(text, m.start(), m.end()) {
                    return;
                }
                // Four-digit groups that all look like clock times are a rota, not a phone.
                if s.split([' ', '-']).all(|g| g.len() == 4 && is_clock(g)) {
                    return;
                }
                push_phone(text, m.start(), m.end(), "UK phone number", out);
            } else if let Some(m) = c.name("intl") {
                let digits = m.as_str().bytes().filter(u8::is_ascii_digit).count();
                if !(8..=15).contains(&digits) || glued(text, m.start(), m.end()) {
                    return;
                }
                push_phone(text, m.start(), m.end(), "international phone number", out);
            } else if let Some(m) = c.name("us") {
                if glued(text, m.start(), m.end()) {
                    return;
                }
                let before = before_on_line(text, m.start(), 30);
                // All-space 3-3-4 ("250 500 1000") is a list of numbers unless a cue says phone.
                if c.name("sep").is_some_and(|s| s.as_str() == " ")
                    && !m.as_str().contains('-')
                    && !CONTACT_CUE.is_match(before)
                {
                    return;
                }
                push_phone(text, m.start(), m.end(), "phone number", out);
            }
        }
    }
}

fn is_clock(g: &str) -> bool {
    let v: u32 = g.parse().unwrap_or(9999);
    v / 100 < 24 && v % 100 < 60
}

fn push_phone(text: &str, start: usize, end: usize, msg: &'static str, out: &mut Vec<Finding>) {
    let mut ev = vec![Evidence::Shape, Evidence::Plausible];
    if CONTACT_CUE.is_match(before_on_line(text, start, 30)) {
        ev.push(Evidence::ContextWord(Cue::Contact));
    }
    out.push(Finding::new(&PHONE, Span::new(start, end), msg, ev));
}

/// True when digits continue on either side (`1.2`, `3/4`, `12-345`): part of something else.
fn glued(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let before = byte_before(text, start);
    let after = byte_at(text, end);
    let digit_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    before.is_some_and(|x| {
        x.is_ascii_digit() || x == b'/' || x == b'.' && start >= 2 && digit_at(start - 2)
    }) || after.is_some_and(|x| x.is_ascii_digit() || x == b'/')
        || matches!(after, Some(b'.' | b'-' | b':')) && digit_at(end + 1)
        || matches!(before, Some(b'-' | b':')) && start >= 2 && digit_at(start - 2)
}

/// Length of a URL candidate without trailing punctuation.
fn trim_url(s: &str) -> usize {
    let mut end = s.len();
    while end > 0 {
        let c = s.as_bytes()[end - 1];
        if matches!(c, b'.' | b',' | b';' | b':' | b'!' | b'?' | b')') {
            end -= 1;
        } else {
            break;
        }
    }
    end
}

/// The detectors of this module.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Contact)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triggers_find_what_the_full_loop_finds() {
        let ctx = clinpost_core::Context::default();
        for t in [
            "pager\u{2003}   # 68378, bleep no: 1234, Ext.4567, page 12",
            "mail jo.bloggs@nhs.net or @jane_doe_88 @ 10am, see https://x.org/a.",
            "www.Example.com, nhs.uk/x, foo.community, 0161 496 0000, +44 7700 900123",
            "(0161) 496 0000, (415) 555-2671, 415.555.2671, 250 500 1000, +1 415 555 2671",
        ] {
            let mut a = Vec::new();
            Contact.check(&Document::new(t, &ctx), &mut a);
            let mut b = Vec::new();
            run_from(t, t.len(), 0, usize::MAX, &mut b);
            let spans = |v: &[Finding]| v.iter().map(|f| (f.rule.code, f.span)).collect::<Vec<_>>();
            assert_eq!(spans(&a), spans(&b), "{t}");
        }
    }
    use clinpost_core::Context;

    fn run(t: &str) -> Vec<(&'static str, String)> {
        let ctx = Context::default();
        let mut v = Vec::new();
        Contact.check(&Document::new(t, &ctx), &mut v);
        v.into_iter()
            .map(|f| (f.rule.code, t[f.span.start..f.span.end].to_string()))
            .collect()
    }

    #[test]
    fn phones() {
        for (t, want) in [
            ("Home 301-680-6286 Office", "301-680-6286"),
            ("call (301) 680-6286 now", "(301) 680-6286"),
            ("DAUGHTER---301 944-5032 &", "301 944-5032"),
            ("son ,dave, (240444-1243) was", "(240444-1243)"),
            ("visited today.(301 273 45166) both", "(301 273 45166)"),
            ("mobile 07700 900123.", "07700 900123"),
            ("tel 0161 496 0000", "0161 496 0000"),
            ("ring +44 (0)20 7946 0958 today", "+44 (0)20 7946 0958"),
            ("ring +353 1 234 5678 today", "+353 1 234 5678"),
            ("Pager: #54321 Time", "54321"),
            ("PG 33445", "33445"),
            ("beeper number 55037 for", "55037"),
            ("bleep 1234", "1234"),
            ("ext 4567", "4567"),
            ("Pager # 98765", "98765"),
            ("freephone 0800 123 4567", "0800 123 4567"),
        ] {
            let f = run(t);
            assert_eq!(f, vec![("PHI006", want.to_string())], "{t}");
        }
    }

    #[test]
    fn not_phones() {
        for t in [
            "shift 0700-1900",
            "BP 120/80 HR 80-90",
            "1900 - 0700",
            "0700 0800 1200 1600",
            "page 3 of the notes",
            "ABG 7.39/43/137/27",
            "dates 10/18/03 and 10-15-19",
            "given 250 500 1000 mL",
            "temp 37.5-38.2",
        ] {
            assert!(run(t).is_empty(), "{t}: {:?}", run(t));
        }
    }

    #[test]
    fn email_url_handle() {
        assert_eq!(
            run("mail j.bloggs@example.com."),
            vec![("PHI007", "j.bloggs@example.com".into())]
        );
        assert_eq!(
            run("see https://example.com/a."),
            vec![("PHI008", "https://example.com/a".into())]
        );
        assert_eq!(
            run("see www.example.org"),
            vec![("PHI008", "www.example.org".into())]
        );
        assert_eq!(
            run("on ourpractice.nhs.uk"),
            vec![("PHI008", "ourpractice.nhs.uk".into())]
        );
        assert_eq!(run("hi @jane_doe"), vec![("PHI009", "@jane_doe".into())]);
        assert!(run("meet @ 10am, 5mg @5pm").is_empty());
        assert!(run("PT.CT e.g. i.e.").is_empty());
    }
}
