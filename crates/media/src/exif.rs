//! EXIF: a TIFF structure (byte order, IFD0 with the picture's tags, the Exif and GPS sub-IFDs,
//! IFD1 with the thumbnail) stored in JPEG APP1 (`Exif\0\0`), PNG `eXIf`, WebP `EXIF`, HEIF
//! `Exif` items and Photoshop resource 0x0422.
//!
//! Parsing is kamadak-exif's (`exif::Reader::read_raw`, continuing past damaged entries);
//! this module only classifies what it finds. Text is decoded from ASCII (often UTF-8 in
//! practice), the EXIF character-code prefix of UserComment and GPSAreaInformation, and
//! UTF-16LE for the Windows `XP*` tags. Blank values (spaces and NULs, as phones write into
//! UserComment) are not reported.

use exif::{Context, In, Reader, Value};

use crate::rules::{Class, Collector};

/// What an EXIF block says that the stripper needs.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ExifFacts {
    /// IFD0 Orientation (1–8), if present and valid.
    pub(crate) orientation: Option<u16>,
}

/// One classified EXIF tag.
struct TagClass {
    context: Context,
    number: u16,
    class: Class,
    name: &'static str,
    what: &'static str,
}

const fn t(
    context: Context,
    number: u16,
    class: Class,
    name: &'static str,
    what: &'static str,
) -> TagClass {
    TagClass {
        context,
        number,
        class,
        name,
        what,
    }
}

/// The identifying tags. GPS latitude/longitude are handled apart (one finding per position).
static TAGS: &[TagClass] = &[
    t(
        Context::Tiff,
        0x010D,
        Class::Text,
        "DocumentName",
        "document name",
    ),
    t(
        Context::Tiff,
        0x010E,
        Class::Text,
        "ImageDescription",
        "image description",
    ),
    t(Context::Tiff, 0x011D, Class::Text, "PageName", "page name"),
    t(
        Context::Tiff,
        0x0132,
        Class::Date,
        "DateTime",
        "date and time of the last change",
    ),
    t(
        Context::Tiff,
        0x013B,
        Class::Identity,
        "Artist",
        "author or artist name",
    ),
    t(
        Context::Tiff,
        0x013C,
        Class::Identity,
        "HostComputer",
        "computer name",
    ),
    t(
        Context::Tiff,
        0x8298,
        Class::Identity,
        "Copyright",
        "copyright holder",
    ),
    t(
        Context::Tiff,
        0x9C9B,
        Class::Text,
        "XPTitle",
        "Windows title",
    ),
    t(
        Context::Tiff,
        0x9C9C,
        Class::Text,
        "XPComment",
        "Windows comment",
    ),
    t(
        Context::Tiff,
        0x9C9D,
        Class::Identity,
        "XPAuthor",
        "Windows author name",
    ),
    t(
        Context::Tiff,
        0x9C9E,
        Class::Text,
        "XPKeywords",
        "Windows keywords",
    ),
    t(
        Context::Tiff,
        0x9C9F,
        Class::Text,
        "XPSubject",
        "Windows subject",
    ),
    t(
        Context::Tiff,
        0xC62F,
        Class::Identity,
        "CameraSerialNumber",
        "camera serial number",
    ),
    t(
        Context::Tiff,
        0xFDE8,
        Class::Identity,
        "OwnerName",
        "owner name",
    ),
    t(
        Context::Tiff,
        0xFDE9,
        Class::Identity,
        "SerialNumber",
        "camera serial number",
    ),
    t(
        Context::Exif,
        0x9003,
        Class::Date,
        "DateTimeOriginal",
        "date and time the picture was taken",
    ),
    t(
        Context::Exif,
        0x9004,
        Class::Date,
        "DateTimeDigitized",
        "date and time the picture was digitised",
    ),
    t(
        Context::Exif,
        0x9286,
        Class::Text,
        "UserComment",
        "user comment",
    ),
    t(
        Context::Exif,
        0x927C,
        Class::Hidden,
        "MakerNote",
        "camera maker notes (may hold serial numbers or names)",
    ),
    t(
        Context::Exif,
        0xA430,
        Class::Identity,
        "CameraOwnerName",
        "camera owner name",
    ),
    t(
        Context::Exif,
        0xA431,
        Class::Identity,
        "BodySerialNumber",
        "camera serial number",
    ),
    t(
        Context::Exif,
        0xA435,
        Class::Identity,
        "LensSerialNumber",
        "lens serial number",
    ),
    t(
        Context::Gps,
        0x0007,
        Class::Date,
        "GPSTimeStamp",
        "GPS time stamp",
    ),
    t(
        Context::Gps,
        0x001C,
        Class::Place,
        "GPSAreaInformation",
        "GPS area name",
    ),
    t(
        Context::Gps,
        0x001D,
        Class::Date,
        "GPSDateStamp",
        "GPS date stamp",
    ),
];

