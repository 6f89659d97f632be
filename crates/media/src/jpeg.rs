//! JPEG (JFIF/EXIF): `FF D8` (SOI), then marker segments `FF xx` with a 16-bit big-endian
//! length (APPn metadata, DQT, DHT, SOFn with the dimensions, DRI, COM...), then for each scan
//! an SOS segment followed by entropy-coded data (in which `FF 00` is a stuffed byte and
//! `FF D0`–`FF D7` are restart markers), more tables and scans for progressive files, and
//! `FF D9` (EOI). Anything after EOI is not part of the picture: phones put multi-picture
//! previews (MPF) and motion-photo videos there, and other tools append whole images.
//!
//! Metadata lives in APP0 (JFIF/JFXX thumbnails), APP1 (EXIF; XMP and extended XMP), APP2 (MPF
//! index; the ICC colour profile, which identifies nobody and is kept), APP11 (JUMBF/C2PA
//! content credentials), APP13 (Photoshop resources with IPTC), COM comments and the trailer.
//!
//! Stripping re-muxes the segments without touching the entropy-coded data, so the decoded
//! pixels are bit-identical. It is an allow-list: SOI, a minimal JFIF APP0 (density only, no
//! thumbnail) when the input had one, a minimal EXIF APP1 holding only Orientation when the
//! photo is rotated (so that it still displays the right way up), the ICC profile (APP2
//! `ICC_PROFILE`), Adobe APP14 (colour transform, needed to decode), the tables, frame and scan
//! headers, the entropy-coded data, EOI — and nothing after EOI. Every other segment is dropped.

use memchr::{memchr, memmem};

use crate::error::MediaError;
use crate::rules::{Class, Collector};
use crate::{Format, Limits};
use clinpost_core::Severity;

const F: Format = Format::Jpeg;
/// Real files have tens of segments (hundreds for progressive files with many scans).
const MAX_PIECES: usize = 65_536;

/// A marker segment or a run of entropy-coded data, as byte ranges of the input.
#[derive(Debug, Clone, Copy)]
enum Piece {
    /// `FF marker len len payload`; `payload..end` is the payload.
    Segment {
        marker: u8,
        payload: usize,
        end: usize,
    },
    /// Entropy-coded data after an SOS header.
    Entropy { start: usize, end: usize },
}

