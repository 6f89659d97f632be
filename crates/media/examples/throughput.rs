//! Read + strip rate for a typical phone photo (DESIGN §7: ≥ 200 images/s).
//!
//! ```sh
//! cargo run --release -p clinpost-media --example throughput            # 200 rounds
//! cargo run --release -p clinpost-media --example throughput -- 500 /tmp/other.jpg
//! ```
//!
//! Uses `/tmp/clinpost-media-phone-4000x3000.jpg` (or the path given), making it first if it
//! does not exist: a 4000 × 3000 baseline JPEG of a noisy gradient at quality 90 (about the
//! size of a 12-megapixel phone photo) carrying the metadata of `fixtures/phone.jpg` — EXIF
//! with GPS and a thumbnail, XMP, IPTC, a comment — and its appended image and video trailer.
//! `fixtures/make.sh --big PATH` makes a similar file with ImageMagick. Not committed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clinpost_media::{inspect, inspect_and_strip, strip, write_atomically, Limits};

const DEFAULT: &str = "/tmp/clinpost-media-phone-4000x3000.jpg";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rounds: u32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(200);
    let path = PathBuf::from(args.get(1).map_or(DEFAULT, String::as_str));
    if !path.exists() {
        make_big(&path);
    }
    let bytes = std::fs::read(&path).expect("read the photo");
    let limits = Limits::default();
    let first = inspect(&bytes, &limits).expect("inspect");
    println!(
        "{}: {} {}x{}, {:.1} MB, {} findings",
        path.display(),
        first.format,
        first.width,
        first.height,
        bytes.len() as f64 / 1e6,
        first.findings.len()
    );
    // Warm up.
    for _ in 0..5 {
        let _ = strip(&bytes, &limits).expect("strip");
    }

    let t = Instant::now();
    let mut out = 0usize;
    for _ in 0..rounds {
        let i = inspect(&bytes, &limits).expect("inspect");
        let s = strip(&bytes, &limits).expect("strip");
        out += s.len() + i.findings.len();
    }
    report(
        "inspect + strip (two calls), in memory",
        rounds,
        t,
        bytes.len(),
    );

    let t = Instant::now();
    for _ in 0..rounds {
        let (i, s) = inspect_and_strip(&bytes, &limits).expect("inspect_and_strip");
        out += s.len() + i.findings.len();
    }
    report(
        "inspect_and_strip (one pass), in memory",
        rounds,
        t,
        bytes.len(),
    );

    let t = Instant::now();
    for _ in 0..rounds {
        let b = std::fs::read(&path).expect("read");
        let (i, s) = inspect_and_strip(&b, &limits).expect("inspect_and_strip");
        out += s.len() + i.findings.len();
    }
    report("read file + inspect_and_strip", rounds, t, bytes.len());

    // The same with the read buffer reused: fresh multi-megabyte buffers cost page faults,
    // which are slow in a virtual machine; a batch caller can keep one buffer.
    let t = Instant::now();
    let mut buf = Vec::new();
    for _ in 0..rounds {
        buf.clear();
        std::fs::File::open(&path)
            .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut buf))
            .expect("read");
        let (i, s) = inspect_and_strip(&buf, &limits).expect("inspect_and_strip");
        out += s.len() + i.findings.len();
    }
    report(
        "read file into a reused buffer + inspect_and_strip",
        rounds,
        t,
        bytes.len(),
    );

    let dest = std::env::temp_dir().join("clinpost-media-throughput-out.jpg");
    let t = Instant::now();
    for _ in 0..rounds {
        let b = std::fs::read(&path).expect("read");
        let (i, s) = inspect_and_strip(&b, &limits).expect("inspect_and_strip");
        write_atomically(&dest, &s).expect("write");
        out += i.findings.len();
    }
    report(
        "read file + inspect_and_strip + atomic write (with fsync)",
        rounds,
        t,
        bytes.len(),
    );
    let _ = std::fs::remove_file(&dest);
    std::hint::black_box(out);
}

fn report(what: &str, rounds: u32, t: Instant, size: usize) {
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{what}: {:.0} images/s ({:.2} ms each, {:.0} MB/s)",
        f64::from(rounds) / secs,
        secs * 1e3 / f64::from(rounds),
        size as f64 * f64::from(rounds) / secs / 1e6
    );
}

/// Make the 4000 x 3000 test photo (see the module docs).
fn make_big(path: &Path) {
    let (w, h) = (4000u32, 3000u32);
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut img = image::RgbImage::new(w, h);
    for (x, y, p) in img.enumerate_pixels_mut() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let n = (seed % 49) as i32 - 24;
        let base = [
            (x * 255 / w) as i32,
            (y * 255 / h) as i32,
            ((x + y) * 255 / (w + h)) as i32,
        ];
        *p = image::Rgb(base.map(|b| (b + n).clamp(0, 255) as u8));
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&img)
        .expect("encode");

    let phone = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/phone.jpg"))
        .expect("fixtures/phone.jpg");
    // The phone fixture's metadata: the segments between SOI and its first DQT (walked by
    // length: the EXIF thumbnail holds a DQT of its own).
    let mut dqt = 2;
    while phone[dqt + 1] != 0xDB {
        dqt += 2 + usize::from(u16::from_be_bytes([phone[dqt + 2], phone[dqt + 3]]));
    }
    // Its trailer: the appended image (the last SOI, since the thumbnail's comes first).
    let second = phone
        .windows(3)
        .rposition(|w| w == [0xFF, 0xD8, 0xFF])
        .expect("appended image");
    // Skip the encoder's own APP0 if it wrote one.
    let mut body = 2;
    if jpeg[2..4] == [0xFF, 0xE0] {
        body = 4 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    }
    let mut out = vec![0xFF, 0xD8];
    out.extend_from_slice(&phone[2..dqt]);
    out.extend_from_slice(&jpeg[body..]);
    out.extend_from_slice(&phone[second..]);
    write_atomically(path, &out).expect("write the test photo");
    println!("made {} ({} bytes)", path.display(), out.len());
}
