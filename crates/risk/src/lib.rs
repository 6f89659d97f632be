//! The sum of information (issue 4): quasi-identifiers extracted from a post, the population
//! fraction of each, the expected number of people who match them all (k), the probability that
//! a match is the right person (κ), for a stranger and for an insider, and the smallest set of
//! generalisations that makes a post safe for its audience.
//!
//! - [`registry()`]: every rule clinpost has — the direct-identifier detectors of
//!   `clinpost-rules` plus the [`assess::QuasiIdentifiers`] pass. Every surface uses it.
//! - [`detail`]: the typed quasi-identifier values the model consumes (shared contract).
//! - [`extract`]: quasi-identifier extraction from text.
//! - [`population`]: the compiled-in population tables.
//! - [`model`]: fractions, k, κ, levels, the insider view and the generalisation search.
//! - [`assess`]: the model as an engine pass: author profile, findings, the `risk` object.
//! - [`history`]: keyed fingerprints of earlier posts and when posts are combined.
//! - [`rules`]: the quasi-identifier rules (QID001–QID011).

use std::sync::LazyLock;

use clinpost_core::Registry;

pub mod assess;
pub mod detail;
pub mod extract;
pub mod history;
pub mod model;
pub mod population;
pub mod rules;

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| {
    Registry::with_assessors(
        clinpost_rules::detectors(),
        vec![Box::new(assess::QuasiIdentifiers::new())],
    )
    .expect("rule codes and names are unique")
});

/// Every rule: direct identifiers and the re-identification model. Built once, on first use.
pub fn registry() -> &'static Registry {
    &REGISTRY
}
