//! Labelled record numbers and other identifying codes, and IP addresses.
//!
//! An unlabelled run of digits could be anything; a run of digits after "MRN", "hospital no" or
//! "ref #" is an identifier. So this detector is label-driven: one regex with the hospital
//! record labels and the other-id labels as alternatives, followed by a value that must contain
//! a digit. IP addresses are the exception: their shape is validated (each octet 0-255, or a
//! parseable IPv6 address) and version-like contexts (`v1.2.3.4`) are skipped.

use std::net::Ipv6Addr;
use std::sync::LazyLock;

use clinpost_core::{
    Category, Detector, Document, Evidence, Finding, Kind, RuleMeta, Severity, Span,
};
use regex::Regex;

use crate::validators::{
    before_on_line, byte_at, byte_before, ipv4_octets_valid, last_words, Group as M,
};

const GUIDANCE: &[&str] = &["gmc-sm/no-public-patient-discussion", "hipaa/safe-harbor"];

/// PHI002: a labelled hospital, unit or medical record number.
pub static HOSPITAL_NUMBER: RuleMeta = RuleMeta {
    code: "PHI002",
    name: "hospital-number",
    category: Category::Identifier,
    kind: Kind::HospitalNumber,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "A labelled hospital, unit or medical record number (MRN, hospital no, K number...).",
    docs: "## What it does\n\
Finds an identifier containing digits written after a hospital record label: `Hospital no`, \
`Hosp no`, `MRN`, `unit no`, `medical record number`, `record number`, `K number`, \
`RX number`, `patient ID`, `case no`, `PAS no`.\n\n\
## Why it matters\n\
A hospital number opens the patient's record to anyone in the organisation and identifies \
them to anyone who can look it up.\n\n\
## Example\n\
`MRN: 00123456` is reported; `MRN not available` is not.\n\n\
## Fix\n\
Remove the number and its label. The safe fix replaces the number with `[hospital number]`.\n",
    placeholder: Some("[hospital number]"),
    priority: 55,
    true_samples: &[
        "MRN: «00123456» on the sticker",
        "Hosp no «K1234567» admitted",
        "patient ID «AB12345» seen today",
    ],
    false_samples: &[
        "MRN not available yet",
        "Hospital number withheld",
        "unit of blood given, 2 units total",
    ],
};

/// PHI014: another labelled identifying number.
pub static OTHER_ID: RuleMeta = RuleMeta {
    code: "PHI014",
    name: "other-id",
    category: Category::Identifier,
    kind: Kind::OtherId,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary:
        "A labelled reference, account, policy, serial, device, licence or registration number.",
    docs: "## What it does\n\
Finds an identifier containing a digit written after a label such as `ref #`, \
`reference number`, `account no`, `policy #`, `serial no`, `device id`, `licence no`, \
`GMC number`, `NMC pin`, `passport no`, `claim no` or `member id`.\n\n\
## Why it matters\n\
Reference, account and device numbers link a post to one person's records; a GMC or NMC \
number names a clinician.\n\n\
## Example\n\
`(ref # 8336652)` is reported; `reference ranges` is not.\n\n\
## Fix\n\
Remove the number. The safe fix replaces it with `[id]`.\n",
    placeholder: Some("[id]"),
    priority: 55,
    true_samples: &[
        "should arrive this morning (ref # «8336652»).",
        "indicated per hospital policy #«rg17», at 1400",
        "pacemaker serial no «PJN123456» checked",
        "GMC number «1234567»",
    ],
    false_samples: &[
        "see reference ranges in the lab book",
        "policy is to wait",
        "account of events given by son",
    ],
};

