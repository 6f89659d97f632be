//! `--jsonl`: the batch primitive. Input lines `{"id", "text", "context"}`, output one report per
//! line, in input order.
//!
//! Streaming: one line is held at a time in a reused buffer, the text is borrowed from it when it
//! has no escapes, and each report is serialised straight into the (buffered) writer. A bad line
//! is reported on stderr by number — never by content — and the run goes on; the caller turns the
//! count of bad lines into exit status 2.
//!
//! `id` may be a string or an integer (missing: the line number); other top-level keys are
//! ignored so that files carrying extra metadata (gold labels, dates) can be fed as they are;
//! `context` itself is strict (`deny_unknown_fields` in core).

use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, Read, Write};

use anyhow::Result;
use clinpost_core::{Context, Document, Engine, ReportView};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use crate::input::{self, Source, MAX_BYTES};
use crate::Outcome;

/// One input line.
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(default, deserialize_with = "id_string")]
    id: Option<String>,
    #[serde(borrow)]
    text: Cow<'a, str>,
    #[serde(default)]
    context: Option<Context>,
}

/// Ids may be strings or integers; both are printed back as strings.
fn id_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or integer id")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// What to do with each line.
pub struct Batch<'a> {
    /// The engine.
    pub engine: &'a Engine<'a>,
    /// The context for lines that carry none (from the flags).
    pub default_context: &'a Context,
    /// `Some(include_unsafe)` to add the "fixed" field.
    pub fix: Option<bool>,
    /// Count the fixed text's verdict towards the exit status (`clinpost fix`) rather than the
    /// original's (`clinpost check --fix`).
    pub judge_fixed: bool,
}

impl Batch<'_> {
    /// Process one JSONL source, writing a report line per input line.
    pub fn run(&self, src: &Source, out: &mut impl Write, outcome: &mut Outcome) -> Result<()> {
        let name = src.display_name();
        let mut reader = src.open()?;
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
        let mut lineno = 0usize;
        loop {
            buf.clear();
            let n = (&mut reader)
                .take(MAX_BYTES + 1)
                .read_until(b'\n', &mut buf)
                .map_err(|e| {
                    anyhow::anyhow!(
                        "{name}: read error after line {lineno}: {}",
                        input::io_reason(&e)
                    )
                })?;
            if n == 0 {
                break;
            }
            lineno += 1;
            if buf.len() as u64 > MAX_BYTES && buf.last() != Some(&b'\n') {
                skip_line(&mut reader)?;
                line_error(
                    outcome,
                    &name,
                    lineno,
                    &format!("line longer than the {} MiB limit", MAX_BYTES >> 20),
                );
                continue;
            }
            let mut line = buf.as_slice();
            if lineno == 1 {
                line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            }
            while let Some((b'\n' | b'\r', rest)) = line.split_last() {
                line = rest;
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let text = match std::str::from_utf8(line) {
                Ok(t) => t,
                Err(e) => {
                    let msg = input::utf8_position_message(line, e.valid_up_to());
                    line_error(outcome, &name, lineno, &msg);
                    continue;
                }
            };
            let parsed: Line<'_> = match serde_json::from_str(text) {
                Ok(l) => l,
                Err(e) => {
                    line_error(outcome, &name, lineno, &describe_json_error(&e));
                    continue;
                }
            };
            let ctx = parsed.context.as_ref().unwrap_or(self.default_context);
            let doc = Document::new(&parsed.text, ctx);
            let report = self.engine.check(&doc);
            let id = parsed.id.unwrap_or_else(|| lineno.to_string());
            let mut view = ReportView::new(Some(id), &parsed.text, &report);
            match self.fix {
                Some(include_unsafe) => {
                    let fixed = self.engine.fix(&doc, include_unsafe);
                    outcome.add(if self.judge_fixed {
                        &fixed.report
                    } else {
                        &report
                    });
                    view.fixed = Some(fixed.text);
                }
                None => outcome.add(&report),
            }
            serde_json::to_writer(&mut *out, &view)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

fn skip_line(reader: &mut impl BufRead) -> Result<()> {
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(());
        }
        if let Some(i) = chunk.iter().position(|b| *b == b'\n') {
            reader.consume(i + 1);
            return Ok(());
        }
        let n = chunk.len();
        reader.consume(n);
    }
}

fn line_error(outcome: &mut Outcome, name: &str, lineno: usize, msg: &str) {
    outcome.errors += 1;
    eprintln!("error: {name}:{lineno}: {msg} (line skipped)");
}

/// Describe a JSON error without echoing input: serde_json's messages can quote the offending
/// value ("invalid type: string \"...\""), so only the parts that come from our own types (the
/// expected shape, field names we define) are kept.
fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let col = e.column();
    match e.classify() {
        Category::Syntax => format!("invalid JSON at column {col}"),
        Category::Eof => "truncated JSON".to_string(),
        Category::Io => "read error".to_string(),
        Category::Data => {
            let full = e.to_string();
            let msg = full
                .rsplit_once(" at line ")
                .map_or(full.as_str(), |(m, _)| m);
            let shape = "expected {\"id\": str, \"text\": str, \"context\": {...}}";
            if let Some(field) = msg.strip_prefix("missing field ") {
                format!("missing field {field}; {shape}")
            } else if msg.starts_with("unknown field") {
                let expected = msg.split_once(", expected ").map_or("", |(_, x)| x);
                format!("unknown field in \"context\" at column {col}; expected {expected}")
            } else if let Some((_, expected)) = msg.split_once(", expected ") {
                format!("invalid value at column {col}; expected {expected}")
            } else if msg.starts_with("audience must")
                || msg.starts_with("account must")
                || msg.starts_with("closed-group:")
                || msg.starts_with("private:")
            {
                format!("invalid context at column {col}: {msg}")
            } else {
                format!("invalid value at column {col}; {shape}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        describe_json_error(&serde_json::from_str::<Line<'_>>(s).err().unwrap())
    }

    #[test]
    fn json_errors_never_echo_input() {
        for bad in [
            r#"{"id": "a", "text": "CANARY", "context": "CANARY"}"#,
            r#"{"id": "a", "text": "x", "context": {"CANARY": 1}}"#,
            r#"{"id": "a", "text": "x", "context": {"account": "CANARY"}}"#,
            r#"{"id": "a", "text": "x", "context": {"audience": "CANARY"}}"#,
            r#"{"id": {"CANARY": 1}, "text": "x"}"#,
            r#"{"id": "a", "text": ["CANARY"]}"#,
            r#"{"id": "a", "text": "CANARY"#,
            r#"{"id": "a" CANARY"#,
        ] {
            let m = err(bad);
            assert!(!m.contains("CANARY"), "{m}");
        }
        assert!(err(r#"{"id": "a"}"#).contains("missing field `text`"));
    }

    #[test]
    fn borrowed_and_numeric_ids() {
        let l: Line<'_> = serde_json::from_str(r#"{"id": 7, "text": "plain"}"#).unwrap();
        assert_eq!(l.id.as_deref(), Some("7"));
        assert!(matches!(l.text, Cow::Borrowed(_)));
    }
}
