//! Documents: DOCX, DICOM and PDF (issue 5, "Documents").
//!
//! Three calls, the document counterparts of [`crate::inspect`] and [`crate::strip`]:
//!
//! - [`detect_document`] recognises the format by content: a DOCX is a ZIP archive holding
//!   `[Content_Types].xml` and `word/document.xml`; a DICOM file has a 128-byte preamble
//!   followed by `DICM`; a PDF has `%PDF-` within its first 1024 bytes. The file name plays
//!   no part. PDF is read with poppler-utils and has its own path through
//!   [`crate::check_file`] and [`crate::clean_file`] (findings placed on pages, a clean copy
//!   made of page images): see the `pdf` module.
//! - [`inspect_document`] reports every identifying field as a [`Finding`] (category `media`;
//!   kind `metadata` for DOCX properties, comments and tracked changes, kind `dicom-tag` for
//!   DICOM attributes), with the field's name in [`Finding::field`] (`DOCX:core:creator`,
//!   `DICOM:(0010,0010) PatientName`) and never its value. The values, and the document's
//!   text ([`TextPart`]s: `DOCX:body`, `DOCX:comments`, `DOCX:deleted`...), come back wrapped
//!   in [`Sensitive`] so that the caller runs the text rules over them.
//! - [`clean_document`] returns a copy without them: for DOCX, comments removed, tracked
//!   changes accepted, personal properties blanked and embedded pictures stripped; for DICOM,
//!   the identifying attributes removed or blanked, UIDs replaced, private tags removed and
//!   the file marked as de-identified. See the `docx` and `dicom` modules for exactly what
//!   each does.
//!
//! Hostile input is bounded by [`DocLimits`] (file size, total decompressed size, ZIP entry
//! count and compression ratio, DICOM element count and sequence depth) and ends in a typed
//! [`MediaError`], never a panic. Errors name formats, sizes, limits and offsets only.

use std::fmt;

use clinpost_core::{Finding, Sensitive};

use crate::rules::{Collector, MetadataText};
use crate::{dicom, docx, pdf, MediaError};

/// A document format, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocFormat {
    /// Office Open XML word-processing document (Word 2007 and later, LibreOffice, Pages
    /// export).
    Docx,
    /// DICOM Part 10 file (medical imaging: X-ray, CT, MR, ultrasound...).
    Dicom,
    /// PDF (read with poppler-utils; see the `pdf` module).
    Pdf,
}

impl DocFormat {
    /// The usual name: `DOCX`, `DICOM`, `PDF`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocFormat::Docx => "DOCX",
            DocFormat::Dicom => "DICOM",
            DocFormat::Pdf => "PDF",
        }
    }

    /// The media type.
    pub fn mime(self) -> &'static str {
        match self {
            DocFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            DocFormat::Dicom => "application/dicom",
            DocFormat::Pdf => "application/pdf",
        }
    }

    /// The usual file extension, without the dot: `docx`, `dcm`, `pdf`.
    pub fn extension(self) -> &'static str {
        match self {
            DocFormat::Docx => "docx",
            DocFormat::Dicom => "dcm",
            DocFormat::Pdf => "pdf",
        }
    }
}

impl fmt::Display for DocFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Bounds for hostile documents. Checked before the work that could grow with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocLimits {
    /// Largest input accepted, in bytes (default 64 MiB).
    pub max_bytes: u64,
    /// DOCX: largest total decompressed size of the archive's entries, as declared and as
    /// actually inflated (default 256 MiB). A zip bomb stops here.
    pub max_unpacked_bytes: u64,
    /// DOCX: most entries in the archive (default 10,000).
    pub max_entries: usize,
    /// DOCX: highest compression ratio accepted for an entry larger than 1 MiB (default 200;
    /// XML rarely exceeds 50, a bomb of zeros reaches 1,000).
    pub max_ratio: u64,
    /// DICOM: most data elements in the file, counting those inside sequences
    /// (default 1,000,000).
    pub max_elements: usize,
    /// DICOM: deepest nesting of sequences (default 32).
    pub max_depth: usize,
    /// Most text kept in [`DocInspection::parts`] and [`DocInspection::texts`] together, in
    /// bytes (default 8 MiB). Text beyond it is not returned and [`DocInspection::truncated`]
    /// is set.
    pub max_text_bytes: usize,
    /// PDF: most pages (default 500); a longer PDF is refused.
    pub max_pages: usize,
    /// PDF: most pages read with OCR (pages without a text layer, or with pictures; default
    /// 20). Beyond them a warning and a `text-unchecked` finding say so.
    pub max_ocr_pages: usize,
    /// PDF: each poppler-utils program is stopped after this long (default 60 s).
    pub tool_timeout: std::time::Duration,
}

impl Default for DocLimits {
    fn default() -> DocLimits {
        DocLimits {
            max_bytes: 64 << 20,
            max_unpacked_bytes: 256 << 20,
            max_entries: 10_000,
            max_ratio: 200,
            max_elements: 1_000_000,
            max_depth: 32,
            max_text_bytes: 8 << 20,
            max_pages: 500,
            max_ocr_pages: 20,
            tool_timeout: std::time::Duration::from_secs(60),
        }
    }
}

impl DocLimits {
    pub(crate) fn check_size(&self, len: usize) -> Result<(), MediaError> {
        let size = len as u64;
        if size > self.max_bytes {
            return Err(MediaError::TooLarge {
                size,
                limit: self.max_bytes,
            });
        }
        Ok(())
    }
}

