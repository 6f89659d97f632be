//! `clinpost rules` and `clinpost explain`: the rule catalogue, printed from the registry (the
//! same `RuleMeta` docs the engine's findings point at; nothing is hand-copied).

use std::io::Write;

use anyhow::{bail, Result};
use clinpost_core::{guidance, Registry, RuleMeta, RuleView};

use crate::args::ListFormat;
use crate::config::find_rule;

/// `clinpost rules`.
pub fn rules(out: &mut impl Write, registry: &Registry, format: ListFormat) -> Result<()> {
    let rules = registry.rules();
    match format {
        ListFormat::Json => {
            let v: Vec<_> = rules.iter().map(|r| RuleView::new(r)).collect();
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)?;
        }
        ListFormat::Human => {
            if rules.is_empty() {
                writeln!(out, "no rules registered")?;
                return Ok(());
            }
            let ck = |r: &RuleMeta| format!("{}/{}", r.category.as_str(), r.kind.as_str());
            let wc = rules.iter().map(|r| r.code.len()).max().unwrap_or(4).max(4);
            let wn = rules.iter().map(|r| r.name.len()).max().unwrap_or(4).max(4);
            let wk = rules
                .iter()
                .map(|r| ck(r).len())
                .max()
                .unwrap_or(13)
                .max(13);
            writeln!(
                out,
                "{:wc$}  {:wn$}  {:wk$}  {:8}  SUMMARY",
                "CODE", "NAME", "CATEGORY/KIND", "SEVERITY"
            )?;
            for r in rules {
                writeln!(
                    out,
                    "{:wc$}  {:wn$}  {:wk$}  {:8}  {}",
                    r.code,
                    r.name,
                    ck(r),
                    r.severity.as_str(),
                    r.summary
                )?;
            }
        }
    }
    Ok(())
}

/// `clinpost explain CODE`.
pub fn explain(out: &mut impl Write, registry: &Registry, query: &str) -> Result<()> {
    let Some(r) = find_rule(registry, query) else {
        match nearest(registry, query) {
            Some(n) => bail!(
                "unknown rule '{}'; did you mean {} ({})? (`clinpost rules` lists them)",
                query.trim(),
                n.code,
                n.name
            ),
            None => bail!(
                "unknown rule '{}' (`clinpost rules` lists them)",
                query.trim()
            ),
        }
    };
    writeln!(out, "{} {}", r.code, r.name)?;
    writeln!(out, "{}", r.summary)?;
    writeln!(out)?;
    writeln!(out, "category: {}", r.category.as_str())?;
    writeln!(out, "kind:     {}", r.kind.as_str())?;
    writeln!(out, "severity: {} (default)", r.severity.as_str())?;
    if let Some(p) = r.placeholder {
        writeln!(out, "fix:      replace with {p}")?;
    }
    writeln!(out)?;
    let docs = r.docs.trim();
    if !docs.is_empty() {
        writeln!(out, "{docs}")?;
        writeln!(out)?;
    }
    if !r.guidance.is_empty() {
        writeln!(out, "Guidance:")?;
        for id in r.guidance {
            match guidance::lookup(id) {
                Some(g) => {
                    writeln!(out, "  {id}")?;
                    writeln!(out, "    {}", g.summary)?;
                    writeln!(out, "    source: {}", g.source)?;
                }
                None => writeln!(out, "  {id}")?,
            }
        }
        writeln!(out)?;
    }
    if !r.true_samples.is_empty() {
        writeln!(out, "Flagged («» marks what the rule reports):")?;
        for s in r.true_samples {
            writeln!(out, "  - {s}")?;
        }
        writeln!(out)?;
    }
    if !r.false_samples.is_empty() {
        writeln!(out, "Not flagged (near misses):")?;
        for s in r.false_samples {
            writeln!(out, "  - {s}")?;
        }
    }
    Ok(())
}

/// The rule whose code or name is closest to `query` (edit distance), if any is close.
fn nearest(registry: &Registry, query: &str) -> Option<&'static RuleMeta> {
    let q = query.trim().to_ascii_lowercase();
    registry
        .rules()
        .iter()
        .map(|r| {
            let d = levenshtein(&q, &r.code.to_ascii_lowercase())
                .min(levenshtein(&q, &r.name.to_ascii_lowercase()));
            (d, *r)
        })
        .filter(|(d, _)| *d <= q.chars().count().max(3) / 2 + 1)
        .min_by_key(|(d, r)| (*d, r.code))
        .map(|(_, r)| r)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(levenshtein("phi01", "phi001"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("nhs-numbr", "nhs-number"), 1);
    }
}
