//! Any bytes into the DOCX/DICOM reader (zip bombs, bad XML, truncated elements).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = clinpost_media::inspect_document(data, &clinpost_media::DocLimits::default());
});