/// A parsed JPEG: its pieces up to EOI, and where the trailer starts.
pub(crate) struct Parsed {
    pieces: Vec<Piece>,
    /// Offset just past EOI; `data[trailer..]` is appended data.
    trailer: usize,
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

fn is_sof(m: u8) -> bool {
    matches!(m, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF)
}

/// Walk the structure up to EOI, checking dimensions against `limits` as soon as the frame
/// header is seen (before any pixel would be decoded).
pub(crate) fn parse(data: &[u8], limits: &Limits) -> Result<Parsed, MediaError> {
    if !data.starts_with(&[0xFF, 0xD8]) {
        return Err(malformed(0, "no start-of-image marker"));
    }
    let mut pieces = Vec::new();
    let mut pos = 2usize;
    let mut dims: Option<(u32, u32)> = None;
    loop {
        let start = pos;
        match data.get(pos) {
            None => return Err(truncated(data, "the segment list (no end-of-image marker)")),
            Some(0xFF) => {}
            Some(_) => return Err(malformed(pos, "expected a marker")),
        }
        // Skip fill bytes.
        while data.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = data.get(pos) else {
            return Err(truncated(data, "a marker"));
        };
        pos += 1;
        match marker {
            0xD9 => {
                let (width, height) = dims.ok_or_else(|| malformed(start, "no frame header"))?;
                return Ok(Parsed {
                    pieces,
                    trailer: pos,
                    width,
                    height,
                });
            }
            0xD8 => return Err(malformed(start, "a second start-of-image marker")),
            0x00 => return Err(malformed(start, "a stuffed byte outside image data")),
            // Restart and TEM markers outside image data mean nothing: skip (and drop) them.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        if pieces.len() >= MAX_PIECES {
            return Err(malformed(start, "more than 65536 segments"));
        }
        let Some(len) = data.get(pos..pos + 2) else {
            return Err(truncated(data, "a segment header"));
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        if len < 2 {
            return Err(malformed(pos, "a segment length under 2"));
        }
        let payload = pos + 2;
        let end = pos + len;
        if end > data.len() {
            return Err(truncated(data, "a segment"));
        }
        pieces.push(Piece::Segment {
            marker,
            payload,
            end,
        });
        pos = end;
        if is_sof(marker) && dims.is_none() {
            let p = &data[payload..end];
            if p.len() < 6 {
                return Err(malformed(payload, "a frame header too short"));
            }
            let height = u32::from(u16::from_be_bytes([p[1], p[2]]));
            let width = u32::from(u16::from_be_bytes([p[3], p[4]]));
            if width == 0 || height == 0 {
                return Err(MediaError::Unsupported {
                    format: F,
                    what: "a frame header without dimensions (height set by DNL) is not supported",
                });
            }
            limits.check_pixels(F, width, height)?;
            dims = Some((width, height));
        }
        if marker == 0xDA {
            if dims.is_none() {
                return Err(malformed(start, "a scan before the frame header"));
            }
            // Entropy-coded data runs to the next marker that is not a stuffed byte or a
            // restart marker.
            let mut i = pos;
            let stop = loop {
                let Some(off) = memchr(0xFF, &data[i..]) else {
                    return Err(truncated(data, "the image data"));
                };
                let j = i + off;
                match data.get(j + 1) {
                    None => return Err(truncated(data, "the image data")),
                    Some(0x00 | 0xD0..=0xD7) => i = j + 2,
                    Some(0xFF) => i = j + 1,
                    Some(_) => break j,
                }
            };
            pieces.push(Piece::Entropy {
                start: pos,
                end: stop,
            });
            pos = stop;
        }
    }
}

/// APP1 signature of XMP.
const XMP_SIG: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
/// APP1 signature of extended XMP (GUID, full length, offset, then a part of the packet).
const XMP_EXT_SIG: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";

/// Comments that encoders write on their own; they identify software, not people.
const SOFTWARE_COMMENTS: &[&[u8]] = &[
    b"CREATOR: gd-jpeg",
    b"Created with GIMP",
    b"Optimized by JPEGmini",
    b"LEAD Technologies",
    b"Intel(R) JPEG Library",
    b"File written by Adobe Photoshop",
    b"Compressed by jpeg-recompress",
    b"Lavc",
    b"Lavf",
];

/// Report the metadata of a parsed JPEG; returns the primary EXIF Orientation.
/// `depth` counts appended images already entered (a trailer holding a JPEG is inspected too).
pub(crate) fn inspect(
    data: &[u8],
    parsed: &Parsed,
    limits: &Limits,
    c: &mut Collector,
    depth: u32,
) -> Option<u16> {
    let mut orientation = None;
    let mut exif_seen = false;
    let mut ext_xmp: Vec<(u32, &[u8])> = Vec::new();
    for p in &parsed.pieces {
        let Piece::Segment {
            marker,
            payload,
            end,
            ..
        } = *p
        else {
            continue;
        };
        let body = &data[payload..end];
        match marker {
            0xE0 => {
                let jfif_thumb = body.starts_with(b"JFIF\0")
                    && body.len() >= 14
                    && body[12] != 0
                    && body[13] != 0;
                if jfif_thumb || body.starts_with(b"JFXX\0") {
                    c.field(
                        Class::Hidden,
                        "JFIF:ThumbnailImage",
                        "embedded thumbnail (may show the picture before it was cropped)",
                        None,
                    );
                }
            }
            0xE1 => {
                if let Some(tiff) = body.strip_prefix(b"Exif\0").and_then(|b| b.get(1..)) {
                    let facts = crate::exif::inspect(tiff, c);
                    if !exif_seen {
                        orientation = facts.orientation;
                        exif_seen = true;
                    }
                } else if let Some(x) = body.strip_prefix(XMP_SIG) {
                    crate::xmp::inspect(x, c);
                } else if let Some(x) = body.strip_prefix(XMP_EXT_SIG) {
                    // GUID (32) + full length (4) + offset (4).
                    if let Some(part) = x.get(40..) {
                        let off = u32::from_be_bytes([x[36], x[37], x[38], x[39]]);
                        ext_xmp.push((off, part));
                    }
                } else {
                    c.field(
                        Class::Hidden,
                        "JPEG:APP1",
                        "an unrecognised metadata segment",
                        None,
                    );
                }
            }
            0xE2 if body.starts_with(b"MPF\0") => c.field(
                Class::Hidden,
                "JPEG:MPF",
                "multi-picture index (preview images stored after the picture)",
                None,
            ),
            0xEB if body.starts_with(b"JP") => c.field(
                Class::Hidden,
                "JPEG:JUMBF",
                "content credentials (JUMBF/C2PA, may name the author)",
                None,
            ),
            0xED => {
                if let Some(irb) = body.strip_prefix(b"Photoshop 3.0\0") {
                    crate::iptc::inspect_irb(irb, c);
                }
            }
            0xFE if !SOFTWARE_COMMENTS.iter().any(|s| body.starts_with(s)) => {
                let text = String::from_utf8_lossy(body);
                c.field(Class::Text, "JPEG:COM", "comment", Some(&text));
            }
            _ => {}
        }
    }
    if !ext_xmp.is_empty() {
        ext_xmp.sort_by_key(|(off, _)| *off);
        let whole: Vec<u8> = ext_xmp
            .iter()
            .flat_map(|(_, p)| p.iter().copied())
            .collect();
        crate::xmp::inspect(&whole, c);
    }
    inspect_trailer(&data[parsed.trailer..], limits, c, depth);
    orientation
}

/// Report data after EOI; inspect an appended JPEG's own metadata (up to a small depth).
fn inspect_trailer(t: &[u8], limits: &Limits, c: &mut Collector, depth: u32) {
    // Zero or 0xFF padding after EOI is common and harmless.
    if t.iter().all(|&b| b == 0 || b == 0xFF) {
        return;
    }
    let jpeg_at = memmem::find(t, &[0xFF, 0xD8, 0xFF]);
    let video = memmem::find(t, b"ftyp").is_some();
    let (what, severity) = match (jpeg_at.is_some(), video) {
        (true, true) => (
            "an image and a video (motion photo) stored after the end of the picture",
            Severity::Error,
        ),
        (true, false) => (
            "an image (a preview or a second picture) stored after the end of the picture",
            Severity::Error,
        ),
        (false, true) => (
            "a video (motion photo) stored after the end of the picture",
            Severity::Error,
        ),
        (false, false) => (
            "data stored after the end of the picture",
            Severity::Warning,
        ),
    };
    // An appended image's own trailer is part of this one: report the outermost only.
    if depth == 0 {
        c.field_with(Class::Hidden, "JPEG:trailer", what, None, Some(severity));
    }
    let saved = std::mem::replace(&mut c.prefix, "JPEG:trailer:".to_string());
    // A QuickTime/MP4 location atom (©xyz) in a motion-photo video.
    if memmem::find(t, b"\xA9xyz").is_some() {
        c.field(
            Class::Gps,
            "MP4:GPSCoordinates",
            "GPS position in a video",
            None,
        );
    }
    if let Some(at) = jpeg_at {
        if depth < 3 {
            let inner = &t[at..];
            if let Ok(p) = parse(inner, limits) {
                inspect(inner, &p, limits, c, depth + 1);
            }
        }
    }
    c.prefix = saved;
}

/// Write the stripped JPEG (see the module docs for what is kept).
pub(crate) fn strip(data: &[u8], parsed: &Parsed, orientation: Option<u16>) -> Vec<u8> {
    let mut out = Vec::with_capacity(parsed.trailer);
    out.extend_from_slice(&[0xFF, 0xD8]);
    // A minimal JFIF APP0 (version, units, density; no thumbnail) if the input had JFIF.
    let jfif = parsed.pieces.iter().find_map(|p| match *p {
        Piece::Segment {
            marker: 0xE0,
            payload,
            end,
            ..
        } if data[payload..end].starts_with(b"JFIF\0") && end - payload >= 12 => {
            Some(&data[payload..payload + 12])
        }
        _ => None,
    });
    if let Some(j) = jfif {
        out.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
        out.extend_from_slice(j);
        out.extend_from_slice(&[0, 0]);
    }
    if let Some(o) = orientation.filter(|o| *o > 1) {
        let tiff = crate::exif::minimal_orientation(o);
        let len = 2 + 6 + tiff.len();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&(len as u16).to_be_bytes());
        out.extend_from_slice(b"Exif\0\0");
        out.extend_from_slice(&tiff);
    }
    for p in &parsed.pieces {
        match *p {
            Piece::Segment {
                marker,
                payload,
                end,
            } => {
                let body = &data[payload..end];
                let keep = match marker {
                    0xE2 => body.starts_with(b"ICC_PROFILE\0"),
                    0xEE => body.starts_with(b"Adobe"),
                    // SOFn, DHT, DAC, DQT, DNL, DRI, DHP, EXP, SOS.
                    0xC0..=0xCF | 0xDA..=0xDF => true,
                    _ => false,
                };
                if keep {
                    // Re-emit the marker without fill bytes, then the length and payload.
                    out.extend_from_slice(&[0xFF, marker]);
                    out.extend_from_slice(&data[payload - 2..end]);
                }
            }
            Piece::Entropy { start, end } => out.extend_from_slice(&data[start..end]),
        }
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}
