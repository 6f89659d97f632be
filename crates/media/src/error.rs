//! The error type. Messages name formats, sizes, limits and byte offsets, never file contents:
//! no metadata value, no text and no pixel data ever reaches an error's `Display` or `Debug`.

use std::path::PathBuf;

use crate::{DocFormat, Format};

/// Why an image could not be inspected, stripped or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The input is larger than [`crate::Limits::max_bytes`].
    #[error("the file is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// Size of the input in bytes.
        size: u64,
        /// The limit in force.
        limit: u64,
    },
    /// The header claims more pixels than [`crate::Limits::max_pixels`] (a decompression bomb,
    /// or a picture too big to handle); refused before anything is decoded.
    #[error(
        "the {format} header claims {width}x{height} pixels, over the limit of {limit} pixels"
    )]
    TooManyPixels {
        /// Container format.
        format: Format,
        /// Width the header claims.
        width: u32,
        /// Height the header claims.
        height: u32,
        /// The limit in force.
        limit: u64,
    },
    /// The content is not a JPEG, PNG, WebP or HEIF/HEIC image (detected by content, not by
    /// the file name).
    #[error(
        "not a supported image or document (JPEG, PNG, WebP, HEIC; DOCX, DICOM, PDF), \
         recognised by content, not by file name"
    )]
    UnknownFormat,
    /// The format is recognised but the operation is not available for it.
    #[error("{format}: {what}")]
    Unsupported {
        /// Container format.
        format: Format,
        /// What is not supported, in fixed words.
        what: &'static str,
    },
    /// The file ends before its structure does (a truncated download or copy).
    #[error("{format}: the file is truncated (it ends at byte {offset}, inside {inside})")]
    Truncated {
        /// Container format.
        format: Format,
        /// Length of the input: where it ends.
        offset: usize,
        /// The structure it ends inside (`"a segment"`, `"the image data"`...).
        inside: &'static str,
    },
    /// The structure is invalid.
    #[error("{format}: malformed file at byte {offset}: {what}")]
    Malformed {
        /// Container format.
        format: Format,
        /// Byte offset of the problem.
        offset: usize,
        /// What is wrong, in fixed words.
        what: &'static str,
    },
    /// The image data could not be decoded (for OCR or redaction): a damaged or unusual
    /// picture. The decoder's own message is not kept (it may quote the file).
    #[error("{format}: the image data cannot be decoded")]
    Decode {
        /// Container format.
        format: Format,
    },
    /// Reading text in images needs the Tesseract program, which was not found.
    #[error("OCR needs Tesseract: apt-get install tesseract-ocr tesseract-ocr-eng")]
    OcrUnavailable,
    /// Tesseract did not finish within [`crate::OcrOptions::timeout`]; it was stopped.
    #[error("OCR took longer than {limit_ms} ms and was stopped")]
    OcrTimeout {
        /// The time limit in force, in milliseconds.
        limit_ms: u128,
    },
    /// Tesseract ran but failed (its output is not kept: it may quote the picture's text).
    #[error("OCR failed: {what}")]
    Ocr {
        /// What went wrong, in fixed words and numbers (an exit status).
        what: String,
    },
    /// A document exceeds one of the [`crate::DocLimits`]: a zip bomb (total decompressed
    /// size or compression ratio), too many ZIP entries or DICOM elements, sequences nested
    /// too deep. Refused before the work that would grow with it.
    #[error("{format}: {what} over the limit of {limit}")]
    DocumentLimit {
        /// Document format.
        format: DocFormat,
        /// What is over the limit, in fixed words (`"decompressed bytes"`).
        what: &'static str,
        /// The limit in force.
        limit: u64,
    },
    /// A document ends before its structure does.
    #[error("{format}: the file is truncated (it ends at byte {offset}, inside {inside})")]
    DocumentTruncated {
        /// Document format.
        format: DocFormat,
        /// Length of the input: where it ends.
        offset: usize,
        /// The structure it ends inside, in fixed words.
        inside: &'static str,
    },
    /// A document's structure is invalid (a damaged archive, a part that is not well-formed
    /// XML, a DICOM length that runs past its item).
    #[error("{format}: malformed file at byte {offset}: {what}")]
    DocumentMalformed {
        /// Document format.
        format: DocFormat,
        /// Byte offset of the problem (for DOCX, of the archive entry; 0 when unknown).
        offset: usize,
        /// What is wrong, in fixed words.
        what: &'static str,
    },
    /// The document uses a feature this crate does not handle (an encrypted archive, a
    /// big-endian or deflated DICOM transfer syntax).
    #[error("{format}: {what}")]
    DocumentUnsupported {
        /// Document format.
        format: DocFormat,
        /// What is not supported, in fixed words.
        what: &'static str,
    },
    /// Writing the output failed; the destination was left as it was.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The destination.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
}

impl MediaError {
    /// A stable kebab-case code for APIs and exit-status mapping.
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::TooLarge { .. } => "too-large",
            MediaError::TooManyPixels { .. } => "too-many-pixels",
            MediaError::UnknownFormat => "unknown-format",
            MediaError::Unsupported { .. } => "unsupported",
            MediaError::Truncated { .. } => "truncated",
            MediaError::Malformed { .. } => "malformed",
            MediaError::Decode { .. } => "undecodable",
            MediaError::OcrUnavailable => "ocr-unavailable",
            MediaError::OcrTimeout { .. } => "ocr-timeout",
            MediaError::Ocr { .. } => "ocr-failed",
            MediaError::DocumentLimit { .. } => "limit-exceeded",
            MediaError::DocumentTruncated { .. } => "truncated",
            MediaError::DocumentMalformed { .. } => "malformed",
            MediaError::DocumentUnsupported { .. } => "unsupported",
            MediaError::Write { .. } => "write-failed",
        }
    }
}
