//! The media rules and the collector that turns metadata fields into findings.
//!
//! Every metadata field that [`crate::inspect`] recognises falls into one [`Class`]; each class
//! is one rule (`MED001`...) with its documentation and guidance, as the text rules are. A
//! finding carries the field's name (`EXIF:Artist`, `XMP:dc:creator`, `PNG:tEXt:Author`) in
//! [`Finding::field`] and a message built from fixed words; the value itself is never put in a
//! finding, an error or a log. Textual values are handed back separately, wrapped in
//! [`Sensitive`], so that a later step can run the text rules over them.
//!
//! Metadata findings have no position in a text: their span is the empty span `0..0` and their
//! `region` is `None` (they concern the whole file).

use std::collections::HashSet;

use clinpost_core::{Category, Evidence, Finding, Kind, RuleMeta, Sensitive, Severity, Span};

/// A textual metadata value, for the text rules to check (a caption may name a patient).
///
/// `Debug` prints the field and `[redacted]` in place of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataText {
    /// The field it came from, as in [`Finding::field`] (`IPTC:Caption-Abstract`).
    pub field: String,
    /// The decoded value (UTF-8; other encodings converted, invalid bytes replaced).
    pub text: Sensitive<String>,
}

/// What a metadata field is, for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Class {
    /// A GPS position (latitude or longitude).
    Gps,
    /// Who took, owns or made the picture, or the device's serial number.
    Identity,
    /// When it was taken or changed.
    Date,
    /// Free text: captions, descriptions, comments, titles, keywords.
    Text,
    /// A named place (city, sub-location, GPS area name).
    Place,
    /// Content hidden from view: thumbnails, maker notes, appended data, previews; in
    /// documents, deleted text kept by change tracking.
    Hidden,
    /// An identifying DICOM attribute (patient, staff, institution, device, dates, UIDs).
    Dicom,
}

/// The guidance for location in photos.
const GPS_GUIDANCE: &[&str] = &["mdo/location-metadata", "hipaa/safe-harbor"];
/// Guidance for names, serials and dates carried in a file.
const ID_GUIDANCE: &[&str] = &["hipaa/safe-harbor", "gmc-sm/sum-of-information"];
/// Guidance for free text riding along with a picture.
const TEXT_GUIDANCE: &[&str] = &["gmc-sm/no-public-patient-discussion", "hipaa/safe-harbor"];

/// MED001: a GPS position in a photo's metadata.
pub static GPS_LOCATION: RuleMeta = RuleMeta {
    code: "MED001",
    name: "gps-location",
    category: Category::Media,
    kind: Kind::GpsLocation,
    severity: Severity::Error,
    guidance: GPS_GUIDANCE,
    summary: "A GPS position in an image's metadata (EXIF, XMP).",
    docs: "## What it does\n\
Reports a GPS latitude or longitude stored in an image's EXIF or XMP metadata (phones write \
one into every photo unless location is turned off for the camera).\n\n\
## Why it matters\n\
The position points at the ward, the clinic room or the patient's home where the photo was \
taken, and anyone who saves the picture can read it.\n\n\
## Example\n\
A phone photo of an X-ray light box with `EXIF:GPSLatitude` and `EXIF:GPSLongitude` set.\n\n\
## Fix\n\
Strip the metadata (`strip` removes every metadata block without re-encoding the pixels), or \
turn off location for the camera app.\n",
    placeholder: None,
    priority: 90,
    true_samples: &[],
    false_samples: &[],
};

/// MED002: who made or owns the picture, or the camera's serial number.
pub static IDENTITY: RuleMeta = RuleMeta {
    code: "MED002",
    name: "metadata-identity",
    category: Category::Media,
    kind: Kind::Metadata,
    severity: Severity::Error,
    guidance: ID_GUIDANCE,
    summary: "An author, artist, owner, copyright holder, contact detail, person tag or device serial number in an image's metadata.",
    docs: "## What it does\n\
Reports metadata naming who took, owns or appears in a picture: EXIF Artist, Copyright, \
CameraOwnerName, BodySerialNumber and LensSerialNumber, XMP dc:creator and dc:rights, \
photo-organiser person tags (mwg-rs and Microsoft regions), IPTC By-line and contact details, \
and PNG Author or Copyright text. In DOCX documents: the author and last editor \
(`dc:creator`, `cp:lastModifiedBy`), the company and manager, and the names of reviewers who \
commented or made tracked changes.\n\n\
## Why it matters\n\
The author's name ties the picture to a clinician and so to a practice or ward; a person tag \
names the patient; a camera serial links every photo taken with the same phone.\n\n\
## Example\n\
`EXIF:Artist`, `XMP:dc:creator`, `IPTC:By-line`, `PNG:tEXt:Author`, `DOCX:core:creator`, \
`DOCX:comment:author`.\n\n\
## Fix\n\
Strip the metadata before posting.\n",
    placeholder: None,
    priority: 80,
    true_samples: &[],
    false_samples: &[],
};

