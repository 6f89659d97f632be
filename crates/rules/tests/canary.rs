//! Canary tests (DESIGN §3.1, issue 2's bar "no draft text in any finding"): plant unique canary
//! strings — an invented name, a checksum-valid NHS number, an email address — in texts, and
//! assert that no finding's message, fix, evidence, `Debug` form or serialised JSON contains them;
//! and that the JSON has exactly the DESIGN §4 shape.

use clinpost_core::{Context, Document, Engine, Report, ReportView};
use serde_json::Value;

/// Invented for this test; unique enough that any occurrence in output is a leak.
const NAME_FIRST: &str = "Quillanor";
const NAME_LAST: &str = "Vexbridge";
/// Checksum-valid (modulus 11), in three layouts.
const NHS: [&str; 3] = ["665 632 1224", "6656321224", "665-632-1224"];
const EMAIL: &str = "quillanor.vexbridge.k7q@example.org";

/// Substrings whose presence in any output is a leak (case-insensitive).
fn canary_needles() -> Vec<String> {
    vec![
        NAME_FIRST.to_lowercase(),
        NAME_LAST.to_lowercase(),
        "665 632".into(),
        "6656321224".into(),
        "665-632".into(),
        "k7q@".into(),
        "example.org".into(),
    ]
}

fn texts() -> Vec<String> {
    vec![
        format!(
            "Seen Mr {NAME_FIRST} {NAME_LAST} (NHS {}) today; email {EMAIL}.",
            NHS[0]
        ),
        format!(
            "Patient: {}, {NAME_FIRST}\nNHS No: {}\nEmail: {EMAIL}\n",
            NAME_LAST.to_uppercase(),
            NHS[1]
        ),
        format!(
            "nhs number {} for mrs {} — {}'s daughter rang",
            NHS[2],
            NAME_LAST.to_lowercase(),
            NAME_LAST
        ),
        format!("{EMAIL}"),
        format!("DOB 12/03/1941 {}{NAME_LAST}{}", NHS[1], EMAIL),
        format!(
            "Dr {NAME_LAST}, Ward 23, 07700 900462, NHS {}, Mr {NAME_LAST}'s wife",
            NHS[0]
        ),
    ]
}

fn assert_no_canary(what: &str, s: &str) {
    let lower = s.to_lowercase();
    for n in canary_needles() {
        assert!(
            !lower.contains(&n),
            "{what} leaks planted text (canary {n:?})"
        );
    }
}

fn check(engine: &Engine<'_>, text: &str) -> Report {
    engine.check(&Document::new(text, &Context::default()))
}

#[test]
fn findings_never_carry_the_matched_text() {
    let engine = Engine::with_defaults(clinpost_rules::registry());
    for (i, text) in texts().iter().enumerate() {
        let report = check(&engine, text);
        for f in &report.findings {
            assert_no_canary("a finding's message", &f.message);
            if let Some(fix) = &f.fix {
                assert_no_canary("a finding's fix", &fix.replacement);
            }
            assert_no_canary("a finding's field", f.field.as_deref().unwrap_or(""));
        }
        assert_no_canary("Debug of the findings", &format!("{:?}", report.findings));
        let json =
            serde_json::to_string(&ReportView::new(Some(format!("t{i}")), text, &report)).unwrap();
        assert_no_canary("the JSON report", &json);
        // The safe version must not keep the number or the email either.
        let fixed = engine.fix(&Document::new(text, &Context::default()), false);
        for needle in ["665 632", "6656321224", "665-632", "k7q@"] {
            assert!(
                !fixed.text.contains(needle),
                "text {i}: fix() kept a planted identifier ({needle:?})"
            );
        }
        assert_no_canary(
            "Debug of the fixed report",
            &format!("{:?}", fixed.report.findings),
        );
    }
}

#[test]
fn the_planted_identifiers_are_found() {
    let engine = Engine::with_defaults(clinpost_rules::registry());
    let text = &texts()[0];
    let report = check(&engine, text);
    let kinds: Vec<&str> = report.findings.iter().map(|f| f.kind.as_str()).collect();
    for k in ["nhs-number", "email", "person-name"] {
        assert!(
            kinds.contains(&k),
            "planted {k} not found (found {kinds:?})"
        );
    }
    assert_eq!(report.verdict.as_str(), "do-not-post");
}

