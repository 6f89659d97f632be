//! The sum of information (issue 4): quasi-identifiers extracted from a post, the population
//! fraction of each, the expected number of people who match them all (k), the probability that
//! a match is the right person (κ), for a stranger and for an insider, and the smallest set of
//! generalisations that makes a post safe for its audience.
//!
//! This crate is built in steps; it is not yet wired into the engine's verdict.
//! - [`detail`]: the typed quasi-identifier values the model consumes (shared contract).
//! - [`extract`]: quasi-identifier extraction from text.
//! - [`population`]: the compiled-in population tables.
//! - [`model`]: fractions, k, κ, levels, the insider view and the generalisation search.

pub mod detail;
pub mod extract;
pub mod model;
pub mod population;
