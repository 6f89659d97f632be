//! Images: find what a picture's metadata says about who, where and when, and remove it
//! without touching the pixels (issue 5, "Images: metadata").
//!
//! Three calls:
//!
//! - [`inspect`] detects the format by content ([`detect`]: JPEG, PNG, WebP; HEIF/HEIC for
//!   reading only), checks the [`Limits`] (file size, and the pixel count the header claims,
//!   before anything is decoded), walks every metadata block (EXIF with GPS, maker notes and
//!   thumbnail; XMP; IPTC; JPEG comments; PNG text chunks; WebP EXIF/XMP chunks; data appended
//!   after the image) and returns an [`Inspection`]: typed [`Finding`]s with category `media`
//!   and kind `gps-location` or `metadata`, the field's name in [`Finding::field`], and the
//!   textual values ([`MetadataText`]) for the text rules to check.
//! - [`strip`] returns the same picture with all of that removed: the container is re-muxed,
//!   the compressed image data copied byte for byte (so decoded pixels are bit-identical), the
//!   ICC colour profile kept, and a minimal EXIF Orientation kept when the photo is rotated so
//!   it still displays the right way up.
//! - [`inspect_and_strip`] does both in one pass over the container (what a caller wanting
//!   both should use: the image data is scanned once).
//! - [`write_atomically`] writes the result to a temporary file beside the destination and
//!   renames it into place, so a crash never leaves a half-written picture.
//!
//! Text in images (issue 5, "Text in images"; see the `ocr` and `redact` module docs):
//!
//! - [`ocr`] reads a picture's text with Tesseract (run as a subprocess with a time limit,
//!   after grey conversion, dark-mode inversion and upscaling of small pictures) into an
//!   [`OcrPage`]: the page text and each [`Word`] with its pixel box and byte span;
//! - [`text_findings`] runs the text rules ([`Engine::check`](clinpost_core::Engine::check))
//!   over that text and gives each finding the [`Region`](clinpost_core::Region) of the words
//!   it covers, keeping its rule and kind (a name in a screenshot is a `person-name`);
//!   [`check_text`] does both;
//! - [`redact`] draws a black box over each region and returns a new PNG with no metadata.
//!
//! Privacy: a finding's message is built from fixed words and the field's name, never from its
//! value; [`MetadataText`] wraps values in [`Sensitive`](clinpost_core::Sensitive), whose
//! `Debug` prints `[redacted]`; errors ([`MediaError`]) name formats, sizes and offsets only.
//! Metadata findings concern the whole file: their span is `0..0` and their region `None`.
//!
//! The container formats are described in the modules that handle them: `jpeg`, `png`,
//! `webp`, `heic`; the metadata blocks in `exif`, `xmp` and `iptc`.
//!
//! Documents (DOCX, DICOM, PDF) have their own three calls, [`detect_document`],
//! [`inspect_document`] and [`clean_document`], bounded by [`DocLimits`]: the findings and
//! [`MetadataText`]s are the same kind of thing, and the document's text comes back as
//! [`TextPart`]s for the text rules (the `document`, `docx` and `dicom` modules).
//!
//! ```no_run
//! use clinpost_media::{inspect, strip, write_atomically, Limits};
//! # fn main() -> Result<(), clinpost_media::MediaError> {
//! let bytes = std::fs::read("photo.jpg").expect("read");
//! let limits = Limits::default();
//! let found = inspect(&bytes, &limits)?;
//! for f in &found.findings {
//!     println!("{} {}: {}", f.rule.code, f.field.as_deref().unwrap_or(""), f.message);
//! }
//! let clean = strip(&bytes, &limits)?;
//! write_atomically(std::path::Path::new("photo.clean.jpg"), &clean)?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod atomic;
mod dicom;
mod document;
mod docx;
mod error;
mod exif;
mod file;
mod heic;
mod iptc;
mod jpeg;
mod ocr;
mod pdf;
mod pixels;
mod png;
mod redact;
mod rules;
mod webp;
mod xmp;

use std::fmt;

pub use atomic::write_atomically;
use clinpost_core::Finding;
pub use document::{
    clean_document, detect_document, inspect_document, DocFormat, DocInspection, DocLimits,
    TextPart,
};
pub use error::MediaError;
pub use file::{
    check_file, clean_file, detect_file, CleanFile, CleanHow, FileCheck, FileKind, FileOptions,
};
pub use ocr::{check_text, ocr, text_findings, ImageText, OcrOptions, OcrPage, Word};
pub use pdf::PDF_DPI;
pub use redact::{redact, DEFAULT_MARGIN, MIN_MARGIN_PX};
pub use rules::{
    MetadataText, DATE, DICOM_TAG, GPS_LOCATION, HIDDEN, IDENTITY, PLACE, RULES, TEXT,
    TEXT_UNCHECKED,
};

