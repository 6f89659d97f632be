//! Every field planted by `fixtures/make.sh` (and by the hand-made containers below) is
//! reported with the right rule, kind, field name and severity, and its text handed back.

mod common;

use std::time::Instant;

use clinpost_core::{guidance, Category, Confidence, Kind, Severity, Span};
use clinpost_media::{detect, inspect, strip, Format, Inspection, Limits, MediaError};
use common::*;

/// (field, kind, severity)
type Want = (&'static str, Kind, Severity);

fn check(i: &Inspection, want: &[Want]) {
    for (field, kind, severity) in want {
        let f = i
            .findings
            .iter()
            .find(|f| f.field.as_deref() == Some(field))
            .unwrap_or_else(|| panic!("{field} not reported; got {:?}", fields(i)));
        assert_eq!(f.kind, *kind, "{field}: kind");
        assert_eq!(f.severity, *severity, "{field}: severity");
    }
    for f in &i.findings {
        assert_eq!(f.category, Category::Media);
        assert!(matches!(f.kind, Kind::GpsLocation | Kind::Metadata));
        assert_eq!(
            f.span,
            Span::new(0, 0),
            "metadata findings have the empty span"
        );
        assert!(f.region.is_none());
        assert!(f.fix.is_none());
        assert_eq!(f.confidence, Confidence::High);
        assert!(!f.rule.guidance.is_empty());
        for g in f.rule.guidance {
            assert!(guidance::lookup(g).is_some(), "unknown guidance {g}");
        }
        assert!(f.rule.code.starts_with("MED"));
    }
    let mut seen = std::collections::HashSet::new();
    for f in fields(i) {
        assert!(seen.insert(f.clone()), "{f} reported twice");
    }
}

fn text_of<'a>(i: &'a Inspection, field: &str) -> Vec<&'a str> {
    i.texts
        .iter()
        .filter(|t| t.field == field)
        .map(|t| t.text.expose().as_str())
        .collect()
}

#[test]
fn formats_are_detected_by_content() {
    assert_eq!(detect(&fixture("phone.jpg")), Some(Format::Jpeg));
    assert_eq!(detect(&fixture("author.png")), Some(Format::Png));
    assert_eq!(detect(&fixture("gps.webp")), Some(Format::WebP));
    assert_eq!(detect(&fixture("gps.heic")), Some(Format::Heic));
    assert_eq!(detect(b"GIF89a\x01\0\x01\0"), None);
    assert_eq!(detect(b""), None);
    // A JPEG is a JPEG whatever it is called: names are never looked at.
    let e = inspect(b"not an image at all", &Limits::default()).unwrap_err();
    assert!(matches!(e, MediaError::UnknownFormat));
}

#[test]
fn phone_jpeg_reports_every_planted_field() {
    let i = inspect(&fixture("phone.jpg"), &Limits::default()).unwrap();
    assert_eq!((i.format, i.width, i.height), (Format::Jpeg, 480, 360));
    assert_eq!(i.orientation, 6);
    use Kind::{GpsLocation as Gps, Metadata as Meta};
    use Severity::{Error as E, Warning as W};
    check(
        &i,
        &[
            ("EXIF:GPSLatitude", Gps, E),
            ("EXIF:Artist", Meta, E),
            ("EXIF:Copyright", Meta, E),
            ("EXIF:CameraOwnerName", Meta, E),
            ("EXIF:BodySerialNumber", Meta, E),
            ("EXIF:ImageDescription", Meta, W),
            ("EXIF:UserComment", Meta, W),
            ("EXIF:DateTimeOriginal", Meta, W),
            ("EXIF:ThumbnailImage", Meta, W),
            ("XMP:dc:creator", Meta, E),
            ("XMP:dc:description", Meta, W),
            ("IPTC:Caption-Abstract", Meta, W),
            ("IPTC:By-line", Meta, E),
            ("IPTC:City", Meta, W),
            ("JPEG:COM", Meta, W),
            ("JPEG:trailer", Meta, E),
            ("JPEG:trailer:EXIF:GPSLatitude", Gps, E),
        ],
    );
    let gps = &i
        .findings
        .iter()
        .find(|f| f.kind == Kind::GpsLocation)
        .unwrap();
    assert_eq!(gps.message, "GPS position in EXIF");
    assert_eq!(gps.rule.code, "MED001");
    // Texts for the text rules.
    assert_eq!(
        text_of(&i, "IPTC:Caption-Abstract"),
        ["Mr Horatio Blenkinsop after his fall"]
    );
    assert_eq!(text_of(&i, "JPEG:COM"), ["jpeg comment canary"]);
    assert_eq!(
        text_of(&i, "EXIF:UserComment"),
        ["ward round canary comment"]
    );
    assert_eq!(
        text_of(&i, "EXIF:ImageDescription"),
        ["Mrs Philippa Featherstonehaugh bed 4"]
    );
    assert_eq!(
        text_of(&i, "XMP:dc:description"),
        ["xmp canary description"]
    );
    assert_eq!(text_of(&i, "XMP:dc:creator"), ["Zebedee Quartermain"]);
    assert_eq!(text_of(&i, "EXIF:BodySerialNumber"), ["SNCANARY48151623"]);
    assert_eq!(text_of(&i, "IPTC:City"), ["Little Snoring"]);
    assert!(
        text_of(&i, "EXIF:GPSLatitude").is_empty(),
        "coordinates are not text"
    );
}