/// MED003: when the picture was taken or changed.
pub static DATE: RuleMeta = RuleMeta {
    code: "MED003",
    name: "metadata-date",
    category: Category::Media,
    kind: Kind::Metadata,
    severity: Severity::Warning,
    guidance: ID_GUIDANCE,
    summary: "The date and time a picture was taken, digitised or changed, in its metadata.",
    docs: "## What it does\n\
Reports dates in an image's metadata: EXIF DateTimeOriginal, DateTimeDigitized and DateTime, \
GPS date and time stamps, XMP and IPTC creation dates, PNG tIME and date text; in DOCX \
documents, the created, modified and printed dates and the dates of comments and tracked \
changes.\n\n\
## Why it matters\n\
The moment a photo was taken narrows down which patient was seen, and on which shift.\n\n\
## Example\n\
`EXIF:DateTimeOriginal`, `XMP:xmp:CreateDate`, `PNG:tIME`.\n\n\
## Fix\n\
Strip the metadata before posting.\n",
    placeholder: None,
    priority: 40,
    true_samples: &[],
    false_samples: &[],
};

/// MED004: free text stored with the picture.
pub static TEXT: RuleMeta = RuleMeta {
    code: "MED004",
    name: "metadata-text",
    category: Category::Media,
    kind: Kind::Metadata,
    severity: Severity::Warning,
    guidance: TEXT_GUIDANCE,
    summary: "A caption, description, comment, title or keywords stored in an image's metadata.",
    docs: "## What it does\n\
Reports free text that travels inside an image but is not shown with it: EXIF \
ImageDescription and UserComment, Windows XP title, comment and keywords, XMP dc:description, \
dc:title and dc:subject, IPTC Caption-Abstract, Headline and Keywords, JPEG comments and PNG \
text chunks. In DOCX documents: the title, subject, keywords, description and category \
properties, custom properties, and reviewers' comments (`DOCX:comments`; their text is \
handed to the text rules).\n\n\
## Why it matters\n\
Captions and comments are written by people and often hold a patient's name, a bed number or a \
diagnosis; they are invisible in the post and readable by anyone who saves the picture.\n\n\
## Example\n\
`IPTC:Caption-Abstract`, `JPEG:COM`, `PNG:iTXt:Comment`.\n\n\
## Fix\n\
Strip the metadata before posting.\n",
    placeholder: None,
    priority: 50,
    true_samples: &[],
    false_samples: &[],
};

/// MED005: a named place stored with the picture.
pub static PLACE: RuleMeta = RuleMeta {
    code: "MED005",
    name: "metadata-place",
    category: Category::Media,
    kind: Kind::Metadata,
    severity: Severity::Warning,
    guidance: GPS_GUIDANCE,
    summary: "A place name (city, sub-location, location shown) in an image's metadata.",
    docs: "## What it does\n\
Reports place names in an image's metadata: IPTC City and Sub-location, XMP photoshop:City and \
Iptc4xmpCore:Location, the location-shown and location-created structures, and EXIF \
GPSAreaInformation.\n\n\
## Why it matters\n\
A photo-management app fills these in from the GPS position: they say where the picture was \
taken even when the position itself has been removed.\n\n\
## Example\n\
`IPTC:City`, `XMP:photoshop:City`.\n\n\
## Fix\n\
Strip the metadata before posting.\n",
    placeholder: None,
    priority: 60,
    true_samples: &[],
    false_samples: &[],
};

