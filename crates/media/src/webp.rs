//! WebP: a RIFF container, `RIFF size(4, little-endian) WEBP`, then chunks
//! `FourCC size(4, LE) data`, each padded to an even length. A simple file holds one `VP8 `
//! (lossy) or `VP8L` (lossless) chunk. An extended file starts with `VP8X` (flags: ICC 0x20,
//! alpha 0x10, EXIF 0x08, XMP 0x04, animation 0x02; the canvas size) followed by `ICCP`,
//! `ANIM`/`ANMF` frames or `ALPH` + `VP8 `/`VP8L`, then `EXIF` and `XMP ` metadata chunks.
//! Anything after the RIFF size is not part of the picture.
//!
//! Stripping copies VP8X, ICCP, ANIM, ANMF, ALPH, VP8 and VP8L byte for byte, drops EXIF, XMP
//! and unknown chunks, clears the EXIF and XMP bits of the VP8X flags (a flag left set makes
//! readers look for a chunk that is not there), adds an `EXIF` chunk holding only Orientation
//! when the picture was rotated, and rewrites the RIFF size. The compressed image data is never
//! re-encoded.

use crate::error::MediaError;
use crate::rules::{Class, Collector};
use crate::{Format, Limits};
use clinpost_core::Severity;

const F: Format = Format::WebP;

const FLAG_EXIF: u8 = 0x08;
const FLAG_XMP: u8 = 0x04;

#[derive(Debug, Clone, Copy)]
struct Chunk {
    fourcc: [u8; 4],
    /// Offset of the FourCC; `start..end` covers header, data and padding.
    start: usize,
    data: usize,
    data_end: usize,
    end: usize,
}

/// A parsed WebP: its chunks and where the RIFF ends.
pub(crate) struct Parsed {
    chunks: Vec<Chunk>,
    riff_end: usize,
    pub(crate) width: u32,
    pub(crate) height: u32,
}

fn truncated(data: &[u8], inside: &'static str) -> MediaError {
    MediaError::Truncated {
        format: F,
        offset: data.len(),
        inside,
    }
}

fn malformed(offset: usize, what: &'static str) -> MediaError {
    MediaError::Malformed {
        format: F,
        offset,
        what,
    }
}

fn le24(b: &[u8]) -> u32 {
    u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16
}

/// Walk the RIFF chunks, checking the canvas or frame size against `limits`.
pub(crate) fn parse(data: &[u8], limits: &Limits) -> Result<Parsed, MediaError> {
    if data.len() < 12 || &data[..4] != b"RIFF" || &data[8..12] != b"WEBP" {
        return Err(malformed(0, "no RIFF WEBP header"));
    }
    let riff_size = u32::from_le_bytes([data[4], data[5], data[6], data[7]]) as usize;
    let riff_end = riff_size
        .checked_add(8)
        .ok_or_else(|| malformed(4, "a RIFF size that overflows"))?;
    if riff_end > data.len() {
        return Err(truncated(data, "the RIFF container"));
    }
    let mut chunks = Vec::new();
    let mut pos = 12;
    let mut canvas: Option<(u32, u32)> = None;
    let mut frame: Option<(u32, u32)> = None;
    while pos < riff_end {
        let Some(h) = data.get(pos..pos + 8).filter(|_| pos + 8 <= riff_end) else {
            return Err(truncated(data, "a chunk header"));
        };
        let fourcc = [h[0], h[1], h[2], h[3]];
        let size = u32::from_le_bytes([h[4], h[5], h[6], h[7]]) as usize;
        let data_start = pos + 8;
        let data_end = data_start
            .checked_add(size)
            .filter(|e| *e <= riff_end)
            .ok_or_else(|| truncated(data, "a chunk"))?;
        let end = (data_end + (size & 1)).min(riff_end);
        let body = &data[data_start..data_end];
        match &fourcc {
            b"VP8X" => {
                if body.len() < 10 {
                    return Err(malformed(data_start, "a VP8X chunk too short"));
                }
                canvas = Some((le24(&body[4..7]) + 1, le24(&body[7..10]) + 1));
            }
            b"VP8 " if frame.is_none() => {
                // 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height.
                if body.len() >= 10 && body[3..6] == [0x9D, 0x01, 0x2A] {
                    let w = u32::from(u16::from_le_bytes([body[6], body[7]]) & 0x3FFF);
                    let h = u32::from(u16::from_le_bytes([body[8], body[9]]) & 0x3FFF);
                    frame = Some((w, h));
                } else {
                    return Err(malformed(
                        data_start,
                        "a VP8 chunk without a key frame header",
                    ));
                }
            }
            b"VP8L" if frame.is_none() => {
                // Signature 0x2F, then 14 bits width-1 and 14 bits height-1, little-endian.
                if body.len() >= 5 && body[0] == 0x2F {
                    let bits = u32::from_le_bytes([body[1], body[2], body[3], body[4]]);
                    frame = Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1));
                } else {
                    return Err(malformed(data_start, "a VP8L chunk without its signature"));
                }
            }
            _ => {}
        }
        if chunks.is_empty() {
            if let Some((w, h)) = canvas.or(frame) {
                limits.check_pixels(F, w, h)?;
            }
        }
        if chunks.len() >= 1_000_000 {
            return Err(malformed(pos, "more than a million chunks"));
        }
        chunks.push(Chunk {
            fourcc,
            start: pos,
            data: data_start,
            data_end,
            end,
        });
        pos = end;
    }
    let (width, height) = canvas
        .or(frame)
        .ok_or_else(|| malformed(12, "no VP8X, VP8 or VP8L chunk"))?;
    limits.check_pixels(F, width, height)?;
    if let Some((w, h)) = frame {
        limits.check_pixels(F, w, h)?;
    }
    Ok(Parsed {
        chunks,
        riff_end,
        width,
        height,
    })
}

