//! Images given to `check` and `fix` (issue 5: metadata, and text in images).
//!
//! A source is an image when its content says so (JPEG, PNG, WebP, HEIC), whatever its name.
//! `check` reports the metadata findings of `clinpost-media` (GPS, author, serial numbers,
//! captions, dates, hidden trailers), runs the text rules over every textual field (a
//! patient's name in a caption is a `person-name` finding, reported with the field it is in),
//! and reads the text in the picture with Tesseract and runs the text rules over it (a name in
//! a screenshot is a `person-name` finding with the pixel `region` it occupies). When the text
//! cannot be read (Tesseract missing, too slow, HEIC) the metadata is still reported and a
//! warning says the text in the picture was not checked.
//!
//! `fix` writes a copy with a black box over every finding that has a region and all metadata
//! removed (a new PNG) when the picture shows identifying text, and otherwise the picture with
//! its metadata removed and its pixels untouched.
//!
//! OCR settings come from the environment: `CLINPOST_TESSERACT` (the program, default
//! `tesseract` on `PATH`) and `CLINPOST_OCR_TIMEOUT` (seconds, default 10).

use std::time::Duration;

use anyhow::{anyhow, Result};
use clinpost_core::{verdict_of, Context, Document, Engine, Finding, Region, Report, Span};
use clinpost_media::{Format, Limits, MediaError, OcrOptions};

/// OCR options: the defaults, with `CLINPOST_TESSERACT` and `CLINPOST_OCR_TIMEOUT` applied.
pub fn ocr_options() -> OcrOptions {
    let mut o = OcrOptions::default();
    if let Some(p) = std::env::var_os("CLINPOST_TESSERACT").filter(|p| !p.is_empty()) {
        o.program = p.into();
    }
    if let Some(secs) = std::env::var("CLINPOST_OCR_TIMEOUT")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0 && *s < 86_400.0)
    {
        o.timeout = Duration::from_secs_f64(secs);
    }
    o
}

/// Check an image: its metadata and the text it shows.
pub fn check(engine: &Engine<'_>, bytes: &[u8], ctx: &Context, name: &str) -> Result<Report> {
    let limits = Limits::default();
    let ins = clinpost_media::inspect(bytes, &limits).map_err(|e| anyhow!("{name}: {e}"))?;
    let mut findings = ins.findings;
    for t in &ins.texts {
        let report = engine.check(&Document::new(t.text.expose(), ctx));
        for f in report.findings {
            findings.push(Finding {
                span: Span::new(0, 0),
                field: Some(t.field.clone()),
                message: format!("{} (in the {} metadata field)", f.message, t.field),
                // Removing the field (`clinpost fix`) is the fix, not a text edit.
                fix: None,
                ..f
            });
        }
    }
    match clinpost_media::check_text(engine, bytes, ctx, &limits, &ocr_options()) {
        Ok(found) => {
            // The report is printed without the text read (it is not the input): the region
            // locates a finding, so its span into the OCR text is dropped.
            findings.extend(found.findings.into_iter().map(|f| Finding {
                span: Span::new(0, 0),
                ..f
            }));
        }
        Err(e) => {
            warn_unread(name, &e);
            // Recall first: an unread picture is not a clean one.
            findings.push(Finding::new(
                &clinpost_media::TEXT_UNCHECKED,
                Span::new(0, 0),
                "The text in the picture was not checked (see the warning); look for names, \
                 numbers and dates yourself",
                vec![],
            ));
        }
    }
    let mut findings = engine.settle_external(findings);
    // Metadata first, then what the picture shows, top to bottom.
    findings.sort_by_key(|f| f.region.map(|r| (r.page, r.y, r.x)));
    Ok(Report {
        verdict: verdict_of(&findings),
        findings,
        risk: None,
    })
}

fn warn_unread(name: &str, e: &MediaError) {
    let why = match e {
        MediaError::Unsupported { format, .. } => {
            format!("text in {format} pictures cannot be read; convert it to JPEG or PNG")
        }
        e => e.to_string(),
    };
    eprintln!("warning: {name}: the text in the picture was not checked: {why}");
}

/// The regions of the findings that have one.
pub fn regions(report: &Report) -> Vec<Region> {
    report.findings.iter().filter_map(|f| f.region).collect()
}

/// The picture with a black box over each region and no metadata (PNG).
pub fn redact(bytes: &[u8], regions: &[Region], name: &str) -> Result<Vec<u8>> {
    clinpost_media::redact(
        bytes,
        regions,
        clinpost_media::DEFAULT_MARGIN,
        &Limits::default(),
    )
    .map_err(|e| anyhow!("{name}: {e}"))
}

/// Check a document (DOCX, DICOM): its metadata fields and every text part (body, headers,
/// comments, tracked deletions...), each reported with the part it is in.
pub fn check_document(
    engine: &Engine<'_>,
    bytes: &[u8],
    ctx: &Context,
    name: &str,
) -> Result<Report> {
    let ins = clinpost_media::inspect_document(bytes, &clinpost_media::DocLimits::default())
        .map_err(|e| anyhow!("{name}: {e}"))?;
    let mut findings = ins.findings;
    let texts = ins
        .texts
        .iter()
        .map(|t| (t.field.as_str(), t.text.expose(), "metadata field"))
        .chain(
            ins.parts
                .iter()
                .map(|p| (p.part.as_str(), p.text.expose(), "part")),
        );
    for (field, text, what) in texts {
        let report = engine.check(&Document::new(text, ctx));
        for f in report.findings {
            findings.push(Finding {
                span: Span::new(0, 0),
                field: Some(field.to_string()),
                message: format!("{} (in the {field} {what})", f.message),
                // The clean copy (`clinpost fix`) removes metadata; text in the body needs an edit.
                fix: None,
                ..f
            });
        }
    }
    if ins.truncated {
        eprintln!("warning: {name}: the document's text is longer than the limit; only the start was checked");
    }
    let findings = engine.settle_external(findings);
    Ok(Report {
        verdict: verdict_of(&findings),
        findings,
        risk: None,
    })
}

/// The document with its metadata, comments and tracked changes removed.
pub fn clean_document(bytes: &[u8], name: &str) -> Result<Vec<u8>> {
    clinpost_media::clean_document(bytes, &clinpost_media::DocLimits::default())
        .map_err(|e| anyhow!("{name}: {e}"))
}

/// The image without its metadata.
pub fn strip(bytes: &[u8], format: Format, name: &str) -> Result<Vec<u8>> {
    if !format.can_strip() {
        return Err(anyhow!(
            "{name}: {format} metadata can be read but not removed; convert the picture to JPEG \
             first"
        ));
    }
    clinpost_media::strip(bytes, &Limits::default()).map_err(|e| anyhow!("{name}: {e}"))
}
