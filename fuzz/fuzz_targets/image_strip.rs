//! Any bytes into the metadata stripper; what it returns must read back with no metadata
//! findings.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = clinpost_media::Limits::default();
    if let Ok(clean) = clinpost_media::strip(data, &limits) {
        if let Ok(again) = clinpost_media::inspect(&clean, &limits) {
            assert!(
                again.findings.is_empty(),
                "a stripped image still has metadata findings"
            );
        }
    }
});