/// The media rules as a [`Detector`](clinpost_core::Detector), so that a registry lists them
/// (`clinpost rules`, `explain`, selectors and severity overrides). Its text check finds nothing:
/// media findings come from [`inspect`], and the caller passes them through
/// [`Engine::settle_external`](clinpost_core::Engine::settle_external).
#[derive(Debug, Default)]
pub struct MediaRules;

impl clinpost_core::Detector for MediaRules {
    fn rules(&self) -> &'static [&'static clinpost_core::RuleMeta] {
        RULES
    }

    fn check(&self, _doc: &clinpost_core::Document<'_>, _out: &mut Vec<Finding>) {}
}

/// An image container format, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// JPEG (JFIF or EXIF).
    Jpeg,
    /// PNG (and APNG).
    Png,
    /// WebP (lossy, lossless, extended, animated).
    WebP,
    /// HEIF, HEIC or AVIF: metadata reading only.
    Heic,
}

impl Format {
    /// The usual name: `JPEG`, `PNG`, `WebP`, `HEIC`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Jpeg => "JPEG",
            Format::Png => "PNG",
            Format::WebP => "WebP",
            Format::Heic => "HEIC",
        }
    }

    /// The media type: `image/jpeg`, `image/png`, `image/webp`, `image/heic`.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
            Format::Heic => "image/heic",
        }
    }

    /// True when [`strip`] can remove this format's metadata.
    pub fn can_strip(self) -> bool {
        !matches!(self, Format::Heic)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Bounds for hostile input. Checked before any work that could grow with them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input accepted, in bytes (default 64 MiB).
    pub max_bytes: u64,
    /// Largest pixel count a header may claim (default 100 megapixels); a PNG claiming
    /// 50,000 × 50,000 is refused before anything is decoded.
    pub max_pixels: u64,
    /// Largest decompressed size of one compressed text chunk, and the total of text values
    /// kept in [`Inspection::texts`] (default 8 MiB). Larger text is reported, not read.
    pub max_text_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 64 << 20,
            max_pixels: 100_000_000,
            max_text_bytes: 8 << 20,
        }
    }
}

impl Limits {
    fn check_size(&self, len: usize) -> Result<(), MediaError> {
        let size = len as u64;
        if size > self.max_bytes {
            return Err(MediaError::TooLarge {
                size,
                limit: self.max_bytes,
            });
        }
        Ok(())
    }

    pub(crate) fn check_pixels(
        &self,
        format: Format,
        width: u32,
        height: u32,
    ) -> Result<(), MediaError> {
        if u64::from(width) * u64::from(height) > self.max_pixels {
            return Err(MediaError::TooManyPixels {
                format,
                width,
                height,
                limit: self.max_pixels,
            });
        }
        Ok(())
    }
}

/// What [`inspect`] found.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// The container format, by content.
    pub format: Format,
    /// Width in pixels, from the header (for HEIC, the largest `ispe` property, which is the
    /// coded size and may exceed the displayed one by a few pixels; 0 when absent).
    pub width: u32,
    /// Height in pixels, from the header (0 for a HEIC without `ispe`).
    pub height: u32,
    /// EXIF Orientation (1–8; 1 when absent): how the stored pixels must be turned to
    /// display upright. [`strip`] keeps it.
    pub orientation: u16,
    /// One finding per identifying field, category `media`, kind `gps-location` or `metadata`,
    /// with [`Finding::field`] set; span `0..0`, no region.
    pub findings: Vec<Finding>,
    /// Textual values (captions, comments, descriptions, titles, keywords, author and owner
    /// names, place names), for the text rules. Never log them.
    pub texts: Vec<MetadataText>,
}

/// The format of `bytes`, by content (magic bytes), or `None`.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Format::Jpeg)
    } else if bytes.starts_with(png::SIGNATURE) {
        Some(Format::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(Format::WebP)
    } else if heic::is_heif(bytes) {
        Some(Format::Heic)
    } else {
        None
    }
}

