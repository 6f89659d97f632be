//! Images through the binary: detected by content, metadata reported (with the text rules run
//! over captions), a clean copy written atomically, hostile files refused with exit 2.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../media/fixtures")
        .join(name)
}

fn cmd(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("clinpost").unwrap();
    c.current_dir(dir)
        .env("CLINPOST_HISTORY", dir.join("h.sqlite"));
    c
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in bytes {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut v = (data.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(data);
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    v.extend_from_slice(&crc32(&body).to_be_bytes());
    v
}

#[test]
fn a_photo_is_checked_by_content_and_its_captions_by_the_text_rules() {
    let dir = tempfile::tempdir().unwrap();
    // A misleading name: content decides.
    let p = dir.path().join("notes.txt");
    fs::copy(fixture("phone.jpg"), &p).unwrap();
    let out = cmd(dir.path())
        .args(["check", "--format", "json", "notes.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "do-not-post");
    let f = v["findings"].as_array().unwrap();
    assert!(f
        .iter()
        .any(|f| f["kind"] == "gps-location" && f["field"] == "EXIF:GPSLatitude"));
    assert!(f.iter().any(|f| f["rule"] == "MED002"));
    let name = f
        .iter()
        .find(|f| f["kind"] == "person-name")
        .expect("a name in a caption is reported");
    assert!(name["field"].as_str().unwrap().contains(':'));
    assert!(name.get("fix").is_none(), "removing the field is the fix");

    // --ignore reaches media rules like any other.
    let out = cmd(dir.path())
        .args([
            "check",
            "--format",
            "json",
            "--ignore",
            "MED001",
            "notes.txt",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "MED001"));
}

#[test]
fn fix_writes_a_clean_copy_that_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    for (name, out_name) in [
        ("phone.jpg", "clean.jpg"),
        ("author.png", "clean.png"),
        ("gps.webp", "clean.webp"),
    ] {
        let out = cmd(dir.path())
            .args(["fix", fixture(name).to_str().unwrap(), "-o", out_name])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("pixels unchanged"));
        let out = cmd(dir.path()).args(["check", out_name]).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    // HEIC can be read but not rewritten: a clear error, nothing written.
    let out = cmd(dir.path())
        .args([
            "fix",
            fixture("gps.heic").to_str().unwrap(),
            "-o",
            "clean.heic",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("convert the picture to JPEG"));
    assert!(!dir.path().join("clean.heic").exists());
}

#[test]
fn hostile_images_exit_2_with_a_message_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A truncated JPEG.
    let jpg = fs::read(fixture("phone.jpg")).unwrap();
    fs::write(d.join("cut.jpg"), &jpg[..jpg.len() / 3]).unwrap();
    // A PNG header claiming 50,000 x 50,000 pixels.
    let mut ihdr = 50_000u32.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(b"IEND", &[]));
    fs::write(d.join("bomb.png"), &png).unwrap();
    for f in ["cut.jpg", "bomb.png"] {
        let out = cmd(d).args(["check", f]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{f}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(f) && err.starts_with("error:"), "{f}: {err}");
        let out = cmd(d).args(["fix", f, "-o", "out.img"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{f}");
        assert!(!d.join("out.img").exists(), "{f}: half-written output");
    }
}

fn tesseract_present() -> bool {
    let ok = std::process::Command::new("tesseract")
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
fn a_screenshot_is_read_and_redacted() {
    if !tesseract_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(fixture("report.png"), d.join("screenshot.png")).unwrap();
    let out = cmd(d)
        .args(["check", "--format", "json", "screenshot.png"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "do-not-post");
    let f = v["findings"].as_array().unwrap();
    for kind in [
        "person-name",
        "date-of-birth",
        "nhs-number",
        "hospital-number",
    ] {
        let x = f
            .iter()
            .find(|f| f["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind} not reported: {f:?}"));
        assert_eq!(x["category"], "identifier");
        let r = &x["region"];
        assert_eq!(r["page"], 0);
        let (rx, ry, rw, rh) = (
            r["x"].as_u64().unwrap(),
            r["y"].as_u64().unwrap(),
            r["w"].as_u64().unwrap(),
            r["h"].as_u64().unwrap(),
        );
        assert!(
            rw > 0 && rh > 0 && rx + rw <= 720 && ry + rh <= 380,
            "{kind}: {r}"
        );
    }
    // No field holds the text read.
    let s = String::from_utf8_lossy(&out.stdout);
    for secret in ["SMITH", "John", "1941", "943 476", "K1234567"] {
        assert!(!s.contains(secret), "{secret} in the JSON report");
    }
    // Human output locates findings by region.
    let out = cmd(d).args(["check", "screenshot.png"]).output().unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("screenshot.png (page 0, x "), "{s}");

    // fix: boxes over the text, no metadata, written atomically; the copy checks clean of
    // identifiers.
    let out = cmd(d)
        .args(["fix", "screenshot.png", "-o", "clean.png"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("drawn over text in the picture"), "{err}");
    let out = cmd(d)
        .args(["check", "--format", "json", "clean.png"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let left: Vec<_> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["category"] == "identifier" || f["category"] == "media")
        .collect();
    assert!(left.is_empty(), "left after fix: {left:?}");
    let leftovers: Vec<_> = fs::read_dir(d)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn without_tesseract_metadata_is_still_reported_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path())
        .env("CLINPOST_TESSERACT", "/nonexistent/tesseract")
        .args([
            "check",
            "--format",
            "json",
            fixture("phone.jpg").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the text in the picture was not checked")
            && err.contains("OCR needs Tesseract: apt-get install tesseract-ocr tesseract-ocr-eng"),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "gps-location"));
    // fix falls back to the lossless metadata strip.
    let out = cmd(dir.path())
        .env("CLINPOST_TESSERACT", "/nonexistent/tesseract")
        .args([
            "fix",
            fixture("report.png").to_str().unwrap(),
            "-o",
            "c.png",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("not checked") && err.contains("pixels unchanged"),
        "{err}"
    );
}

#[test]
fn an_ocr_time_limit_is_a_warning_not_a_hang() {
    if !tesseract_present() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = cmd(dir.path())
        .env("CLINPOST_OCR_TIMEOUT", "0.001")
        .args(["check", fixture("report.png").to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not checked") && err.contains("was stopped"),
        "{err}"
    );
}

#[test]
fn documents_are_checked_by_part_and_cleaned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // DOCX: the NHS number deleted with track changes on is still found, in its part.
    let out = cmd(d)
        .args([
            "check",
            "--format",
            "json",
            fixture("clinic-letter.docx").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"].as_array().unwrap();
    assert!(
        f.iter()
            .any(|f| f["kind"] == "nhs-number" && f["field"] == "DOCX:deleted"),
        "{v}"
    );
    assert!(f
        .iter()
        .any(|f| f["category"] == "media" && f["field"].as_str().unwrap().starts_with("DOCX:")));
    let out = cmd(d)
        .args([
            "fix",
            fixture("clinic-letter.docx").to_str().unwrap(),
            "-o",
            "clean.docx",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let clean = fs::read(d.join("clean.docx")).unwrap();
    assert!(clean.starts_with(b"PK"));
    let v: Value = serde_json::from_slice(
        &cmd(d)
            .args(["check", "--format", "json", "clean.docx"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["field"] == "DOCX:deleted"),
        "tracked deletions are gone: {v}"
    );

    // DICOM: identifying tags reported; the anonymised copy has none.
    let out = cmd(d)
        .args([
            "check",
            "--format",
            "json",
            fixture("ct-head.dcm").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["kind"] == "dicom-tag"));
    let out = cmd(d)
        .args([
            "fix",
            fixture("ct-head.dcm").to_str().unwrap(),
            "-o",
            "anon.dcm",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(
        &cmd(d)
            .args(["check", "--format", "json", "anon.dcm"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "dicom-tag" && f["severity"] == "error"),
        "{v}"
    );
}

#[test]
fn a_pdf_is_checked_page_by_page_and_fixed_as_page_images() {
    let poppler = std::process::Command::new("pdftotext")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !poppler {
        eprintln!("SKIPPED: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::copy(fixture("letter.pdf"), d.join("letter.pdf")).unwrap();
    let out = cmd(d)
        .args(["check", "--format", "json", "letter.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"].as_array().unwrap();
    let nhs = f
        .iter()
        .find(|f| f["kind"] == "nhs-number")
        .unwrap_or_else(|| panic!("no nhs-number: {v}"));
    assert_eq!(nhs["region"]["page"], 0, "{nhs}");
    assert!(f.iter().any(|f| f["field"] == "PDF:Info:Author"), "{v}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Okonkwo"));

    let out = cmd(d)
        .args(["fix", "letter.pdf", "-o", "clean.pdf"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("new PDF"));
    let clean = fs::read(d.join("clean.pdf")).unwrap();
    assert!(clean.starts_with(b"%PDF-"));
    for s in ["Okonkwo", "Smith", "/Author", "/Font"] {
        assert!(
            !clean.windows(s.len()).any(|w| w == s.as_bytes()),
            "{s} in the clean copy"
        );
    }
    let v: Value = serde_json::from_slice(
        &cmd(d)
            .args(["check", "--format", "json", "clean.pdf"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let f = v["findings"].as_array().unwrap();
    assert!(
        !f.iter()
            .any(|f| f["kind"] == "nhs-number" || f["field"] == "PDF:Info:Author"),
        "{v}"
    );
}
