//! Documents: the DOCX and DICOM fixtures made by `fixtures/make-documents.py` report every
//! planted field, hand back their text, and clean to valid files that hold none of it.

mod common;

use std::io::{Cursor, Read};

use clinpost_core::{Category, Kind, Severity, Span};
use clinpost_media::{
    clean_document, detect, detect_document, inspect_document, DocFormat, DocInspection, DocLimits,
    MediaError,
};
use common::fixture;

/// Values planted by `fixtures/make-documents.py`. None may appear in a finding, an error, a
/// `Debug` form or a clean copy.
const DOC_CANARIES: &[&str] = &[
    "Vexworthy",
    "VEXWORTHY",
    "Snodbury",
    "SNODBURY",
    "Thistlewaite",
    "THISTLEWAITE",
    "Grunthorpe",
    "GRUNTHORPE",
    "Wilhelmina",
    "WILHELMINA",
    "943 476 5919",
    "9434765919",
    "QXZ",
    "Quibble",
    "HOSP77341",
    "Swithin",
    "SWITHIN",
    "CTSTATION7",
    "SN-DEV-90817",
    "ACC55512",
    "STUDY4242",
    "REQ8899",
    "NESTEDNAME",
    "ROSAMUND",
    "19410312",
    "20240314",
    "2024-03-14",
    "2024-03-15",
    "083Y",
    "Little Snoring",
    "Ottoline",
    "Peregrine",
    "Marigold",
];

fn doc_canaries_in(haystack: &[u8]) -> Vec<&'static str> {
    DOC_CANARIES
        .iter()
        .copied()
        .chain(common::CANARIES.iter().copied())
        .filter(|c| haystack.windows(c.len()).any(|w| w == c.as_bytes()))
        .collect()
}

fn field_rule(ins: &DocInspection, field: &str) -> Option<(&'static str, Kind, Severity)> {
    ins.findings
        .iter()
        .find(|f| f.field.as_deref() == Some(field))
        .map(|f| (f.rule.code, f.kind, f.severity))
}

fn part<'a>(ins: &'a DocInspection, name: &str) -> Option<&'a str> {
    ins.parts
        .iter()
        .find(|p| p.part == name)
        .map(|p| p.text.expose().as_str())
}

fn text<'a>(ins: &'a DocInspection, field: &str) -> Vec<&'a str> {
    ins.texts
        .iter()
        .filter(|t| t.field == field)
        .map(|t| t.text.expose().as_str())
        .collect()
}

/// Every entry of a ZIP archive, decompressed.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("a valid zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("inflate (CRC checked)");
            (f.name().expect("name").to_string(), data)
        })
        .collect()
}

/// Parse an XML part to the end; true when it is well-formed.
fn well_formed(xml: &[u8]) -> bool {
    let s = std::str::from_utf8(xml).expect("utf-8");
    let mut r = quick_xml::Reader::from_str(s);
    loop {
        match r.read_event() {
            Ok(quick_xml::events::Event::Eof) => return true,
            Ok(_) => {}
            Err(_) => return false,
        }
    }
}

