//! Hostile documents: truncated, malformed, oversized, too deep, too many entries, path
//! traversal. Every one ends in a typed error, never a panic; no error shows a planted value.

mod common;

use std::io::{Cursor, Write};

use clinpost_media::{clean_document, inspect_document, DocFormat, DocLimits, MediaError};
use common::fixture;
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const CT: &str = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;

/// Values that must never appear in an error.
const PLANTED: &[&str] = &[
    "Grunthorpe",
    "GRUNTHORPE",
    "Wilhelmina",
    "HOSP77341",
    "9434765919",
    "943 476 5919",
    "Vexworthy",
    "Snodbury",
    "Thistlewaite",
    "CANARYNAME",
    "evil",
];

fn docx(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts {
        z.start_file(*name, SimpleFileOptions::default()).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn body(inner: &str) -> Vec<u8> {
    format!(r#"<w:document xmlns:w="{W}"><w:body>{inner}</w:body></w:document>"#).into_bytes()
}

/// Both calls on `bytes`: their errors (successes are allowed and dropped).
fn both(bytes: &[u8], limits: &DocLimits) -> Vec<MediaError> {
    let mut out = Vec::new();
    if let Err(e) = inspect_document(bytes, limits) {
        out.push(e);
    }
    if let Err(e) = clean_document(bytes, limits) {
        out.push(e);
    }
    out
}

fn assert_clean_error(e: &MediaError) {
    let shown = format!("{e} {e:?}");
    for p in PLANTED {
        assert!(!shown.contains(p), "{p} in {shown}");
    }
}

#[test]
fn truncated_documents_give_errors_never_panics() {
    let limits = DocLimits::default();
    for name in ["clinic-letter.docx", "ct-head.dcm", "ct-head-implicit.dcm"] {
        let b = fixture(name);
        let step = if name.ends_with(".docx") { 61 } else { 1 };
        let mut errors = 0;
        for cut in (0..b.len()).step_by(step) {
            let r = inspect_document(&b[..cut], &limits);
            let c = clean_document(&b[..cut], &limits);
            for e in r.err().into_iter().chain(c.err()) {
                assert_clean_error(&e);
                errors += 1;
            }
        }
        assert!(errors > 0, "{name}");
    }
    // Cut inside the DICOM pixel data: truncated, with the offset where the file ends.
    let b = fixture("ct-head.dcm");
    let e = inspect_document(&b[..b.len() - 10], &limits).unwrap_err();
    assert!(
        matches!(
            e,
            MediaError::DocumentTruncated {
                format: DocFormat::Dicom,
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.code(), "truncated");
}

#[test]
fn corrupted_bytes_never_panic() {
    let limits = DocLimits::default();
    for name in ["clinic-letter.docx", "ct-head.dcm", "ct-head-implicit.dcm"] {
        let b = fixture(name);
        let step = if name.ends_with(".docx") { 37 } else { 1 };
        for at in (0..b.len()).step_by(step) {
            for v in [0x00, 0xFF, 0x7F] {
                let mut c = b.clone();
                c[at] = v;
                for e in both(&c, &limits) {
                    assert_clean_error(&e);
                }
            }
        }
    }
}

#[test]
fn malformed_xml_is_a_typed_error() {
    let limits = DocLimits::default();
    let bad = docx(&[
        ("[Content_Types].xml", CT.as_bytes()),
        (
            "word/document.xml",
            format!(r#"<w:document xmlns:w="{W}"><w:body><w:p><w:t>CANARYNAME</w:p></w:body>"#)
                .as_bytes(),
        ),
    ]);
    for e in both(&bad, &limits) {
        assert!(matches!(e, MediaError::DocumentMalformed { .. }), "{e:?}");
        assert_clean_error(&e);
    }
    let latin1 = docx(&[
        ("[Content_Types].xml", CT.as_bytes()),
        ("word/document.xml", b"<w:document>\xe9\xe9</w:document>"),
    ]);
    for e in both(&latin1, &limits) {
        assert!(matches!(e, MediaError::DocumentUnsupported { .. }), "{e:?}");
    }
}

#[test]
fn entity_expansion_is_not_performed() {
    // "Billion laughs": the DTD is never read, so the entities expand to nothing.
    let xml = format!(
        r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "CANARYNAME"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>x&b;y</w:t></w:r></w:p></w:body></w:document>"#
    );
    let d = docx(&[
        ("[Content_Types].xml", CT.as_bytes()),
        ("word/document.xml", xml.as_bytes()),
    ]);
    let ins = inspect_document(&d, &DocLimits::default()).unwrap();
    let text = ins.parts[0].text.expose();
    assert_eq!(text, "xy\n");
}

#[test]
fn path_traversal_names_are_refused() {
    for evil in [
        "../evil.xml",
        "/abs/evil.xml",
        "word\\..\\evil.xml",
        "C:/evil.xml",
    ] {
        let d = docx(&[
            ("[Content_Types].xml", CT.as_bytes()),
            ("word/document.xml", &body("")),
            (evil, b"x"),
        ]);
        for e in both(&d, &DocLimits::default()) {
            assert!(
                matches!(e, MediaError::DocumentMalformed { what, .. } if what.contains("traversal")),
                "{evil}: {e:?}"
            );
            assert_clean_error(&e);
        }
    }
}

#[test]
fn too_many_entries_are_refused() {
    let names: Vec<String> = (0..60).map(|i| format!("word/media/x{i}.bin")).collect();
    let b = body("");
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CT.as_bytes()),
        ("word/document.xml", &b),
    ];
    for n in &names {
        parts.push((n, b"x"));
    }
    let d = docx(&parts);
    let limits = DocLimits {
        max_entries: 50,
        ..DocLimits::default()
    };
    for e in both(&d, &limits) {
        assert!(
            matches!(e, MediaError::DocumentLimit { limit: 50, .. }),
            "{e:?}"
        );
    }
    assert!(inspect_document(&d, &DocLimits::default()).is_ok());
}

#[test]
fn oversized_input_is_refused() {
    let limits = DocLimits {
        max_bytes: 1000,
        ..DocLimits::default()
    };
    for name in ["clinic-letter.docx", "ct-head.dcm"] {
        let e = inspect_document(&fixture(name), &limits).unwrap_err();
        assert!(
            matches!(e, MediaError::TooLarge { limit: 1000, .. }),
            "{e:?}"
        );
    }
}

/// A minimal explicit-VR DICOM file around `data` (a data set already encoded).
fn dicom(data: &[u8]) -> Vec<u8> {
    let ts = b"1.2.840.10008.1.2.1\0";
    let mut meta = Vec::new();
    meta.extend_from_slice(&[0x02, 0x00, 0x10, 0x00]);
    meta.extend_from_slice(b"UI");
    meta.extend_from_slice(&(ts.len() as u16).to_le_bytes());
    meta.extend_from_slice(ts);
    let mut out = vec![0u8; 128];
    out.extend_from_slice(b"DICM");
    out.extend_from_slice(&[0x02, 0x00, 0x00, 0x00, b'U', b'L', 4, 0]);
    out.extend_from_slice(&(meta.len() as u32).to_le_bytes());
    out.extend_from_slice(&meta);
    out.extend_from_slice(data);
    out
}

fn elem_header(group: u16, elem: u16, vr: &[u8; 2], len: u32) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&group.to_le_bytes());
    v.extend_from_slice(&elem.to_le_bytes());
    v.extend_from_slice(vr);
    if matches!(vr, b"SQ" | b"OB" | b"OW" | b"UN" | b"UT") {
        v.extend_from_slice(&[0, 0]);
        v.extend_from_slice(&len.to_le_bytes());
    } else {
        v.extend_from_slice(&(len as u16).to_le_bytes());
    }
    v
}

#[test]
fn deep_sequences_are_refused_without_overflowing_the_stack() {
    // 100,000 nested sequences of undefined length, each in an item of undefined length.
    let depth = 100_000;
    let mut data = Vec::new();
    for _ in 0..depth {
        data.extend(elem_header(0x0040, 0x0275, b"SQ", u32::MAX));
        data.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]);
    }
    let f = dicom(&data);
    for e in both(&f, &DocLimits::default()) {
        assert!(
            matches!(e, MediaError::DocumentLimit { what, limit: 32, .. } if what.contains("nesting")),
            "{e:?}"
        );
    }
    // Just inside the limit, properly closed, it parses.
    let depth = 30;
    let mut data = Vec::new();
    for _ in 0..depth {
        data.extend(elem_header(0x0040, 0x0275, b"SQ", u32::MAX));
        data.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]);
    }
    data.extend(elem_header(0x0010, 0x0010, b"PN", 10));
    data.extend_from_slice(b"CANARYNAME");
    for _ in 0..depth {
        data.extend_from_slice(&[0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0]);
        data.extend_from_slice(&[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
    }
    let f = dicom(&data);
    let ins = inspect_document(&f, &DocLimits::default()).unwrap();
    assert!(ins
        .findings
        .iter()
        .any(|f| f.field.as_deref() == Some("DICOM:(0010,0010) PatientName")));
    let clean = clean_document(&f, &DocLimits::default()).unwrap();
    assert!(!String::from_utf8_lossy(&clean).contains("CANARYNAME"));
    assert!(
        inspect_document(&clean, &DocLimits::default())
            .unwrap()
            .deidentified
    );
}

#[test]
fn huge_lengths_are_refused_at_once() {
    // A value claiming 4 GB, a sequence item claiming more than its sequence.
    let mut data = elem_header(0x0010, 0x1000, b"UT", 0xFFFF_FFF0);
    data.extend_from_slice(b"CANARYNAME");
    let e = inspect_document(&dicom(&data), &DocLimits::default()).unwrap_err();
    assert!(matches!(e, MediaError::DocumentTruncated { .. }), "{e:?}");
    assert_clean_error(&e);

    let mut data = elem_header(0x0040, 0x0275, b"SQ", 16);
    data.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0]);
    data.extend_from_slice(&1000u32.to_le_bytes());
    data.extend(elem_header(0x0010, 0x0010, b"PN", 10));
    data.extend_from_slice(b"CANARYNAME");
    data.extend_from_slice(&[0u8; 2000]);
    let e = inspect_document(&dicom(&data), &DocLimits::default()).unwrap_err();
    assert!(matches!(e, MediaError::DocumentMalformed { .. }), "{e:?}");

    // Too many elements.
    let mut data = Vec::new();
    for i in 0..2000u16 {
        data.extend(elem_header(0x0011, i, b"LO", 2));
        data.extend_from_slice(b"ab");
    }
    let limits = DocLimits {
        max_elements: 1000,
        ..DocLimits::default()
    };
    let e = inspect_document(&dicom(&data), &limits).unwrap_err();
    assert!(
        matches!(e, MediaError::DocumentLimit { limit: 1000, .. }),
        "{e:?}"
    );
}

#[test]
fn unsupported_transfer_syntaxes_are_named() {
    let mut f = dicom(&[]);
    let at = f
        .windows(19)
        .position(|w| w == b"1.2.840.10008.1.2.1")
        .unwrap();
    f.splice(at..at + 20, b"1.2.840.10008.1.2.2\0".iter().copied());
    let e = inspect_document(&f, &DocLimits::default()).unwrap_err();
    assert!(matches!(e, MediaError::DocumentUnsupported { .. }), "{e:?}");
    assert!(e.to_string().contains("big endian"));
}

#[test]
fn error_codes_are_stable() {
    let e = MediaError::DocumentLimit {
        format: DocFormat::Docx,
        what: "decompressed bytes",
        limit: 1,
    };
    assert_eq!(e.code(), "limit-exceeded");
    assert_eq!(
        e.to_string(),
        "DOCX: decompressed bytes over the limit of 1"
    );
}