/// PHI016: an IP address.
pub static IP_ADDRESS: RuleMeta = RuleMeta {
    code: "PHI016",
    name: "ip-address",
    category: Category::Identifier,
    kind: Kind::OtherId,
    severity: Severity::Error,
    guidance: GUIDANCE,
    summary: "An IPv4 or IPv6 address.",
    docs: "## What it does\n\
Finds IPv4 addresses (four numbers 0-255 separated by dots, not a version number such as \
`v1.2.3.4`) and IPv6 addresses.\n\n\
## Why it matters\n\
An IP address can locate a household and is one of HIPAA's Safe Harbor identifiers.\n\n\
## Example\n\
`logged in from 192.168.10.24` is reported; `version 1.2.3.4` is not.\n\n\
## Fix\n\
Remove it. The safe fix replaces it with `[IP address]`.\n",
    placeholder: Some("[IP address]"),
    priority: 70,
    true_samples: &[
        "logged in from «192.168.10.24» at night",
        "server «2001:db8::8a2e:370:7334» is down",
        "IP: «10.0.0.1»",
    ],
    false_samples: &[
        "updated to v1.2.3.4 today",
        "values 300.1.2.3 and 1.2.3",
        "at 10:30:45 the alarm went",
    ],
};

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i:(?-u:\b)(?:",
        r"(?P<hl>mrn|(?:hospital|hosp|unit|pas|case|k|rx|nhi|emr|ehr|chart)\.?\s*(?:no\.?|nos\.?|number|num|#)|(?:medical\s+)?record\s*(?:no\.?|number|num|#)|(?:patient|pt)\.?\s*(?:id|identifier|#|no\.?|number))",
        r"|(?P<ol>ref(?:erence)?\.?\s*(?:no\.?|number|num|#|:)|account\s*(?:no\.?|number|num|#)|acct\.?\s*(?:no\.?|number|num|#)?|policy\s*(?:no\.?|number|num|#)|serial\s*(?:no\.?|number|num|#)|s/n|device\s*(?:id|no\.?|number|serial)|licen[cs]e\s*(?:no\.?|number|num|#)|(?:gmc|nmc|hcpc|gphc)\s*(?:no\.?|number|num|pin|#|reg(?:istration)?)?|member(?:ship)?\s*(?:id|no\.?|number|#)|claim\s*(?:no\.?|number|#)|passport\s*(?:no\.?|number|#)?|certificate\s*(?:no\.?|number|#)|badge\s*(?:no\.?|number|#)|(?:vehicle\s+)?reg(?:istration)?\s*(?:no\.?|number|plate)|id\s*(?:no\.?|number|#)|insurance\s*(?:id|no\.?|number|#))",
        r")\s*[:#=.-]?\s*(?:is\s+|was\s+)?#?\s*(?P<val>[A-Za-z0-9][A-Za-z0-9/-]{1,24}))",
        r"|(?P<ip4>(?-u:\b)[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3})(?-u:\b)",
        r"|(?P<ip6>(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})",
    ))
    .expect("ids regex")
});

struct Ids;

impl Detector for Ids {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 3] = [&HOSPITAL_NUMBER, &OTHER_ID, &IP_ADDRESS];
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
        let g = &*GROUPS;
        LOCS.with_borrow_mut(|locs| {
            let locs = locs.get_or_insert_with(|| CANDIDATE.capture_locations());
            let mut pos = 0;
            while let Some(m) = CANDIDATE.captures_read_at(locs, text, pos) {
                pos = m.end();
                let get = |i: usize| locs.get(i).map(|(s, e)| M { text, s, e });
                one(text, g, get, out);
            }
        });
    }
}

thread_local! {
    /// CANDIDATE's capture slots, reused from one document to the next.
    static LOCS: std::cell::RefCell<Option<regex::CaptureLocations>> =
        const { std::cell::RefCell::new(None) };
}

/// Indexes of CANDIDATE's named groups.
struct Groups {
    val: usize,
    hl: usize,
    ip4: usize,
    ip6: usize,
}

static GROUPS: LazyLock<Groups> = LazyLock::new(|| {
    let idx = |name: &str| {
        CANDIDATE
            .capture_names()
            .position(|n| n == Some(name))
            .expect("group")
    };
    Groups {
        val: idx("val"),
        hl: idx("hl"),
        ip4: idx("ip4"),
        ip6: idx("ip6"),
    }
});

