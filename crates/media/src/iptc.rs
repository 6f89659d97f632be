//! IPTC and Photoshop image resources (JPEG APP13 `Photoshop 3.0\0`).
//!
//! APP13 holds a sequence of image resource blocks: a signature (`8BIM`, or a few rarer
//! ones), a 16-bit id, a Pascal-string name padded to an even length, a 32-bit size and the
//! data padded to even. Resource 0x0404 is the IPTC-IIM record (datasets `0x1C record
//! dataset length value`, the length possibly in the extended form); 0x0422 holds EXIF,
//! 0x0424 XMP, and 0x0409/0x040C a thumbnail. Every read is bounds-checked and a malformed
//! block ends the walk, so a hostile APP13 reports what came before the damage.

use crate::rules::{Class, Collector};

/// Walk a Photoshop image-resource block (after the `Photoshop 3.0\0` header).
pub(crate) fn inspect_irb(mut b: &[u8], c: &mut Collector) {
    while b.len() >= 12 {
        let sig = &b[..4];
        if !matches!(sig, b"8BIM" | b"PHUT" | b"AgHg" | b"DCSR" | b"MeSa") {
            return;
        }
        let id = u16::from_be_bytes([b[4], b[5]]);
        let name_len = usize::from(b[6]);
        // Name: length byte + bytes, padded so that the total is even.
        let name_total = (1 + name_len + 1) & !1;
        let Some(size_at) = 6usize.checked_add(name_total) else {
            return;
        };
        let Some(size_bytes) = b.get(size_at..size_at + 4) else {
            return;
        };
        let size = u32::from_be_bytes([size_bytes[0], size_bytes[1], size_bytes[2], size_bytes[3]])
            as usize;
        let start = size_at + 4;
        let Some(data) = start.checked_add(size).and_then(|end| b.get(start..end)) else {
            // Truncated resource: inspect what is there, then stop.
            if let Some(partial) = b.get(start..) {
                resource(id, partial, c);
            }
            return;
        };
        resource(id, data, c);
        let next = start + size + (size & 1);
        b = b.get(next..).unwrap_or(&[]);
    }
}

fn resource(id: u16, data: &[u8], c: &mut Collector) {
    match id {
        0x0404 => inspect_iim(data, c),
        0x0422 | 0x0423 => {
            crate::exif::inspect(data, c);
        }
        0x0424 => crate::xmp::inspect(data, c),
        0x0409 | 0x040C => c.field(
            Class::Hidden,
            "Photoshop:Thumbnail",
            "embedded thumbnail (may show the picture before it was cropped)",
            None,
        ),
        0x03F0 => {
            let text = decode(data);
            c.field(Class::Text, "Photoshop:Caption", "caption", Some(&text));
        }
        _ => {}
    }
}

/// A classified IPTC application-record (record 2) dataset.
fn dataset(n: u8) -> Option<(Class, &'static str, &'static str)> {
    Some(match n {
        5 => (Class::Text, "ObjectName", "object name"),
        20 => (Class::Text, "SupplementalCategories", "categories"),
        25 => (Class::Text, "Keywords", "keywords"),
        40 => (Class::Text, "SpecialInstructions", "special instructions"),
        55 => (Class::Date, "DateCreated", "date created"),
        60 => (Class::Date, "TimeCreated", "time created"),
        62 => (Class::Date, "DigitalCreationDate", "date digitised"),
        63 => (Class::Date, "DigitalCreationTime", "time digitised"),
        80 => (Class::Identity, "By-line", "author name"),
        85 => (Class::Identity, "By-lineTitle", "author's job title"),
        90 => (Class::Place, "City", "place name"),
        92 => (Class::Place, "Sub-location", "place name"),
        95 => (Class::Place, "Province-State", "place name"),
        27 => (Class::Place, "ContentLocationName", "place name"),
        103 => (
            Class::Text,
            "OriginalTransmissionReference",
            "transmission reference",
        ),
        105 => (Class::Text, "Headline", "headline"),
        110 => (Class::Identity, "Credit", "credit line"),
        115 => (Class::Text, "Source", "source"),
        116 => (Class::Identity, "CopyrightNotice", "copyright holder"),
        118 => (Class::Identity, "Contact", "contact details"),
        120 => (Class::Text, "Caption-Abstract", "caption"),
        122 => (Class::Identity, "Writer-Editor", "caption writer"),
        _ => return None,
    })
}