#[test]
fn png_text_chunks_are_reported() {
    let i = inspect(&fixture("author.png"), &Limits::default()).unwrap();
    assert_eq!((i.format, i.width, i.height), (Format::Png, 320, 240));
    check(
        &i,
        &[
            ("PNG:tEXt:Author", Kind::Metadata, Severity::Error),
            ("PNG:iTXt:Comment", Kind::Metadata, Severity::Warning),
            ("PNG:tIME", Kind::Metadata, Severity::Warning),
            ("PNG:tEXt:date:create", Kind::Metadata, Severity::Warning),
        ],
    );
    assert_eq!(text_of(&i, "PNG:tEXt:Author"), ["Zebedee Quartermain"]);
    assert_eq!(
        text_of(&i, "PNG:iTXt:Comment"),
        ["Mrs Philippa Featherstonehaugh itxt canary"]
    );
}

#[test]
fn webp_exif_and_xmp_chunks_are_reported() {
    let i = inspect(&fixture("gps.webp"), &Limits::default()).unwrap();
    assert_eq!((i.format, i.width, i.height), (Format::WebP, 320, 240));
    check(
        &i,
        &[
            ("EXIF:GPSLatitude", Kind::GpsLocation, Severity::Error),
            ("EXIF:Artist", Kind::Metadata, Severity::Error),
            ("XMP:dc:creator", Kind::Metadata, Severity::Error),
        ],
    );
}

#[test]
fn progressive_jpeg_with_restart_markers() {
    let i = inspect(&fixture("progressive.jpg"), &Limits::default()).unwrap();
    assert_eq!((i.format, i.width, i.height), (Format::Jpeg, 200, 150));
    check(
        &i,
        &[
            ("EXIF:Artist", Kind::Metadata, Severity::Error),
            ("JPEG:COM", Kind::Metadata, Severity::Warning),
        ],
    );
}

#[test]
fn heic_is_read_but_not_stripped() {
    let bytes = fixture("gps.heic");
    let i = inspect(&bytes, &Limits::default()).unwrap();
    assert_eq!(i.format, Format::Heic);
    assert!(i.width > 0 && i.height > 0);
    check(
        &i,
        &[
            ("EXIF:GPSLatitude", Kind::GpsLocation, Severity::Error),
            ("EXIF:Artist", Kind::Metadata, Severity::Error),
            ("XMP:dc:creator", Kind::Metadata, Severity::Error),
        ],
    );
    assert!(!Format::Heic.can_strip());
    let e = strip(&bytes, &Limits::default()).unwrap_err();
    assert!(matches!(
        e,
        MediaError::Unsupported {
            format: Format::Heic,
            ..
        }
    ));
    assert!(e.to_string().contains("convert the picture to JPEG"), "{e}");
}

#[test]
fn ztxt_is_inflated_and_a_ztxt_bomb_is_not() {
    let png = fixture("author.png");
    let mut body = b"Description\0\0".to_vec();
    body.extend(miniz_oxide::deflate::compress_to_vec_zlib(
        b"Mr Horatio Blenkinsop ztxt",
        6,
    ));
    let with = png_insert_before_idat(&png, &png_chunk(b"zTXt", &body));
    let i = inspect(&with, &Limits::default()).unwrap();
    check(
        &i,
        &[("PNG:zTXt:Description", Kind::Metadata, Severity::Warning)],
    );
    assert_eq!(
        text_of(&i, "PNG:zTXt:Description"),
        ["Mr Horatio Blenkinsop ztxt"]
    );

    // 32 MiB of zeros compress to a few tens of kB: reported, never inflated past the 8 MiB cap.
    let zeros = vec![0u8; 32 << 20];
    let mut bomb = b"Comment\0\0".to_vec();
    bomb.extend(miniz_oxide::deflate::compress_to_vec_zlib(&zeros, 1));
    drop(zeros);
    let with = png_insert_before_idat(&png, &png_chunk(b"zTXt", &bomb));
    let t = Instant::now();
    let i = inspect(&with, &Limits::default()).unwrap();
    assert!(t.elapsed().as_secs() < 5);
    check(
        &i,
        &[("PNG:zTXt:Comment", Kind::Metadata, Severity::Warning)],
    );
    assert!(text_of(&i, "PNG:zTXt:Comment").is_empty());
    let clean = strip(&with, &Limits::default()).unwrap();
    assert!(inspect(&clean, &Limits::default())
        .unwrap()
        .findings
        .is_empty());
}

