//! PDF: the letter made by `fixtures/make-pdf.py` is recognised by content, its Info and XMP
//! author are reported by field name, the name, NHS number and date of birth in its text are
//! found with regions on page 0, and the clean copy (a PDF of page images with boxes) keeps
//! none of them: no text layer, no metadata, nothing readable under the boxes.
//!
//! The tests need poppler-utils (`pdftotext`); without it they print a message and pass (CI
//! installs `poppler-utils`). The OCR parts also need Tesseract.

mod common;

use std::process::Command;
use std::time::Duration;

use clinpost_core::{Context, Engine, Kind, Registry, Report, Verdict};
use clinpost_media::{
    check_file, clean_document, clean_file, detect_file, inspect_document, ocr, DocFormat,
    DocLimits, FileCheck, FileKind, FileOptions, Limits, MediaError, OcrOptions, PDF_DPI,
};
use common::fixture;

fn poppler_present() -> bool {
    let ok = Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: pdftotext is not installed (apt-get install poppler-utils)");
    }
    ok
}

fn tesseract_present() -> bool {
    Command::new("tesseract")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn registry() -> Registry {
    // As the real registry (crates/registry): the text rules and the media rules.
    let mut d = clinpost_rules::detectors();
    d.push(Box::new(clinpost_media::MediaRules));
    Registry::new(d).expect("registry")
}

/// Letters and digits only, upper-cased.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Values planted by make-pdf.py: none may appear in a message, an error or the clean copy.
const SECRETS: &[&str] = &[
    "Okonkwo",
    "Smith",
    "943 476 5919",
    "12/03/1941",
    "Riverside",
];

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// A4 at 150 dpi.
const PAGE_PX: (u32, u32) = (1240, 1755);

fn check(engine: &Engine<'_>, bytes: &[u8]) -> FileCheck {
    check_file(engine, bytes, &Context::default(), &FileOptions::default()).unwrap()
}

fn pdftotext(bytes: &[u8]) -> String {
    let dir = tempfile_dir();
    let p = dir.join("x.pdf");
    std::fs::write(&p, bytes).unwrap();
    let out = Command::new("pdftotext").arg(&p).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed on the clean copy");
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "clinpost-pdf-test-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn pdf_is_detected_by_content() {
    let pdf = fixture("letter.pdf");
    assert_eq!(detect_file(&pdf), Some(FileKind::Document(DocFormat::Pdf)));
    // Junk before the header, as readers accept.
    let mut junk = vec![b' '; 600];
    junk.extend_from_slice(&pdf);
    assert_eq!(detect_file(&junk), Some(FileKind::Document(DocFormat::Pdf)));
    let mut late = vec![b' '; 1100];
    late.extend_from_slice(&pdf);
    assert_eq!(detect_file(&late), None);
    assert_eq!(FileKind::Document(DocFormat::Pdf).mime(), "application/pdf");
}

#[test]
fn letter_metadata_and_text_findings_with_regions() {
    if !poppler_present() {
        return;
    }
    let reg = registry();
    let engine = Engine::with_defaults(&reg);
    let t = std::time::Instant::now();
    let c = check(&engine, &fixture("letter.pdf"));
    eprintln!("letter.pdf checked in {:?}", t.elapsed());
    assert_eq!(c.report.verdict, Verdict::DoNotPost);
    let fields: Vec<&str> = c
        .report
        .findings
        .iter()
        .filter_map(|f| f.field.as_deref())
        .collect();
    for f in ["PDF:Info:Author", "PDF:XMP:dc:creator", "PDF:Info:Title"] {
        assert!(fields.contains(&f), "{f} not in {fields:?}");
    }
    assert!(c
        .report
        .findings
        .iter()
        .any(|f| f.field.as_deref() == Some("PDF:Info:Author")
            && f.rule.code == clinpost_media::IDENTITY.code));
    // The title names the patient: the text rules see metadata values too.
    assert!(c
        .report
        .findings
        .iter()
        .any(|f| f.field.as_deref() == Some("PDF:Info:Title") && f.kind == Kind::PersonName));
    for kind in [Kind::PersonName, Kind::NhsNumber, Kind::DateOfBirth] {
        let f = c
            .report
            .findings
            .iter()
            .find(|f| f.kind == kind && f.region.is_some())
            .unwrap_or_else(|| panic!("no {kind:?} with a region"));
        let r = f.region.unwrap();
        assert_eq!(r.page, 0);
        assert!(r.w > 0 && r.h > 0);
        assert!(r.x + r.w <= PAGE_PX.0 && r.y + r.h <= PAGE_PX.1, "{r:?}");
        assert!(f.message.contains("page 1"), "{}", f.message);
    }
    // The NHS number's words: x from 122.676 pt, y 123.384–134.484 pt (pdftotext's boxes).
    let nhs = c
        .report
        .findings
        .iter()
        .find(|f| f.kind == Kind::NhsNumber)
        .unwrap()
        .region
        .unwrap();
    let px = |pt: f64| (pt * PDF_DPI / 72.0) as u32;
    assert!(nhs.x.abs_diff(px(122.676)) <= 2, "{nhs:?}");
    assert!(nhs.y.abs_diff(px(123.384)) <= 2, "{nhs:?}");
    assert!((nhs.x + nhs.w).abs_diff(px(196.068)) <= 2, "{nhs:?}");
    // Fixed words only.
    // (Messages and fields: a finding's Debug form prints its rule's documentation, whose
    // examples use the same well-known test numbers.)
    let shown: String = c
        .report
        .findings
        .iter()
        .map(|f| format!("{} {:?} {:?} ", f.message, f.field, f.fix))
        .chain(c.warnings.iter().cloned())
        .collect();
    for s in SECRETS {
        assert!(!shown.contains(s), "{s} leaked into findings or warnings");
    }
    assert!(c.warnings.is_empty(), "{:?}", c.warnings);
}

#[test]
fn clean_copy_has_no_text_layer_no_metadata_and_nothing_under_the_boxes() {
    if !poppler_present() {
        return;
    }
    let reg = registry();
    let engine = Engine::with_defaults(&reg);
    let pdf = fixture("letter.pdf");
    let checked = check(&engine, &pdf);
    let t = std::time::Instant::now();
    let clean = clean_file(&pdf, &checked, &FileOptions::default()).unwrap();
    eprintln!(
        "letter.pdf cleaned in {:?}: {} bytes",
        t.elapsed(),
        clean.bytes.len()
    );
    assert_eq!(clean.media_type, "application/pdf");
    assert_eq!(clean.extension, "pdf");
    assert_eq!(clean.how, clinpost_media::CleanHow::PdfPages);
    assert!(clean.bytes.starts_with(b"%PDF-"));
    for s in SECRETS.iter().chain(&[
        "/Author",
        "/Metadata",
        "/Font",
        "Helvetica",
        "dc:creator",
        "/Info",
    ]) {
        assert!(!contains(&clean.bytes, s), "{s} in the clean copy's bytes");
    }
    assert!(
        pdftotext(&clean.bytes).trim().is_empty(),
        "a text layer is left"
    );
    // Checked again: no metadata finding, and (when OCR can read it) no identifier.
    let again = check(&engine, &clean.bytes);
    assert!(
        again.report.findings.iter().all(|f| f.field.is_none()),
        "{:?}",
        again.report.findings
    );
    if !tesseract_present() {
        eprintln!("SKIPPED (part): tesseract is not installed; the clean copy was not read back");
        return;
    }
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    for kind in [Kind::PersonName, Kind::NhsNumber, Kind::DateOfBirth] {
        assert!(
            again.report.findings.iter().all(|f| f.kind != kind),
            "{kind:?} still readable in the clean copy"
        );
    }
    // Render it and read it: the rest of the letter is still there, the identifiers are not.
    let dir = tempfile_dir();
    std::fs::write(dir.join("c.pdf"), &clean.bytes).unwrap();
    let st = Command::new("pdftoppm")
        .args(["-r", "150", "-png", "-singlefile", "c.pdf", "p"])
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(st.success());
    let png = std::fs::read(dir.join("p.png")).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let page = ocr(&png, &Limits::default(), &OcrOptions::default()).unwrap();
    let text = squash(page.text.expose());
    assert!(
        text.contains("BLOODPRESSURE"),
        "the letter's body should survive"
    );
    for s in ["SMITH", "9434765919", "12031941"] {
        assert!(!text.contains(s), "{s} readable in the clean copy");
    }
}

#[test]
fn a_scanned_page_is_read_with_ocr() {
    if !poppler_present() {
        return;
    }
    if !tesseract_present() {
        eprintln!("SKIPPED: tesseract is not installed");
        return;
    }
    let reg = registry();
    let engine = Engine::with_defaults(&reg);
    let pdf = fixture("letter.pdf");
    // A "scan": the letter rasterised with nothing covered.
    let nothing = FileCheck {
        kind: FileKind::Document(DocFormat::Pdf),
        size: None,
        report: Report {
            verdict: Verdict::Ok,
            findings: vec![],
            risk: None,
        },
        warnings: vec![],
    };
    let scan = clean_file(&pdf, &nothing, &FileOptions::default()).unwrap();
    assert!(pdftotext(&scan.bytes).trim().is_empty());
    let t = std::time::Instant::now();
    let c = check(&engine, &scan.bytes);
    eprintln!("scanned letter checked in {:?}", t.elapsed());
    for kind in [Kind::NhsNumber, Kind::DateOfBirth] {
        let f = c
            .report
            .findings
            .iter()
            .find(|f| f.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} read from the scan"));
        let r = f.region.unwrap();
        assert_eq!(r.page, 0);
        assert!(f.message.contains("read by OCR"), "{}", f.message);
    }
    // The OCR page cap: none allowed → a warning and a text-unchecked finding.
    let opts = FileOptions {
        doc_limits: DocLimits {
            max_ocr_pages: 0,
            ..DocLimits::default()
        },
        ..FileOptions::default()
    };
    let c = check_file(&engine, &scan.bytes, &Context::default(), &opts).unwrap();
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert!(c
        .report
        .findings
        .iter()
        .any(|f| f.rule.code == clinpost_media::TEXT_UNCHECKED.code));
    assert_ne!(c.report.verdict, Verdict::Ok);
}

#[test]
fn broken_and_oversized_pdfs_are_typed_errors() {
    if !poppler_present() {
        return;
    }
    let reg = registry();
    let engine = Engine::with_defaults(&reg);
    let pdf = fixture("letter.pdf");
    let ctx = Context::default();
    let opts = FileOptions::default();
    let e = check_file(&engine, &pdf[..pdf.len() / 2], &ctx, &opts).unwrap_err();
    assert!(
        matches!(
            e,
            MediaError::DocumentTruncated {
                format: DocFormat::Pdf,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.code(), "truncated");
    // A header and an end marker with nothing readable between them.
    let e = check_file(
        &engine,
        b"%PDF-1.7\n1 0 obj << garbage\n%%EOF\n",
        &ctx,
        &opts,
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            MediaError::DocumentMalformed {
                format: DocFormat::Pdf,
                ..
            }
        ),
        "{e:?}"
    );
    // Damage in the middle (the cross-reference table).
    let mut bad = pdf.clone();
    let xref = bad.windows(6).rposition(|w| w == b"\nxref\n").unwrap();
    for b in &mut bad[xref - 400..xref + 60] {
        *b = b'#';
    }
    match check_file(&engine, &bad, &ctx, &opts) {
        Ok(_) => {} // poppler may repair it; what matters is no panic
        Err(e) => assert!(matches!(
            e,
            MediaError::DocumentMalformed { .. } | MediaError::DocumentTruncated { .. }
        )),
    }
    let limited = |doc_limits: DocLimits| FileOptions {
        doc_limits,
        ..FileOptions::default()
    };
    let e = check_file(
        &engine,
        &pdf,
        &ctx,
        &limited(DocLimits {
            max_pages: 0,
            ..DocLimits::default()
        }),
    )
    .unwrap_err();
    assert!(
        matches!(e, MediaError::DocumentLimit { what: "pages", .. }),
        "{e:?}"
    );
    let e = check_file(
        &engine,
        &pdf,
        &ctx,
        &limited(DocLimits {
            max_bytes: 100,
            ..DocLimits::default()
        }),
    )
    .unwrap_err();
    assert!(matches!(e, MediaError::TooLarge { .. }), "{e:?}");
    let e = check_file(
        &engine,
        &pdf,
        &ctx,
        &limited(DocLimits {
            tool_timeout: Duration::from_nanos(1),
            ..DocLimits::default()
        }),
    )
    .unwrap_err();
    assert!(matches!(e, MediaError::DocumentLimit { .. }), "{e:?}");
    for e in [e] {
        let shown = format!("{e} {e:?}");
        for s in SECRETS {
            assert!(!shown.contains(s));
        }
    }
}

#[test]
fn inspect_document_reports_metadata_and_text_and_clean_document_refuses() {
    if !poppler_present() {
        return;
    }
    let pdf = fixture("letter.pdf");
    let ins = inspect_document(&pdf, &DocLimits::default()).unwrap();
    assert_eq!(ins.format, DocFormat::Pdf);
    assert!(ins
        .findings
        .iter()
        .any(|f| f.field.as_deref() == Some("PDF:Info:Author")));
    assert!(ins
        .texts
        .iter()
        .any(|t| t.field == "PDF:Info:Author" && t.text.expose() == "Dr Alice Okonkwo"));
    let body = ins.parts.iter().find(|p| p.part == "PDF:text").unwrap();
    assert!(body.text.expose().contains("NHS No: 943 476 5919"));
    assert!(!format!("{ins:?}").contains("Okonkwo"));
    let e = clean_document(&pdf, &DocLimits::default()).unwrap_err();
    assert!(matches!(e, MediaError::DocumentUnsupported { .. }), "{e:?}");
}
