//! Print what `inspect` reports for image files, and optionally write stripped copies.
//!
//! ```sh
//! cargo run -p clinpost-media --example inspect -- photo.jpg [--strip OUT]
//! ```
//! Prints rule, severity, field and message per finding, and the number of text values (never
//! the values themselves).

use std::path::Path;

use clinpost_media::{inspect, strip, write_atomically, Limits};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(input) = args.first() else {
        eprintln!("usage: inspect FILE [--strip OUT]");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(input) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{input}: {e}");
            std::process::exit(2);
        }
    };
    let limits = Limits::default();
    match inspect(&bytes, &limits) {
        Ok(i) => {
            println!(
                "{input}: {} {}x{} orientation {}",
                i.format, i.width, i.height, i.orientation
            );
            for f in &i.findings {
                println!(
                    "  {} {:7} {:40} {}",
                    f.rule.code,
                    f.severity.as_str(),
                    f.field.as_deref().unwrap_or(""),
                    f.message
                );
            }
            println!("  {} text values for the text rules", i.texts.len());
        }
        Err(e) => {
            eprintln!("{input}: {e}");
            std::process::exit(2);
        }
    }
    if let (Some(flag), Some(out)) = (args.get(1), args.get(2)) {
        if flag == "--strip" {
            let res = strip(&bytes, &limits).and_then(|s| write_atomically(Path::new(out), &s));
            if let Err(e) = res {
                eprintln!("{input}: {e}");
                std::process::exit(2);
            }
            println!("wrote {out}");
        }
    }
}