const FINDING_KEYS: &[&str] = &[
    "rule",
    "name",
    "category",
    "kind",
    "severity",
    "confidence",
    "start",
    "end",
    "line",
    "column",
    "message",
    "guidance",
    "utf16_start",
    "utf16_end",
    "evidence",
];
const OPTIONAL_FINDING_KEYS: &[&str] = &["fix", "region", "field"];

#[test]
fn json_has_the_design_shape() {
    let engine = Engine::with_defaults(clinpost_rules::registry());
    let mut seen = 0;
    for (i, text) in texts().iter().enumerate() {
        let report = check(&engine, text);
        let v: Value =
            serde_json::to_value(ReportView::new(Some(format!("t{i}")), text, &report)).unwrap();
        let top = v.as_object().unwrap();
        for k in top.keys() {
            assert!(
                ["id", "verdict", "findings", "risk", "fixed"].contains(&k.as_str()),
                "unexpected top-level key {k}"
            );
        }
        assert!(["ok", "caution", "do-not-post"].contains(&top["verdict"].as_str().unwrap()));
        for f in top["findings"].as_array().unwrap() {
            seen += 1;
            let o = f.as_object().unwrap();
            for k in FINDING_KEYS {
                assert!(o.contains_key(*k), "finding lacks key {k}");
            }
            for k in o.keys() {
                assert!(
                    FINDING_KEYS.contains(&k.as_str())
                        || OPTIONAL_FINDING_KEYS.contains(&k.as_str()),
                    "finding has unexpected key {k}"
                );
            }
            assert!(
                !o.contains_key("region") && !o.contains_key("field"),
                "text findings carry no region/field"
            );
            assert!(["identifier", "quasi-identifier", "conduct", "media"]
                .contains(&o["category"].as_str().unwrap()));
            assert!(["info", "warning", "error"].contains(&o["severity"].as_str().unwrap()));
            assert!(["low", "medium", "high"].contains(&o["confidence"].as_str().unwrap()));
            let kind = o["kind"].as_str().unwrap();
            assert!(!kind.is_empty() && kind.chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            let rule = o["rule"].as_str().unwrap();
            assert!(
                rule.len() >= 4
                    && rule
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            );
            let (s, e) = (o["start"].as_u64().unwrap(), o["end"].as_u64().unwrap());
            assert!(s < e && e as usize <= text.len());
            assert!(
                o["utf16_start"].as_u64().unwrap() <= s && o["utf16_end"].as_u64().unwrap() <= e
            );
            assert!(o["line"].as_u64().unwrap() >= 1 && o["column"].as_u64().unwrap() >= 1);
            assert!(o["guidance"]
                .as_array()
                .unwrap()
                .iter()
                .all(Value::is_string));
            for ev in o["evidence"].as_array().unwrap() {
                assert!(
                    ev.get("type").and_then(Value::as_str).is_some(),
                    "evidence is typed"
                );
            }
            if let Some(fix) = o.get("fix") {
                let fx = fix.as_object().unwrap();
                let mut keys: Vec<&str> = fx.keys().map(String::as_str).collect();
                keys.sort();
                assert_eq!(keys, ["applicability", "replacement"]);
                assert!(["safe", "unsafe", "display-only"]
                    .contains(&fx["applicability"].as_str().unwrap()));
            }
        }
    }
    assert!(seen > 0, "no findings to check the shape of");
}

/// The first finding of the DESIGN §4 example, field by field.
#[test]
fn nhs_number_finding_matches_the_design_example() {
    let engine = Engine::with_defaults(clinpost_rules::registry());
    let text = format!("Patient NHS no. {} seen", NHS[0]);
    let report = check(&engine, &text);
    let v = serde_json::to_value(ReportView::new(None, &text, &report)).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "nhs-number")
        .expect("the NHS number is found");
    assert_eq!(f["category"], "identifier");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["confidence"], "high");
    let start = text.find(NHS[0]).unwrap();
    assert_eq!(f["start"].as_u64().unwrap() as usize, start);
    assert_eq!(f["end"].as_u64().unwrap() as usize, start + NHS[0].len());
    assert_eq!(f["line"], 1);
    assert_eq!(f["column"].as_u64().unwrap() as usize, start + 1);
    assert_eq!(f["fix"]["applicability"], "safe");
}