#[test]
fn imagemagick_raw_profiles_in_png_are_decoded() {
    // ImageMagick keeps a JPEG's EXIF as hex text when it converts to PNG.
    let exif = jpeg_exif(&fixture("phone.jpg"));
    let mut text = format!("\nexif\n{:8}\n", exif.len() + 6);
    for (n, b) in b"Exif\0\0".iter().chain(exif.iter()).enumerate() {
        text.push_str(&format!("{b:02x}"));
        if n % 36 == 35 {
            text.push('\n');
        }
    }
    let mut body = b"Raw profile type exif\0".to_vec();
    body.extend_from_slice(text.as_bytes());
    let png = png_insert_before_idat(&fixture("author.png"), &png_chunk(b"tEXt", &body));
    let i = inspect(&png, &Limits::default()).unwrap();
    check(
        &i,
        &[
            ("EXIF:GPSLatitude", Kind::GpsLocation, Severity::Error),
            ("EXIF:BodySerialNumber", Kind::Metadata, Severity::Error),
        ],
    );
    // The orientation of the EXIF is not the PNG's (ImageMagick applies it or not); the
    // stripped PNG holds nothing of it.
    let clean = strip(&png, &Limits::default()).unwrap();
    assert!(canaries_in(&clean).is_empty());
}

#[test]
fn exif_tags_phones_and_windows_write() {
    // Maker notes, Windows XP tags (UTF-16LE), a UNICODE user comment, lens serial, host
    // computer; blank user comments (phones write spaces) are not reported.
    let xp: Vec<u8> = "Zebedee Quartermain"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .chain([0, 0])
        .collect();
    let ifd0 = tiff(&[
        short(0x0112, 8),
        ascii(0x013C, "Zebedee's laptop"),
        Entry {
            tag: 0x9C9D,
            kind: 1,
            count: xp.len() as u32,
            value: xp,
        },
        ascii(0xFDE9, "SNCANARY48151623"),
    ]);
    let jpeg = jpeg_insert_segment(
        &strip_fixture("phone.jpg"),
        0xE1,
        &[b"Exif\0\0", &ifd0[..]].concat(),
    );
    let i = inspect(&jpeg, &Limits::default()).unwrap();
    assert_eq!(i.orientation, 8);
    check(
        &i,
        &[
            ("EXIF:HostComputer", Kind::Metadata, Severity::Error),
            ("EXIF:XPAuthor", Kind::Metadata, Severity::Error),
            ("EXIF:SerialNumber", Kind::Metadata, Severity::Error),
        ],
    );
    assert_eq!(text_of(&i, "EXIF:XPAuthor"), ["Zebedee Quartermain"]);
    let clean = strip(&jpeg, &Limits::default()).unwrap();
    let after = inspect(&clean, &Limits::default()).unwrap();
    assert!(after.findings.is_empty());
    assert_eq!(after.orientation, 8, "orientation survives the strip");
}

#[test]
fn blank_values_are_not_reported() {
    let ifd0 = tiff(&[ascii(0x013B, "   "), ascii(0x010E, "")]);
    let jpeg = jpeg_insert_segment(
        &strip_fixture("phone.jpg"),
        0xE1,
        &[b"Exif\0\0", &ifd0[..]].concat(),
    );
    let i = inspect(&jpeg, &Limits::default()).unwrap();
    assert!(i.findings.is_empty(), "{:?}", fields(&i));
}

#[test]
fn mpf_index_and_photoshop_thumbnail_are_hidden_content() {
    let mut base = strip_fixture("phone.jpg");
    base = jpeg_insert_segment(&base, 0xE2, b"MPF\0II*\0\x08\0\0\0");
    let mut irb = b"8BIM\x04\x0c\0\0".to_vec();
    irb.extend_from_slice(&4u32.to_be_bytes());
    irb.extend_from_slice(b"\xff\xd8\xff\xd9");
    base = jpeg_insert_segment(&base, 0xED, &[&b"Photoshop 3.0\0"[..], &irb].concat());
    let i = inspect(&base, &Limits::default()).unwrap();
    check(
        &i,
        &[
            ("JPEG:MPF", Kind::Metadata, Severity::Warning),
            ("Photoshop:Thumbnail", Kind::Metadata, Severity::Warning),
        ],
    );
}

/// A fixture with its metadata stripped: a clean base to add one thing to.
fn strip_fixture(name: &str) -> Vec<u8> {
    strip(&fixture(name), &Limits::default()).unwrap()
}
