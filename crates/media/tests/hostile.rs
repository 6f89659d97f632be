//! Hostile input: truncated and corrupted files give typed errors, never a panic; size and
//! pixel limits are enforced from the headers.

mod common;

use clinpost_media::{inspect, strip, Format, Limits, MediaError};
use common::*;

const ALL: &[&str] = &[
    "phone.jpg",
    "author.png",
    "gps.webp",
    "gps.heic",
    "progressive.jpg",
];

#[test]
fn a_truncated_jpeg_is_a_typed_error() {
    let jpeg = fixture("phone.jpg");
    let half = &jpeg[..jpeg.len() / 2];
    for r in [
        inspect(half, &Limits::default()).map(|_| ()),
        strip(half, &Limits::default()).map(|_| ()),
    ] {
        match r {
            Err(
                e @ MediaError::Truncated {
                    format: Format::Jpeg,
                    ..
                },
            ) => {
                assert_eq!(e.code(), "truncated");
                assert!(
                    e.to_string().starts_with("JPEG: the file is truncated"),
                    "{e}"
                );
            }
            other => panic!("expected a truncation error, got {other:?}"),
        }
    }
}

#[test]
fn truncated_png_and_webp_are_typed_errors() {
    for name in ["author.png", "gps.webp"] {
        let b = fixture(name);
        let e = inspect(&b[..b.len() - 7], &Limits::default()).unwrap_err();
        assert!(matches!(e, MediaError::Truncated { .. }), "{name}: {e:?}");
    }
}

#[test]
fn every_prefix_is_handled_without_panic() {
    let limits = Limits::default();
    for name in ALL {
        let b = fixture(name);
        for cut in 0..b.len() {
            let p = &b[..cut];
            let i = inspect(p, &limits);
            let s = strip(p, &limits);
            if let Err(e) = &i {
                assert!(canaries_in(e.to_string().as_bytes()).is_empty());
            }
            // A stripped prefix (only possible once the picture itself is complete) is clean.
            if let Ok(s) = s {
                assert!(
                    inspect(&s, &limits).unwrap().findings.is_empty(),
                    "{name} cut {cut}"
                );
            }
        }
    }
}

