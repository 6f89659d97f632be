//! Any UTF-8 text through every rule: no panic, spans in bounds and on char boundaries, and
//! fixing twice changes nothing more.
#![no_main]
use clinpost_core::{Context, Document, Engine};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let engine = Engine::with_defaults(clinpost_registry::registry());
    let ctx = Context::default();
    let report = engine.check(&Document::new(text, &ctx));
    for f in &report.findings {
        assert!(f.span.end <= text.len());
        assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
    }
    let once = engine.fix(&Document::new(text, &ctx), false);
    let twice = engine.fix(&Document::new(&once.text, &ctx), false);
    assert_eq!(once.text, twice.text, "fix is not idempotent");
});
