//! Rough timing of extraction on a 1 kB post (run with
//! `cargo test --release -p clinpost-risk --test extract_speed -- --ignored --nocapture`).
//! The budget (DESIGN §7, issue 4) is measured here, not asserted: timed tests are flaky.

mod common;

use common::POST_1K as POST;

#[test]
#[ignore]
fn extract_speed() {
    time(&POST[..POST.len().min(1024)]);
    // Worst case for the lexicon: every word capitalised, many numbers.
    let caps: String = POST
        .split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    time(&caps[..caps.len().min(1024)]);
    let numbers = "Hb 45 Na 108 82 yo 24/40 12/03/2025 PSA 4,850 ".repeat(25);
    time(&numbers[..1024]);
}

fn time(post: &str) {
    let n = 20_000;
    let _ = clinpost_risk::extract::extract(post); // warm up (tables, lexicon)
    let mut times = Vec::with_capacity(n);
    let mut total = 0;
    for _ in 0..n {
        let t = std::time::Instant::now();
        total +=
            std::hint::black_box(clinpost_risk::extract::extract(std::hint::black_box(post))).len();
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{} bytes, {} details: median {:?}, p99 {:?}",
        post.len(),
        total / n,
        times[n / 2],
        times[n * 99 / 100]
    );
}