/// MED006: content hidden from view (thumbnails, maker notes, appended data, previews).
pub static HIDDEN: RuleMeta = RuleMeta {
    code: "MED006",
    name: "hidden-content",
    category: Category::Media,
    kind: Kind::Metadata,
    severity: Severity::Warning,
    guidance: TEXT_GUIDANCE,
    summary: "An embedded thumbnail or preview, maker notes, or data appended after the image.",
    docs: "## What it does\n\
Reports content a viewer does not show: EXIF and Photoshop thumbnails, JPEG multi-picture \
(MPF) previews, camera maker notes, content credentials (JUMBF/C2PA) and anything stored after \
the end of the image (a second picture, a motion-photo video); in DOCX documents, text \
deleted while changes were tracked (`DOCX:deleted`), which Word keeps in the file.\n\n\
## Why it matters\n\
A thumbnail can show the picture as it was before it was cropped (the patient's face, the \
name band); a motion-photo video shows the seconds around the shot and carries its own GPS \
position; maker notes can hold serial numbers and names of recognised faces.\n\n\
## Example\n\
`EXIF:ThumbnailImage`, `EXIF:MakerNote`, `JPEG:trailer`.\n\n\
## Fix\n\
Strip the metadata before posting: the stripped file keeps the visible image only.\n",
    placeholder: None,
    priority: 70,
    true_samples: &[],
    false_samples: &[],
};

/// MED007: a picture whose text could not be read.
pub static TEXT_UNCHECKED: RuleMeta = RuleMeta {
    code: "MED007",
    name: "text-in-image-unchecked",
    category: Category::Media,
    kind: Kind::TextInImage,
    severity: Severity::Warning,
    guidance: TEXT_GUIDANCE,
    summary: "A picture whose text could not be read (no OCR engine, too slow, or a format it cannot decode): check it by eye.",
    docs: "## What it does\n\
Reports a picture whose visible text clinpost could not read: Tesseract is not installed, \
reading took longer than the time limit, or the format (HEIC) cannot be decoded. Its metadata \
is still checked.\n\n\
## Why it matters\n\
Screenshots of reports, notes and chats are how names, dates of birth and NHS numbers most \
often reach social media. An unread picture is not a clean picture: recall comes first.\n\n\
## Example\n\
`clinpost check screenshot.png` on a machine without Tesseract.\n\n\
## Fix\n\
Install Tesseract (`apt-get install tesseract-ocr tesseract-ocr-eng`) or convert the picture to \
PNG or JPEG and check again; or look for names, numbers and dates yourself and crop them out.\n",
    placeholder: None,
    priority: 10,
    true_samples: &[],
    false_samples: &[],
};

/// MED010: an identifying attribute in a DICOM file's header.
pub static DICOM_TAG: RuleMeta = RuleMeta {
    code: "MED010",
    name: "dicom-identifying-tag",
    category: Category::Media,
    kind: Kind::DicomTag,
    severity: Severity::Error,
    guidance: ID_GUIDANCE,
    summary: "A patient, staff, institution, device or date attribute in a DICOM file's header.",
    docs: "## What it does\n\
Reports the identifying attributes of a DICOM file (a scan or X-ray exported from PACS): the \
patient's name, ID, other IDs, birth date, sex, age, address and telephone numbers; the \
accession number and study ID; the institution's name, address and department; the referring, \
performing and reading physicians and the operators; the station name and device serial \
number; the study, series, acquisition and content dates; descriptions and comments; private \
tags; and the study, series and instance UIDs that link the file to the hospital's records. \
Direct identifiers are errors, the rest warnings. Text values are also handed to the text \
rules. Text burned into the pixels (`BurnedInAnnotation`) is reported but not read here.\n\n\
## Why it matters\n\
A DICOM header carries the patient's full demographics whatever the picture shows: an \
\"anonymous\" interesting scan posted as a .dcm file names the patient, the hospital and the \
radiographer.\n\n\
## Example\n\
`DICOM:(0010,0010) PatientName`, `DICOM:(0010,0020) PatientID`, \
`DICOM:(0008,0080) InstitutionName`.\n\n\
## Fix\n\
Post a de-identified copy (`clean_document`: the identifying attributes removed or blanked as \
in the DICOM PS3.15 Basic Application Level Confidentiality Profile, UIDs replaced, private \
tags removed), or export a screenshot of the image instead of the file.\n",
    placeholder: None,
    priority: 85,
    true_samples: &[],
    false_samples: &[],
};

