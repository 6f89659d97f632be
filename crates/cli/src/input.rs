//! Reading inputs: files or standard input, with a size limit and UTF-8 validation.
//!
//! Every error names the input and a position (byte offset, line, column), never the bytes: the
//! input is a draft that may hold a patient's details, and error messages end up in terminals,
//! CI logs and bug reports.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

/// The largest document (and the longest JSONL line) read: 64 MiB.
pub const MAX_BYTES: u64 = 64 << 20;

/// Where a document comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Standard input (`-` or no FILE).
    Stdin,
    /// A file, and its 1-based position among the FILE arguments.
    File(PathBuf, usize),
}

impl Source {
    /// The sources named on the command line (stdin when none).
    pub fn from_args(files: &[PathBuf]) -> Vec<Source> {
        if files.is_empty() {
            return vec![Source::Stdin];
        }
        files
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if p.as_os_str() == "-" {
                    Source::Stdin
                } else {
                    Source::File(p.clone(), i + 1)
                }
            })
            .collect()
    }

    /// The id in JSON output: the path, or `-` for stdin.
    pub fn id(&self) -> String {
        match self {
            Source::Stdin => "-".to_string(),
            Source::File(p, _) => p.display().to_string(),
        }
    }

    /// The name in messages and human output.
    pub fn display_name(&self) -> String {
        match self {
            Source::Stdin => "<stdin>".to_string(),
            Source::File(p, _) => p.display().to_string(),
        }
    }

    /// Open for buffered reading (directories and missing files are clear errors).
    pub fn open(&self) -> Result<Box<dyn BufRead>> {
        match self {
            Source::Stdin => {
                if io::IsTerminal::is_terminal(&io::stdin()) {
                    eprintln!("clinpost: reading the post from standard input (end with Ctrl-D)");
                }
                Ok(Box::new(BufReader::with_capacity(1 << 16, io::stdin())))
            }
            Source::File(p, arg) => {
                if looks_like_text(p) && !p.exists() {
                    // Someone passed the post itself as an argument: do not echo it.
                    bail!(
                        "argument {arg}: no such file (to check text, pipe it on stdin: \
                         echo TEXT | clinpost check)"
                    );
                }
                let f = open_file(p, "input")?;
                Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
            }
        }
    }

    /// Read the whole document as UTF-8 text (at most [`MAX_BYTES`]).
    pub fn read_text(&self) -> Result<String> {
        let name = self.display_name();
        let buf = read_bytes_limited(self.open()?, &name)?;
        into_utf8(buf).map_err(|e| anyhow::anyhow!("{name}: {e}"))
    }

    /// Read a document that may be text or an image (recognised by content, not by name).
    pub fn read(&self) -> Result<Input> {
        let name = self.display_name();
        let buf = read_bytes_limited(self.open()?, &name)?;
        if clinpost_media::detect_file(&buf).is_some() {
            return Ok(Input::File(buf));
        }
        into_utf8(buf)
            .map(Input::Text)
            .map_err(|e| anyhow::anyhow!("{name}: {e}"))
    }
}

/// What a source holds.
pub enum Input {
    /// UTF-8 text: a post.
    Text(String),
    /// An image (JPEG, PNG, WebP, HEIC) or a document (DOCX, DICOM), by content.
    File(Vec<u8>),
}

/// Whether a path argument is more likely a post than a file name: it holds whitespace or is
/// longer than 100 bytes.
fn looks_like_text(p: &Path) -> bool {
    let s = p.as_os_str().as_encoded_bytes();
    s.len() > 100 || s.iter().any(u8::is_ascii_whitespace)
}

/// Open a regular file, with messages that say what is wrong.
fn open_file(p: &Path, what: &str) -> Result<File> {
    let meta = match std::fs::metadata(p) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            bail!("{}: no such file ({what})", p.display())
        }
        Err(e) => bail!("{}: cannot read {what}: {}", p.display(), io_reason(&e)),
    };
    if meta.is_dir() {
        bail!("{}: is a directory, not a file ({what})", p.display());
    }
    if meta.is_file() && meta.len() > MAX_BYTES {
        bail!(
            "{}: {what} is {} MiB, over the {} MiB limit",
            p.display(),
            meta.len().div_ceil(1 << 20),
            MAX_BYTES >> 20
        );
    }
    File::open(p)
        .map_err(|e| anyhow::anyhow!("{}: cannot open {what}: {}", p.display(), io_reason(&e)))
}

/// Read a small UTF-8 file (configuration, profile, reply-to).
pub fn read_text(p: &Path, what: &str) -> Result<String> {
    let f = open_file(p, what)?;
    read_limited(BufReader::new(f), &p.display().to_string())
}

fn read_limited(reader: impl Read, name: &str) -> Result<String> {
    into_utf8(read_bytes_limited(reader, name)?).map_err(|e| anyhow::anyhow!("{name}: {e}"))
}

fn read_bytes_limited(reader: impl Read, name: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    reader
        .take(MAX_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| anyhow::anyhow!("{name}: read error: {}", io_reason(&e)))?;
    if buf.len() as u64 > MAX_BYTES {
        bail!("{name}: input is over the {} MiB limit", MAX_BYTES >> 20);
    }
    Ok(buf)
}

/// Convert to a `String`, or describe where the first invalid byte is (never what it is).
pub fn into_utf8(buf: Vec<u8>) -> std::result::Result<String, String> {
    String::from_utf8(buf).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        utf8_position_message(bytes, at)
    })
}

/// "invalid UTF-8 at byte N (line L, column C)" for the valid prefix `bytes[..at]`.
pub fn utf8_position_message(bytes: &[u8], at: usize) -> String {
    let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
    let line = valid.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
    let col = valid[line_start..].chars().count() + 1;
    format!("invalid UTF-8 at byte offset {at} (line {line}, column {col})")
}

/// An I/O error's reason without the OS wording's file names (we add our own).
pub fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::NotFound => "not found".to_string(),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_error_names_position_not_bytes() {
        let mut b = b"ok line\nZo\xc3\xab ".to_vec();
        b.push(0xff);
        b.extend_from_slice(b"CANARY");
        let e = into_utf8(b).unwrap_err();
        assert_eq!(e, "invalid UTF-8 at byte offset 13 (line 2, column 5)");
    }

    #[test]
    fn text_passed_as_a_file_is_not_echoed() {
        let srcs = Source::from_args(&[
            PathBuf::from("-"),
            PathBuf::from("Mrs Jane Smith DOB 1/2/40"),
            PathBuf::from("x".repeat(101)),
            PathBuf::from("missing-CANARY.txt"),
        ]);
        let e = srcs[1].read_text().unwrap_err().to_string();
        assert_eq!(
            e,
            "argument 2: no such file (to check text, pipe it on stdin: echo TEXT | clinpost check)"
        );
        let e = srcs[2].read_text().unwrap_err().to_string();
        assert!(e.starts_with("argument 3: no such file"), "{e}");
        // An ordinary missing file name is still named.
        let e = srcs[3].read_text().unwrap_err().to_string();
        assert_eq!(e, "missing-CANARY.txt: no such file (input)");
    }
}