/// A piece of a document's text, for the text rules.
///
/// `Debug` prints the part and `[redacted]` in place of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextPart {
    /// Where it comes from: `DOCX:body`, `DOCX:header`, `DOCX:footer`, `DOCX:footnotes`,
    /// `DOCX:endnotes`, `DOCX:comments`, `DOCX:deleted` (text removed with change tracking on,
    /// still in the file), `DOCX:alt-text` (descriptions of pictures and shapes),
    /// `DOCX:glossary`.
    pub part: String,
    /// The text: paragraphs end with `\n`, tabs are `\t`.
    pub text: Sensitive<String>,
}

/// What [`inspect_document`] found.
#[derive(Debug, Clone)]
pub struct DocInspection {
    /// The format, by content.
    pub format: DocFormat,
    /// One finding per identifying field, category `media`, with [`Finding::field`] set; span
    /// `0..0`, no region.
    pub findings: Vec<Finding>,
    /// The textual values of metadata fields (`DOCX:core:creator`, `DOCX:comment:author`,
    /// `DICOM:(0010,0010) PatientName`...), for the text rules. Never log them.
    pub texts: Vec<MetadataText>,
    /// The document's own text, part by part (DOCX; empty for DICOM). Never log it.
    pub parts: Vec<TextPart>,
    /// True when there was more text than [`DocLimits::max_text_bytes`]: what is beyond was
    /// not returned (a finding says so too).
    pub truncated: bool,
    /// DICOM: the file declares itself de-identified (PatientIdentityRemoved (0012,0062) is
    /// `YES`). Always false for DOCX.
    pub deidentified: bool,
}

/// The document format of `bytes`, by content, or `None`.
pub fn detect_document(bytes: &[u8]) -> Option<DocFormat> {
    if dicom::is_dicom(bytes) {
        Some(DocFormat::Dicom)
    } else if docx::is_docx(bytes) {
        Some(DocFormat::Docx)
    } else if pdf::is_pdf(bytes) {
        Some(DocFormat::Pdf)
    } else {
        None
    }
}

/// Accumulates the text parts of a document under one byte budget.
pub(crate) struct Parts {
    parts: Vec<(&'static str, String)>,
    left: usize,
    pub(crate) truncated: bool,
}

impl Parts {
    pub(crate) fn new(budget: usize) -> Parts {
        Parts {
            parts: Vec::new(),
            left: budget,
            truncated: false,
        }
    }

    /// Append `text` to `part` (created on first use, in order of first use).
    pub(crate) fn push(&mut self, part: &'static str, text: &str) {
        if text.is_empty() {
            return;
        }
        if text.len() > self.left {
            self.truncated = true;
            return;
        }
        self.left -= text.len();
        match self.parts.iter_mut().find(|(p, _)| *p == part) {
            Some((_, t)) => t.push_str(text),
            None => self.parts.push((part, text.to_string())),
        }
    }

    /// The last character of `part`, if any.
    pub(crate) fn last_char(&self, part: &'static str) -> Option<char> {
        self.parts
            .iter()
            .find(|(p, _)| *p == part)
            .and_then(|(_, t)| t.chars().last())
    }

    fn into_parts(self) -> Vec<TextPart> {
        self.parts
            .into_iter()
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(p, t)| TextPart {
                part: p.to_string(),
                text: Sensitive(t),
            })
            .collect()
    }
}

/// Detect the format, check the limits and report every identifying field; return the
/// values and the text for the text rules.
///
/// Errors: [`MediaError::TooLarge`], [`MediaError::UnknownFormat`] (neither DOCX nor DICOM),
/// [`MediaError::DocumentLimit`] (zip bomb, too many entries, too deep),
/// [`MediaError::DocumentTruncated`], [`MediaError::DocumentMalformed`] and
/// [`MediaError::DocumentUnsupported`] (encrypted ZIP entries, big-endian or deflated DICOM).
pub fn inspect_document(bytes: &[u8], limits: &DocLimits) -> Result<DocInspection, MediaError> {
    limits.check_size(bytes.len())?;
    let format = detect_document(bytes).ok_or(MediaError::UnknownFormat)?;
    let mut c = Collector::new(limits.max_text_bytes);
    let mut parts = Parts::new(limits.max_text_bytes);
    let mut deidentified = false;
    match format {
        DocFormat::Docx => docx::inspect(bytes, limits, &mut c, &mut parts)?,
        DocFormat::Dicom => deidentified = dicom::inspect(bytes, limits, &mut c)?,
        DocFormat::Pdf => pdf::inspect(bytes, limits, &mut c, &mut parts)?,
    }
    let truncated = parts.truncated;
    if truncated {
        c.field(
            crate::rules::Class::Hidden,
            "DOCX:text-limit",
            "more text than the size limit allows; the rest was not checked",
            None,
        );
    }
    Ok(DocInspection {
        format,
        findings: c.findings,
        texts: c.texts,
        parts: parts.into_parts(),
        truncated,
        deidentified,
    })
}

/// The document without its identifying content, as a valid file of the same format (see
/// the module docs). Inspecting the result finds no comment, deleted text, personal property
/// or identifying DICOM attribute.
///
/// Errors: as [`inspect_document`].
pub fn clean_document(bytes: &[u8], limits: &DocLimits) -> Result<Vec<u8>, MediaError> {
    limits.check_size(bytes.len())?;
    match detect_document(bytes).ok_or(MediaError::UnknownFormat)? {
        DocFormat::Docx => docx::clean(bytes, limits),
        DocFormat::Dicom => dicom::clean(bytes, limits),
        // Rasterising without covering the text findings would not make a clean copy.
        DocFormat::Pdf => Err(MediaError::DocumentUnsupported {
            format: DocFormat::Pdf,
            what: "a PDF's clean copy covers the findings of a check: use clean_file",
        }),
    }
}
