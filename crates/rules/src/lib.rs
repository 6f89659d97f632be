//! clinpost's detectors and the one static registry that lists them.
//!
//! Each module holds closely related rules; each rule is one `static RuleMeta` with its code,
//! name, category, kind, severity, guidance, documentation and true/false samples, next to the
//! detector that reports it. [`registry()`] is the only place detectors are listed; a test runs
//! every rule's samples through the whole engine.

use std::sync::LazyLock;

use clinpost_core::{Detector, Registry};

pub mod address;
pub mod contact;
pub mod dates;
pub mod ids;
pub mod lexicon;
pub mod names;
pub mod numbers;
pub mod places;
pub mod tokens;
pub mod validators;

/// Every detector, in the order they run (for a registry that adds assessors: see
/// `clinpost_risk::registry()`).
pub fn detectors() -> Vec<Box<dyn Detector>> {
    let mut v: Vec<Box<dyn Detector>> = Vec::new();
    v.extend(numbers::detectors());
    v.extend(ids::detectors());
    v.extend(contact::detectors());
    v.extend(dates::detectors());
    v.extend(address::detectors());
    v.extend(names::detectors());
    v.extend(places::detectors());
    v
}

static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry::new(detectors()).expect("rule codes and names are unique"));

/// The registry of every rule. Built once, on first use.
pub fn registry() -> &'static Registry {
    &REGISTRY
}
