//! `--jsonl`: the batch primitive. Input lines `{"id", "text", "context"}`, output one report per
//! line, in input order.
//!
//! Streaming: one line is held at a time in a reused buffer, the text is borrowed from it when it
//! has no escapes, and each report is serialised into a reused line buffer, then written. A bad
//! line (or one whose check panics) is reported on stderr by number — never by content — and the
//! run goes on; the caller turns the count of bad lines into exit status 2.
//!
//! `id` may be a string or an integer (missing: the line number); other top-level keys are
//! ignored so that files carrying extra metadata (gold labels, dates) can be fed as they are;
//! `context` itself is strict: an object (or null) with only the known keys. Error messages are
//! fixed phrases naming the field, never serde's wording (which quotes values).

use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

use anyhow::Result;
use clinpost_core::{Audience, Context, Document, Engine, Report, ReportView};
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
    #[serde(default, deserialize_with = "context_object")]
    context: Option<Context>,
}

/// `context` must be an object (or null): a struct would also accept an array of its fields.
fn context_object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Context>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<Context>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a context object")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            Context::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
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

/// One line's result.
struct Checked {
    /// The report whose verdict counts.
    report: Report,
    /// `Some(rounds)` when fixing stopped at the round limit with edits still being made.
    unsettled_after: Option<usize>,
}

/// What to do with each line.
pub struct Batch<'a> {
    /// The engine.
    pub engine: &'a Engine<'a>,
    /// The context for lines that carry none (from the flags).
    pub default_context: &'a Context,
    /// `Some(include_unsafe)` to add the "fixed" field.
    pub fix: Option<bool>,
    /// Warn on lines whose fixing did not settle (`clinpost fix`), counting them in
    /// [`Batch::unsettled`].
    pub warn_unsettled: bool,
    /// Count the fixed text's verdict towards the exit status (`clinpost fix`) rather than the
    /// original's (`clinpost check --fix`).
    pub judge_fixed: bool,
    /// Lines whose fixing did not settle (counted when `warn_unsettled`).
    pub unsettled: std::cell::Cell<usize>,
}

impl Batch<'_> {
    /// Process one JSONL source, writing a report line per input line.
    pub fn run(&self, src: &Source, out: &mut impl Write, outcome: &mut Outcome) -> Result<()> {
        self.run_with(src, out, outcome, |id, text, ctx, buf| {
            self.check_line(id, text, ctx, buf)
        })
    }

    /// Check one line's document and serialise its report into `buf`; returns the report whose
    /// verdict counts towards the exit status.
    fn check_line(
        &self,
        id: String,
        text: &str,
        ctx: &Context,
        buf: &mut Vec<u8>,
    ) -> serde_json::Result<Checked> {
        let doc = Document::new(text, ctx);
        let report = self.engine.check(&doc);
        let mut view = ReportView::new(Some(id), text, &report);
        let mut fix_rounds = None;
        let fixed_report = match self.fix {
            Some(include_unsafe) => {
                let fixed = self.engine.fix(&doc, include_unsafe);
                view.fixed = Some(fixed.text);
                if !fixed.converged {
                    fix_rounds = Some(fixed.rounds);
                }
                self.judge_fixed.then_some(fixed.report)
            }
            None => None,
        };
        serde_json::to_writer(&mut *buf, &view)?;
        drop(view);
        Ok(Checked {
            report: fixed_report.unwrap_or(report),
            unsettled_after: fix_rounds,
        })
    }

    /// [`Batch::run`] with the per-line work supplied by the caller (tests inject a panic).
    fn run_with(
        &self,
        src: &Source,
        out: &mut impl Write,
        outcome: &mut Outcome,
        mut check_line: impl FnMut(String, &str, &Context, &mut Vec<u8>) -> serde_json::Result<Checked>,
    ) -> Result<()> {
        let mut line_out: Vec<u8> = Vec::new();
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
                    line_error(outcome, &name, lineno, &describe_json_error(text, &e));
                    continue;
                }
            };
            let ctx = parsed.context.as_ref().unwrap_or(self.default_context);
            let id = parsed.id.unwrap_or_else(|| lineno.to_string());
            line_out.clear();
            // A panic inside the engine must cost one line, not the batch (and its message, which
            // could quote the draft, is withheld by the panic hook installed in main).
            match guarded(|| check_line(id, &parsed.text, ctx, &mut line_out)) {
                Some(Ok(checked)) => {
                    outcome.add(&checked.report);
                    if let (Some(rounds), true) = (checked.unsettled_after, self.warn_unsettled) {
                        self.unsettled.set(self.unsettled.get() + 1);
                        eprintln!(
                            "warning: {name}:{lineno}: fixing did not settle after {rounds} \
                             rounds; review the result"
                        );
                    }
                    out.write_all(&line_out)?;
                    out.write_all(b"\n")?;
                }
                Some(Err(e)) => return Err(e.into()),
                None => line_error(outcome, &name, lineno, "internal error"),
            }
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

