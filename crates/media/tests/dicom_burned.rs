//! Text burned into a DICOM image's pixels (`fixtures/make-dicom-burned.py`): read like a
//! screenshot, reported with pixel regions, and blacked out in the anonymised copy so that
//! reading it again finds none of it.

mod common;

use std::process::Command;

use clinpost_core::{Context, Engine, Kind, Registry};
use clinpost_media::{check_file, clean_file, CleanHow, FileKind, FileOptions};
use common::fixture;

fn tesseract_present() -> bool {
    let ok = Command::new("tesseract")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "SKIPPED: tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-eng)"
        );
    }
    ok
}

#[test]
fn burned_in_text_is_found_and_blacked_out() {
    if !tesseract_present() {
        return;
    }
    let registry = Registry::new(clinpost_rules::detectors()).unwrap();
    let engine = Engine::with_defaults(&registry);
    let ctx = Context::default();
    let opts = FileOptions::default();
    let bytes = fixture("xray-burned.dcm");
    let checked = check_file(&engine, &bytes, &ctx, &opts).unwrap();
    assert!(matches!(checked.kind, FileKind::Document(_)));
    let with_region = |k: Kind| {
        checked.report.findings.iter().any(|f| {
            f.kind == k
                && f.region
                    .is_some_and(|r| r.x + r.w <= 420 && r.y + r.h <= 130)
        })
    };
    assert!(
        with_region(Kind::NhsNumber),
        "{:#?}",
        checked.report.findings
    );
    assert!(
        with_region(Kind::DateOfBirth),
        "{:#?}",
        checked.report.findings
    );

    let clean = clean_file(&bytes, &checked, &opts).unwrap();
    assert_eq!(clean.how, CleanHow::Document);
    let again = check_file(&engine, &clean.bytes, &ctx, &opts).unwrap();
    assert!(
        !again.report.findings.iter().any(|f| matches!(
            f.kind,
            Kind::NhsNumber | Kind::DateOfBirth | Kind::PersonName
        )),
        "{:#?}",
        again.report.findings
    );
}
