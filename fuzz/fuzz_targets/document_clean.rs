//! Any bytes into the document cleaner; a clean copy must parse again.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = clinpost_media::DocLimits::default();
    if let Ok(clean) = clinpost_media::clean_document(data, &limits) {
        assert!(
            clinpost_media::inspect_document(&clean, &limits).is_ok(),
            "a clean copy does not parse"
        );
    }
});
