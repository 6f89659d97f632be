//! The `clinpost` binary: glue over `clinpost-core` and `clinpost-rules`.
//!
//! It builds [`Document`]s from files, standard input or JSON Lines, calls [`Engine::check`] /
//! [`Engine::fix`], and prints [`Report`]s (human diagnostics, JSON, JSONL, SARIF). The exit
//! status is decided in one place, [`exit_code`]: 0 when no document's verdict reaches
//! `--fail-on`, 1 when one does, 2 on a usage or input error. Error messages name inputs and
//! positions, never document text.

mod args;
mod batch;
mod catalog;
mod config;
mod history;
mod human;
mod input;
mod media;
mod sarif;
mod serve;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use clap::Parser;
use clinpost_core::{Context, Document, Engine, Report, ReportView, Verdict};

use args::{CheckArgs, Cli, ColorChoice, Command, Common, FailOn, FixArgs, Format};
use input::{Input, Source};

/// What a run found, for the exit status.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The worst verdict seen.
    pub worst: Option<Verdict>,
    /// Whether any finding (even informational) was reported.
    pub any_finding: bool,
    /// Input errors reported along the way (bad files, malformed lines).
    pub errors: usize,
}

impl Outcome {
    /// Record a report.
    pub fn add(&mut self, r: &Report) {
        self.worst = self.worst.max(Some(r.verdict));
        self.any_finding |= !r.findings.is_empty();
    }
}

/// The one place the exit status is decided.
fn exit_code(o: &Outcome, fail_on: FailOn) -> u8 {
    if o.errors > 0 {
        return 2;
    }
    let fail = match fail_on {
        FailOn::Ok => o.any_finding,
        FailOn::Caution => o.worst >= Some(Verdict::Caution),
        FailOn::DoNotPost => o.worst >= Some(Verdict::DoNotPost),
        FailOn::Never => false,
    };
    u8::from(fail)
}

/// What the panic hook prints: a fixed message and where, never the panic's own message (a
/// slicing panic, for one, quotes the string it was slicing: a draft).
fn panic_report(location: Option<(&str, u32)>) -> String {
    let at = location.map_or_else(String::new, |(file, line)| format!(" at {file}:{line}"));
    format!("clinpost: internal error{at}; please report it — the draft is not shown")
}

fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let loc = info.location().map(|l| (l.file(), l.line()));
        eprintln!("{}", panic_report(loc));
    }));
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                .is_some_and(|k| k == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<u8> {
    if matches!(cli.command, Command::Check(_) | Command::Fix(_)) {
        // The conduct patterns compile on first use; start them now, on other threads, so the
        // compiling overlaps reading the input and the identifier detectors' own start-up.
        std::thread::spawn(clinpost_conduct::warm_up);
    }
    match cli.command {
        Command::Check(a) => check(a),
        Command::Fix(a) => fix(a),
        Command::Rules(a) => {
            let common = a.packs.common();
            let registry = config::registry(&common, config::read(&common)?.as_ref())?;
            let mut out = BufWriter::new(io::stdout().lock());
            catalog::rules(&mut out, registry, a.format)?;
            out.flush()?;
            Ok(0)
        }
        Command::Explain(a) => {
            let common = a.packs.common();
            let registry = config::registry(&common, config::read(&common)?.as_ref())?;
            let mut out = BufWriter::new(io::stdout().lock());
            catalog::explain(&mut out, registry, &a.rule)?;
            out.flush()?;
            Ok(0)
        }
        Command::Serve(a) => serve::run(a),
        Command::History(a) => {
            let mut out = BufWriter::new(io::stdout().lock());
            let code = history::run(a, &mut out)?;
            out.flush()?;
            Ok(code)
        }
    }
}

/// Everything `check` and `fix` set up before reading inputs.
struct Setup {
    engine: Engine<'static>,
    context: Context,
    fail_on: FailOn,
    sources: Vec<Source>,
}

fn setup(common: &Common) -> Result<Setup> {
    let loaded = config::read(common)?;
    let registry = config::registry(common, loaded.as_ref())?;
    let eff = config::apply(common, loaded, registry)?;
    let engine = Engine::new(registry, &eff.settings).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut context = config::context(common)?;
    context.history = history::for_check(common)?;
    Ok(Setup {
        engine,
        context,
        fail_on: eff.fail_on.unwrap_or(FailOn::Caution),
        sources: Source::from_args(&common.files),
    })
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

fn report_error(outcome: &mut Outcome, e: &anyhow::Error) {
    outcome.errors += 1;
    eprintln!("error: {e:#}");
}

fn check(a: CheckArgs) -> Result<u8> {
    let s = setup(&a.common)?;
    let include_unsafe = a.common.unsafe_fixes;
    let fix = a.fix.then_some(include_unsafe);
    let mut outcome = Outcome::default();
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());

    if a.common.jsonl {
        if !matches!(a.format, None | Some(Format::Jsonl)) {
            bail!("--jsonl writes JSON Lines; --format cannot be changed with it");
        }
        let batch = batch::Batch {
            engine: &s.engine,
            default_context: &s.context,
            fix,
            warn_unsettled: false,
            judge_fixed: false,
            unsettled: Default::default(),
        };
        for src in &s.sources {
            if let Err(e) = batch.run(src, &mut out, &mut outcome) {
                if is_broken_pipe(&e) {
                    return Err(e);
                }
                report_error(&mut outcome, &e);
            }
        }
        out.flush()?;
        return Ok(exit_code(&outcome, s.fail_on));
    }

    let format = a.format.unwrap_or(Format::Human);
    let painter = human::Painter::new(use_color(a.color));
    let mut tally = human::Tally::default();
    let mut json_views: Vec<ReportView> = Vec::new();
    let mut sarif = sarif::Sarif::new();
    let registry = s.engine.registry();
    for src in &s.sources {
        let (text, report, fixed) = match src.read() {
            Ok(Input::Text(text)) => {
                let doc = Document::new(&text, &s.context);
                let report = s.engine.check(&doc);
                let fixed = fix.map(|u| s.engine.fix(&doc, u));
                (text, report, fixed)
            }
            Ok(Input::File(bytes)) => {
                match media::check(&s.engine, &bytes, &s.context, &src.display_name()) {
                    Ok(checked) => (String::new(), checked.report, None),
                    Err(e) => {
                        report_error(&mut outcome, &e);
                        continue;
                    }
                }
            }
            Err(e) => {
                report_error(&mut outcome, &e);
                continue;
            }
        };
        outcome.add(&report);
        match format {
            Format::Human => {
                tally.add(&report);
                human::print_report(&mut out, painter, &src.display_name(), &text, &report)?;
                if let Some(f) = &fixed {
                    human::print_fixed(&mut out, painter, &src.display_name(), f)?;
                }
            }
            Format::Json | Format::Jsonl => {
                let mut view = ReportView::new(Some(src.id()), &text, &report);
                view.fixed = fixed.map(|f| f.text);
                if format == Format::Jsonl {
                    serde_json::to_writer(&mut out, &view)?;
                    out.write_all(b"\n")?;
                } else {
                    json_views.push(view);
                }
            }
            Format::Sarif => sarif.add(registry, &src.id(), &text, &report),
        }
    }
    match format {
        Format::Human => {
            if tally.documents > 1 || tally.documents == 1 && outcome.any_finding {
                writeln!(out)?;
                human::print_summary(&mut out, painter, &tally)?;
            }
        }
        Format::Json => {
            if s.sources.len() == 1 {
                if let Some(v) = json_views.first() {
                    serde_json::to_writer_pretty(&mut out, v)?;
                    writeln!(out)?;
                }
            } else {
                serde_json::to_writer_pretty(&mut out, &json_views)?;
                writeln!(out)?;
            }
        }
        Format::Jsonl => {}
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut out, &sarif.finish(registry))?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(exit_code(&outcome, s.fail_on))
}

fn fix(a: FixArgs) -> Result<u8> {
    let s = setup(&a.common)?;
    let include_unsafe = a.common.unsafe_fixes;
    let mut outcome = Outcome::default();

    if a.common.jsonl {
        let batch = batch::Batch {
            engine: &s.engine,
            default_context: &s.context,
            fix: Some(include_unsafe),
            warn_unsettled: true,
            judge_fixed: true,
            unsettled: Default::default(),
        };
        let body = |out: &mut dyn Write, outcome: &mut Outcome| -> Result<()> {
            let mut out = out;
            for src in &s.sources {
                if let Err(e) = batch.run(src, &mut out, outcome) {
                    if is_broken_pipe(&e) {
                        return Err(e);
                    }
                    report_error(outcome, &e);
                }
            }
            Ok(())
        };
        match &a.output {
            Some(path) => write_atomic(path, |w| {
                body(w, &mut outcome)?;
                Ok(outcome.errors == 0 && batch.unsettled.get() == 0)
            })?,
            None => {
                let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
                body(&mut out, &mut outcome)?;
                out.flush()?;
            }
        }
        return Ok(exit_code(&outcome, s.fail_on));
    }

    if a.output.is_some() && s.sources.len() > 1 {
        bail!("-o/--output takes a single input (use --jsonl for batches)");
    }
    let many = s.sources.len() > 1;
    let mut unsettled = 0usize;
    let mut fixed_texts: Vec<(String, String)> = Vec::new();
    for src in &s.sources {
        let text = match src.read() {
            Ok(Input::Text(t)) => t,
            Ok(Input::File(bytes)) => {
                if many {
                    bail!(
                        "{}: a picture or document is fixed on its own: clinpost fix FILE -o CLEAN",
                        src.display_name()
                    );
                }
                return fix_file(&s, &bytes, src, a.output.as_deref());
            }
            Err(e) => {
                report_error(&mut outcome, &e);
                continue;
            }
        };
        let fixed = s
            .engine
            .fix(&Document::new(&text, &s.context), include_unsafe);
        outcome.add(&fixed.report);
        if !fixed.converged {
            unsettled += 1;
            eprintln!(
                "warning: {}: fixing did not settle after {} rounds; review the result",
                src.display_name(),
                fixed.rounds
            );
        }
        let left = fixed.report.findings.len();
        if left > 0 {
            eprintln!(
                "note: {}: {} edit{} applied; {left} finding{} left need{} a manual edit (`clinpost check` shows {})",
                src.display_name(),
                fixed.applied,
                if fixed.applied == 1 { "" } else { "s" },
                if left == 1 { "" } else { "s" },
                if left == 1 { "s" } else { "" },
                if left == 1 { "it" } else { "them" },
            );
        }
        fixed_texts.push((src.display_name(), fixed.text));
    }
    match &a.output {
        Some(path) => {
            if outcome.errors > 0 {
                bail!(
                    "{}: not written because of the errors above",
                    path.display()
                );
            }
            if unsettled > 0 {
                bail!(
                    "{}: not written because fixing did not settle (see above)",
                    path.display()
                );
            }
            write_atomic(path, |w| {
                for (_, t) in &fixed_texts {
                    w.write_all(t.as_bytes())?;
                }
                Ok(true)
            })?;
        }
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            for (i, (name, t)) in fixed_texts.iter().enumerate() {
                if many {
                    if i > 0 {
                        writeln!(out)?;
                    }
                    writeln!(out, "==> {name} <==")?;
                }
                out.write_all(t.as_bytes())?;
                if many && !t.ends_with('\n') {
                    writeln!(out)?;
                }
            }
            out.flush()?;
        }
    }
    Ok(exit_code(&outcome, s.fail_on))
}