/// Classify the EXIF block `tiff` (a TIFF structure, without the `Exif\0\0` prefix), reporting
/// into `c` with field names `EXIF:...` (IPTC and XMP stored in TIFF tags are walked too).
pub(crate) fn inspect(tiff: &[u8], c: &mut Collector) -> ExifFacts {
    let mut facts = ExifFacts::default();
    let mut damaged = false;
    let parsed = Reader::new()
        .continue_on_error(true)
        .read_raw(tiff.to_vec())
        .or_else(|e| e.distill_partial_result(|errors| damaged = !errors.is_empty()));
    let exif = match parsed {
        Ok(e) if !(damaged && e.fields().len() == 0) => e,
        _ => {
            c.field(
                Class::Hidden,
                "EXIF",
                "an EXIF block that cannot be read (it may still hold identifying data)",
                None,
            );
            return facts;
        }
    };
    let le = exif.little_endian();
    let mut position = [false; 2]; // [latitude, longitude]
    let mut destination = [false; 2];
    let mut thumbnail = false;
    for f in exif.fields() {
        let ctx = f.tag.context();
        let num = f.tag.number();
        match (ctx, num) {
            (Context::Tiff, 0x0112) if f.ifd_num == In::PRIMARY => {
                if let Value::Short(v) = &f.value {
                    facts.orientation = v.first().copied().filter(|o| (1..=8).contains(o));
                }
            }
            (Context::Tiff, 0x0201 | 0x0111) if f.ifd_num == In::THUMBNAIL => thumbnail = true,
            (Context::Gps, 0x0002) => position[0] |= nonzero(&f.value),
            (Context::Gps, 0x0004) => position[1] |= nonzero(&f.value),
            (Context::Gps, 0x0014) => destination[0] |= nonzero(&f.value),
            (Context::Gps, 0x0016) => destination[1] |= nonzero(&f.value),
            // IPTC and XMP stored inside the TIFF structure (TIFF files, some editors).
            (Context::Tiff, 0x83BB) => {
                if let Some(b) = raw_bytes(&f.value, le) {
                    crate::iptc::inspect_iim(&b, c);
                }
            }
            (Context::Tiff, 0x02BC) => {
                if let Some(b) = raw_bytes(&f.value, le) {
                    crate::xmp::inspect(&b, c);
                }
            }
            _ => {
                if let Some(tc) = TAGS.iter().find(|t| t.context == ctx && t.number == num) {
                    let text = decode(num, &f.value, le);
                    let field = format!("EXIF:{}", tc.name);
                    match tc.class {
                        Class::Hidden | Class::Date => {
                            // Present and not blank: report without keeping the value.
                            let blank = text.as_deref().is_some_and(crate::rules::is_blank);
                            if !blank && !is_empty(&f.value) {
                                c.field(tc.class, &field, tc.what, None);
                            }
                        }
                        _ => c.field(tc.class, &field, tc.what, text.as_deref()),
                    }
                }
            }
        }
    }
    report_position(
        c,
        "EXIF:GPSLatitude",
        "EXIF:GPSLongitude",
        position,
        "GPS position",
    );
    report_position(
        c,
        "EXIF:GPSDestLatitude",
        "EXIF:GPSDestLongitude",
        destination,
        "GPS destination position",
    );
    if thumbnail {
        c.field(
            Class::Hidden,
            "EXIF:ThumbnailImage",
            "embedded thumbnail (may show the picture before it was cropped)",
            None,
        );
    }
    facts
}

/// One finding for a position: named after the latitude field, or the longitude field when
/// only that is present.
pub(crate) fn report_position(
    c: &mut Collector,
    lat: &str,
    lon: &str,
    present: [bool; 2],
    what: &str,
) {
    match present {
        [true, _] => c.field(Class::Gps, lat, what, None),
        [false, true] => c.field(Class::Gps, lon, what, None),
        _ => {}
    }
}

