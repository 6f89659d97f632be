//! Stripping removes every planted value (checked by our own reader, by a byte search for the
//! canaries, and by exiftool when it is installed) and leaves the decoded pixels bit-identical.

mod common;

use std::process::Command;

use clinpost_media::{inspect, inspect_and_strip, strip, Limits};
use common::*;

const STRIPPABLE: &[&str] = &["phone.jpg", "author.png", "gps.webp", "progressive.jpg"];

#[test]
fn stripped_files_hold_no_metadata_by_our_own_reader() {
    let limits = Limits::default();
    for name in STRIPPABLE {
        let orig = fixture(name);
        let before = inspect(&orig, &limits).unwrap();
        assert!(!before.findings.is_empty(), "{name}: fixture has findings");
        let clean = strip(&orig, &limits).unwrap();
        let after = inspect(&clean, &limits).unwrap();
        assert!(
            after.findings.is_empty(),
            "{name}: left {:?}",
            fields(&after)
        );
        assert!(after.texts.is_empty(), "{name}: texts left");
        assert_eq!(
            (after.format, after.width, after.height, after.orientation),
            (
                before.format,
                before.width,
                before.height,
                before.orientation
            ),
            "{name}: format, size and orientation kept"
        );
        assert!(clean.len() < orig.len(), "{name}: smaller");
        assert_eq!(
            canaries_in(&clean),
            Vec::<&str>::new(),
            "{name}: canary bytes left"
        );
        // Idempotent.
        assert_eq!(
            strip(&clean, &limits).unwrap(),
            clean,
            "{name}: strip twice"
        );
        // The one-pass API agrees.
        let (i, s) = inspect_and_strip(&orig, &limits).unwrap();
        assert_eq!(s, clean);
        assert_eq!(fields(&i), fields(&before));
    }
}

#[test]
fn decoded_pixels_are_identical() {
    for name in STRIPPABLE {
        let orig = fixture(name);
        let clean = strip(&orig, &Limits::default()).unwrap();
        let a = decode(&orig);
        let b = decode(&clean);
        assert_eq!(
            (a.0, a.1, &a.2),
            (b.0, b.1, &b.2),
            "{name}: size and colour type"
        );
        assert!(a.3 == b.3, "{name}: pixels differ");
    }
}

#[test]
fn jpeg_keeps_icc_profile_and_orientation_and_drops_the_trailer() {
    // An ICC profile (APP2) must survive: it changes how colours display, not who is shown.
    let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
    icc.extend_from_slice(&[0x42; 128]);
    let orig = jpeg_insert_segment(&fixture("phone.jpg"), 0xE2, &icc);
    let clean = strip(&orig, &Limits::default()).unwrap();
    assert!(
        clean.windows(icc.len()).any(|w| w == icc.as_slice()),
        "ICC kept"
    );
    assert_eq!(inspect(&clean, &Limits::default()).unwrap().orientation, 6);
    assert_eq!(&clean[clean.len() - 2..], &[0xFF, 0xD9], "ends at EOI");
    assert_eq!(
        clean
            .windows(3)
            .filter(|w| w == &[0xFF, 0xD8, 0xFF])
            .count(),
        1,
        "no appended image"
    );
    assert!(!clean.windows(4).any(|w| w == b"ftyp"), "no appended video");
}

#[test]
fn webp_flags_are_cleared() {
    let clean = strip(&fixture("gps.webp"), &Limits::default()).unwrap();
    let vp8x = clean.windows(4).position(|w| w == b"VP8X").unwrap();
    let flags = clean[vp8x + 8];
    assert_eq!(flags & 0x0C, 0, "EXIF and XMP flags cleared");
    let riff = u32::from_le_bytes([clean[4], clean[5], clean[6], clean[7]]) as usize;
    assert_eq!(riff + 8, clean.len(), "RIFF size rewritten");
}

#[test]
fn exiftool_finds_nothing_identifying_after_strip() {
    let Some(exiftool) = exiftool() else {
        eprintln!(
            "SKIPPED exiftool_finds_nothing_identifying_after_strip: exiftool is not installed \
             (apt-get install libimage-exiftool-perl); our own reader's check still ran"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("clinpost-media-strip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in STRIPPABLE {
        let orig = fixture(name);
        let out = dir.join(name);
        std::fs::write(&out, strip(&orig, &Limits::default()).unwrap()).unwrap();
        let o = Command::new(exiftool)
            .args(["-a", "-G1", "-s", "-u", "-ee"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{name}: exiftool failed");
        let text = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            canaries_in(text.as_bytes()),
            Vec::<&str>::new(),
            "{name}:\n{text}"
        );
        for line in text.lines() {
            let group = line
                .split(']')
                .next()
                .unwrap_or("")
                .trim_start_matches('[')
                .trim();
            let tag = line
                .split(']')
                .nth(1)
                .and_then(|r| r.split_whitespace().next())
                .unwrap_or("");
            let allowed = match group {
                "ExifTool" | "System" | "File" | "JFIF" | "Composite" | "RIFF" => true,
                // The minimal EXIF kept for rotated photos.
                "IFD0" => tag == "Orientation",
                // PNG header and colour chunks, no text.
                "PNG" => {
                    !matches!(
                        tag,
                        "Author" | "Comment" | "ModifyDate" | "Datecreate" | "Datemodify"
                    ) && !tag.starts_with("Comment")
                }
                _ => false,
            };
            assert!(allowed, "{name}: exiftool still reports: {line}");
            assert!(!line.contains("Warning"), "{name}: {line}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
