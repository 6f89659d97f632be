//! Print what the compiled-in lexicon knows about words or phrases.
//!
//! `cargo run --release -p clinpost-rules --example lexicon -- "san diego" bill towson`

fn main() {
    let lex = clinpost_rules::lexicon::lexicon();
    let mut buf = String::new();
    for arg in std::env::args().skip(1) {
        println!("{arg:?}: {:?}", lex.lookup(&arg, &mut buf));
    }
}