/// True unless every component is zero (cameras without a fix write `0/1 0/1 0/1`).
fn nonzero(v: &Value) -> bool {
    match v {
        Value::Rational(r) => r.iter().any(|x| x.num != 0),
        Value::SRational(r) => r.iter().any(|x| x.num != 0),
        Value::Double(d) => d.iter().any(|x| *x != 0.0),
        Value::Float(d) => d.iter().any(|x| *x != 0.0),
        Value::Ascii(a) => a.iter().any(|s| !s.is_empty()),
        _ => true,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Ascii(a) => a.iter().all(|s| s.iter().all(|b| *b == 0 || *b == b' ')),
        Value::Undefined(b, _) | Value::Byte(b) => b.is_empty(),
        Value::Short(s) => s.is_empty(),
        Value::Long(s) => s.is_empty(),
        Value::Rational(s) => s.is_empty(),
        _ => false,
    }
}

/// The bytes of a BYTE, UNDEFINED or LONG field (IPTC in TIFF is often typed LONG).
fn raw_bytes(v: &Value, le: bool) -> Option<Vec<u8>> {
    match v {
        Value::Byte(b) | Value::Undefined(b, _) => Some(b.clone()),
        Value::Long(l) => Some(
            l.iter()
                .flat_map(|x| if le { x.to_le_bytes() } else { x.to_be_bytes() })
                .collect(),
        ),
        _ => None,
    }
}

/// The text of a field, if it is textual.
fn decode(tag: u16, v: &Value, le: bool) -> Option<String> {
    match v {
        Value::Ascii(parts) => {
            let mut s = String::new();
            for p in parts {
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(&String::from_utf8_lossy(p));
            }
            Some(s)
        }
        // Windows XP* tags: UTF-16LE in a BYTE array.
        Value::Byte(b) if (0x9C9B..=0x9C9F).contains(&tag) => Some(utf16(b, true)),
        Value::Undefined(b, _) => Some(with_charset(b, le)),
        Value::Byte(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}

/// UserComment / GPSAreaInformation: an 8-byte character-code prefix, then the text.
fn with_charset(b: &[u8], le: bool) -> String {
    if b.len() < 8 {
        return String::from_utf8_lossy(b).into_owned();
    }
    let (code, rest) = b.split_at(8);
    match code {
        b"UNICODE\0" => {
            // Byte order is the TIFF's, but some writers use the other: honour a BOM.
            match rest {
                [0xFF, 0xFE, tail @ ..] => utf16(tail, true),
                [0xFE, 0xFF, tail @ ..] => utf16(tail, false),
                _ => utf16(rest, le),
            }
        }
        _ => String::from_utf8_lossy(rest).into_owned(),
    }
}

fn utf16(b: &[u8], le: bool) -> String {
    let units = b.chunks_exact(2).map(|p| {
        if le {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect::<String>()
        .trim_end_matches('\0')
        .to_string()
}

/// A minimal EXIF (TIFF) block holding only IFD0 Orientation, so a stripped photo still
/// displays the right way up. Big-endian: `MM`, 42, IFD at 8, one entry, no next IFD.
pub(crate) fn minimal_orientation(orientation: u16) -> Vec<u8> {
    let mut v = Vec::with_capacity(26);
    v.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    v.extend_from_slice(&1u16.to_be_bytes());
    v.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    v.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    v.extend_from_slice(&1u32.to_be_bytes()); // count
    v.extend_from_slice(&orientation.to_be_bytes());
    v.extend_from_slice(&[0, 0]); // padding of the 4-byte value field
    v.extend_from_slice(&0u32.to_be_bytes()); // no next IFD
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_exif_reads_back() {
        let mut c = Collector::new(1 << 20);
        let facts = inspect(&minimal_orientation(6), &mut c);
        assert_eq!(facts.orientation, Some(6));
        assert!(c.findings.is_empty(), "orientation alone identifies nobody");
    }

    #[test]
    fn garbage_exif_is_reported_not_fatal() {
        let mut c = Collector::new(1 << 20);
        let facts = inspect(b"MM\0\x2a\xff\xff\xff\xff", &mut c);
        assert_eq!(facts.orientation, None);
        assert_eq!(c.findings.len(), 1);
        let facts = inspect(b"", &mut c);
        assert_eq!(facts.orientation, None);
    }

    #[test]
    fn user_comment_charsets() {
        assert_eq!(with_charset(b"ASCII\0\0\0hello", false), "hello");
        assert_eq!(with_charset(b"UNICODE\0h\0i\0", true), "hi");
        assert_eq!(with_charset(b"UNICODE\0\0h\0i", false), "hi");
        assert!(crate::rules::is_blank(&with_charset(&[0u8; 16], false)));
    }
}