const STRIP_UNSUPPORTED: &str =
    "metadata can be read but not removed from this format; convert the picture to JPEG first";

/// A parsed container, shared by [`inspect`] and [`strip`].
enum Parsed {
    Jpeg(jpeg::Parsed),
    Png(png::Parsed),
    WebP(webp::Parsed),
}

fn parse(bytes: &[u8], limits: &Limits) -> Result<(Format, Option<Parsed>), MediaError> {
    limits.check_size(bytes.len())?;
    let format = detect(bytes).ok_or(MediaError::UnknownFormat)?;
    let parsed = match format {
        Format::Jpeg => Some(Parsed::Jpeg(jpeg::parse(bytes, limits)?)),
        Format::Png => Some(Parsed::Png(png::parse(bytes, limits)?)),
        Format::WebP => Some(Parsed::WebP(webp::parse(bytes, limits)?)),
        Format::Heic => None,
    };
    Ok((format, parsed))
}

/// Walk the metadata of a parsed container.
fn collect(
    bytes: &[u8],
    parsed: &Parsed,
    limits: &Limits,
    c: &mut rules::Collector,
) -> (u32, u32, Option<u16>) {
    match parsed {
        Parsed::Jpeg(p) => (p.width, p.height, jpeg::inspect(bytes, p, limits, c, 0)),
        Parsed::Png(p) => (p.width, p.height, png::inspect(bytes, p, limits, c)),
        Parsed::WebP(p) => (p.width, p.height, webp::inspect(bytes, p, c)),
    }
}

/// Detect the format, check the limits and report every identifying metadata field.
///
/// Errors: [`MediaError::TooLarge`], [`MediaError::UnknownFormat`],
/// [`MediaError::TooManyPixels`] (from the header, before decoding), [`MediaError::Truncated`]
/// and [`MediaError::Malformed`] for a broken structure. Damaged metadata blocks inside a sound
/// container are reported as findings, not errors.
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<Inspection, MediaError> {
    let (format, parsed) = parse(bytes, limits)?;
    let mut c = rules::Collector::new(limits.max_text_bytes);
    let (width, height, orientation) = match &parsed {
        Some(p) => collect(bytes, p, limits, &mut c),
        None => {
            let (w, h) = heic::inspect(bytes, limits, &mut c)?;
            (w, h, None)
        }
    };
    Ok(Inspection {
        format,
        width,
        height,
        orientation: orientation.unwrap_or(1),
        findings: c.findings,
        texts: c.texts,
    })
}

/// The picture with every metadata block removed and the pixels untouched (see the module
/// docs of each format for exactly what is kept). The result inspects clean: no finding.
///
/// Errors: as [`inspect`], and [`MediaError::Unsupported`] for HEIC.
pub fn strip(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, MediaError> {
    let (format, parsed) = parse(bytes, limits)?;
    let Some(parsed) = parsed else {
        return Err(MediaError::Unsupported {
            format,
            what: STRIP_UNSUPPORTED,
        });
    };
    // Orientation must survive; the rest of what inspection collects is discarded.
    let mut c = rules::Collector::new(0);
    let (_, _, orientation) = collect(bytes, &parsed, limits, &mut c);
    Ok(match &parsed {
        Parsed::Jpeg(p) => jpeg::strip(bytes, p, orientation),
        Parsed::Png(p) => png::strip(bytes, p, orientation),
        Parsed::WebP(p) => webp::strip(bytes, p, orientation),
    })
}

/// [`inspect`] and [`strip`] in one pass over the container (the fast path for a caller that
/// wants both).
pub fn inspect_and_strip(
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Inspection, Vec<u8>), MediaError> {
    let (format, parsed) = parse(bytes, limits)?;
    let Some(parsed) = parsed else {
        return Err(MediaError::Unsupported {
            format,
            what: STRIP_UNSUPPORTED,
        });
    };
    let mut c = rules::Collector::new(limits.max_text_bytes);
    let (width, height, orientation) = collect(bytes, &parsed, limits, &mut c);
    let stripped = match &parsed {
        Parsed::Jpeg(p) => jpeg::strip(bytes, p, orientation),
        Parsed::Png(p) => png::strip(bytes, p, orientation),
        Parsed::WebP(p) => webp::strip(bytes, p, orientation),
    };
    Ok((
        Inspection {
            format,
            width,
            height,
            orientation: orientation.unwrap_or(1),
            findings: c.findings,
            texts: c.texts,
        },
        stripped,
    ))
}
