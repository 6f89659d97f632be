//! No metadata value reaches a finding, a message, an error, a `Debug` form or the JSON shape;
//! only the texts handed to the text rules hold them (behind `Sensitive`).

mod common;

use clinpost_core::{FindingView, LineIndex};
use clinpost_media::{inspect, strip, Limits};
use common::*;

const ALL: &[&str] = &[
    "phone.jpg",
    "author.png",
    "gps.webp",
    "gps.heic",
    "progressive.jpg",
];

#[test]
fn findings_debug_and_json_hold_no_values() {
    for name in ALL {
        let i = inspect(&fixture(name), &Limits::default()).unwrap();
        assert!(!i.findings.is_empty());
        let dbg = format!("{i:?} {i:#?}");
        assert_eq!(
            canaries_in(dbg.as_bytes()),
            Vec::<&str>::new(),
            "{name}: Debug"
        );
        let ix = LineIndex::new("");
        for f in &i.findings {
            let json = serde_json::to_string(&FindingView::new(f, &ix)).unwrap();
            assert_eq!(
                canaries_in(json.as_bytes()),
                Vec::<&str>::new(),
                "{name}: {json}"
            );
            assert!(json.contains("\"field\""), "{json}");
            assert!(json.contains("\"category\":\"media\""), "{json}");
            assert!(json.contains("\"start\":0,\"end\":0"), "{json}");
        }
        // The values are there for the text rules, and only there.
        let exposed: String = i
            .texts
            .iter()
            .map(|t| t.text.expose().as_str())
            .collect::<Vec<_>>()
            .join("\n");
        if *name != "gps.heic" && *name != "gps.webp" {
            assert!(
                !canaries_in(exposed.as_bytes()).is_empty(),
                "{name}: texts kept"
            );
        }
        let texts_dbg = format!("{:?}", i.texts);
        assert!(canaries_in(texts_dbg.as_bytes()).is_empty());
    }
}

#[test]
fn errors_hold_no_values() {
    let limits = Limits::default();
    let tight = Limits {
        max_pixels: 10,
        max_bytes: 100_000,
        ..Limits::default()
    };
    for name in ALL {
        let b = fixture(name);
        let mut errors = Vec::new();
        for cut in (0..b.len()).step_by(97) {
            if let Err(e) = inspect(&b[..cut], &limits) {
                errors.push(e);
            }
            if let Err(e) = strip(&b[..cut], &limits) {
                errors.push(e);
            }
        }
        errors.extend(inspect(&b, &tight).err());
        errors.extend(strip(&b, &tight).err());
        // Damage inside metadata blocks: values around the damage must not leak either.
        for at in (0..b.len()).step_by(53) {
            let mut d = b.clone();
            d[at] ^= 0x5A;
            errors.extend(inspect(&d, &limits).err());
        }
        assert!(!errors.is_empty());
        for e in &errors {
            let s = format!("{e} {e:?}");
            assert_eq!(canaries_in(s.as_bytes()), Vec::<&str>::new(), "{name}: {s}");
        }
    }
}