/// The checks and the finding of one CANDIDATE match, its groups given by `get`.
fn one<'t>(
    text: &'t str,
    g: &Groups,
    get: impl Fn(usize) -> Option<M<'t>>,
    out: &mut Vec<Finding>,
) {
    if let Some(v) = get(g.val) {
        let val = v.as_str().trim_end_matches(['-', '/']);
        if val.len() < 3 || !val.bytes().any(|b| b.is_ascii_digit()) {
            return;
        }
        // A decimal ("K no 3.9") or a glued continuation is not an id.
        if byte_at(text, v.start() + val.len()) == Some(b'.')
            && text
                .as_bytes()
                .get(v.start() + val.len() + 1)
                .is_some_and(u8::is_ascii_digit)
        {
            return;
        }
        let span = Span::new(v.start(), v.start() + val.len());
        let (rule, msg) = if get(g.hl).is_some() {
            (&HOSPITAL_NUMBER, "hospital or record number (labelled)")
        } else {
            (&OTHER_ID, "identifying number (labelled)")
        };
        out.push(Finding::new(
            rule,
            span,
            msg,
            vec![Evidence::Label, Evidence::Shape],
        ));
    } else if let Some(m) = get(g.ip4) {
        let parts: Vec<&str> = m.as_str().split('.').collect();
        if !ipv4_octets_valid(&parts)
            || matches!(
                byte_before(text, m.start()),
                Some(b'.' | b'v' | b'V' | b'/')
            )
            || matches!(byte_at(text, m.end()), Some(b'.' | b'/'))
                && text
                    .as_bytes()
                    .get(m.end() + 1)
                    .is_some_and(u8::is_ascii_digit)
        {
            return;
        }
        let prev = last_words(before_on_line(text, m.start(), 24), 1);
        if prev.first().is_some_and(|w| {
            matches!(
                w.as_str(),
                "version"
                    | "ver"
                    | "v"
                    | "release"
                    | "section"
                    | "para"
                    | "paragraph"
                    | "step"
                    | "rule"
                    | "clause"
            )
        }) {
            return;
        }
        out.push(Finding::new(
            &IP_ADDRESS,
            Span::new(m.start(), m.end()),
            "IPv4 address",
            vec![Evidence::FormatValid],
        ));
    } else if let Some(m) = get(g.ip6) {
        let s = m.as_str();
        if s.len() < 6
            || !(s.contains("::") || s.bytes().filter(|&b| b == b':').count() == 7)
            || s.parse::<Ipv6Addr>().is_err()
            || byte_before(text, m.start()).is_some_and(|b| b.is_ascii_alphanumeric())
            || byte_at(text, m.end()).is_some_and(|b| b.is_ascii_alphanumeric())
        {
            return;
        }
        // At least two groups with a digit or hex letter: "a::b" words are not addresses.
        if s.split(':').filter(|g| !g.is_empty()).count() < 2 {
            return;
        }
        out.push(Finding::new(
            &IP_ADDRESS,
            Span::new(m.start(), m.end()),
            "IPv6 address",
            vec![Evidence::FormatValid],
        ));
    }
}

/// The detectors of this module.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Ids)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use clinpost_core::Context;

    fn run(t: &str) -> Vec<(&'static str, String)> {
        let ctx = Context::default();
        let mut v = Vec::new();
        Ids.check(&Document::new(t, &ctx), &mut v);
        v.into_iter()
            .map(|f| (f.rule.code, t[f.span.start..f.span.end].to_string()))
            .collect()
    }

    #[test]
    fn labelled() {
        assert_eq!(run("MRN: 00123456"), [("PHI002", "00123456".into())]);
        assert_eq!(
            run("Hospital no. K1234567"),
            [("PHI002", "K1234567".into())]
        );
        assert_eq!(run("(ref # 8336652)."), [("PHI014", "8336652".into())]);
        assert_eq!(run("hospital policy #rg17,at"), [("PHI014", "rg17".into())]);
        assert_eq!(run("GMC no 1234567"), [("PHI014", "1234567".into())]);
        assert!(run("K no 3.9").is_empty());
        assert!(run("MRN unknown, ref ranges").is_empty());
    }

    #[test]
    fn ips() {
        assert_eq!(
            run("from 192.168.10.24."),
            [("PHI016", "192.168.10.24".into())]
        );
        assert_eq!(run("on ::ffff:10.0.0.1 x").len(), 1);
        assert_eq!(
            run("at fe80::1ff:fe23:4567:890a ok"),
            [("PHI016", "fe80::1ff:fe23:4567:890a".into())]
        );
        assert!(run("v1.2.3.4 and 999.1.1.1 and 10:30:45").is_empty());
    }
}
