//! PNG: an 8-byte signature, then chunks `length(4, big-endian) type(4) data crc(4)`: IHDR
//! first (width, height, bit depth, colour type), PLTE, IDAT (the zlib-compressed pixels),
//! IEND last. Anything after IEND is not part of the picture.
//!
//! Metadata lives in ancillary chunks: `tEXt` (Latin-1 `keyword\0text`), `zTXt` (the same,
//! zlib-compressed), `iTXt` (UTF-8, optionally compressed, with a language tag; XMP is an iTXt
//! with keyword `XML:com.adobe.xmp`), `eXIf` (an EXIF TIFF structure), `tIME` (last change) and
//! `caBX` (C2PA content credentials). ImageMagick also stores whole EXIF, XMP and IPTC blocks as
//! hex text under keywords `Raw profile type exif|APP1|xmp|iptc|8bim`; those are decoded and
//! inspected like the real blocks. Compressed text is inflated with a size cap
//! ([`crate::Limits::max_text_bytes`]), so a zTXt bomb costs nothing.
//!
//! Stripping copies the chunks a decoder needs, byte for byte with their CRCs (IHDR, PLTE,
//! IDAT, IEND; tRNS, gAMA, cHRM, sRGB, iCCP, sBIT, pHYs, bKGD, cICP, mDCV, cLLI; APNG's acTL,
//! fcTL, fdAT), adds an `eXIf` holding only Orientation when the picture was rotated, and
//! drops every other chunk and anything after IEND. The zlib stream is never re-encoded, so the
//! pixels are bit-identical.

use crate::error::MediaError;
use crate::rules::{Class, Collector};
use crate::{Format, Limits};
use clinpost_core::Severity;

const F: Format = Format::Png;
pub(crate) const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
/// Real files have at most thousands of chunks (IDAT pieces, APNG frames).
const MAX_CHUNKS: usize = 1_000_000;

/// One chunk, as offsets into the input.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    kind: [u8; 4],
    /// Offset of the length field: `start..data_end + 4` is the whole chunk.
    start: usize,
    data: usize,
    data_end: usize,
}

/// A parsed PNG: its chunks up to IEND and where the trailer starts.
pub(crate) struct Parsed {
    chunks: Vec<Chunk>,
    trailer: usize,
    pub(crate) width: u32,
    pub(crate) height: u32,
}

/// Walk the chunk list, checking IHDR's dimensions against `limits` before anything else.
pub(crate) fn parse(data: &[u8], limits: &Limits) -> Result<Parsed, MediaError> {
    if !data.starts_with(SIGNATURE) {
        return Err(MediaError::Malformed {
            format: F,
            offset: 0,
            what: "no PNG signature",
        });
    }
    let mut pos = SIGNATURE.len();
    let mut chunks = Vec::new();
    let mut dims = None;
    loop {
        let Some(h) = data.get(pos..pos + 8) else {
            return Err(MediaError::Truncated {
                format: F,
                offset: data.len(),
                inside: "the chunk list (no IEND chunk)",
            });
        };
        let len = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
        if len > 0x7FFF_FFFF {
            return Err(MediaError::Malformed {
                format: F,
                offset: pos,
                what: "a chunk length over 2^31-1",
            });
        }
        let kind = [h[4], h[5], h[6], h[7]];
        let start = pos;
        let data_start = pos + 8;
        let data_end = data_start + len as usize;
        if data_end.checked_add(4).is_none_or(|e| e > data.len()) {
            return Err(MediaError::Truncated {
                format: F,
                offset: data.len(),
                inside: "a chunk",
            });
        }
        if chunks.is_empty() {
            if &kind != b"IHDR" || len < 13 {
                return Err(MediaError::Malformed {
                    format: F,
                    offset: start,
                    what: "the first chunk is not a valid IHDR",
                });
            }
            let d = &data[data_start..data_end];
            let width = u32::from_be_bytes([d[0], d[1], d[2], d[3]]);
            let height = u32::from_be_bytes([d[4], d[5], d[6], d[7]]);
            if width == 0 || height == 0 {
                return Err(MediaError::Malformed {
                    format: F,
                    offset: data_start,
                    what: "a zero width or height",
                });
            }
            limits.check_pixels(F, width, height)?;
            dims = Some((width, height));
        }
        if chunks.len() >= MAX_CHUNKS {
            return Err(MediaError::Malformed {
                format: F,
                offset: start,
                what: "more than a million chunks",
            });
        }
        chunks.push(Chunk {
            kind,
            start,
            data: data_start,
            data_end,
        });
        pos = data_end + 4;
        if &kind == b"IEND" {
            let (width, height) = dims.unwrap_or((0, 0));
            return Ok(Parsed {
                chunks,
                trailer: pos,
                width,
                height,
            });
        }
    }
}

