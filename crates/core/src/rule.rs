//! Rules and detectors.
//!
//! A *rule* is the unit users see: a never-reused code (`PHI001`), a kebab name naming what is
//! flagged, category, kind, default severity, guidance references, documentation and samples
//! (ruff's and gitleaks' model). A *detector* is the unit that runs: it scans a document once
//! and may report findings for one or several closely related rules (the number detector
//! reports `nhs-number` and, for a labelled checksum failure, `other-id`), so that a shared
//! scan is not repeated per rule.

use crate::document::Document;
use crate::finding::{Category, Finding, Kind, Severity};

/// Static description of a rule. One `static` per rule; findings point at it.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable code, never reused (`PHI001`).
    pub code: &'static str,
    /// Kebab-case name of what is flagged (`nhs-number`).
    pub name: &'static str,
    /// Category.
    pub category: Category,
    /// Kind.
    pub kind: Kind,
    /// Default severity.
    pub severity: Severity,
    /// Ids from the guidance catalogue ([`crate::guidance`]).
    pub guidance: &'static [&'static str],
    /// One line: what the rule flags.
    pub summary: &'static str,
    /// Markdown documentation with the headings *What it does*, *Why it matters*, *Example*,
    /// *Fix*. Printed by `clinpost explain`.
    pub docs: &'static str,
    /// The safe replacement text for a finding, if the rule has a fixed placeholder.
    pub placeholder: Option<&'static str>,
    /// Precedence when findings of the same category overlap: higher wins.
    pub priority: u8,
    /// Texts in which the rule must fire (at least three), with what it flags marked
    /// «like this»: a test checks that exactly the marked text is flagged.
    pub true_samples: &'static [&'static str],
    /// Near misses in which the rule must not fire (at least three).
    pub false_samples: &'static [&'static str],
}

/// A detector: scans a document and pushes findings.
///
/// Detectors are stateless after construction and shared across threads. They must not log,
/// print or panic with document text, and every finding's span must lie on char boundaries.
pub trait Detector: Send + Sync {
    /// The rules this detector can report. A finding's `rule` is one of these.
    fn rules(&self) -> &'static [&'static RuleMeta];

    /// Scan `doc` and push findings to `out`.
    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>);
}
