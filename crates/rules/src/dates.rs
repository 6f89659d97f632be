//! (module under construction)

use clinpost_core::Detector;

/// The detectors of this module.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    Vec::new()
}
