//! SARIF 2.1.0 output, built with serde_json (no SARIF crate: the subset we need is small).
//!
//! Regions give line/column in UTF-16 code units (SARIF's default `columnKind`) and
//! `charOffset`/`charLength` in the same units; results carry spans and messages, never the
//! matched text.

use clinpost_core::{Applicability, Registry, Report, Severity};
use serde_json::{json, Value};

use clinpost_core::LineIndex;

/// Accumulates results document by document (texts are not kept).
pub struct Sarif {
    results: Vec<Value>,
    artifacts: Vec<Value>,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI reference for a path (percent-encoding what a URI cannot hold).
fn uri(id: &str) -> String {
    if id == "-" {
        return "stdin".to_string();
    }
    let mut out = String::with_capacity(id.len());
    for b in id.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Sarif {
    /// An empty log.
    pub fn new() -> Sarif {
        Sarif {
            results: Vec::new(),
            artifacts: Vec::new(),
        }
    }

    /// Add one document's results.
    pub fn add(&mut self, registry: &Registry, id: &str, text: &str, report: &Report) {
        let ix = LineIndex::new(text);
        let uri = uri(id);
        let artifact_index = self.artifacts.len();
        self.artifacts.push(json!({
            "location": {"uri": uri},
            "length": text.len(),
            "properties": {"verdict": report.verdict.as_str()},
        }));
        for f in &report.findings {
            let (sl, _) = ix.line_col(f.span.start);
            let (el, _) = ix.line_col(f.span.end);
            let off = ix.utf16(f.span.start);
            let len = ix.utf16(f.span.end) - off;
            let region = json!({
                "startLine": sl,
                "startColumn": ix.utf16_col(f.span.start),
                "endLine": el,
                "endColumn": ix.utf16_col(f.span.end),
                "charOffset": off,
                "charLength": len,
            });
            let location = json!({"physicalLocation": {
                "artifactLocation": {"uri": uri, "index": artifact_index},
                "region": region,
            }});
            let rule_index = registry
                .rules()
                .iter()
                .position(|r| std::ptr::eq(*r, f.rule));
            let mut result = json!({
                "ruleId": f.rule.code,
                "level": level(f.severity),
                "message": {"text": f.message},
                "locations": [location],
                "properties": {
                    "name": f.rule.name,
                    "category": f.category,
                    "kind": f.kind,
                    "confidence": f.confidence,
                    "guidance": f.rule.guidance,
                },
            });
            if let Some(i) = rule_index {
                result["ruleIndex"] = json!(i);
            }
            if let Some(fix) = &f.fix {
                if fix.applicability != Applicability::DisplayOnly && f.region.is_none() {
                    result["fixes"] = json!([{
                        "description": {"text": format!("Replace with {}", fix.replacement)},
                        "artifactChanges": [{
                            "artifactLocation": {"uri": uri, "index": artifact_index},
                            "replacements": [{
                                "deletedRegion": {"charOffset": off, "charLength": len},
                                "insertedContent": {"text": fix.replacement},
                            }],
                        }],
                        "properties": {"applicability": fix.applicability},
                    }]);
                }
            }
            self.results.push(result);
        }
    }

    /// The complete log.
    pub fn finish(self, registry: &Registry) -> Value {
        let rules: Vec<Value> = registry
            .rules()
            .iter()
            .map(|r| rule_descriptor(r))
            .collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "clinpost",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "columnKind": "utf16CodeUnits",
                "artifacts": self.artifacts,
                "results": self.results,
            }],
        })
    }
}

fn rule_descriptor(r: &clinpost_core::RuleMeta) -> Value {
    let guidance: Vec<String> = r
        .guidance
        .iter()
        .map(|id| match clinpost_core::guidance::lookup(id) {
            Some(g) => format!("- {id}: {} ({})", g.summary, g.source),
            None => format!("- {id}"),
        })
        .collect();
    let mut help = r.docs.trim().to_string();
    if !guidance.is_empty() {
        help.push_str("\n\nGuidance:\n");
        help.push_str(&guidance.join("\n"));
    }
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.summary},
        "help": {"text": help, "markdown": help},
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {
            "category": r.category,
            "kind": r.kind,
            "guidance": r.guidance,
            "tags": [r.category.as_str(), r.kind.as_str()],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(uri("-"), "stdin");
        assert_eq!(uri("dir/my post.txt"), "dir/my%20post.txt");
    }
}