/// Report the metadata of a parsed PNG; returns the EXIF Orientation, if any.
pub(crate) fn inspect(
    data: &[u8],
    parsed: &Parsed,
    limits: &Limits,
    c: &mut Collector,
) -> Option<u16> {
    let mut orientation = None;
    for ch in &parsed.chunks {
        let d = &data[ch.data..ch.data_end];
        match &ch.kind {
            b"tEXt" => {
                let (key, rest) = split_nul(d);
                let text: String = rest.iter().map(|&b| char::from(b)).collect();
                keyword(c, "tEXt", &latin1(key), Some(text.as_bytes()), limits);
            }
            b"zTXt" => {
                let (key, rest) = split_nul(d);
                // Compression method byte, then the zlib stream.
                let text = rest.get(1..).and_then(|z| inflate(z, c));
                let text = text.map(|t| t.iter().map(|&b| char::from(b)).collect::<String>());
                keyword(
                    c,
                    "zTXt",
                    &latin1(key),
                    text.as_deref().map(str::as_bytes),
                    limits,
                );
            }
            b"iTXt" => {
                let (key, rest) = split_nul(d);
                let (flag, method) = (rest.first().copied(), rest.get(1).copied());
                let rest = rest.get(2..).unwrap_or(&[]);
                let (_lang, rest) = split_nul(rest);
                let (_translated, text) = split_nul(rest);
                let text = match (flag, method) {
                    (Some(1), Some(0)) => inflate(text, c),
                    (Some(0), _) => Some(text.to_vec()),
                    _ => None,
                };
                keyword(
                    c,
                    "iTXt",
                    &String::from_utf8_lossy(key),
                    text.as_deref(),
                    limits,
                );
            }
            b"eXIf" => {
                let tiff = d.strip_prefix(b"Exif\0\0").unwrap_or(d);
                let facts = crate::exif::inspect(tiff, c);
                orientation = orientation.or(facts.orientation);
            }
            b"tIME" => c.field(Class::Date, "PNG:tIME", "time of the last change", None),
            b"caBX" => c.field(
                Class::Hidden,
                "PNG:caBX",
                "content credentials (C2PA, may name the author)",
                None,
            ),
            _ => {}
        }
    }
    let t = &data[parsed.trailer..];
    if !t.iter().all(|&b| b == 0) {
        let image = memchr::memmem::find(t, SIGNATURE).is_some()
            || memchr::memmem::find(t, &[0xFF, 0xD8, 0xFF]).is_some()
            || memchr::memmem::find(t, b"ftyp").is_some();
        let (what, severity) = if image {
            (
                "an image or video stored after the end of the picture",
                Severity::Error,
            )
        } else {
            (
                "data stored after the end of the picture",
                Severity::Warning,
            )
        };
        c.field_with(Class::Hidden, "PNG:trailer", what, None, Some(severity));
    }
    orientation
}

fn split_nul(b: &[u8]) -> (&[u8], &[u8]) {
    match b.iter().position(|&x| x == 0) {
        Some(i) => (&b[..i], &b[i + 1..]),
        None => (b, &[]),
    }
}

fn latin1(b: &[u8]) -> String {
    b.iter().map(|&x| char::from(x)).collect()
}

/// Inflate a zlib stream within what is left of the file's budget
/// ([`crate::Limits::max_text_bytes`] for all compressed text together), so that neither one
/// bomb nor thousands of small ones cost more than that; past it the text reads as `None`.
fn inflate(z: &[u8], c: &mut Collector) -> Option<Vec<u8>> {
    if c.inflate_budget == 0 {
        return None;
    }
    let out = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(z, c.inflate_budget);
    match out {
        Ok(v) => {
            c.inflate_budget -= v.len();
            Some(v)
        }
        Err(_) => {
            c.inflate_budget = 0;
            None
        }
    }
}

