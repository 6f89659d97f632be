//! Shared by the integration tests: the committed fixtures (made by `fixtures/make.sh`), the
//! canary values planted in them, and builders for hand-made containers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use clinpost_media::Inspection;

/// Values planted by `fixtures/make.sh` (and by the builders here). None may ever appear in a
/// finding, an error, a `Debug` form or a stripped file.
pub const CANARIES: &[&str] = &[
    "Zebedee",
    "Quartermain",
    "SNCANARY48151623",
    "Featherstonehaugh",
    "Blenkinsop",
    "Little Snoring",
    "canary",
    "Canary",
    "2024:03:14",
    "51.5007",
    "51 deg",
    "Trailerphone",
];

pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).expect("fixture (regenerate with fixtures/make.sh)")
}

/// The field names of an inspection, in order.
pub fn fields(i: &Inspection) -> Vec<String> {
    i.findings.iter().filter_map(|f| f.field.clone()).collect()
}

/// Every canary found in `haystack` (bytes searched as such).
pub fn canaries_in(haystack: &[u8]) -> Vec<&'static str> {
    CANARIES
        .iter()
        .copied()
        .filter(|c| haystack.windows(c.len()).any(|w| w == c.as_bytes()))
        .collect()
}

/// `exiftool` on this machine, if any.
pub fn exiftool() -> Option<&'static str> {
    let ok = std::process::Command::new("exiftool")
        .arg("-ver")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    ok.then_some("exiftool")
}

/// One IFD entry for [`tiff`]: tag, TIFF type, count and the value bytes (big-endian).
pub struct Entry {
    pub tag: u16,
    pub kind: u16,
    pub count: u32,
    pub value: Vec<u8>,
}

pub fn ascii(tag: u16, s: &str) -> Entry {
    let mut value = s.as_bytes().to_vec();
    value.push(0);
    Entry {
        tag,
        kind: 2,
        count: value.len() as u32,
        value,
    }
}

pub fn short(tag: u16, v: u16) -> Entry {
    Entry {
        tag,
        kind: 3,
        count: 1,
        value: v.to_be_bytes().to_vec(),
    }
}

pub fn undefined(tag: u16, v: &[u8]) -> Entry {
    Entry {
        tag,
        kind: 7,
        count: v.len() as u32,
        value: v.to_vec(),
    }
}

/// A big-endian TIFF structure with one IFD (IFD0) holding `entries` (sorted by tag).
pub fn tiff(entries: &[Entry]) -> Vec<u8> {
    let n = entries.len();
    let ifd_len = 2 + 12 * n + 4;
    let mut out = b"MM\0\x2a\0\0\0\x08".to_vec();
    let mut extra = Vec::new();
    let extra_base = 8 + ifd_len;
    out.extend_from_slice(&(n as u16).to_be_bytes());
    for e in entries {
        out.extend_from_slice(&e.tag.to_be_bytes());
        out.extend_from_slice(&e.kind.to_be_bytes());
        out.extend_from_slice(&e.count.to_be_bytes());
        if e.value.len() <= 4 {
            let mut v = e.value.clone();
            v.resize(4, 0);
            out.extend_from_slice(&v);
        } else {
            let off = (extra_base + extra.len()) as u32;
            out.extend_from_slice(&off.to_be_bytes());
            extra.extend_from_slice(&e.value);
            if extra.len() % 2 == 1 {
                extra.push(0);
            }
        }
    }
    out.extend_from_slice(&0u32.to_be_bytes());
    out.extend_from_slice(&extra);
    out
}

/// A PNG chunk with its CRC.
pub fn png_chunk(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = (body.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(body);
    let mut h = crc32fast::Hasher::new();
    h.update(kind);
    h.update(body);
    out.extend_from_slice(&h.finalize().to_be_bytes());
    out
}

/// Insert `chunk` into a PNG just before its first IDAT.
pub fn png_insert_before_idat(png: &[u8], chunk: &[u8]) -> Vec<u8> {
    let at = png.windows(4).position(|w| w == b"IDAT").expect("IDAT") - 4;
    let mut out = png[..at].to_vec();
    out.extend_from_slice(chunk);
    out.extend_from_slice(&png[at..]);
    out
}

/// Insert a JPEG segment right after SOI.
pub fn jpeg_insert_segment(jpeg: &[u8], marker: u8, body: &[u8]) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(body);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The EXIF APP1 payload (after `Exif\0\0`) of a JPEG.
pub fn jpeg_exif(jpeg: &[u8]) -> Vec<u8> {
    let at = jpeg
        .windows(6)
        .position(|w| w == b"Exif\0\0")
        .expect("EXIF APP1");
    let len = usize::from(u16::from_be_bytes([jpeg[at - 2], jpeg[at - 1]]));
    jpeg[at + 6..at - 2 + len].to_vec()
}

/// Decode with the `image` crate: (width, height, colour type, raw pixel bytes).
pub fn decode(bytes: &[u8]) -> (u32, u32, String, Vec<u8>) {
    let img = image::load_from_memory(bytes).expect("decodes");
    (
        img.width(),
        img.height(),
        format!("{:?}", img.color()),
        img.as_bytes().to_vec(),
    )
}
