//! Prints what extraction finds in each line of `CLINPOST_EXTRACT_DEBUG` (manual aid).
#[test]
fn extract_debug_print() {
    let Ok(text) = std::env::var("CLINPOST_EXTRACT_DEBUG") else {
        return;
    };
    for line in text.lines() {
        println!("{line}");
        for d in clinpost_risk::extract::extract(line) {
            println!("    {:?} {:?}", &line[d.span.start..d.span.end], d.value);
        }
    }
}