/// A small deterministic generator (xorshift) so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Random byte damage to every fixture. `CLINPOST_MEDIA_FUZZ=N` runs N cases per fixture
/// (default 1500) with seed `CLINPOST_MEDIA_SEED` if given.
#[test]
fn corrupted_files_never_panic() {
    let limits = Limits::default();
    let n: usize = std::env::var("CLINPOST_MEDIA_FUZZ")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let seed = std::env::var("CLINPOST_MEDIA_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15u64);
    let mut rng = Rng(seed | 1);
    for name in ALL {
        let orig = fixture(name);
        for _ in 0..n {
            let mut b = orig.clone();
            let flips = 1 + rng.next() % 8;
            for _ in 0..flips {
                let at = (rng.next() % b.len() as u64) as usize;
                b[at] = match rng.next() % 4 {
                    0 => 0xFF,
                    1 => 0x00,
                    _ => rng.next() as u8,
                };
            }
            let _ = inspect(&b, &limits);
            if let Ok(s) = strip(&b, &limits) {
                // Whatever survived, the output parses and holds nothing we can see.
                let again = inspect(&s, &limits).expect("stripped output parses");
                assert!(again.findings.is_empty(), "{name}: {:?}", fields(&again));
            }
        }
    }
}

#[test]
fn oversized_input_is_refused() {
    let limits = Limits {
        max_bytes: 1000,
        ..Limits::default()
    };
    let e = inspect(&fixture("phone.jpg"), &limits).unwrap_err();
    assert!(
        matches!(e, MediaError::TooLarge { limit: 1000, .. }),
        "{e:?}"
    );
    assert_eq!(e.code(), "too-large");
}

#[test]
fn jpeg_and_webp_headers_claiming_too_many_pixels_are_refused() {
    // SOI, SOF0 claiming 65535 x 65535, then nothing.
    let mut jpeg = vec![
        0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0x03,
    ];
    jpeg.extend_from_slice(&[1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    let e = inspect(&jpeg, &Limits::default()).unwrap_err();
    assert!(
        matches!(
            e,
            MediaError::TooManyPixels {
                format: Format::Jpeg,
                width: 65535,
                height: 65535,
                ..
            }
        ),
        "{e:?}"
    );
    // WebP VP8X canvas 16384 x 16384.
    let mut vp8x = vec![0u8; 10];
    vp8x[4..7].copy_from_slice(&[0xFF, 0x3F, 0]);
    vp8x[7..10].copy_from_slice(&[0xFF, 0x3F, 0]);
    let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0".to_vec();
    webp.extend_from_slice(&vp8x);
    let n = (webp.len() - 8) as u32;
    webp[4..8].copy_from_slice(&n.to_le_bytes());
    let e = inspect(&webp, &Limits::default()).unwrap_err();
    assert!(
        matches!(
            e,
            MediaError::TooManyPixels {
                format: Format::WebP,
                ..
            }
        ),
        "{e:?}"
    );
    // And a tighter limit refuses the fixtures themselves.
    let small = Limits {
        max_pixels: 1000,
        ..Limits::default()
    };
    for name in ["phone.jpg", "author.png", "gps.webp", "gps.heic"] {
        let e = inspect(&fixture(name), &small).unwrap_err();
        assert!(
            matches!(e, MediaError::TooManyPixels { .. }),
            "{name}: {e:?}"
        );
    }
}

#[test]
fn structural_garbage_is_malformed_not_a_panic() {
    for b in [
        &b"\xFF\xD8\xFF"[..],
        b"\xFF\xD8\xFF\xD9",
        b"\xFF\xD8\x00\x00",
        b"\xFF\xD8\xFF\xE1\x00\x01",
        b"\xFF\xD8\xFF\xDA\x00\x02\xFF\xD9",
        b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR",
        b"\x89PNG\r\n\x1a\n\0\0\0\x01IEND\0\0\0\0\0",
        b"RIFF\x04\0\0\0WEBP",
        b"RIFF\xff\xff\xff\xffWEBP",
        b"RIFF\x0c\0\0\0WEBPVP8 \0\0\0\0",
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
    ] {
        let e = inspect(b, &Limits::default());
        assert!(
            e.is_err() || b.starts_with(b"\0\0\0\x18ftyp"),
            "{b:?}: {e:?}"
        );
    }
}

#[test]
fn millions_of_tiny_pieces_do_not_amplify() {
    // A JPEG of 100,000 empty comments: refused as malformed, not stored piece by piece.
    let mut jpeg = vec![0xFF, 0xD8];
    for _ in 0..100_000 {
        jpeg.extend_from_slice(&[0xFF, 0xFE, 0x00, 0x02]);
    }
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    let e = inspect(&jpeg, &Limits::default()).unwrap_err();
    assert!(matches!(e, MediaError::Malformed { .. }), "{e:?}");

    // A PNG with 50,000 distinct text keywords: findings are capped, with a last one saying so.
    let png = fixture("author.png");
    let mut chunks = Vec::new();
    for n in 0..50_000 {
        chunks.extend(png_chunk(b"tEXt", format!("k{n}\0v").as_bytes()));
    }
    let many = png_insert_before_idat(&png, &chunks);
    let i = inspect(&many, &Limits::default()).unwrap();
    assert!(i.findings.len() <= 1001, "{}", i.findings.len());
    assert_eq!(i.findings.last().unwrap().field.as_deref(), Some("*"));
    assert!(i.texts.len() <= 10_000);
    let clean = strip(&many, &Limits::default()).unwrap();
    assert!(inspect(&clean, &Limits::default())
        .unwrap()
        .findings
        .is_empty());

    // Many small zTXt bombs share one inflation budget for the whole file.
    let one = miniz_oxide::deflate::compress_to_vec_zlib(&vec![b'a'; 4 << 20], 1);
    let mut bombs = Vec::new();
    for n in 0..64 {
        let mut body = format!("Comment{n}\0\0").into_bytes();
        body.extend_from_slice(&one);
        bombs.extend(png_chunk(b"zTXt", &body));
    }
    let with = png_insert_before_idat(&png, &bombs);
    let t = std::time::Instant::now();
    let i = inspect(&with, &Limits::default()).unwrap();
    assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
    let read: usize = i.texts.iter().map(|t| t.text.expose().len()).sum();
    assert!(read <= Limits::default().max_text_bytes, "{read}");
    assert_eq!(
        i.findings
            .iter()
            .filter(|f| f
                .field
                .as_deref()
                .is_some_and(|f| f.starts_with("PNG:zTXt")))
            .count(),
        64,
        "every chunk reported, read or not"
    );
}