#[test]
fn formats_are_detected_by_content() {
    assert_eq!(
        detect_document(&fixture("clinic-letter.docx")),
        Some(DocFormat::Docx)
    );
    assert_eq!(
        detect_document(&fixture("ct-head.dcm")),
        Some(DocFormat::Dicom)
    );
    assert_eq!(
        detect_document(&fixture("ct-head-implicit.dcm")),
        Some(DocFormat::Dicom)
    );
    assert_eq!(detect_document(&fixture("phone.jpg")), None);
    assert_eq!(detect_document(b"Mrs Jane Smith"), None);
    // The image entry point leaves documents alone.
    assert_eq!(detect(&fixture("clinic-letter.docx")), None);
    assert_eq!(detect(&fixture("ct-head.dcm")), None);
    // A ZIP that is not a DOCX.
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    z.start_file("notes.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut z, b"hello").unwrap();
    let plain = z.finish().unwrap().into_inner();
    assert_eq!(detect_document(&plain), None);
    assert!(matches!(
        inspect_document(&plain, &DocLimits::default()),
        Err(MediaError::UnknownFormat)
    ));
}

#[test]
fn docx_every_planted_field_is_reported() {
    let ins = inspect_document(&fixture("clinic-letter.docx"), &DocLimits::default()).unwrap();
    assert_eq!(ins.format, DocFormat::Docx);
    let md = Kind::Metadata;
    for (field, code) in [
        ("DOCX:core:creator", "MED002"),
        ("DOCX:core:lastModifiedBy", "MED002"),
        ("DOCX:core:title", "MED004"),
        ("DOCX:core:subject", "MED004"),
        ("DOCX:core:keywords", "MED004"),
        ("DOCX:core:description", "MED004"),
        ("DOCX:core:created", "MED003"),
        ("DOCX:core:modified", "MED003"),
        ("DOCX:app:Company", "MED002"),
        ("DOCX:app:Manager", "MED002"),
        ("DOCX:app:TitlesOfParts", "MED004"),
        ("DOCX:custom", "MED004"),
        ("DOCX:comment:author", "MED002"),
        ("DOCX:comment:initials", "MED002"),
        ("DOCX:comment:date", "MED003"),
        ("DOCX:comments", "MED004"),
        ("DOCX:revision:author", "MED002"),
        ("DOCX:revision:date", "MED003"),
        ("DOCX:people:author", "MED002"),
        ("DOCX:deleted", "MED006"),
    ] {
        let got = field_rule(&ins, field);
        assert!(
            matches!(got, Some((c, k, _)) if c == code && k == md),
            "{field}: {got:?}"
        );
    }
    // The picture inside keeps its own GPS position and author.
    assert_eq!(
        field_rule(&ins, "DOCX:word/media/image1.jpeg:EXIF:GPSLatitude").map(|r| (r.0, r.1)),
        Some(("MED001", Kind::GpsLocation))
    );
    for f in &ins.findings {
        assert_eq!(f.category, Category::Media);
        assert_eq!(f.span, Span::new(0, 0));
        assert!(f.region.is_none());
        assert!(f.field.is_some());
        let shown = format!("{} {:?} {:?}", f.message, f.field, f.evidence);
        assert!(doc_canaries_in(shown.as_bytes()).is_empty(), "{shown}");
    }
    assert!(!ins.truncated && !ins.deidentified);
}

#[test]
fn docx_text_parts_and_values_come_back() {
    let ins = inspect_document(&fixture("clinic-letter.docx"), &DocLimits::default()).unwrap();
    let body = part(&ins, "DOCX:body").expect("body");
    assert!(
        body.contains("Teaching case: leg ulcer review.\n"),
        "{body:?}"
    );
    assert!(body.contains("Patient: [removed]"), "{body:?}");
    assert!(
        body.contains("six weeks of compression & dressings."),
        "{body:?}"
    );
    assert!(
        !body.contains("Wilhelmina"),
        "deleted text is not body text"
    );
    let deleted = part(&ins, "DOCX:deleted").expect("deleted");
    assert!(
        deleted.contains("Wilhelmina Grunthorpe, NHS 943 476 5919"),
        "{deleted:?}"
    );
    let comments = part(&ins, "DOCX:comments").expect("comments");
    assert!(comments.contains("Is this Wilhelmina from Quibble Lane?"));
    assert!(part(&ins, "DOCX:header")
        .unwrap()
        .contains("Dressing clinic"));
    assert!(part(&ins, "DOCX:footnotes").unwrap().contains("Tuesday"));
    assert!(part(&ins, "DOCX:alt-text")
        .unwrap()
        .contains("Mrs Grunthorpe's leg ulcer"));
    assert_eq!(text(&ins, "DOCX:core:creator"), ["Ottoline Vexworthy"]);
    assert_eq!(
        text(&ins, "DOCX:core:lastModifiedBy"),
        ["Peregrine Snodbury"]
    );
    assert_eq!(text(&ins, "DOCX:comment:author"), ["Marigold Thistlewaite"]);
    assert_eq!(text(&ins, "DOCX:app:Company"), ["Snodbury Lane Practice"]);
    assert_eq!(text(&ins, "DOCX:custom"), ["HOSP77341"]);
    assert!(text(&ins, "DOCX:revision:author").contains(&"Peregrine Snodbury"));
    // Sensitive values never print.
    let dbg = format!("{ins:?}");
    assert!(doc_canaries_in(dbg.as_bytes()).is_empty(), "{dbg}");
    assert!(dbg.contains("[redacted]"));
}

#[test]
fn docx_text_rules_find_the_deleted_nhs_number() {
    let ins = inspect_document(&fixture("clinic-letter.docx"), &DocLimits::default()).unwrap();
    let deleted = part(&ins, "DOCX:deleted").unwrap();
    let detectors = clinpost_rules::detectors();
    let registry = clinpost_core::Registry::new(detectors).unwrap();
    let engine =
        clinpost_core::Engine::new(&registry, &clinpost_core::Settings::default()).unwrap();
    let ctx = clinpost_core::Context::default();
    let report = engine.check(&clinpost_core::Document::new(deleted, &ctx));
    let kinds: Vec<_> = report.findings.iter().map(|f| f.kind).collect();
    assert!(kinds.contains(&Kind::NhsNumber), "{kinds:?}");
    assert!(kinds.contains(&Kind::PersonName), "{kinds:?}");
}

#[test]
fn docx_clean_copy_is_valid_and_holds_no_planted_value() {
    let original = fixture("clinic-letter.docx");
    let clean = clean_document(&original, &DocLimits::default()).unwrap();
    assert_eq!(detect_document(&clean), Some(DocFormat::Docx));
    assert!(
        doc_canaries_in(&clean).is_empty(),
        "{:?}",
        doc_canaries_in(&clean)
    );
    let entries = unzip(&clean);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    for gone in [
        "word/comments.xml",
        "word/people.xml",
        "docProps/custom.xml",
    ] {
        assert!(!names.contains(&gone), "{gone} kept");
    }
    for kept in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/_rels/document.xml.rels",
        "word/header1.xml",
        "word/footnotes.xml",
        "docProps/core.xml",
        "docProps/app.xml",
        "word/media/image1.jpeg",
    ] {
        assert!(names.contains(&kept), "{kept} missing");
    }
    for (name, data) in &entries {
        let found = doc_canaries_in(data);
        assert!(found.is_empty(), "{name}: {found:?}");
        if name.ends_with(".xml") || name.ends_with(".rels") {
            assert!(well_formed(data), "{name} is not well-formed");
            let s = String::from_utf8_lossy(data);
            assert!(
                !s.contains("comments.xml") && !s.contains("people.xml"),
                "{name}"
            );
            assert!(
                !s.contains("custom.xml") && !s.contains("w:author"),
                "{name}"
            );
        }
    }
    // Unchanged parts are kept byte for byte.
    let before = unzip(&original);
    for n in ["word/header1.xml", "word/footnotes.xml"] {
        let a = &before.iter().find(|(x, _)| x == n).unwrap().1;
        let b = &entries.iter().find(|(x, _)| x == n).unwrap().1;
        assert_eq!(a, b, "{n}");
    }
    // The external hyperlink relationship survives, the comment ones do not.
    let rels = &entries
        .iter()
        .find(|(n, _)| n == "word/_rels/document.xml.rels")
        .unwrap()
        .1;
    let rels = String::from_utf8_lossy(rels);
    assert!(rels.contains("https://www.nhs.uk/") && rels.contains("header1.xml"));
    // The picture is still a picture, without its metadata.
    let pic = &entries
        .iter()
        .find(|(n, _)| n == "word/media/image1.jpeg")
        .unwrap()
        .1;
    assert!(pic.starts_with(&[0xFF, 0xD8]));

    // Re-inspected: the text is there, the rest is gone.
    let again = inspect_document(&clean, &DocLimits::default()).unwrap();
    let fields: Vec<_> = again.findings.iter().map(|f| f.field.clone()).collect();
    assert!(again.findings.is_empty(), "{fields:?}");
    let body = part(&again, "DOCX:body").unwrap();
    assert!(body.contains("Teaching case: leg ulcer review."));
    assert!(body.contains("Patient: [removed]"));
    assert!(body.contains("six weeks of compression & dressings."));
    assert!(body.contains("ankle-brachial index"));
    assert!(part(&again, "DOCX:deleted").is_none());
    assert!(part(&again, "DOCX:comments").is_none());
    assert!(part(&again, "DOCX:alt-text").is_none());
    assert!(again.texts.is_empty());
    // Cleaning is idempotent in effect.
    let twice = clean_document(&clean, &DocLimits::default()).unwrap();
    assert!(inspect_document(&twice, &DocLimits::default())
        .unwrap()
        .findings
        .is_empty());
}

