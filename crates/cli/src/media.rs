//! Images and documents given to `check` and `fix` (issue 5): glue over
//! [`clinpost_media::check_file`] and [`clinpost_media::clean_file`], which the HTTP API calls
//! too.
//!
//! A source is an image (JPEG, PNG, WebP, HEIC) or a document (DOCX, DICOM) when its content
//! says so, whatever its name. `check` reports metadata findings, text-rule findings in every
//! textual field and part, and findings in the text a picture shows (with their pixel
//! `region`); `fix` writes the copy safe to post.
//!
//! OCR settings come from the environment: `CLINPOST_TESSERACT` (the program, default
//! `tesseract` on `PATH`) and `CLINPOST_OCR_TIMEOUT` (seconds, default 10).

use std::time::Duration;

use anyhow::{anyhow, Result};
use clinpost_core::{Context, Engine};
use clinpost_media::{CleanFile, FileCheck, FileOptions, OcrOptions};

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

/// The options for files: default limits, OCR from the environment.
pub fn options() -> FileOptions {
    FileOptions {
        ocr: ocr_options(),
        ..Default::default()
    }
}

/// Check an image or document; warnings go to standard error.
pub fn check(engine: &Engine<'_>, bytes: &[u8], ctx: &Context, name: &str) -> Result<FileCheck> {
    let checked = clinpost_media::check_file(engine, bytes, ctx, &options())
        .map_err(|e| anyhow!("{name}: {e}"))?;
    for w in &checked.warnings {
        eprintln!("warning: {name}: {w}");
    }
    Ok(checked)
}

/// The copy safe to post.
pub fn clean(bytes: &[u8], checked: &FileCheck, name: &str) -> Result<CleanFile> {
    clinpost_media::clean_file(bytes, checked, &options()).map_err(|e| match e {
        clinpost_media::MediaError::Unsupported { .. } => anyhow!(
            "{name}: {} metadata can be read but not removed; convert the picture to JPEG first",
            checked.kind.format_name()
        ),
        e => anyhow!("{name}: {e}"),
    })
}
