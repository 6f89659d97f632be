//! Inputs shared by the benchmarks: a realistic 1 kB UK post and the batch corpus.
//!
//! The post is invented for this project. The batch corpus is the texts of the PhysioNet deid dev
//! half when `../shared/eval` is beside the checkout (read at bench time, never copied into the
//! repository); otherwise a synthetic corpus built from invented posts, so that the benchmarks run
//! anywhere.
#![allow(dead_code)]

use std::path::PathBuf;

/// A realistic UK clinician's post of about 1 kB: names, dates, numbers, places, eponyms.
pub const POST_1K: &str =
    "Long night on call at Harrogate District Hospital. Mrs Eileen Thornbury \
(NHS 486 091 3906, DOB 12/03/1941) came in from Larkfield Care Home at 02:40 with a fall and \
new confusion; her son Gareth rang from 07700 900462 twice before I had even seen her. \
Background of Parkinson's disease, a Baker's cyst on the left and Bell's palsy in '92. CRP \
rose to 180 overnight, B12 fine, pain 7/10 on the 3/7 history. Discussed with Dr Siân \
Pritchard (ortho reg) who was happy to see her on Ward 23 in the morning. Lives alone at \
14 Mill Lane, Knaresborough HG5 0AB; the GP at Springwood Surgery (020 7946 0321) faxed the \
meds list by 06:00, which must be a record. Hope the day team get her home by Tuesday 14th: \
she asked me to tell everyone she is 93, not 92, and that she will be back at the bowls club \
by May. Will update the group after the MDT. Email a.pritchard@nhs.net for the audit sheet, \
not me. Note to the new F1s: the NHS number on the whiteboard earlier (430 792 4404) failed \
its check digit and nobody noticed. A 67-year-old man with Crohn's in bay 4 was fine.";

/// The texts of the batch corpus and where they came from.
pub struct Corpus {
    /// One text per note.
    pub texts: Vec<String>,
    /// A short description for the output.
    pub source: String,
}

impl Corpus {
    /// Total bytes.
    pub fn bytes(&self) -> usize {
        self.texts.iter().map(String::len).sum()
    }
}

/// The PhysioNet deid dev notes (texts only) if available, else a synthetic corpus of about 1 MB.
pub fn corpus() -> Corpus {
    let dir = std::env::var_os("CLINPOST_EVAL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/eval"));
    let path = dir.join("physionet-deid-dev.jsonl");
    if let Ok(data) = std::fs::read_to_string(&path) {
        let texts: Vec<String> = data
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
            .collect();
        if !texts.is_empty() {
            return Corpus {
                source: format!("PhysioNet deid dev notes ({} notes)", texts.len()),
                texts,
            };
        }
    }
    let mut texts = Vec::new();
    let parts: Vec<&str> = POST_1K.split(". ").collect();
    let mut i = 0usize;
    while texts.iter().map(String::len).sum::<usize>() < 1 << 20 {
        // Notes of varying length, rotated so that the mix of detectors differs note to note.
        let n = 2 + i % 9;
        let note: Vec<&str> = (0..n).map(|k| parts[(i + k * 3) % parts.len()]).collect();
        texts.push(note.join(". "));
        i += 1;
    }
    Corpus {
        source: format!(
            "synthetic corpus ({} notes; ../shared/eval not found)",
            texts.len()
        ),
        texts,
    }
}

/// The release binary, if built (`CLINPOST_BIN` overrides).
pub fn cli_binary() -> Option<PathBuf> {
    let p = std::env::var_os("CLINPOST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
            target.join("release/clinpost")
        });
    p.is_file().then_some(p)
}

/// A short post for the start-up benchmark.
pub const SHORT_POST: &str = "Saw Mr Pennington (NHS 626 018 1590) on Ward 23 today.\n";

/// Spawn `clinpost check` with the short post on stdin and wait; returns whether it ran
/// (exit 0 or 1: clean or findings).
pub fn run_cli_once(bin: &std::path::Path) -> bool {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let Ok(mut child) = Command::new(bin)
        .args(["check", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    else {
        return false;
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(SHORT_POST.as_bytes());
    }
    matches!(child.wait().map(|s| s.code()), Ok(Some(0 | 1)))
}