/// Walk IPTC-IIM datasets.
pub(crate) fn inspect_iim(mut b: &[u8], c: &mut Collector) {
    // Datasets may be preceded by padding.
    while let Some(start) = b.iter().position(|&x| x == 0x1C) {
        b = &b[start..];
        if b.len() < 5 {
            return;
        }
        let (record, set) = (b[1], b[2]);
        let len_word = u16::from_be_bytes([b[3], b[4]]);
        let (len, header) = if len_word & 0x8000 != 0 {
            // Extended dataset: the low 15 bits count the length bytes that follow.
            let n = usize::from(len_word & 0x7FFF);
            if n == 0 || n > 4 {
                return;
            }
            let Some(lb) = b.get(5..5 + n) else {
                return;
            };
            let len = lb.iter().fold(0usize, |a, &x| (a << 8) | usize::from(x));
            (len, 5 + n)
        } else {
            (usize::from(len_word), 5)
        };
        let Some(value) = header.checked_add(len).and_then(|end| b.get(header..end)) else {
            return;
        };
        if record == 2 {
            if let Some((class, name, what)) = dataset(set) {
                let field = format!("IPTC:{name}");
                let text = decode(value);
                match class {
                    Class::Date => {
                        if !crate::rules::is_blank(&text) {
                            c.field(class, &field, what, None);
                        }
                    }
                    _ => c.field(class, &field, what, Some(&text)),
                }
            }
        }
        b = &b[header + len..];
    }
}

/// UTF-8 when valid, else Latin-1 (IIM's historic default).
fn decode(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|&x| char::from(x)).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iim(set: u8, v: &[u8]) -> Vec<u8> {
        let mut d = vec![0x1C, 2, set];
        d.extend_from_slice(&(v.len() as u16).to_be_bytes());
        d.extend_from_slice(v);
        d
    }

    #[test]
    fn irb_with_iptc_caption_and_byline() {
        let mut data = iim(120, b"caption text");
        data.extend(iim(80, b"Some Author"));
        data.extend(iim(55, b"20240314"));
        let mut irb = b"8BIM\x04\x04\0\0".to_vec();
        irb.extend_from_slice(&(data.len() as u32).to_be_bytes());
        irb.extend_from_slice(&data);
        if data.len() % 2 == 1 {
            irb.push(0);
        }
        let mut c = Collector::new(1 << 20);
        inspect_irb(&irb, &mut c);
        let fields: Vec<_> = c
            .findings
            .iter()
            .filter_map(|f| f.field.as_deref())
            .collect();
        assert_eq!(
            fields,
            ["IPTC:Caption-Abstract", "IPTC:By-line", "IPTC:DateCreated"]
        );
        assert_eq!(c.texts.len(), 2);
    }

    #[test]
    fn hostile_blocks_do_not_panic() {
        let mut c = Collector::new(1 << 20);
        for b in [
            &b"8BIM"[..],
            b"8BIM\x04\x04\xff",
            b"8BIM\x04\x04\0\0\xff\xff\xff\xff\x1c\x02",
            b"8BIM\x04\x04\x05ab\0\0\0\x10\x1c\x02\x78\x80\x04",
            b"\x1c\x02\x78\x80\x00",
            b"\x1c\x02\x78\xff\xff",
        ] {
            inspect_irb(b, &mut c);
            inspect_iim(b, &mut c);
        }
    }
}
