//! Dev tool: throughput of each detector on its own, and a dump of its raw findings.
//!
//! Loads the texts of a JSONL file (one `{"id", "text"}` object a line; by default the PhysioNet
//! eval input `eval/out/physionet-in.jsonl`, written by `eval/physionet.sh`), runs every detector
//! of `clinpost_rules::registry()` alone over all texts N times (default 20) and prints MB/s per
//! detector, named by its rule codes, plus the combined rate of the selected detectors.
//!
//! ```text
//! cargo run --release -p clinpost-rules --example detector_speed -- \
//!     [--input FILE] [--iters N] [--only PHI001,PHI005] [--structured] [--dump FILE] [--engine]
//! ```
//!
//! `--only` keeps the detectors reporting any of the given codes; `--structured` keeps the
//! structured detectors (numbers, ids, contact, dates, address). `--dump FILE` writes every raw
//! finding of the selected detectors (text id, rule, span, confidence, message, evidence), before
//! overlap resolution, so two builds can be compared with `cmp`. `--engine` instead runs the
//! whole `Engine::check` (every detector, overlap resolution, verdict) N times over the texts,
//! the way the batch benchmark does, and `--dump` then writes the resolved findings.

use std::io::Write;
use std::time::Instant;

use clinpost_core::{Context, Document, Engine, Finding};

fn main() {
    let mut input = String::from("eval/out/physionet-in.jsonl");
    let mut iters = 20usize;
    let mut only: Vec<String> = Vec::new();
    let mut dump: Option<String> = None;
    let mut engine = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--input" => input = args.next().expect("--input FILE"),
            "--iters" => iters = args.next().and_then(|n| n.parse().ok()).expect("--iters N"),
            "--only" => only.extend(
                args.next()
                    .expect("--only CODES")
                    .split(',')
                    .map(str::to_string),
            ),
            "--structured" => only.extend(
                ["PHI001", "PHI002", "PHI006", "PHI005", "PHI010"]
                    .iter()
                    .map(|s| s.to_string()),
            ),
            "--dump" => dump = Some(args.next().expect("--dump FILE")),
            "--engine" => engine = true,
            _ => panic!("unknown argument {a}"),
        }
    }
    let docs: Vec<(String, String)> = std::fs::read_to_string(&input)
        .unwrap_or_else(|e| panic!("{input}: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            (
                v["id"].as_str().unwrap_or("").to_string(),
                v["text"].as_str().expect("text").to_string(),
            )
        })
        .collect();
    let bytes: usize = docs.iter().map(|(_, t)| t.len()).sum();
    println!(
        "{} texts, {:.2} MB, {iters} iterations",
        docs.len(),
        bytes as f64 / 1e6
    );
    let ctx = Context::default();
    let registry = clinpost_rules::registry();
    if engine {
        run_engine(registry, &ctx, &docs, bytes, iters, dump.as_deref());
        return;
    }
    let selected: Vec<_> = registry
        .detectors()
        .iter()
        .filter(|d| only.is_empty() || d.rules().iter().any(|r| only.iter().any(|o| o == r.code)))
        .collect();
    let mut dump_out = dump.map(|p| std::io::BufWriter::new(std::fs::File::create(p).unwrap()));
    let mut total_secs = 0.0;
    let mut out: Vec<Finding> = Vec::new();
    for det in &selected {
        let codes: Vec<&str> = det.rules().iter().map(|r| r.code).collect();
        // Warm up (lazy regex compilation) and dump.
        let mut n = 0;
        for (id, text) in &docs {
            out.clear();
            det.check(&Document::new(text, &ctx), &mut out);
            n += out.len();
            if let Some(w) = dump_out.as_mut() {
                for f in &out {
                    writeln!(
                        w,
                        "{id}\t{}\t{}..{}\t{:?}\t{}\t{:?}",
                        f.rule.code, f.span.start, f.span.end, f.confidence, f.message, f.evidence
                    )
                    .unwrap();
                }
            }
        }
        let t = Instant::now();
        for _ in 0..iters {
            for (_, text) in &docs {
                out.clear();
                det.check(&Document::new(text, &ctx), &mut out);
            }
        }
        let secs = t.elapsed().as_secs_f64();
        total_secs += secs;
        println!(
            "{:<48} {:>9.1} MB/s  {:>6} findings",
            codes.join(","),
            (bytes * iters) as f64 / 1e6 / secs,
            n
        );
    }
    println!(
        "{:<48} {:>9.1} MB/s",
        "all selected together",
        (bytes * iters) as f64 / 1e6 / total_secs
    );
}

/// `--engine`: the whole engine over every text, `iters` times, after one pass that dumps.
fn run_engine(
    registry: &clinpost_core::Registry,
    ctx: &Context,
    docs: &[(String, String)],
    bytes: usize,
    iters: usize,
    dump: Option<&str>,
) {
    let engine = Engine::with_defaults(registry);
    let mut dump_out = dump.map(|p| std::io::BufWriter::new(std::fs::File::create(p).unwrap()));
    let mut n = 0;
    for (id, text) in docs {
        let report = engine.check(&Document::new(text, ctx));
        n += report.findings.len();
        if let Some(w) = dump_out.as_mut() {
            writeln!(w, "{id}\t{}", report.verdict.as_str()).unwrap();
            for f in &report.findings {
                writeln!(
                    w,
                    "{id}\t{}\t{}..{}\t{:?}\t{:?}\t{}\t{:?}",
                    f.rule.code,
                    f.span.start,
                    f.span.end,
                    f.confidence,
                    f.severity,
                    f.message,
                    f.evidence
                )
                .unwrap();
            }
        }
    }
    let t = Instant::now();
    for _ in 0..iters {
        for (_, text) in docs {
            std::hint::black_box(engine.check(&Document::new(text, ctx)));
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{:<48} {:>9.1} MB/s  {:>6} findings",
        "engine (whole registry)",
        (bytes * iters) as f64 / 1e6 / secs,
        n
    );
}