/// `clinpost fix FILE` for a picture or document: the copy safe to post, to `-o FILE`
/// (atomically) or to a standard output that is not a terminal. A picture showing identifying
/// text becomes a new PNG with black boxes and no metadata; another picture loses its metadata
/// with its pixels untouched; a document gets its clean copy (comments, tracked changes and
/// properties removed; DICOM anonymised).
fn fix_file(s: &Setup, bytes: &[u8], src: &Source, output: Option<&Path>) -> Result<u8> {
    let name = src.display_name();
    let checked = media::check(&s.engine, bytes, &s.context, &name)?;
    let clean = media::clean(bytes, &checked, &name)?;
    match output {
        Some(path) => clinpost_media::write_atomically(path, &clean.bytes)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        None => {
            if io::stdout().is_terminal() {
                bail!("{name}: the clean copy is binary; write it with -o FILE");
            }
            let mut out = io::stdout().lock();
            out.write_all(&clean.bytes)?;
            out.flush()?;
        }
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let n = checked.report.findings.len();
    match clean.how {
        clinpost_media::CleanHow::Stripped => {
            eprintln!(
                "{name}: {n} metadata finding{} removed; pixels unchanged",
                plural(n)
            )
        }
        clinpost_media::CleanHow::Redacted => {
            let boxes = checked.regions().len();
            eprintln!(
                "{name}: {boxes} box{} drawn over text in the picture, {} other finding{} removed \
                 with the metadata; written as a new PNG",
                if boxes == 1 { "" } else { "es" },
                n - boxes,
                plural(n - boxes)
            );
        }
        clinpost_media::CleanHow::Document if checked.kind.format_name() == "DICOM" => {
            let boxes = checked.regions().len();
            eprintln!(
                "{name}: anonymised (PS3.15 basic profile: identifying tags removed, new UIDs){}",
                if boxes == 0 {
                    String::new()
                } else {
                    format!(
                        "; {boxes} box{} blacked out over text burned into the pixels (check the \
                         image by eye: BurnedInAnnotation stays YES)",
                        if boxes == 1 { "" } else { "es" }
                    )
                }
            );
        }
        clinpost_media::CleanHow::PdfPages => {
            let boxes = checked.regions().len();
            eprintln!(
                "{name}: {boxes} box{} drawn over text on the pages; written as a new PDF of page \
                 images (no text layer, no metadata)",
                if boxes == 1 { "" } else { "es" }
            );
        }
        clinpost_media::CleanHow::Document => {
            let after =
                clinpost_media::check_file(&s.engine, &clean.bytes, &s.context, &media::options())
                    .map(|c| c.report.findings.len())
                    .unwrap_or(0);
            eprintln!(
                "{name}: metadata, comments and tracked changes removed{}",
                if after == 0 {
                    String::new()
                } else {
                    format!(
                        "; {after} finding{} left in the text need{} a manual edit (`clinpost check` on the clean copy shows {})",
                        plural(after),
                        if after == 1 { "s" } else { "" },
                        if after == 1 { "it" } else { "them" }
                    )
                }
            );
        }
    }
    if let Some(path) = output {
        let ext_ok = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(clean.extension));
        if !ext_ok {
            eprintln!(
                "note: {} holds a {} file whatever its name; consider a .{} name",
                path.display(),
                clean.media_type,
                clean.extension
            );
        }
    }
    Ok(0)
}

