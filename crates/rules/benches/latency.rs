//! Percentiles for DESIGN §7's budgets, which criterion's means do not show: times 10,000 checks
//! of a 1 kB UK post one by one (p50, p99, max), one single-threaded pass set over the dev corpus
//! (MB/s), and CLI start-up (p50, p99 of spawning the release binary on a short post).
//!
//! `cargo bench -p clinpost-rules --bench latency` (or eval/bench.sh). Set `CLINPOST_BENCH_ENFORCE=1`
//! to exit 1 when a budget is missed, `CLINPOST_BENCH_DETECTORS=1` for the time per detector
//! (printed anyway when the throughput budget is missed). Budgets: p50 < 0.2 ms, p99 < 1 ms, >= 50 MB/s, start-up < 50 ms.

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use clinpost_core::{Context, Document, Engine, Settings};

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported here.
    let enforce = std::env::var_os("CLINPOST_BENCH_ENFORCE").is_some_and(|v| v == "1");
    let mut ok = true;

    let t0 = Instant::now();
    let registry = clinpost_rules::registry();
    let engine = Engine::with_defaults(registry);
    let ctx = Context::default();
    let _ = engine.check(&Document::new("warm-up", &ctx));
    println!(
        "registry build + first check: {:.1} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );

    // 1. Latency of one 1 kB post.
    let post = common::POST_1K;
    for _ in 0..500 {
        black_box(engine.check(&Document::new(black_box(post), &ctx)));
    }
    let n = 10_000;
    let mut times = Vec::with_capacity(n);
    let mut findings = 0;
    for _ in 0..n {
        let t = Instant::now();
        let r = engine.check(&Document::new(black_box(post), &ctx));
        times.push(t.elapsed());
        findings = r.findings.len();
    }
    times.sort();
    let (p50, p99, max) = (pct(&times, 0.50), pct(&times, 0.99), *times.last().unwrap());
    let lat_ok = p50 < Duration::from_micros(200) && p99 < Duration::from_millis(1);
    ok &= lat_ok;
    println!(
        "post-1k ({} bytes, {} findings), {} checks: p50 {:.1} us  p99 {:.1} us  max {:.1} us  [budget p50 < 200 us, p99 < 1000 us: {}]",
        post.len(),
        findings,
        n,
        us(p50),
        us(p99),
        us(max),
        if lat_ok { "ok" } else { "MISSED" }
    );

    // 2. Single-threaded batch throughput over the corpus: whole passes for at least 2 s.
    let corpus = common::corpus();
    let bytes = corpus.bytes();
    let mut passes = 0;
    let mut total_findings = 0usize;
    let t = Instant::now();
    while passes == 0 || t.elapsed() < Duration::from_secs(2) {
        total_findings = 0;
        for text in &corpus.texts {
            total_findings += engine
                .check(&Document::new(black_box(text), &ctx))
                .findings
                .len();
        }
        passes += 1;
    }
    let secs = t.elapsed().as_secs_f64();
    let mbs = (bytes * passes) as f64 / secs / 1e6;
    let tp_ok = mbs >= 50.0;
    ok &= tp_ok;
    println!(
        "batch: {}, {:.2} MB x {} passes, {} findings a pass: {:.1} MB/s single-threaded  [budget >= 50 MB/s: {}]",
        corpus.source,
        bytes as f64 / 1e6,
        passes,
        total_findings,
        mbs,
        if tp_ok { "ok" } else { "MISSED" }
    );

    // 2b. Where the time goes: one pass over the corpus per detector (its rules alone).
    if std::env::var_os("CLINPOST_BENCH_DETECTORS").is_some_and(|v| v == "1") || !tp_ok {
        println!("per detector (one pass each, its rules alone):");
        for d in registry.detectors() {
            let codes: Vec<String> = d.rules().iter().map(|r| r.code.to_string()).collect();
            let settings = Settings {
                select: codes.clone(),
                ..Settings::default()
            };
            let Ok(e) = Engine::new(registry, &settings) else {
                continue;
            };
            let t = Instant::now();
            for text in &corpus.texts {
                black_box(e.check(&Document::new(black_box(text), &ctx)));
            }
            let secs = t.elapsed().as_secs_f64();
            println!(
                "  {:28} {:8.1} ms  {:7.1} MB/s",
                codes.join(","),
                secs * 1e3,
                bytes as f64 / secs / 1e6
            );
        }
    }

    // 3. CLI start-up.
    match common::cli_binary() {
        None => println!("cli start-up: target/release/clinpost not built; skipped"),
        Some(bin) if !common::run_cli_once(&bin) => {
            println!("cli start-up: `clinpost check` on stdin did not run (exit not 0/1); skipped")
        }
        Some(bin) => {
            let mut times = Vec::with_capacity(50);
            for _ in 0..50 {
                let t = Instant::now();
                common::run_cli_once(&bin);
                times.push(t.elapsed());
            }
            times.sort();
            let (p50, p99) = (pct(&times, 0.5), pct(&times, 0.99));
            let st_ok = p50 < Duration::from_millis(50);
            ok &= st_ok;
            println!(
                "cli start-up (spawn, check a short post from stdin, exit), 50 runs: p50 {:.1} ms  p99 {:.1} ms  [budget < 50 ms: {}]",
                p50.as_secs_f64() * 1e3,
                p99.as_secs_f64() * 1e3,
                if st_ok { "ok" } else { "MISSED" }
            );
        }
    }
    if enforce && !ok {
        eprintln!("latency: a DESIGN §7 budget was missed");
        std::process::exit(1);
    }
}
