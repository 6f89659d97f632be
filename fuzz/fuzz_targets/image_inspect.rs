//! Any bytes into the image reader: an error or an inspection, never a panic or a hang.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = clinpost_media::inspect(data, &clinpost_media::Limits::default());
});
