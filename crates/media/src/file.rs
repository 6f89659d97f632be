//! One entry point for a file of any kind we read — the CLI and the HTTP API both call it.
//!
//! [`check_file`] recognises the file by content (an image, or a DOCX/DICOM document), reports
//! its metadata findings, runs the text rules over every textual field and part (a name in a
//! caption or a tracked deletion is a `person-name` finding naming the field), reads the text a
//! picture shows (OCR; findings carry their pixel `region`), and applies the engine's settings.
//! [`clean_file`] then makes the copy that is safe to post: for a picture showing identifying
//! text, a new PNG with a black box over each finding; for another picture, the same picture
//! without its metadata (pixels untouched); for a document, its clean copy; for a PDF, a new
//! PDF of its pages as pictures with a black box over each finding (findings in a PDF's text
//! carry a `region` on their page, in pixels at [`PDF_DPI`](crate::PDF_DPI)).
//!
//! When the text in a picture cannot be read (no Tesseract, too slow, HEIC), the metadata is
//! still reported, a warning says why, and a [`TEXT_UNCHECKED`](crate::TEXT_UNCHECKED) finding
//! keeps the verdict at least `caution`: an unread picture is not a clean one.

use clinpost_core::{verdict_of, Context, Document, Engine, Finding, Region, Report, Span};

use crate::{
    check_text, clean_document, detect, detect_document, inspect, inspect_document, redact, strip,
    DocFormat, DocLimits, Format, Limits, MediaError, OcrOptions, DEFAULT_MARGIN, TEXT_UNCHECKED,
};

/// What a file is, by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A picture.
    Image(Format),
    /// A document.
    Document(DocFormat),
}

impl FileKind {
    /// "image" or "document".
    pub fn class(self) -> &'static str {
        match self {
            FileKind::Image(_) => "image",
            FileKind::Document(_) => "document",
        }
    }

    /// "JPEG", "PNG", "WebP", "HEIC", "DOCX", "DICOM".
    pub fn format_name(self) -> &'static str {
        match self {
            FileKind::Image(f) => f.as_str(),
            FileKind::Document(f) => f.as_str(),
        }
    }

    /// The file's media type.
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Image(f) => f.mime(),
            FileKind::Document(f) => f.mime(),
        }
    }
}

/// The kind of a file, by content; `None` for anything else (text, say).
pub fn detect_file(bytes: &[u8]) -> Option<FileKind> {
    detect(bytes)
        .map(FileKind::Image)
        .or_else(|| detect_document(bytes).map(FileKind::Document))
}

/// Limits and OCR settings for [`check_file`] and [`clean_file`].
#[derive(Debug, Clone, Default)]
pub struct FileOptions {
    /// Image limits (size, pixels).
    pub limits: Limits,
    /// Document limits (size, zip bombs, nesting).
    pub doc_limits: DocLimits,
    /// OCR settings.
    pub ocr: OcrOptions,
}

/// What [`check_file`] found.
#[derive(Debug, Clone)]
pub struct FileCheck {
    /// The file's kind.
    pub kind: FileKind,
    /// Width and height in pixels (images; 0 when the header does not say).
    pub size: Option<(u32, u32)>,
    /// Verdict and findings (span `0..0`: a region or a field locates each).
    pub report: Report,
    /// Things the user should know that are not findings ("the text in the picture was not
    /// checked: ..."). Fixed words and error messages only, never file content.
    pub warnings: Vec<String>,
}

impl FileCheck {
    /// The regions of the findings that have one.
    pub fn regions(&self) -> Vec<Region> {
        self.report
            .findings
            .iter()
            .filter_map(|f| f.region)
            .collect()
    }
}

/// Check a file (see the module docs). `Err` for a file that is not one we read, or one that is
/// too large, truncated or malformed.
pub fn check_file(
    engine: &Engine<'_>,
    bytes: &[u8],
    ctx: &Context,
    opts: &FileOptions,
) -> Result<FileCheck, MediaError> {
    let Some(kind) = detect_file(bytes) else {
        // Let the image reader say what is wrong (size first, then the format).
        return Err(inspect(bytes, &opts.limits)
            .err()
            .unwrap_or(MediaError::UnknownFormat));
    };
    let mut findings = Vec::new();
    let mut warnings = Vec::new();
    let mut size = None;
    match kind {
        FileKind::Image(_) => {
            let ins = inspect(bytes, &opts.limits)?;
            size = Some((ins.width, ins.height));
            findings.extend(ins.findings);
            for t in &ins.texts {
                findings.extend(in_field(
                    engine,
                    t.text.expose(),
                    ctx,
                    &t.field,
                    "metadata field",
                ));
            }
            match check_text(engine, bytes, ctx, &opts.limits, &opts.ocr) {
                // The region locates a finding in the picture; its span into the text read is
                // dropped (that text is not the input).
                Ok(found) => findings.extend(found.findings.into_iter().map(|f| Finding {
                    span: Span::new(0, 0),
                    ..f
                })),
                Err(e) => {
                    warnings.push(format!(
                        "the text in the picture was not checked: {}",
                        unread_reason(&e)
                    ));
                    findings.push(Finding::new(
                        &TEXT_UNCHECKED,
                        Span::new(0, 0),
                        "The text in the picture was not checked; look for names, numbers and \
                         dates yourself",
                        vec![],
                    ));
                }
            }
        }
        FileKind::Document(DocFormat::Pdf) => {
            let found = crate::pdf::check(engine, bytes, ctx, opts)?;
            findings.extend(found.findings);
            warnings.extend(found.warnings);
        }
        FileKind::Document(format) => {
            let ins = inspect_document(bytes, &opts.doc_limits)?;
            if format == DocFormat::Dicom {
                burned_in(engine, bytes, ctx, opts, &mut findings, &mut warnings)?;
            }
            findings.extend(ins.findings);
            for t in &ins.texts {
                findings.extend(in_field(
                    engine,
                    t.text.expose(),
                    ctx,
                    &t.field,
                    "metadata field",
                ));
            }
            for p in &ins.parts {
                findings.extend(in_field(engine, p.text.expose(), ctx, &p.part, "part"));
            }
            if ins.truncated {
                warnings.push(
                    "the document's text is longer than the limit; only the start was checked"
                        .to_string(),
                );
            }
        }
    }
    let mut findings = engine.settle_external(findings);
    // Whole-file findings first, then what the picture shows, top to bottom.
    findings.sort_by_key(|f| f.region.map(|r| (r.page, r.y, r.x)));
    Ok(FileCheck {
        kind,
        size,
        report: Report {
            verdict: verdict_of(&findings),
            findings,
            risk: None,
        },
        warnings,
    })
}