/// Every media rule, for catalogues (`clinpost rules`, `GET /v1/rules`).
///
/// These rules do not run over text, so they have no text samples.
pub static RULES: &[&RuleMeta] = &[
    &TEXT_UNCHECKED,
    &GPS_LOCATION,
    &IDENTITY,
    &DATE,
    &TEXT,
    &PLACE,
    &HIDDEN,
    &DICOM_TAG,
];

impl Class {
    fn rule(self) -> &'static RuleMeta {
        match self {
            Class::Gps => &GPS_LOCATION,
            Class::Identity => &IDENTITY,
            Class::Date => &DATE,
            Class::Text => &TEXT,
            Class::Place => &PLACE,
            Class::Hidden => &HIDDEN,
            Class::Dicom => &DICOM_TAG,
        }
    }
}

/// Accumulates findings and texts while a file is walked. One finding per field name; every
/// non-empty textual value is kept.
#[derive(Default)]
pub(crate) struct Collector {
    pub(crate) findings: Vec<Finding>,
    pub(crate) texts: Vec<MetadataText>,
    seen: HashSet<String>,
    /// Prefix put before field names (`JPEG:trailer:` inside an appended image).
    pub(crate) prefix: String,
    /// Total bytes of text kept, bounded by the caller's limit.
    text_bytes: usize,
    pub(crate) text_budget: usize,
    /// Decompressed bytes still allowed for compressed text in this file.
    pub(crate) inflate_budget: usize,
}

/// At most this many findings per file: a hostile file with millions of distinct text keywords
/// must not turn into millions of findings. One more finding says the list is incomplete.
const MAX_FINDINGS: usize = 1000;
/// At most this many text values per file (their total size is bounded separately).
const MAX_TEXTS: usize = 10_000;

impl Collector {
    pub(crate) fn new(text_budget: usize) -> Collector {
        Collector {
            text_budget,
            inflate_budget: text_budget,
            ..Collector::default()
        }
    }

    /// Report `field` of class `class`; `what` is a fixed description ("author or artist")
    /// and `value` the decoded text, if the field is textual. Blank values are not reported.
    pub(crate) fn field(&mut self, class: Class, field: &str, what: &str, value: Option<&str>) {
        self.field_with(class, field, what, value, None);
    }

    /// As [`Collector::field`], with a severity other than the rule's.
    pub(crate) fn field_with(
        &mut self,
        class: Class,
        field: &str,
        what: &str,
        value: Option<&str>,
        severity: Option<Severity>,
    ) {
        if let Some(v) = value {
            if is_blank(v) {
                return;
            }
        }
        let name = format!("{}{}", self.prefix, field);
        if let Some(v) = value {
            if matches!(
                class,
                Class::Identity | Class::Text | Class::Place | Class::Dicom
            ) && self.text_bytes.saturating_add(v.len()) <= self.text_budget
                && self.texts.len() < MAX_TEXTS
            {
                self.text_bytes += v.len();
                self.texts.push(MetadataText {
                    field: name.clone(),
                    text: Sensitive(
                        v.trim_matches(|c: char| c == '\0' || c.is_whitespace())
                            .to_string(),
                    ),
                });
            }
        }
        if self.seen.contains(&name) {
            return;
        }
        if self.findings.len() >= MAX_FINDINGS {
            if self.findings.len() == MAX_FINDINGS {
                let mut f = Finding::new(
                    &HIDDEN,
                    Span::new(0, 0),
                    "more identifying metadata fields than are listed",
                    vec![Evidence::Label],
                );
                f.field = Some("*".to_string());
                self.findings.push(f);
            }
            return;
        }
        self.seen.insert(name.clone());
        let rule = class.rule();
        let mut evidence = vec![Evidence::Label];
        if class == Class::Gps {
            evidence.push(Evidence::FormatValid);
        }
        let block = block_of(&name);
        let message = if block.is_empty() {
            what.to_string()
        } else {
            format!("{what} in {block}")
        };
        let mut f = Finding::new(rule, Span::new(0, 0), message, evidence);
        f.field = Some(name);
        if let Some(s) = severity {
            f.severity = s;
        }
        self.findings.push(f);
    }
}

/// True when a value holds nothing a person could read (spaces, NULs, "unknown" fillers).
pub(crate) fn is_blank(v: &str) -> bool {
    let t = v.trim_matches(|c: char| c == '\0' || c.is_whitespace() || c.is_control());
    t.is_empty()
}

