//! A DOCX whose `word/document.xml` is 1 GB of zeros deflated to about 1 MB is refused at once
//! and in bounded memory, whether the archive declares the size honestly or lies about it.
//! Generated here, never committed. Alone in its test binary so that the process's peak memory
//! is its own.

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use clinpost_media::{clean_document, inspect_document, DocFormat, DocLimits, MediaError};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Peak resident memory of this process in kB (Linux), if known.
fn peak_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

const CT: &str = r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;

/// A DOCX whose document part is `size` zero bytes.
fn bomb(size: u64) -> Vec<u8> {
    let mut z = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9));
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(CT.as_bytes()).unwrap();
    z.start_file("word/document.xml", opts).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        z.write_all(&chunk[..n]).unwrap();
        left -= n as u64;
    }
    z.finish().unwrap().into_inner()
}

/// Rewrite the uncompressed size of `name` in its local header and central directory entry.
fn lie_about_size(zip: &mut [u8], name: &[u8], size: u32) {
    let mut patched = 0;
    let mut i = 0;
    while i + 46 <= zip.len() {
        if &zip[i..i + 4] == b"PK\x03\x04" {
            let n = u16::from_le_bytes([zip[i + 26], zip[i + 27]]) as usize;
            if zip.get(i + 30..i + 30 + n) == Some(name) {
                zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        } else if &zip[i..i + 4] == b"PK\x01\x02" {
            let n = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            if zip.get(i + 46..i + 46 + n) == Some(name) {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
        i += 1;
    }
    assert_eq!(patched, 2);
}

#[test]
fn a_one_gigabyte_zip_bomb_is_refused_quickly_in_bounded_memory() {
    let honest = bomb(1 << 30);
    assert!(honest.len() < 2 << 20, "{} bytes", honest.len());
    let mut liar = honest.clone();
    lie_about_size(&mut liar, b"word/document.xml", 4096);

    let before = peak_kb();
    let t = Instant::now();
    let limits = DocLimits::default();
    for _ in 0..20 {
        for r in [
            inspect_document(&honest, &limits).map(|_| ()),
            clean_document(&honest, &limits).map(|_| ()),
        ] {
            match r {
                Err(MediaError::DocumentLimit {
                    format: DocFormat::Docx,
                    ..
                }) => {}
                other => panic!("expected DocumentLimit, got {other:?}"),
            }
        }
        for r in [
            inspect_document(&liar, &limits).map(|_| ()),
            clean_document(&liar, &limits).map(|_| ()),
        ] {
            match r {
                Err(e @ MediaError::DocumentMalformed { .. }) => {
                    assert_eq!(e.code(), "malformed");
                }
                other => panic!("expected DocumentMalformed, got {other:?}"),
            }
        }
    }
    let took = t.elapsed();
    assert!(took < Duration::from_secs(5), "{took:?}");
    if let (Some(b), Some(a)) = (before, peak_kb()) {
        assert!(a.saturating_sub(b) < 64 * 1024, "peak grew by {} kB", a - b);
    }
}

#[test]
fn a_bomb_under_the_total_limit_trips_the_ratio_limit() {
    // 100 MB of zeros: under the 256 MiB total, but about 1000:1.
    let b = bomb(100 << 20);
    let e = inspect_document(&b, &DocLimits::default()).unwrap_err();
    assert!(
        matches!(e, MediaError::DocumentLimit { what, limit: 200, .. } if what.contains("ratio")),
        "{e:?}"
    );
    assert_eq!(e.code(), "limit-exceeded");
    // With a smaller total limit, the total trips first.
    let small = DocLimits {
        max_unpacked_bytes: 10 << 20,
        ..DocLimits::default()
    };
    let e = inspect_document(&b, &small).unwrap_err();
    assert!(
        matches!(e, MediaError::DocumentLimit { what, .. } if what.contains("decompressed")),
        "{e:?}"
    );
}
