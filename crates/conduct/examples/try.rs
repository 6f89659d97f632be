//! Development aid: run the conduct detectors alone over a JSONL file of `{"id", "text",
//! "context"}` lines and print the conduct kinds found per id (the same scoring input as
//! `eval/conduct.sh`, without building the CLI).
//! usage: cargo run --release -p clinpost-conduct --example try -- FILE.jsonl

use clinpost_core::{Context, Document, Engine, Registry};

fn main() {
    let path = std::env::args().nth(1).expect("usage: try FILE.jsonl");
    let reg = Registry::new(clinpost_conduct::detectors()).expect("registry");
    let engine = Engine::with_defaults(&reg);
    for line in std::fs::read_to_string(path).expect("read").lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("json");
        let ctx: Context = v
            .get("context")
            .map(|c| serde_json::from_value(c.clone()).expect("context"))
            .unwrap_or_default();
        let text = v["text"].as_str().unwrap_or("");
        let rep = engine.check(&Document::new(text, &ctx));
        let kinds: Vec<String> = rep
            .findings
            .iter()
            .map(|f| format!("\"{}\"", f.kind.as_str()))
            .collect();
        println!("{{\"id\": {}, \"kinds\": [{}]}}", v["id"], kinds.join(","));
    }
}
