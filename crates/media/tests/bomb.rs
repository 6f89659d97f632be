//! A PNG whose header claims 50,000 x 50,000 pixels (10 GB decoded) is refused at once and in
//! bounded memory. Alone in its test binary so that the process's peak memory is its own.

mod common;

use std::time::{Duration, Instant};

use clinpost_media::{inspect, strip, Format, Limits, MediaError};
use common::png_chunk;

/// Peak resident memory of this process in kB (Linux), if known.
fn peak_kb() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn png_claiming_50000_by_50000_is_refused_quickly_in_bounded_memory() {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &ihdr));
    // A small, valid zlib stream that would inflate to gigabytes if anyone decoded it.
    let row = vec![0u8; 1 + 50_000 * 4];
    png.extend(png_chunk(
        b"IDAT",
        &miniz_oxide::deflate::compress_to_vec_zlib(&row, 9),
    ));
    png.extend(png_chunk(b"IEND", &[]));

    let before = peak_kb();
    let t = Instant::now();
    for _ in 0..100 {
        for r in [
            inspect(&png, &Limits::default()).map(|_| ()),
            strip(&png, &Limits::default()).map(|_| ()),
        ] {
            match r {
                Err(MediaError::TooManyPixels {
                    format: Format::Png,
                    width: 50_000,
                    height: 50_000,
                    limit: 100_000_000,
                }) => {}
                other => panic!("expected TooManyPixels, got {other:?}"),
            }
        }
    }
    let elapsed = t.elapsed();
    assert!(
        elapsed < Duration::from_millis(500),
        "200 refusals took {elapsed:?}"
    );
    if let (Some(a), Some(b)) = (before, peak_kb()) {
        assert!(
            b.saturating_sub(a) < 16 * 1024,
            "peak memory grew by {} kB",
            b - a
        );
    }
    let msg = inspect(&png, &Limits::default()).unwrap_err().to_string();
    assert_eq!(
        msg,
        "the PNG header claims 50000x50000 pixels, over the limit of 100000000 pixels"
    );
}
