//! Images given to `check` and `fix` (issue 5, first step: metadata).
//!
//! A source is an image when its content says so (JPEG, PNG, WebP, HEIC), whatever its name.
//! `check` reports the metadata findings of `clinpost-media` (GPS, author, serial numbers,
//! captions, dates, hidden trailers) and runs the text rules over every textual field (a
//! patient's name in a caption is a `person-name` finding, reported with the field it is in);
//! `fix` writes a copy with the metadata removed and the pixels untouched.

use anyhow::{anyhow, Result};
use clinpost_core::{verdict_of, Context, Document, Engine, Finding, Report, Span};
use clinpost_media::{Format, Limits};

/// Check an image's metadata.
pub fn check(engine: &Engine<'_>, bytes: &[u8], ctx: &Context, name: &str) -> Result<Report> {
    let ins =
        clinpost_media::inspect(bytes, &Limits::default()).map_err(|e| anyhow!("{name}: {e}"))?;
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
    let findings = engine.settle_external(findings);
    Ok(Report {
        verdict: verdict_of(&findings),
        findings,
        risk: None,
    })
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
