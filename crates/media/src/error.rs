//! The error type. Messages name formats, sizes, limits and byte offsets, never file contents:
//! no metadata value, no text and no pixel data ever reaches an error's `Display` or `Debug`.

use std::path::PathBuf;

use crate::Format;

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
    #[error("not a JPEG, PNG, WebP or HEIC image (recognised by content, not by file name)")]
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
            MediaError::Write { .. } => "write-failed",
        }
    }
}