/// Text burned into a DICOM file's pixels: the first frame rendered to grey and read like a
/// screenshot; findings carry their pixel regions (which `clean_file` blacks out).
fn burned_in(
    engine: &Engine<'_>,
    bytes: &[u8],
    ctx: &Context,
    opts: &FileOptions,
    findings: &mut Vec<Finding>,
    warnings: &mut Vec<String>,
) -> Result<(), MediaError> {
    let Some(px) = crate::dicom::pixels(bytes, &opts.doc_limits, opts.limits.max_pixels)? else {
        warnings.push(
            "text burned into the pixels was not checked: the pixel data is compressed, in \
             colour or absent"
                .to_string(),
        );
        return Ok(());
    };
    let Some(img) = image::GrayImage::from_raw(px.width, px.height, px.grey) else {
        return Ok(());
    };
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|_| MediaError::Decode {
            format: Format::Png,
        })?;
    match check_text(engine, &png, ctx, &opts.limits, &opts.ocr) {
        Ok(found) => findings.extend(found.findings.into_iter().map(|f| Finding {
            span: Span::new(0, 0),
            ..f
        })),
        Err(e) => {
            warnings.push(format!(
                "text burned into the pixels was not checked: {}",
                unread_reason(&e)
            ));
            findings.push(Finding::new(
                &TEXT_UNCHECKED,
                Span::new(0, 0),
                "Text burned into the pixels was not checked; look for names, numbers and dates \
                 yourself",
                vec![],
            ));
        }
    }
    Ok(())
}

/// The text rules over one field or part, each finding naming it.
pub(crate) fn in_field(
    engine: &Engine<'_>,
    text: &str,
    ctx: &Context,
    field: &str,
    what: &str,
) -> Vec<Finding> {
    engine
        .check(&Document::new(text, ctx))
        .findings
        .into_iter()
        .map(|f| Finding {
            span: Span::new(0, 0),
            field: Some(field.to_string()),
            message: format!("{} (in the {field} {what})", f.message),
            // Removing the field, or editing the document, is the fix: not a text edit here.
            fix: None,
            ..f
        })
        .collect()
}

fn unread_reason(e: &MediaError) -> String {
    match e {
        MediaError::Unsupported { format, .. } => {
            format!("text in {format} pictures cannot be read; convert it to JPEG or PNG")
        }
        e => e.to_string(),
    }
}

/// The clean copy of a checked file and its media type and extension.
#[derive(Debug, Clone)]
pub struct CleanFile {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Media type ("image/png").
    pub media_type: &'static str,
    /// File extension without the dot ("png").
    pub extension: &'static str,
    /// How it was made, in a few words.
    pub how: CleanHow,
}

/// How a clean copy was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CleanHow {
    /// A new PNG with boxes over the text findings and no metadata.
    Redacted,
    /// The same picture without its metadata; pixels untouched.
    Stripped,
    /// The document's clean copy.
    Document,
    /// A PDF made of page images, with boxes over the text findings: no text layer, no
    /// metadata, no attachments.
    PdfPages,
}

/// The copy safe to post (see the module docs). `Err(Unsupported)` for a HEIC picture without
/// text findings (its metadata cannot be removed losslessly: convert it first).
pub fn clean_file(
    bytes: &[u8],
    checked: &FileCheck,
    opts: &FileOptions,
) -> Result<CleanFile, MediaError> {
    match checked.kind {
        FileKind::Image(format) => {
            let regions = checked.regions();
            if !regions.is_empty() {
                return Ok(CleanFile {
                    bytes: redact(bytes, &regions, DEFAULT_MARGIN, &opts.limits)?,
                    media_type: "image/png",
                    extension: "png",
                    how: CleanHow::Redacted,
                });
            }
            Ok(CleanFile {
                bytes: strip(bytes, &opts.limits)?,
                media_type: format.mime(),
                extension: match format {
                    Format::Jpeg => "jpg",
                    Format::Png => "png",
                    Format::WebP => "webp",
                    Format::Heic => "heic",
                },
                how: CleanHow::Stripped,
            })
        }
        FileKind::Document(DocFormat::Pdf) => Ok(CleanFile {
            bytes: crate::pdf::clean(bytes, &checked.regions(), opts)?,
            media_type: "application/pdf",
            extension: "pdf",
            how: CleanHow::PdfPages,
        }),
        FileKind::Document(format) => Ok(CleanFile {
            bytes: if format == DocFormat::Dicom {
                crate::dicom::clean_with_regions(bytes, &opts.doc_limits, &checked.regions())?
            } else {
                clean_document(bytes, &opts.doc_limits)?
            },
            media_type: format.mime(),
            extension: format.extension(),
            how: CleanHow::Document,
        }),
    }
}
