//! Criterion benchmarks for DESIGN §7's text budgets: latency of a 1 kB post through
//! `Engine::check`, batch throughput (MB/s) over the dev corpus, and CLI start-up.
//!
//! `cargo bench -p clinpost-rules --bench engine` (eval/bench.sh runs it with a short measurement
//! time). Criterion reports means; `benches/latency.rs` prints the p50/p99 the budgets are set in.

mod common;

use std::hint::black_box;
use std::time::Duration;

use clinpost_core::{Context, Document, Engine};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn post_latency(c: &mut Criterion) {
    let engine = Engine::with_defaults(clinpost_rules::registry());
    let ctx = Context::default();
    let mut g = c.benchmark_group("check");
    g.throughput(Throughput::Bytes(common::POST_1K.len() as u64));
    g.bench_function("post-1k", |b| {
        b.iter(|| engine.check(&Document::new(black_box(common::POST_1K), &ctx)))
    });
    g.finish();
}

fn batch_throughput(c: &mut Criterion) {
    let engine = Engine::with_defaults(clinpost_rules::registry());
    let ctx = Context::default();
    let corpus = common::corpus();
    eprintln!("batch corpus: {}, {} bytes", corpus.source, corpus.bytes());
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Bytes(corpus.bytes() as u64));
    g.sample_size(10);
    g.bench_function("dev-corpus", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for t in &corpus.texts {
                n += engine
                    .check(&Document::new(black_box(t), &ctx))
                    .findings
                    .len();
            }
            n
        })
    });
    g.finish();
}

fn cli_startup(c: &mut Criterion) {
    let Some(bin) = common::cli_binary() else {
        eprintln!("cli start-up: target/release/clinpost not built; skipped");
        return;
    };
    if !common::run_cli_once(&bin) {
        eprintln!("cli start-up: `clinpost check` on stdin did not run (exit not 0/1); skipped");
        return;
    }
    let mut g = c.benchmark_group("cli");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("startup-check-stdin", |b| {
        b.iter(|| common::run_cli_once(&bin))
    });
    g.finish();
}

criterion_group!(benches, post_latency, batch_throughput, cli_startup);
criterion_main!(benches);
