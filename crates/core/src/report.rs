//! The serialisable form of a report (DESIGN §4 "Finding (JSON)").
//!
//! Every surface prints this shape: `clinpost check --format json|jsonl`, the HTTP API and the
//! archive audit. Offsets are UTF-8 bytes (end exclusive) with UTF-16 offsets alongside for
//! JavaScript. No field holds the matched text.

use serde::Serialize;

use crate::engine::{Report, Verdict};
use crate::finding::{Category, Confidence, Evidence, Finding, Fix, Kind, Region, Severity};
use crate::guidance;
use crate::risk::Risk;
use crate::rule::RuleMeta;
use crate::text::LineIndex;

/// One finding as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct FindingView {
    /// Rule code.
    pub rule: &'static str,
    /// Rule name.
    pub name: &'static str,
    /// Category.
    pub category: Category,
    /// Kind.
    pub kind: Kind,
    /// Severity.
    pub severity: Severity,
    /// Confidence.
    pub confidence: Confidence,
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// Start in UTF-16 code units.
    pub utf16_start: usize,
    /// End in UTF-16 code units.
    pub utf16_end: usize,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column (chars) of the start.
    pub column: usize,
    /// Message (no matched text).
    pub message: String,
    /// Guidance ids.
    pub guidance: &'static [&'static str],
    /// Typed evidence.
    pub evidence: Vec<Evidence>,
    /// The fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// Pixel region (images).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    /// Metadata field (media).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl FindingView {
    /// The view of `f` over the text indexed by `ix`.
    pub fn new(f: &Finding, ix: &LineIndex<'_>) -> FindingView {
        let (line, column) = ix.line_col(f.span.start);
        FindingView {
            rule: f.rule.code,
            name: f.rule.name,
            category: f.category,
            kind: f.kind,
            severity: f.severity,
            confidence: f.confidence,
            start: f.span.start,
            end: f.span.end,
            utf16_start: ix.utf16(f.span.start),
            utf16_end: ix.utf16(f.span.end),
            line,
            column,
            message: f.message.clone(),
            guidance: f.rule.guidance,
            evidence: f.evidence.clone(),
            fix: f.fix.clone(),
            region: f.region,
            field: f.field.clone(),
        }
    }
}

/// A report as JSON: `{"id"?, "verdict", "findings", "risk"?, "fixed"?}`.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// Caller's id (JSONL batches) or path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Verdict.
    pub verdict: Verdict,
    /// Findings.
    pub findings: Vec<FindingView>,
    /// The re-identification risk (when the registry assesses it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<Risk>,
    /// The safe version, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
}

impl ReportView {
    /// The view of `report` over `text`.
    pub fn new(id: Option<String>, text: &str, report: &Report) -> ReportView {
        let ix = LineIndex::new(text);
        ReportView {
            id,
            verdict: report.verdict,
            findings: report
                .findings
                .iter()
                .map(|f| FindingView::new(f, &ix))
                .collect(),
            risk: report.risk.clone().map(|mut r| {
                r.index(&ix);
                r
            }),
            fixed: None,
        }
    }
}

/// A guidance reference as JSON: the id with its source and our summary.
#[derive(Debug, Clone, Serialize)]
pub struct GuidanceView {
    /// Stable id.
    pub id: &'static str,
    /// Where it comes from ("" if the id is not in the catalogue; a test prevents that).
    pub source: &'static str,
    /// What it says, in our words.
    pub summary: &'static str,
}

/// A rule as JSON (`clinpost rules --format json`, `GET /v1/rules`).
#[derive(Debug, Clone, Serialize)]
pub struct RuleView {
    /// Code.
    pub code: &'static str,
    /// Name.
    pub name: &'static str,
    /// Category.
    pub category: Category,
    /// Kind.
    pub kind: Kind,
    /// Default severity.
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// Markdown documentation.
    pub docs: &'static str,
    /// The safe replacement, if fixed.
    pub placeholder: Option<&'static str>,
    /// Guidance cited.
    pub guidance: Vec<GuidanceView>,
}

impl RuleView {
    /// The view of `r`.
    pub fn new(r: &'static RuleMeta) -> RuleView {
        RuleView {
            code: r.code,
            name: r.name,
            category: r.category,
            kind: r.kind,
            severity: r.severity,
            summary: r.summary,
            docs: r.docs,
            placeholder: r.placeholder,
            guidance: r
                .guidance
                .iter()
                .map(|id| {
                    let g = guidance::lookup(id);
                    GuidanceView {
                        id,
                        source: g.map_or("", |g| g.source),
                        summary: g.map_or("", |g| g.summary),
                    }
                })
                .collect(),
        }
    }
}
