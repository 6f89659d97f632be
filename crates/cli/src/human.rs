//! Human output: annotated spans like a compiler's diagnostics (rustc, ruff).
//!
//! This is the one printer that shows the input back, because a person is looking at their own
//! draft. Columns in the `-->` line count chars; carets are placed by display width (combining
//! marks take none, CJK and emoji take two) so they sit under the right text in a terminal.
//! Control and bidi-override characters in the echoed line are replaced, so a draft cannot drive
//! the terminal.

use std::io::{self, Write};

use clinpost_core::{Applicability, Finding, LineIndex, Report, Risk, Severity, Verdict};

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Painter {
    color: bool,
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const CYAN: &str = "\x1b[1;36m";
const BLUE: &str = "\x1b[1;34m";
const GREEN: &str = "\x1b[1;32m";

impl Painter {
    /// A painter that colours when `color`.
    pub fn new(color: bool) -> Painter {
        Painter { color }
    }

    fn paint<'a>(&self, style: &'static str, s: &'a str) -> Painted<'a> {
        Painted {
            style: if self.color { style } else { "" },
            s,
        }
    }

    fn severity_style(s: Severity) -> &'static str {
        match s {
            Severity::Error => RED,
            Severity::Warning => YELLOW,
            Severity::Info => CYAN,
        }
    }

    fn verdict_style(v: Verdict) -> &'static str {
        match v {
            Verdict::DoNotPost => RED,
            Verdict::Caution => YELLOW,
            Verdict::Ok => GREEN,
        }
    }
}

struct Painted<'a> {
    style: &'static str,
    s: &'a str,
}

impl std::fmt::Display for Painted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.style.is_empty() {
            f.write_str(self.s)
        } else {
            write!(f, "{}{}{}", self.style, self.s, RESET)
        }
    }
}

