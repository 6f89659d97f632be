//! HEIF/HEIC (and AVIF): an ISO base-media file (`ftyp` box with a HEIF brand, then `meta`
//! with the item list, and `mdat`). Metadata reading only: EXIF is found through the item
//! location box by kamadak-exif; an XMP packet (a `mime` item, stored uncompressed) is found by
//! its `<x:xmpmeta` ... `</x:xmpmeta>` envelope; the size comes from the largest `ispe`
//! (image spatial extents) property. Stripping HEIC is not supported: it needs rewriting the
//! item tables and offsets, which this crate does not do.

use std::io::Cursor;

use memchr::memmem;

use crate::error::MediaError;
use crate::rules::{Class, Collector};
use crate::{Format, Limits};

/// Brands of HEIF-family files.
const BRANDS: &[&[u8; 4]] = &[
    b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1",
    b"avif", b"avis",
];

/// True when `data` starts with an `ftyp` box naming a HEIF brand (major or compatible).
pub(crate) fn is_heif(data: &[u8]) -> bool {
    if data.get(4..8) != Some(b"ftyp") {
        return false;
    }
    let size = data
        .get(..4)
        .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let Some(ftyp) = data.get(8..size.min(64).min(data.len())) else {
        return false;
    };
    // Major brand, minor version, then compatible brands.
    ftyp.chunks_exact(4)
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .any(|(_, b)| BRANDS.iter().any(|x| &x[..] == b))
}

/// The largest `ispe` extents in the file, if any.
pub(crate) fn dimensions(data: &[u8]) -> Option<(u32, u32)> {
    let mut best: Option<(u32, u32)> = None;
    for at in memmem::find_iter(data, b"ispe") {
        // size(4) 'ispe' version+flags(4) width(4) height(4)
        let Some(b) = data.get(at + 8..at + 16) else {
            continue;
        };
        let w = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        let h = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
        let area = u64::from(w) * u64::from(h);
        if best.is_none_or(|(bw, bh)| area > u64::from(bw) * u64::from(bh)) {
            best = Some((w, h));
        }
    }
    best
}

/// Check the size and report the metadata of a HEIF file; returns (width, height).
pub(crate) fn inspect(
    data: &[u8],
    limits: &Limits,
    c: &mut Collector,
) -> Result<(u32, u32), MediaError> {
    let (width, height) = dimensions(data).unwrap_or((0, 0));
    if width > 0 && height > 0 {
        limits.check_pixels(Format::Heic, width, height)?;
    }
    match exif::Reader::new().read_from_container(&mut Cursor::new(data)) {
        Ok(e) => {
            crate::exif::inspect(e.buf(), c);
        }
        Err(exif::Error::NotFound(_)) => {}
        Err(_) => c.field(
            Class::Hidden,
            "HEIF:Exif",
            "an EXIF block that cannot be read (it may still hold identifying data)",
            None,
        ),
    }
    if let Some(start) = memmem::find(data, b"<x:xmpmeta") {
        let rest = &data[start..];
        let end = memmem::find(rest, b"</x:xmpmeta>").map_or(rest.len(), |e| e + 12);
        crate::xmp::inspect(&rest[..end], c);
    }
    Ok((width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brands() {
        assert!(is_heif(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"));
        assert!(is_heif(b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic"));
        assert!(!is_heif(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom"));
        assert!(!is_heif(b"\0\0\0\x18ftyp"));
        assert!(!is_heif(b""));
    }
}
