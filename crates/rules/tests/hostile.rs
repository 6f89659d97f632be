//! Large and repetitive inputs (regressions from the review of issue 2): thousands of names,
//! facilities and non-ASCII findings in one document must be found, each once, and the JSON view
//! must carry consistent UTF-16 offsets. The paths behind these were quadratic; they are linear
//! or n·log n now, so this runs in well under a second in release.

use clinpost_core::{Context, Document, Engine, ReportView};
use clinpost_rules::registry;

#[test]
fn thousands_of_names_each_found_once() {
    let text = "Mr Smith saw Mrs Jones. ".repeat(20_000);
    let engine = Engine::with_defaults(registry());
    let r = engine.check(&Document::new(&text, &Context::default()));
    let names = r
        .findings
        .iter()
        .filter(|f| f.rule.code == "PHI015")
        .count();
    assert_eq!(names, 40_000);
}

#[test]
fn thousands_of_facilities_each_found_once() {
    let text = "Moved to Ward 7 at Leeds General Infirmary. ".repeat(8_000);
    let engine = Engine::with_defaults(registry());
    let r = engine.check(&Document::new(&text, &Context::default()));
    let places = r
        .findings
        .iter()
        .filter(|f| f.rule.code == "PHI012")
        .count();
    assert_eq!(places, 16_000);
}

#[test]
fn non_ascii_report_with_many_findings() {
    let text = format!("Zoë 👍 {}", "NHS 943 476 5919. ".repeat(50_000));
    let engine = Engine::with_defaults(registry());
    let r = engine.check(&Document::new(&text, &Context::default()));
    let view = ReportView::new(None, &text, &r);
    assert_eq!(
        view.findings.iter().filter(|f| f.rule == "PHI001").count(),
        50_000
    );
    let last = view.findings.last().unwrap();
    let units: usize = text[..last.start].chars().map(char::len_utf16).sum();
    assert_eq!(last.utf16_start, units);
}