/// Terminal display width of a char (a small table, enough for names, accents, CJK and emoji).
pub fn char_width(c: char) -> usize {
    match c as u32 {
        0x0300..=0x036F
        | 0x1AB0..=0x1AFF
        | 0x1DC0..=0x1DFF
        | 0x200B..=0x200F
        | 0x20D0..=0x20FF
        | 0x2060..=0x2064
        | 0xFE00..=0xFE0F
        | 0xFE20..=0xFE2F
        | 0xE0100..=0xE01EF => 0,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F680..=0x1F6FF
        | 0x1F900..=0x1F9FF
        | 0x1FA70..=0x1FAFF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

/// A char as echoed: tabs become a space, control and bidi characters a replacement mark.
fn echo_char(c: char) -> Option<char> {
    match c {
        '\t' => Some(' '),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Some('\u{FFFD}'),
        c if c.is_control() => Some('\u{FFFD}'),
        c => Some(c),
    }
}

fn echo(s: &str) -> (String, usize) {
    let mut out = String::with_capacity(s.len());
    let mut w = 0;
    for c in s.chars().filter_map(echo_char) {
        out.push(c);
        w += char_width(c);
    }
    (out, w)
}

fn width_of(s: &str) -> usize {
    s.chars().filter_map(echo_char).map(char_width).sum()
}

/// Marks a cut end of an echoed line.
const ELLIPSIS: &str = "\u{2026}";

/// Lines up to this many columns are echoed whole.
const WHOLE_LINE: usize = 160;

/// Columns of context kept on each side of a span in a longer line.
const CONTEXT: usize = 60;

/// Columns of a long span shown before it is cut.
const MAX_SPAN: usize = 160;

/// The part of a line `[ls, le)` echoed under a finding spanning `[s, e)` (within the line).
#[derive(Debug, PartialEq, Eq)]
struct Window {
    start: usize,
    end: usize,
    cut_left: bool,
    cut_right: bool,
}

/// Choose the part of a line to echo: the whole line when it is short, otherwise about
/// [`CONTEXT`] columns either side of the span (and at most [`MAX_SPAN`] of the span itself),
/// cut on char boundaries. Only the chars inside the window are measured, so a finding in a
/// megabyte-long line costs the same as one in a short line.
fn window(text: &str, ls: usize, le: usize, s: usize, e: usize) -> Window {
    // A short line (by bytes, so that measuring it is cheap) shown whole if it is narrow.
    if le - ls <= WHOLE_LINE * 4 && width_of(&text[ls..le]) <= WHOLE_LINE {
        return Window {
            start: ls,
            end: le,
            cut_left: false,
            cut_right: false,
        };
    }
    // Left: walk back from the span start.
    let mut start = s;
    let mut w = 0;
    for (i, c) in text[ls..s].char_indices().rev() {
        if w >= CONTEXT {
            break;
        }
        w += echo_char(c).map_or(0, char_width);
        start = ls + i;
    }
    // The span, up to MAX_SPAN columns.
    let mut span_end = s;
    let mut w = 0;
    let mut span_cut = false;
    for (i, c) in text[s..e].char_indices() {
        if w >= MAX_SPAN {
            span_cut = true;
            break;
        }
        w += echo_char(c).map_or(0, char_width);
        span_end = s + i + c.len_utf8();
    }
    // Right: walk on from the span end.
    let mut end = span_end;
    if !span_cut {
        let mut w = 0;
        for (i, c) in text[e..le].char_indices() {
            if w >= CONTEXT {
                break;
            }
            w += echo_char(c).map_or(0, char_width);
            end = e + i + c.len_utf8();
        }
    }
    Window {
        start,
        end,
        cut_left: start > ls,
        cut_right: end < le,
    }
}

/// Counts of findings by severity.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub documents: usize,
    pub do_not_post: usize,
    pub caution: usize,
    pub ok: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Tally {
    /// Add one document's report.
    pub fn add(&mut self, r: &Report) {
        self.documents += 1;
        match r.verdict {
            Verdict::DoNotPost => self.do_not_post += 1,
            Verdict::Caution => self.caution += 1,
            Verdict::Ok => self.ok += 1,
        }
        for f in &r.findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Print one document's findings and its verdict line.
pub fn print_report(
    out: &mut impl Write,
    p: Painter,
    name: &str,
    text: &str,
    report: &Report,
) -> io::Result<()> {
    let ix = LineIndex::new(text);
    for f in &report.findings {
        print_finding(out, p, name, text, &ix, f)?;
    }
    if let Some(r) = report.risk.as_ref().filter(|r| r.verdict != Verdict::Ok) {
        print_risk(out, p, r)?;
    }
    let mut t = Tally::default();
    t.add(report);
    let v = report.verdict.as_str();
    write!(
        out,
        "{}: {}",
        p.paint(BOLD, name),
        p.paint(Painter::verdict_style(report.verdict), v)
    )?;
    if report.findings.is_empty() {
        writeln!(out, " (nothing found)")?;
    } else {
        writeln!(
            out,
            " ({}: {}, {}, {})",
            plural(report.findings.len(), "finding", "findings"),
            plural(t.errors, "error", "errors"),
            plural(t.warnings, "warning", "warnings"),
            t.infos.to_string() + " info"
        )?;
    }
    Ok(())
}

/// The risk panel: the level, the arithmetic sentence by sentence, and the suggested changes.
fn print_risk(out: &mut impl Write, p: Painter, r: &Risk) -> io::Result<()> {
    let style = Painter::verdict_style(r.verdict);
    writeln!(
        out,
        "{} {} (κ {:.2}, threshold {} for {}; about {} {} match)",
        p.paint(style, "risk:"),
        p.paint(BOLD, &r.level.replace('-', " ")),
        r.kappa,
        r.threshold,
        r.audience,
        if r.k < 1.5 {
            "1".to_string()
        } else {
            format!("{:.0}", r.k)
        },
        if r.k < 1.5 {
            "person would"
        } else {
            "people would"
        }
    )?;
    for line in &r.explanation {
        writeln!(out, "  {} {line}", p.paint(BLUE, "="))?;
    }
    writeln!(out)?;
    Ok(())
}

fn print_finding(
    out: &mut impl Write,
    p: Painter,
    name: &str,
    text: &str,
    ix: &LineIndex<'_>,
    f: &Finding,
) -> io::Result<()> {
    let sev_style = Painter::severity_style(f.severity);
    let head = format!("{}[{}]", f.severity.as_str(), f.rule.code);
    writeln!(
        out,
        "{} {}: {}",
        p.paint(sev_style, &head),
        p.paint(BOLD, f.rule.name),
        f.message
    )?;
    let (line, col) = ix.line_col(f.span.start);
    let (end_line, _) = ix.line_col(f.span.end);
    let gutter = end_line.to_string().len();
    let pad = " ".repeat(gutter);
    let bar = p.paint(BLUE, "|");
    if let Some(r) = f.region {
        writeln!(
            out,
            "{pad}{} {name} (page {}, x {}, y {}, {}x{} px)",
            p.paint(BLUE, "-->"),
            r.page,
            r.x,
            r.y,
            r.w,
            r.h
        )?;
    } else if let Some(field) = &f.field {
        writeln!(
            out,
            "{pad}{} {name} (metadata field {field})",
            p.paint(BLUE, "-->")
        )?;
    } else {
        writeln!(out, "{pad}{} {name}:{line}:{col}", p.paint(BLUE, "-->"))?;
    }
    let fix_label = f.fix.as_ref().map(|fx| {
        let what = if fx.replacement.is_empty() {
            "remove"
        } else {
            fx.replacement.as_str()
        };
        match fx.applicability {
            Applicability::Safe => format!("fix: {what}"),
            Applicability::Unsafe => format!("fix (unsafe): {what}"),
            Applicability::DisplayOnly => format!("suggestion: {what}"),
        }
    });
    if f.region.is_none() && f.field.is_none() {
        writeln!(out, "{pad} {bar}")?;
        const MAX_LINES: usize = 4;
        let last = end_line.min(line + MAX_LINES - 1);
        for l in line..=last {
            let (ls, le) = ix.line_range(l);
            let s = f.span.start.max(ls).min(le);
            let e = if l == end_line {
                f.span.end.min(le)
            } else {
                le
            };
            let e = e.max(s);
            let w = window(text, ls, le, s, e);
            writeln!(
                out,
                "{} {bar} {}{}{}",
                p.paint(BLUE, &format!("{l:>gutter$}")),
                if w.cut_left { ELLIPSIS } else { "" },
                echo(&text[w.start..w.end]).0,
                if w.cut_right { ELLIPSIS } else { "" },
            )?;
            let lead = usize::from(w.cut_left) + width_of(&text[w.start..s]);
            let carets = "^".repeat(width_of(&text[s..e.min(w.end)]).max(1));
            let label = if l == last {
                fix_label.as_deref()
            } else {
                None
            };
            write!(
                out,
                "{pad} {bar} {}{}",
                " ".repeat(lead),
                p.paint(sev_style, &carets)
            )?;
            match label {
                Some(lbl) => writeln!(out, " {}", p.paint(sev_style, lbl))?,
                None => writeln!(out)?,
            }
        }
        if end_line > last {
            writeln!(out, "{pad} {bar} ...")?;
        }
        writeln!(out, "{pad} {bar}")?;
    } else if let Some(lbl) = fix_label {
        writeln!(out, "{pad} = {lbl}")?;
    }
    let eq = p.paint(BLUE, "=");
    if f.rule.guidance.is_empty() {
        writeln!(
            out,
            "{pad} {eq} {} {}",
            p.paint(BOLD, "why:"),
            f.rule.summary
        )?;
    } else {
        writeln!(
            out,
            "{pad} {eq} {} {} [{}]",
            p.paint(BOLD, "why:"),
            f.rule.summary,
            f.rule.guidance.join(", ")
        )?;
    }
    writeln!(
        out,
        "{pad} {eq} {} {}",
        p.paint(BOLD, "confidence:"),
        f.confidence.as_str()
    )?;
    writeln!(out)?;
    Ok(())
}

/// The closing summary over all documents.
pub fn print_summary(out: &mut impl Write, p: Painter, t: &Tally) -> io::Result<()> {
    let total = t.errors + t.warnings + t.infos;
    writeln!(
        out,
        "{} {}: {} do-not-post, {} caution, {} ok; {}",
        p.paint(BOLD, "Checked"),
        plural(t.documents, "document", "documents"),
        t.do_not_post,
        t.caution,
        t.ok,
        plural(total, "finding", "findings"),
    )?;
    if total > 0 {
        writeln!(out, "Run `clinpost explain CODE` for what a rule flags and why; `clinpost fix` prints the safe version.")?;
    }
    Ok(())
}

/// The safe version after a report (`check --fix`).
pub fn print_fixed(
    out: &mut impl Write,
    p: Painter,
    name: &str,
    fixed: &clinpost_core::Fixed,
) -> io::Result<()> {
    writeln!(
        out,
        "{} {name} ({}):",
        p.paint(GREEN, "safe version of"),
        plural(fixed.applied, "edit", "edits")
    )?;
    out.write_all(fixed.text.as_bytes())?;
    if !fixed.text.ends_with('\n') {
        writeln!(out)?;
    }
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use clinpost_core::{Category, Evidence, Finding, Kind, RuleMeta, Span};

    static RULE: RuleMeta = RuleMeta {
        code: "TST001",
        name: "test-address",
        category: Category::Identifier,
        kind: Kind::Address,
        severity: Severity::Error,
        guidance: &["gmc-sm/sum-of-information"],
        summary: "A test rule.",
        docs: "",
        placeholder: Some("[address]"),
        priority: 0,
        true_samples: &[],
        false_samples: &[],
    };

    fn render(text: &str, span: Span) -> String {
        let f = Finding::new(&RULE, span, "street address", vec![Evidence::Label]);
        let report = Report {
            verdict: Verdict::DoNotPost,
            findings: vec![f],
            risk: None,
        };
        let mut out = Vec::new();
        print_report(&mut out, Painter::new(false), "t.txt", text, &report).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn multi_line_and_crlf_spans() {
        let text = "Lives at\r\n12 Zoë Road,\r\nAbertawe\r\n";
        let s = text.find("12").unwrap();
        let e = text.find("Abertawe").unwrap() + "Abertawe".len();
        let out = render(text, Span::new(s, e));
        assert!(out.contains(" --> t.txt:2:1"), "{out}");
        assert!(
            out.contains("2 | 12 Zoë Road,\n  | ^^^^^^^^^^^^\n"),
            "{out}"
        );
        assert!(
            out.contains("3 | Abertawe\n  | ^^^^^^^^ fix: [address]"),
            "{out}"
        );
        assert!(out.contains("= why: A test rule. [gmc-sm/sum-of-information]"));
        // An empty span at the very end still gets one caret and no panic.
        let out = render(text, Span::new(text.len(), text.len()));
        assert!(out.contains("^ fix: [address]"), "{out}");
    }

    #[test]
    fn widths() {
        assert_eq!(width_of("Zoë"), 3);
        assert_eq!(width_of("Zoe\u{301}"), 3);
        assert_eq!(width_of("👍x"), 3);
        assert_eq!(width_of("José\t"), 5);
        assert_eq!(echo("a\u{1b}[31mb").0, "a\u{FFFD}[31mb");
    }

    #[test]
    fn long_lines_are_windowed_around_the_span() {
        // A short line is echoed whole, as before.
        let text = format!("{} 12 Zoë Road {}", "a".repeat(70), "b".repeat(70));
        let s = text.find("12").unwrap();
        let out = render(&text, Span::new(s, s + "12 Zoë Road".len()));
        assert!(out.contains(&format!("1 | {text}\n")), "{out}");

        // A long line: about 60 columns either side, cut on char boundaries, carets aligned.
        let text = format!("{} 12 Zoë Road {}", "é".repeat(5000), "👍".repeat(5000));
        let s = text.find("12").unwrap();
        let e = s + "12 Zoë Road".len();
        let out = render(&text, Span::new(s, e));
        let lines: Vec<&str> = out.lines().collect();
        let shown = lines.iter().find(|l| l.starts_with("1 | ")).unwrap();
        let carets = lines.iter().find(|l| l.contains('^')).unwrap();
        assert!(
            shown.starts_with(&format!("1 | …{} 12 Zoë Road 👍", "é".repeat(59))),
            "{shown}"
        );
        assert!(shown.ends_with(&format!("{}…", "👍".repeat(30))), "{shown}");
        assert_eq!(
            *carets,
            format!("  | {}^^^^^^^^^^^ fix: [address]", " ".repeat(1 + 60))
        );
        assert!(out.len() < 1000, "{}", out.len());

        // A very long span is cut too.
        let text = "x".repeat(100_000);
        let out = render(&text, Span::new(10, 90_000));
        assert!(out.len() < 1000, "{}", out.len());
        assert!(
            out.contains(&format!("1 | {}…\n", "x".repeat(170))),
            "{out}"
        );
        assert!(out.contains(&format!("  | {}^^^", " ".repeat(10))), "{out}");
    }

    #[test]
    fn window_on_char_boundaries() {
        let text = format!("{}Q{}", "ë".repeat(200), "ë".repeat(200));
        let s = text.find('Q').unwrap();
        let w = window(&text, 0, text.len(), s, s + 1);
        assert!(text.is_char_boundary(w.start) && text.is_char_boundary(w.end));
        assert!(w.cut_left && w.cut_right);
        assert_eq!(width_of(&text[w.start..s]), CONTEXT);
        assert_eq!(width_of(&text[s + 1..w.end]), CONTEXT);
    }
}
