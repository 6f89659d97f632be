//! What the re-identification model adds to a check (issue 4 bar: < 0.5 ms p99 on a 1 kB post).
//!
//! `cargo bench -p clinpost-risk --bench risk` (also run by eval/bench.sh). Times, one check at a
//! time, 5,000 checks each of: the identifier detectors alone; the quasi-identifier pass alone
//! (`--select QID`: extraction, author profile, the model, the generalisation search, the risk
//! object); and everything together. Two posts: a 1 kB mixed post by default context, and the
//! top-trumps post by a named GP to a closed group (the case where the search works hardest).
//! Set `CLINPOST_BENCH_ENFORCE=1` to exit 1 when the pass's p99 is 0.5 ms or more.

use std::hint::black_box;
use std::time::{Duration, Instant};

use clinpost_core::{Audience, Context, Document, Engine, Profile, Sensitive, Settings};

#[path = "../tests/common/mod.rs"]
mod common;
use common::POST_1K;

const TOP_TRUMPS: &str =
    "Top trumps from clinic this morning: 82-year-old man, PSA of 4,850. Beat that!";

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[(((sorted.len() - 1) as f64) * p).round() as usize]
}

fn time(label: &str, engine: &Engine<'_>, text: &str, ctx: &Context) -> Duration {
    for _ in 0..300 {
        black_box(engine.check(&Document::new(black_box(text), ctx)));
    }
    let mut t = Vec::with_capacity(5_000);
    for _ in 0..5_000 {
        let s = Instant::now();
        black_box(engine.check(&Document::new(black_box(text), ctx)));
        t.push(s.elapsed());
    }
    t.sort();
    let (p50, p99) = (pct(&t, 0.5), pct(&t, 0.99));
    println!(
        "{label:<44} p50 {:>7.1} us  p99 {:>7.1} us",
        p50.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6
    );
    p99
}

fn main() {
    let enforce = std::env::var_os("CLINPOST_BENCH_ENFORCE").is_some_and(|v| v == "1");
    let reg = clinpost_risk::registry();
    let all = Engine::with_defaults(reg);
    let ids = Engine::with_defaults(clinpost_rules::registry());
    let qid = Engine::new(
        reg,
        &Settings {
            select: vec!["QID".into()],
            ..Default::default()
        },
    )
    .expect("QID selects the quasi-identifier rules");
    let default = Context::default();
    let gp = Context {
        audience: Audience::ClosedGroup(5000),
        profile: Some(Profile {
            name: Some(Sensitive("Dr A".into())),
            role: Some("GP".into()),
            practice: Some(Sensitive("H81034".into())),
            ..Default::default()
        }),
        ..Default::default()
    };
    let post = &POST_1K[..POST_1K.len().min(1024)];
    let mut worst = Duration::ZERO;
    for (name, text, ctx) in [
        ("1 kB post", post, &default),
        ("top trumps, named GP, closed group", TOP_TRUMPS, &gp),
    ] {
        println!("{name} ({} bytes):", text.len());
        time("  identifier detectors", &ids, text, ctx);
        worst = worst.max(time("  quasi-identifier pass (the model)", &qid, text, ctx));
        time("  everything", &all, text, ctx);
    }
    let ok = worst < Duration::from_micros(500);
    println!(
        "risk pass p99 (worst of the two posts): {:.1} us [budget < 500 us: {}]",
        worst.as_secs_f64() * 1e6,
        if ok { "ok" } else { "MISSED" }
    );
    if enforce && !ok {
        std::process::exit(1);
    }
}