fn dicom_fields(ins: &DocInspection) -> Vec<String> {
    ins.findings
        .iter()
        .filter_map(|f| f.field.clone())
        .collect()
}

#[test]
fn dicom_every_planted_tag_is_reported() {
    for name in ["ct-head.dcm", "ct-head-implicit.dcm"] {
        let ins = inspect_document(&fixture(name), &DocLimits::default()).unwrap();
        assert_eq!(ins.format, DocFormat::Dicom);
        assert!(!ins.deidentified);
        for (field, sev) in [
            ("DICOM:(0010,0010) PatientName", Severity::Error),
            ("DICOM:(0010,0020) PatientID", Severity::Error),
            ("DICOM:(0010,0030) PatientBirthDate", Severity::Error),
            ("DICOM:(0010,0040) PatientSex", Severity::Warning),
            ("DICOM:(0010,1010) PatientAge", Severity::Warning),
            ("DICOM:(0010,1040) PatientAddress", Severity::Error),
            ("DICOM:(0010,1000) OtherPatientIDs", Severity::Error),
            ("DICOM:(0008,0080) InstitutionName", Severity::Warning),
            ("DICOM:(0008,0081) InstitutionAddress", Severity::Warning),
            ("DICOM:(0008,0090) ReferringPhysicianName", Severity::Error),
            ("DICOM:(0008,1050) PerformingPhysicianName", Severity::Error),
            ("DICOM:(0008,1070) OperatorsName", Severity::Error),
            ("DICOM:(0008,0050) AccessionNumber", Severity::Error),
            ("DICOM:(0008,0020) StudyDate", Severity::Warning),
            ("DICOM:(0008,0021) SeriesDate", Severity::Warning),
            ("DICOM:(0008,0022) AcquisitionDate", Severity::Warning),
            ("DICOM:(0020,0010) StudyID", Severity::Error),
            ("DICOM:(0018,1000) DeviceSerialNumber", Severity::Warning),
            ("DICOM:(0008,1010) StationName", Severity::Warning),
            ("DICOM:(0008,1030) StudyDescription", Severity::Warning),
            // Inside a sequence.
            ("DICOM:(0040,1001) RequestedProcedureID", Severity::Warning),
            ("DICOM:(0040,A123) PersonName", Severity::Error),
            ("DICOM:private", Severity::Warning),
            ("DICOM:(0020,000D) StudyInstanceUID", Severity::Warning),
            ("DICOM:(0008,0018) SOPInstanceUID", Severity::Warning),
        ] {
            let got = field_rule(&ins, field);
            assert_eq!(
                got,
                Some(("MED010", Kind::DicomTag, sev)),
                "{name} {field}: {:?}",
                dicom_fields(&ins)
            );
        }
        assert!(ins.parts.is_empty());
        assert_eq!(
            text(&ins, "DICOM:(0010,0010) PatientName"),
            ["GRUNTHORPE WILHELMINA"]
        );
        assert_eq!(
            text(&ins, "DICOM:(0010,0030) PatientBirthDate"),
            ["1941-03-12"]
        );
        assert_eq!(
            text(&ins, "DICOM:(0040,A123) PersonName"),
            ["NESTEDNAME ROSAMUND"]
        );
        for f in &ins.findings {
            assert_eq!(f.category, Category::Media);
            let shown = format!("{} {:?}", f.message, f.field);
            assert!(doc_canaries_in(shown.as_bytes()).is_empty(), "{shown}");
        }
        let dbg = format!("{ins:?}");
        assert!(doc_canaries_in(dbg.as_bytes()).is_empty(), "{dbg}");
    }
}