/// Classify a text chunk by keyword and report it. `text` is `None` when it could not be read
/// (too large compressed, unknown compression): the field is reported all the same.
fn keyword(c: &mut Collector, chunk: &str, key: &str, text: Option<&[u8]>, limits: &Limits) {
    let lower = key.to_ascii_lowercase();
    // Whole metadata blocks in text form.
    if lower == "xml:com.adobe.xmp" {
        match text {
            Some(t) => crate::xmp::inspect(t, c),
            None => c.field(
                Class::Hidden,
                "PNG:iTXt:XML:com.adobe.xmp",
                "an XMP packet that cannot be read",
                None,
            ),
        }
        return;
    }
    if let Some(kind) = lower.strip_prefix("raw profile type ") {
        let raw = text.and_then(|t| raw_profile(t, limits));
        let field = format!("PNG:{chunk}:{key}");
        match (kind, raw) {
            ("icc" | "icm", _) => {}
            ("exif" | "app1", Some(b)) => {
                if let Some(x) = b.strip_prefix(b"http://ns.adobe.com/xap/1.0/\0") {
                    crate::xmp::inspect(x, c);
                } else {
                    let tiff = b.strip_prefix(b"Exif\0\0").unwrap_or(&b);
                    crate::exif::inspect(tiff, c);
                }
            }
            ("xmp", Some(b)) => crate::xmp::inspect(&b, c),
            ("iptc" | "8bim", Some(b)) => {
                if b.starts_with(b"8BIM") {
                    crate::iptc::inspect_irb(&b, c);
                } else {
                    crate::iptc::inspect_iim(&b, c);
                }
            }
            _ => c.field(
                Class::Hidden,
                &field,
                "a metadata block stored as text",
                None,
            ),
        }
        return;
    }
    let field = format!("PNG:{chunk}:{key}");
    let value = text.map(String::from_utf8_lossy);
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if lower == "software" || lower == "signature" || lower.starts_with("png:") {
        return;
    }
    if has(&[
        "gpslatitude",
        "gpslongitude",
        "gpsposition",
        "gpscoordinates",
    ]) {
        c.field(Class::Gps, &field, "GPS position", None);
    } else if has(&[
        "author",
        "artist",
        "copyright",
        "owner",
        "creator",
        "by-line",
        "byline",
        "serial",
        "photographer",
        "contact",
        "email",
    ]) {
        c.field(
            Class::Identity,
            &field,
            "author, owner or copyright holder",
            value.as_deref(),
        );
    } else if has(&["date", "time"]) {
        if value.as_deref().is_none_or(|v| !crate::rules::is_blank(v)) {
            c.field(Class::Date, &field, "date", None);
        }
    } else if has(&["location", "city", "place", "address"]) {
        c.field(Class::Place, &field, "place name", value.as_deref());
    } else {
        match value {
            Some(v) => c.field(
                Class::Text,
                &field,
                "text (title, description or comment)",
                Some(&v),
            ),
            None => c.field(
                Class::Text,
                &field,
                "compressed text that cannot be read",
                None,
            ),
        }
    }
}

/// ImageMagick's raw profile: `\n<name>\n<spaces><decimal length>\n<hex digits and newlines>`.
fn raw_profile(t: &[u8], limits: &Limits) -> Option<Vec<u8>> {
    let s = std::str::from_utf8(t).ok()?;
    let mut lines = s.trim_start_matches('\n').splitn(3, '\n');
    let _name = lines.next()?;
    let len: usize = lines.next()?.trim().parse().ok()?;
    if len > limits.max_text_bytes {
        return None;
    }
    let hex = lines.next()?;
    let mut out = Vec::with_capacity(len);
    let mut hi: Option<u8> = None;
    for b in hex.bytes() {
        let v = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => continue,
        };
        match hi.take() {
            None => hi = Some(v),
            Some(h) => {
                out.push(h << 4 | v);
                if out.len() == len {
                    break;
                }
            }
        }
    }
    Some(out)
}

/// Chunks a decoder needs for the same pixels, colours and animation.
fn keep(kind: &[u8; 4]) -> bool {
    matches!(
        kind,
        b"IHDR"
            | b"PLTE"
            | b"IDAT"
            | b"IEND"
            | b"tRNS"
            | b"gAMA"
            | b"cHRM"
            | b"sRGB"
            | b"iCCP"
            | b"sBIT"
            | b"pHYs"
            | b"bKGD"
            | b"cICP"
            | b"mDCV"
            | b"mDCv"
            | b"cLLI"
            | b"cLLi"
            | b"acTL"
            | b"fcTL"
            | b"fdAT"
    )
}

/// Write the stripped PNG (see the module docs).
pub(crate) fn strip(data: &[u8], parsed: &Parsed, orientation: Option<u16>) -> Vec<u8> {
    let mut out = Vec::with_capacity(parsed.trailer);
    out.extend_from_slice(SIGNATURE);
    let mut exif_written = false;
    for ch in &parsed.chunks {
        if !keep(&ch.kind) {
            continue;
        }
        if (&ch.kind == b"IDAT" || &ch.kind == b"acTL") && !exif_written {
            exif_written = true;
            if let Some(o) = orientation.filter(|o| *o > 1) {
                write_chunk(&mut out, b"eXIf", &crate::exif::minimal_orientation(o));
            }
        }
        out.extend_from_slice(&data[ch.start..ch.data_end + 4]);
    }
    out
}

fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], body: &[u8]) {
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    let mut h = crc32fast::Hasher::new();
    h.update(kind);
    h.update(body);
    out.extend_from_slice(&h.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_profiles_decode() {
        let t = b"\nexif\n       4\n45786966\n";
        assert_eq!(
            raw_profile(t, &Limits::default()).as_deref(),
            Some(&b"Exif"[..])
        );
        assert_eq!(raw_profile(b"\nexif\n  x\n", &Limits::default()), None);
    }

    #[test]
    fn chunk_crc_is_standard() {
        let mut v = Vec::new();
        write_chunk(&mut v, b"IEND", &[]);
        assert_eq!(&v[8..], &[0xAE, 0x42, 0x60, 0x82]);
    }
}