/// Report the metadata of a parsed WebP; returns the EXIF Orientation, if any.
pub(crate) fn inspect(data: &[u8], parsed: &Parsed, c: &mut Collector) -> Option<u16> {
    let mut orientation = None;
    for ch in &parsed.chunks {
        let body = &data[ch.data..ch.data_end];
        match &ch.fourcc {
            b"EXIF" => {
                let tiff = body.strip_prefix(b"Exif\0\0").unwrap_or(body);
                orientation = orientation.or(crate::exif::inspect(tiff, c).orientation);
            }
            b"XMP " => crate::xmp::inspect(body, c),
            _ => {}
        }
    }
    let t = &data[parsed.riff_end..];
    if !t.iter().all(|&b| b == 0) {
        c.field_with(
            Class::Hidden,
            "WebP:trailer",
            "data stored after the end of the picture",
            None,
            Some(Severity::Warning),
        );
    }
    orientation
}

/// Write the stripped WebP (see the module docs).
pub(crate) fn strip(data: &[u8], parsed: &Parsed, orientation: Option<u16>) -> Vec<u8> {
    let mut out = Vec::with_capacity(parsed.riff_end);
    out.extend_from_slice(b"RIFF\0\0\0\0WEBP");
    let mut vp8x_flags_at = None;
    for ch in &parsed.chunks {
        match &ch.fourcc {
            b"VP8X" => {
                vp8x_flags_at = Some(out.len() + 8);
                out.extend_from_slice(&data[ch.start..ch.end]);
            }
            b"ICCP" | b"ANIM" | b"ANMF" | b"ALPH" | b"VP8 " | b"VP8L" => {
                out.extend_from_slice(&data[ch.start..ch.end]);
                // A chunk cut short by the RIFF end loses its padding byte: restore it.
                if (ch.data_end - ch.data) % 2 == 1 && ch.end == ch.data_end {
                    out.push(0);
                }
            }
            _ => {}
        }
    }
    if let Some(at) = vp8x_flags_at {
        let mut flags = out[at] & !(FLAG_EXIF | FLAG_XMP);
        if let Some(o) = orientation.filter(|o| *o > 1) {
            let tiff = crate::exif::minimal_orientation(o);
            out.extend_from_slice(b"EXIF");
            out.extend_from_slice(&(tiff.len() as u32).to_le_bytes());
            out.extend_from_slice(&tiff);
            if tiff.len() % 2 == 1 {
                out.push(0);
            }
            flags |= FLAG_EXIF;
        }
        out[at] = flags;
    }
    let riff_size = (out.len() - 8) as u32;
    out[4..8].copy_from_slice(&riff_size.to_le_bytes());
    out
}