/// Every `2.25.` UID in the bytes, in order.
fn derived_uids(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(p) = bytes[i..].windows(5).position(|w| w == b"2.25.") {
        let start = i + p;
        let end = bytes[start..]
            .iter()
            .position(|b| !(b.is_ascii_digit() || *b == b'.'))
            .map_or(bytes.len(), |e| start + e);
        out.push(String::from_utf8_lossy(&bytes[start..end]).into_owned());
        i = end;
    }
    out
}

#[test]
fn dicom_anonymised_copy_reparses_and_says_so() {
    for name in ["ct-head.dcm", "ct-head-implicit.dcm"] {
        let original = fixture(name);
        let clean = clean_document(&original, &DocLimits::default()).unwrap();
        assert!(
            doc_canaries_in(&clean).is_empty(),
            "{name}: {:?}",
            doc_canaries_in(&clean)
        );
        assert!(clean[..128].iter().all(|&b| b == 0));
        let again = inspect_document(&clean, &DocLimits::default()).unwrap();
        assert!(again.deidentified, "{name}: PatientIdentityRemoved=YES");
        assert!(
            again.findings.is_empty(),
            "{name}: {:?}",
            dicom_fields(&again)
        );
        let s = String::from_utf8_lossy(&clean);
        assert!(s.contains("YES") && s.contains("REMOVED"));
        // The DICOM-defined UIDs stay; every other is replaced, consistently: the SOP
        // instance UID appears twice (file meta and data set), the rest once.
        assert!(s.contains("1.2.840.10008.5.1.4.1.1.2"));
        assert!(!s.contains("1.2.826.0.1.3680043.2.1125"));
        assert!(
            s.contains("1.2.826.0.1.3680043.9.7433.1"),
            "implementation class kept"
        );
        let uids = derived_uids(&clean);
        let distinct: std::collections::BTreeSet<_> = uids.iter().collect();
        assert_eq!(uids.len(), 5, "{uids:?}");
        assert_eq!(distinct.len(), 4, "{uids:?}");
        assert_eq!(uids[0], uids[uids.len() - 4], "meta = SOPInstanceUID");
        // Pixel data is copied as it was.
        let pixels: Vec<u8> = (0..128).map(|i| ((i * 3) % 256) as u8).collect();
        assert!(clean.windows(128).any(|w| w == pixels.as_slice()));
        // Cleaning again keeps it valid.
        let twice = clean_document(&clean, &DocLimits::default()).unwrap();
        assert!(
            inspect_document(&twice, &DocLimits::default())
                .unwrap()
                .deidentified
        );
    }
}

#[test]
fn text_values_and_parts_respect_the_text_budget() {
    let limits = DocLimits {
        max_text_bytes: 40,
        ..DocLimits::default()
    };
    let ins = inspect_document(&fixture("clinic-letter.docx"), &limits).unwrap();
    assert!(ins.truncated);
    let total: usize = ins.parts.iter().map(|p| p.text.expose().len()).sum();
    assert!(total <= 40, "{total}");
    assert!(ins
        .findings
        .iter()
        .any(|f| f.field.as_deref() == Some("DOCX:text-limit")));
}