/// The human name of the metadata block a field lives in, from its prefix; empty when the
/// description says it all (data after the end of the picture).
fn block_of(field: &str) -> &'static str {
    if field.starts_with("DICOM:") {
        return "the DICOM header";
    }
    if let Some(rest) = field.strip_prefix("PDF:") {
        return if rest.starts_with("Info:") {
            "the PDF's document information"
        } else if rest.starts_with("XMP:") {
            "the PDF's XMP metadata"
        } else {
            ""
        };
    }
    if let Some(rest) = field.strip_prefix("DOCX:") {
        return if rest.starts_with("core:")
            || rest.starts_with("app:")
            || rest.starts_with("custom")
        {
            "the document properties"
        } else if rest.starts_with("comment") {
            "the document's comments"
        } else if rest.starts_with("revision") || rest.starts_with("deleted") {
            "the document's tracked changes"
        } else if rest.starts_with("people") {
            "the document's list of reviewers"
        } else {
            ""
        };
    }
    if field.ends_with(":trailer") {
        return "";
    }
    let inner = field.rsplit("trailer:").next().unwrap_or(field);
    let appended = inner.len() != field.len();
    let base = if inner.starts_with("EXIF:") {
        "EXIF"
    } else if inner.starts_with("XMP:") {
        "XMP"
    } else if inner.starts_with("IPTC:") {
        "IPTC"
    } else if inner.starts_with("Photoshop:") {
        "Photoshop resources"
    } else if inner.starts_with("PNG:") {
        "a PNG chunk"
    } else if inner.starts_with("WebP:") {
        "a WebP chunk"
    } else if inner.starts_with("HEIF:") {
        "the HEIF container"
    } else if inner.starts_with("MP4:") {
        "a video"
    } else {
        "the JPEG structure"
    };
    if appended {
        match base {
            "EXIF" => "EXIF of an appended image",
            "XMP" => "XMP of an appended image",
            "IPTC" => "IPTC of an appended image",
            "a video" => "a video appended to the picture",
            _ => "an appended image",
        }
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clinpost_core::guidance;

    #[test]
    fn rules_are_consistent() {
        let mut codes = HashSet::new();
        for r in RULES {
            assert!(codes.insert(r.code), "{} twice", r.code);
            assert!(r.code.starts_with("MED") && r.code.len() == 6);
            assert_eq!(r.category, Category::Media);
            for g in r.guidance {
                assert!(
                    guidance::lookup(g).is_some(),
                    "{}: unknown guidance {g}",
                    r.code
                );
            }
            for h in [
                "## What it does",
                "## Why it matters",
                "## Example",
                "## Fix",
            ] {
                assert!(r.docs.contains(h), "{}: docs lack {h}", r.code);
            }
        }
    }

    #[test]
    fn one_finding_per_field_every_text_kept() {
        let mut c = Collector::new(1 << 20);
        c.field(Class::Text, "JPEG:COM", "comment", Some("first"));
        c.field(Class::Text, "JPEG:COM", "comment", Some("second"));
        c.field(Class::Identity, "EXIF:Artist", "author", Some(" \0 "));
        assert_eq!(c.findings.len(), 1);
        assert_eq!(c.texts.len(), 2);
        assert_eq!(c.findings[0].message, "comment in the JPEG structure");
        assert_eq!(c.findings[0].span, Span::new(0, 0));
        let dbg = format!("{:?}", c.texts);
        assert!(!dbg.contains("first") && dbg.contains("[redacted]"));
    }

    #[test]
    fn findings_are_capped() {
        let mut c = Collector::new(1 << 20);
        for n in 0..5000 {
            c.field(Class::Text, &format!("PNG:tEXt:k{n}"), "text", Some("x"));
        }
        assert_eq!(c.findings.len(), MAX_FINDINGS + 1);
        assert_eq!(c.findings[MAX_FINDINGS].field.as_deref(), Some("*"));
        assert_eq!(c.texts.len(), 5000);
    }

    #[test]
    fn trailer_fields_name_their_block() {
        assert_eq!(
            block_of("JPEG:trailer:EXIF:GPSLatitude"),
            "EXIF of an appended image"
        );
        assert_eq!(block_of("JPEG:trailer"), "");
        assert_eq!(
            block_of("JPEG:trailer:MP4:GPSCoordinates"),
            "a video appended to the picture"
        );
        assert_eq!(block_of("PNG:tEXt:Author"), "a PNG chunk");
    }
}
