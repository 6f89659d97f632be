//! The one registry every surface uses (the CLI, the server, the archive audit): the text
//! detectors of `clinpost-rules` and the conduct rules of `clinpost-conduct`, the re-identification pass of `clinpost-risk`, and the media
//! rules of `clinpost-media` (listed so that `clinpost rules`, `explain`, selectors and severity
//! overrides cover them; their findings come from inspecting files).

use std::sync::LazyLock;

use clinpost_core::{Detector, Registry};

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    let mut detectors: Vec<Box<dyn Detector>> = clinpost_rules::detectors();
    detectors.extend(clinpost_conduct::detectors());
    detectors.push(Box::new(clinpost_media::MediaRules));
    Registry::with_assessors(
        detectors,
        vec![Box::new(clinpost_risk::assess::QuasiIdentifiers::new())],
    )
    .expect("rule codes and names are unique")
});

/// Every rule. Built once, on first use.
pub fn registry() -> &'static Registry {
    &REGISTRY
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_is_registered_once_and_documented() {
        let reg = super::registry();
        let failures = clinpost_core::samples::check_metadata(reg.rules());
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        for code in ["PHI001", "QID001", "MED001", "CND001", "CND012"] {
            assert!(reg.rule(code).is_some(), "{code} missing");
        }
    }
}
