//! Rough timing of extraction on a 1 kB post (run with
//! `cargo test --release -p clinpost-risk --test extract_speed -- --ignored --nocapture`).
//! The budget (DESIGN §7, issue 4) is measured here, not asserted: timed tests are flaky.

const POST: &str = "Top trumps from clinic this morning: elderly gent, 82, retired miner from \
Milton Keynes, PSA of 4,850! His daughter came with him and was lovely. Known AF and COPD, \
no history of stroke. Seen by the surgeon at Calvert Hospital last week, then Ward 7 overnight. \
Reminder to everyone that a markedly raised PSA in a man in his 80s is not always cancer, and \
that HR 82 and BP 120/80 are fine. Hb 135, Na 140, K 4.2, CRP 450 on Monday, INR 12 yesterday. \
She is 24/40 with twins and works as a teacher in Leeds; her husband is a footballer. Road \
traffic collision on the M6 this week, a stabbing on 12/03/2025 and a lottery winner from Bath \
who is a Jehovah's Witness of Somali heritage. Lovely team, great shift, thanks all. The quick \
brown fox jumps over the lazy dog while the registrar reviews the notes and the nurses do the \
drug round; the consultant discusses the plan with the family and the patient goes home.";

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