/// Write `path` through a temporary file in the same directory and rename it into place, so a
/// reader never sees a half-written file. `body` returns false to abandon the write (nothing is
/// left behind).
fn write_atomic(path: &Path, body: impl FnOnce(&mut dyn Write) -> Result<bool>) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.clinpost-{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| -> Result<bool> {
        let f = File::options()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(|e| {
                anyhow::anyhow!(
                    "{}: cannot create a temporary file: {}",
                    dir.display(),
                    input::io_reason(&e)
                )
            })?;
        let mut w = BufWriter::new(f);
        if !body(&mut w)? {
            return Ok(false);
        }
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path).map_err(|e| {
            anyhow::anyhow!("{}: cannot write: {}", path.display(), input::io_reason(&e))
        })?;
        Ok(true)
    })();
    match result {
        Ok(true) => Ok(()),
        Ok(false) => {
            let _ = std::fs::remove_file(&tmp);
            bail!(
                "{}: not written because of the errors above",
                path.display()
            )
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panic_report_is_fixed_text_and_location() {
        assert_eq!(
            panic_report(Some(("crates/rules/src/x.rs", 42))),
            "clinpost: internal error at crates/rules/src/x.rs:42; please report it — the draft is not shown"
        );
        assert_eq!(
            panic_report(None),
            "clinpost: internal error; please report it — the draft is not shown"
        );
    }
}
