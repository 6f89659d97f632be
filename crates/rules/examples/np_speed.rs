fn main() {
    let ctx = clinpost_core::Context::default();
    let reg = clinpost_rules::registry();
    let det = reg.detectors().iter().find(|d| d.rules().iter().any(|r| r.code == "PHI015")).unwrap();
    let mut texts = Vec::new();
    for l in std::fs::read_to_string("/work/main/eval/out/physionet-in.jsonl").unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        texts.push(v["text"].as_str().unwrap().to_string());
    }
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let t0 = std::time::Instant::now();
    let mut out = Vec::new();
    let iters: usize = std::env::var("ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    for _ in 0..iters { for t in &texts { out.clear(); det.check(&clinpost_core::Document::new(t, &ctx), &mut out); } }
    let s = t0.elapsed().as_secs_f64();
    println!("names+places: {:.1} MB/s", bytes as f64 * iters as f64 / s / 1e6);
}