/// Run `f`, turning a panic into `None` (the panic hook has already reported where it happened).
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

/// The shape of a line, for messages.
const SHAPE: &str = r#"expected {"id": string or integer, "text": string, "context": {...}}"#;

/// Describe why `line` was rejected without echoing any of it.
///
/// serde_json's messages quote the offending value ("invalid type: string \"...\"") and its
/// wording is not ours to parse (", expected " can occur inside a value), so none of it is
/// used: syntax errors get the category and column, and data errors are diagnosed again here by
/// checking the line's fields by hand, which yields a fixed message naming the field.
fn describe_json_error(line: &str, e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let col = e.column();
    match e.classify() {
        Category::Syntax => format!("invalid JSON at column {col}"),
        Category::Eof => "truncated JSON (the line ends inside a value)".to_string(),
        Category::Io => "read error".to_string(),
        Category::Data => match serde_json::from_str::<serde_json::Value>(line) {
            Ok(v) => diagnose(&v).map_or_else(
                || format!("invalid line (a field may be repeated); {SHAPE}"),
                str::to_string,
            ),
            Err(_) => format!("invalid JSON at column {col}"),
        },
    }
}

/// The first problem with a parsed line, as a fixed message; `None` when the fields look right.
/// Mirrors what [`Line`] (and core's `Context`) accept.
fn diagnose(v: &serde_json::Value) -> Option<&'static str> {
    use serde_json::Value;
    let Value::Object(map) = v else {
        return Some(
            r#"a line must be a JSON object: {"id": string or integer, "text": string, "context": {...}}"#,
        );
    };
    match map.get("id") {
        None | Some(Value::Null | Value::String(_)) => {}
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => {}
        Some(_) => return Some(r#""id" must be a string or an integer"#),
    }
    match map.get("text") {
        Some(Value::String(_)) => {}
        None => return Some(r#"missing field "text" (the draft to check, a string)"#),
        Some(_) => return Some(r#""text" must be a string"#),
    }
    let ctx = match map.get("context") {
        None | Some(Value::Null) => return None,
        Some(Value::Object(c)) => c,
        Some(_) => return Some(r#""context" must be an object"#),
    };
    for (k, v) in ctx {
        match k.as_str() {
            "author" | "reply_to" => {
                if !matches!(v, Value::Null | Value::String(_)) {
                    return Some(if k == "author" {
                        r#""context.author" must be a string"#
                    } else {
                        r#""context.reply_to" must be a string"#
                    });
                }
            }
            "audience" => {
                if !matches!(v, Value::String(s) if s.parse::<Audience>().is_ok()) {
                    return Some(
                        r#""context.audience" must be "public", "closed-group:N" or "private:N""#,
                    );
                }
            }
            "account" => {
                if !matches!(v, Value::String(s) if s == "named" || s == "pseudonymous") {
                    return Some(r#""context.account" must be "named" or "pseudonymous""#);
                }
            }
            "profile" => {
                let ok = match v {
                    Value::Null => true,
                    Value::Object(_) => {
                        serde_json::from_value::<clinpost_core::Profile>(v.clone()).is_ok()
                    }
                    _ => false,
                };
                if !ok {
                    return Some(
                        r#""context.profile" must be an object with optional string fields name, role, workplace, practice, postcode and numbers list_size, patients_per_day"#,
                    );
                }
            }
            _ => {
                return Some(
                    r#""context" has an unknown field; the fields are author, audience, account, reply_to, profile"#,
                )
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        describe_json_error(s, &serde_json::from_str::<Line<'_>>(s).err().expect(s))
    }

    /// Values built to trip a parser of serde's wording: its separators, quotes, backticks and
    /// variant-style phrases.
    const NASTY: &[&str] = &[
        "Reply to Mrs Jane CANARY, expected home Tuesday",
        "CANARY`, expected one of `named`",
        "unknown variant `CANARY`, expected `named` or `pseudonymous`",
        "invalid type: string \"CANARY\", expected a string",
        "missing field `CANARY`",
        "CANARY\" at line 1 column 2",
        "audience must CANARY",
        "closed-group:CANARY",
    ];

    #[test]
    fn json_errors_never_echo_input() {
        let mut lines: Vec<String> = vec![
            r#"{"id": "a", "text": "CANARY", "context": "CANARY"}"#.into(),
            r#"{"id": "a", "text": "x", "context": {"CANARY": 1}}"#.into(),
            r#"{"id": "a", "text": "x", "context": {"account": "CANARY"}}"#.into(),
            r#"{"id": "a", "text": "x", "context": {"audience": "CANARY"}}"#.into(),
            r#"{"id": {"CANARY": 1}, "text": "x"}"#.into(),
            r#"{"id": "a", "text": ["CANARY"]}"#.into(),
            r#"{"id": "a", "text": "CANARY"#.into(),
            r#"{"id": "a" CANARY"#.into(),
            r#"{"id": "a", "text": "CANARY", "text": "CANARY"}"#.into(),
            r#"["CANARY"]"#.into(),
            r#""CANARY""#.into(),
        ];
        for n in NASTY {
            let q = serde_json::to_string(n).unwrap();
            for tpl in [
                // The value is fine, a later field is wrong.
                r#"{"id": "a", "text": "x", "context": {"reply_to": Q, "account": 5}}"#,
                r#"{"id": "a", "text": "x", "context": {"author": Q, "audience": Q}}"#,
                r#"{"id": "a", "text": "x", "context": {"account": Q}}"#,
                r#"{"id": "a", "text": "x", "context": {"audience": Q}}"#,
                r#"{"id": "a", "text": "x", "context": {Q: Q}}"#,
                r#"{"id": "a", "text": "x", "context": Q}"#,
                r#"{"id": "a", "text": "x", "context": [Q]}"#,
                r#"{"id": Q, "text": Q, "context": {"reply_to": [Q]}}"#,
                r#"{"id": Q, "text": {"a": Q}}"#,
                r#"{"id": [Q], "text": Q}"#,
                r#"{"id": Q, "text": Q, "text": Q}"#,
                r#"{"id": Q, "context": {"author": Q}}"#,
                r#"{"id": Q, "text": Q, "#,
                r#"{"id": Q, "text": Q "#,
                r#"{"id": Q, "text": Q }x"#,
            ] {
                lines.push(tpl.replace('Q', &q));
            }
        }
        for bad in &lines {
            let m = err(bad);
            assert!(!m.contains("CANARY"), "{bad}\n=> {m}");
            assert!(
                !m.contains("Tuesday") && !m.contains("Jane"),
                "{bad}\n=> {m}"
            );
        }
        assert!(err(r#"{"id": "a"}"#).contains(r#"missing field "text""#));
    }

    #[test]
    fn json_errors_name_the_field() {
        let cases = [
            (r#"{"id": 1.5, "text": "x"}"#, r#""id" must be"#),
            (r#"{"id": "a", "text": 5}"#, r#""text" must be a string"#),
            (
                r#"{"text": "x", "context": 5}"#,
                r#""context" must be an object"#,
            ),
            (
                r#"{"text": "x", "context": {"author": 5}}"#,
                r#""context.author" must be a string"#,
            ),
            (
                r#"{"text": "x", "context": {"account": "anonymousish"}}"#,
                r#""context.account" must be"#,
            ),
            (
                r#"{"text": "x", "context": {"audience": "closed-group:many"}}"#,
                r#""context.audience" must be"#,
            ),
            (
                r#"{"text": "x", "context": {"colour": "red"}}"#,
                "unknown field",
            ),
            (r#"[1]"#, "must be a JSON object"),
            (r#"{"text": "x" "#, "truncated JSON"),
            (r#"{"text": x}"#, "invalid JSON at column"),
        ];
        for (line, want) in cases {
            assert!(err(line).contains(want), "{line} => {}", err(line));
        }
    }

    #[test]
    fn borrowed_and_numeric_ids() {
        let l: Line<'_> = serde_json::from_str(r#"{"id": 7, "text": "plain"}"#).unwrap();
        assert_eq!(l.id.as_deref(), Some("7"));
        assert!(matches!(l.text, Cow::Borrowed(_)));
    }

    #[test]
    fn a_panicking_line_is_skipped_and_the_batch_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        std::fs::write(
            &path,
            "{\"id\": \"a\", \"text\": \"fine\"}\n{\"id\": \"b\", \"text\": \"boom CANARY\"}\n{\"id\": \"c\", \"text\": \"fine\"}\n",
        )
        .unwrap();
        let registry = clinpost_registry::registry();
        let engine = Engine::new(registry, &Default::default()).unwrap();
        let ctx = Context::default();
        let batch = Batch {
            engine: &engine,
            default_context: &ctx,
            fix: None,
            warn_unsettled: false,
            judge_fixed: false,
            unsettled: Default::default(),
        };
        let mut out = Vec::new();
        let mut outcome = Outcome::default();
        batch
            .run_with(
                &Source::File(path, 1),
                &mut out,
                &mut outcome,
                |id, text, ctx, buf| {
                    if text.starts_with("boom") {
                        // What a slicing bug in a detector would do.
                        let _ = &text[..1000];
                    }
                    batch.check_line(id, text, ctx, buf)
                },
            )
            .unwrap();
        assert_eq!(outcome.errors, 1);
        let out = String::from_utf8(out).unwrap();
        let ids: Vec<String> = out
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].to_string())
            .collect();
        assert_eq!(ids, ["\"a\"", "\"c\""]);
        assert_eq!(crate::exit_code(&outcome, crate::args::FailOn::Never), 2);
        assert_eq!(guarded(|| 7), Some(7));
    }

    #[test]
    fn unsettled_fixes_are_counted_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.jsonl");
        std::fs::write(&path, "{\"text\": \"a\"}\n{\"text\": \"b\"}\n").unwrap();
        let engine = Engine::new(clinpost_registry::registry(), &Default::default()).unwrap();
        let ctx = Context::default();
        for warn in [false, true] {
            let batch = Batch {
                engine: &engine,
                default_context: &ctx,
                fix: Some(false),
                warn_unsettled: warn,
                judge_fixed: true,
                unsettled: Default::default(),
            };
            let mut out = Vec::new();
            let mut outcome = Outcome::default();
            batch
                .run_with(
                    &Source::File(path.clone(), 1),
                    &mut out,
                    &mut outcome,
                    |id, text, ctx, buf| {
                        let mut c = batch.check_line(id, text, ctx, buf)?;
                        if text == "b" {
                            c.unsettled_after = Some(8);
                        }
                        Ok(c)
                    },
                )
                .unwrap();
            assert_eq!(batch.unsettled.get(), usize::from(warn));
            assert_eq!(outcome.errors, 0);
            assert_eq!(String::from_utf8(out).unwrap().lines().count(), 2);
        }
    }
}
