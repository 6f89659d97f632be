//! Document-level assessment: the pass that sees the whole post at once (issue 4).
//!
//! Detectors look for things; an [`Assessor`] weighs what they and it found together. The
//! re-identification model is one: no single detail of "82-year-old man, PSA of 4,850, this
//! morning" names anyone, the sum does. It runs after the detectors and overlap resolution,
//! sees their findings, adds findings of its own (category `quasi-identifier`) whose severity
//! comes from the assessed risk, and returns the [`Risk`] object every report carries
//! (DESIGN §4: `{"verdict", "findings", "risk"}`).
//!
//! The types here are the JSON contract; the model that fills them lives in `clinpost-risk`.

use serde::Serialize;

use crate::document::{Audience, Document};
use crate::engine::Verdict;
use crate::finding::{Finding, Kind, Span};
use crate::rule::RuleMeta;
use crate::text::LineIndex;

/// A pass over the whole document after the detectors.
pub trait Assessor: Send + Sync {
    /// The rules whose findings it reports.
    fn rules(&self) -> &'static [&'static RuleMeta];

    /// Weigh `doc` given the (resolved, filtered) findings of the detectors; push findings of
    /// its own rules to `out` and return the risk object.
    fn assess(&self, doc: &Document<'_>, findings: &[Finding], out: &mut Vec<Finding>) -> Risk;
}

/// The `risk` object of a report: how many people match what the post reveals, and what would
/// make it safe. Numbers and plain words only; no field holds text from the post.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Risk {
    /// "very-low", "low", "medium", "high" or "very-high" (by κ of the worse view).
    pub level: &'static str,
    /// The verdict the risk alone implies.
    pub verdict: Verdict,
    /// False when nothing in the post describes a particular person (only conditions, places
    /// and times: a teaching post); the verdict is then `ok` whatever the numbers.
    pub describes_person: bool,
    /// Expected number of people matching, the patient included (worse view).
    pub k: f64,
    /// Probability nobody else matches (worse view).
    pub p_unique: f64,
    /// Probability a matching person is the patient (worse view).
    pub kappa: f64,
    /// The audience's κ threshold.
    pub threshold: f64,
    /// The audience assumed.
    pub audience: Audience,
    /// The stranger's base population.
    pub population: u64,
    /// What the base is and why.
    pub base: RiskBase,
    /// The insider's view (someone who knows when the author saw the patient), if the post
    /// implies a time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insider: Option<RiskView>,
    /// The quasi-identifiers found, in text order.
    pub details: Vec<RiskDetail>,
    /// The cheapest set of changes that brings the post under the threshold.
    pub suggestions: Vec<RiskChange>,
    /// The numbers after `suggestions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<RiskView>,
    /// Earlier posts (from the history) whose details were combined with this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<EarlierLink>,
    /// The explanation, sentence by sentence, with the arithmetic.
    pub explanation: Vec<String>,
}

/// The base population.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskBase {
    /// "practice", "caseload", "place" or "nation".
    pub kind: &'static str,
    /// In words: "a practice list of 8,815".
    pub label: String,
    /// Why this base.
    pub why: String,
}

/// The numbers of one view.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RiskView {
    /// Base population of the view.
    pub population: u64,
    /// Expected matches.
    pub k: f64,
    /// κ.
    pub kappa: f64,
    /// Level.
    pub level: &'static str,
}

/// One quasi-identifier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskDetail {
    /// Kind (category `quasi-identifier`).
    pub kind: Kind,
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// Start in UTF-16 code units (for the web page).
    pub utf16_start: usize,
    /// End in UTF-16 code units.
    pub utf16_end: usize,
    /// Whether the model used it (a second, wider age of the same person is not used).
    pub used: bool,
}

/// One suggested change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RiskChange {
    /// Kind of the detail changed.
    pub kind: Kind,
    /// Start byte of the detail.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// Start in UTF-16 code units.
    pub utf16_start: usize,
    /// End in UTF-16 code units.
    pub utf16_end: usize,
    /// True when the advice is to leave the detail out.
    pub drop: bool,
    /// What to say instead, in plain words.
    pub advice: String,
    /// The concrete replacement the fix applies, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
}

/// An earlier post whose details were combined with this one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EarlierLink {
    /// Its history id.
    pub id: i64,
    /// When it was posted (UTC date, YYYY-MM-DD).
    pub posted: String,
    /// The kinds it shares with this post.
    pub shared: Vec<Kind>,
    /// True when this post refers back to an earlier one ("update on the lady from last week").
    pub back_reference: bool,
}

impl Risk {
    /// Fill the UTF-16 offsets from the byte offsets.
    pub fn index(&mut self, ix: &LineIndex<'_>) {
        for d in &mut self.details {
            d.utf16_start = ix.utf16(d.start);
            d.utf16_end = ix.utf16(d.end);
        }
        for c in &mut self.suggestions {
            c.utf16_start = ix.utf16(c.start);
            c.utf16_end = ix.utf16(c.end);
        }
    }
}

impl RiskDetail {
    /// A detail over `span` (UTF-16 offsets are filled by [`Risk::index`]).
    pub fn new(kind: Kind, span: Span, used: bool) -> RiskDetail {
        RiskDetail {
            kind,
            start: span.start,
            end: span.end,
            utf16_start: 0,
            utf16_end: 0,
            used,
        }
    }
}
