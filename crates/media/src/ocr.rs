//! Text in images: read it with Tesseract, check it with the text rules, and map every finding
//! back to the pixel boxes of the words it covers (issue 5, "Text in images").
//!
//! # Reading ([`ocr`])
//!
//! The picture is decoded (after the [`Limits`] are checked on its header, see
//! [`crate::inspect`]) and turned upright, then prepared the way Tesseract reads best:
//!
//! 1. grey: one luminance channel;
//! 2. dark mode: when the mean luminance is below half scale (light text on a dark
//!    background, as in a dark-mode chat), the grey image is inverted;
//! 3. upscaling: screenshots set text at 12–18 px, below the 20–30 px x-height Tesseract is
//!    trained on. A small picture is enlarged 3× or 2× (the largest factor that keeps the work
//!    under [`OcrOptions::max_scaled_pixels`]); a full-HD screenshot is read as it is, which
//!    keeps it within the 2-second budget.
//!
//! The prepared image is written as a PGM file into a private directory (mode 0700, removed
//! when reading ends, whether it succeeds, fails or times out), and Tesseract is run as a
//! subprocess: `tesseract page.pgm stdout --psm 3 -l eng tsv`, with `OMP_THREAD_LIMIT=1` (its
//! OpenMP threads make it several times slower on two cores). It is stopped after
//! [`OcrOptions::timeout`]. Its word rows (TSV level 5) become [`Word`]s: a box in the original
//! picture's pixels and a confidence. The page text joins words with spaces, lines with
//! newlines and paragraphs with blank lines, and each word records its byte span in it.
//!
//! # Checking ([`text_findings`], [`check_text`])
//!
//! The page text goes through [`Engine::check`] with the caller's context, so every text rule
//! applies to text found in an image with no rule knowing about images. Each finding keeps its
//! rule, category and kind (a name in a screenshot is a `person-name` finding) and gains a
//! [`Region`]: the union of the boxes of the words it covers, one finding per line when it
//! spans lines. Its span stays an offset into [`OcrPage::text`]; its fix is `None` (covering
//! the region, [`crate::redact`], is the fix).
//!
//! # Privacy
//!
//! The text read is wrapped in [`Sensitive`] ([`OcrPage`]'s `Debug` shows `[redacted]`);
//! errors carry fixed words, numbers and exit statuses, never Tesseract's output.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clinpost_core::{Context, Document, Engine, Finding, Region, Sensitive, Span};
use image::GrayImage;

use crate::{pixels, Limits, MediaError};

/// How to run OCR.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrOptions {
    /// The Tesseract program: a name looked up on `PATH` or a path (default `tesseract`).
    pub program: PathBuf,
    /// Tesseract language(s), `+`-separated (default `eng`).
    pub language: String,
    /// Tesseract is stopped after this long (default 10 s); the result is then
    /// [`MediaError::OcrTimeout`].
    pub timeout: Duration,
    /// Upscaling factor (1–4); `None` chooses it from the picture's size (the default).
    pub scale: Option<u32>,
    /// Automatic upscaling never makes the image Tesseract reads larger than this many pixels
    /// (default 2,200,000: a 1920×1080 screenshot is read at its own size).
    pub max_scaled_pixels: u64,
    /// Where the private working directory is made (default: the system's temporary
    /// directory).
    pub temp_dir: Option<PathBuf>,
}

impl Default for OcrOptions {
    fn default() -> OcrOptions {
        OcrOptions {
            program: PathBuf::from("tesseract"),
            language: "eng".to_string(),
            timeout: Duration::from_secs(10),
            scale: None,
            max_scaled_pixels: 2_200_000,
            temp_dir: None,
        }
    }
}

/// One word Tesseract read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Word {
    /// Its bytes in [`OcrPage::text`].
    pub span: Span,
    /// Its box in the original picture's pixels (upright; `page` 0).
    pub region: Region,
    /// Tesseract's confidence, 0–100.
    pub confidence: f32,
    /// The line it is on, counting from 0 over the whole page.
    pub line: u32,
}

/// The text of a picture, as read by [`ocr`].
#[derive(Debug, Clone, PartialEq)]
pub struct OcrPage {
    /// Width of the (upright) picture in pixels.
    pub width: u32,
    /// Height of the (upright) picture in pixels.
    pub height: u32,
    /// The words, in reading order, their spans ascending.
    pub words: Vec<Word>,
    /// Words joined with spaces, lines with `\n`, paragraphs with `\n\n`. Never log it.
    pub text: Sensitive<String>,
    /// The upscaling factor used.
    pub scale: u32,
    /// True when the picture was inverted (dark mode).
    pub inverted: bool,
}

/// Read the text in a picture (JPEG, PNG or WebP) with Tesseract.
///
/// Errors: the [`crate::inspect`] errors for the container (limits are checked on the header
/// before decoding); [`MediaError::Unsupported`] for HEIC; [`MediaError::Decode`];
/// [`MediaError::OcrUnavailable`] when Tesseract is not installed;
/// [`MediaError::OcrTimeout`]; [`MediaError::Ocr`] when Tesseract fails.
pub fn ocr(bytes: &[u8], limits: &Limits, opts: &OcrOptions) -> Result<OcrPage, MediaError> {
    let (_, img) = pixels::decode_upright(bytes, limits, NO_OCR)?;
    let (width, height) = (img.width(), img.height());
    let mut grey = img.to_luma8();
    drop(img);
    let inverted = is_dark(&grey);
    if inverted {
        image::imageops::invert(&mut grey);
    }
    let scale = opts
        .scale
        .unwrap_or_else(|| auto_scale(width, height, opts.max_scaled_pixels))
        .clamp(1, 4);
    if scale > 1 {
        grey = image::imageops::resize(
            &grey,
            width * scale,
            height * scale,
            image::imageops::FilterType::CatmullRom,
        );
    }
    let tsv = run_tesseract(&grey, opts)?;
    drop(grey);
    let (text, words) = parse_tsv(&tsv, scale, width, height);
    Ok(OcrPage {
        width,
        height,
        words,
        text: Sensitive(text),
        scale,
        inverted,
    })
}

const NO_OCR: &str = "text in this format cannot be read; convert the picture to JPEG or PNG first";

/// True when the picture is mostly dark (mean luminance below half scale).
fn is_dark(grey: &GrayImage) -> bool {
    let n = u64::from(grey.width()) * u64::from(grey.height());
    if n == 0 {
        return false;
    }
    let sum: u64 = grey.as_raw().iter().map(|&p| u64::from(p)).sum();
    sum / n < 128
}

/// The largest factor of 3, 2, 1 that keeps the scaled picture within `budget` pixels.
fn auto_scale(width: u32, height: u32, budget: u64) -> u32 {
    let px = u64::from(width) * u64::from(height);
    [3u32, 2]
        .into_iter()
        .find(|s| px * u64::from(s * s) <= budget)
        .unwrap_or(1)
}

static DIR_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A private working directory (mode 0700), removed with everything in it when dropped.
pub(crate) struct WorkDir(pub(crate) PathBuf);

impl WorkDir {
    fn new(parent: &Path) -> Result<WorkDir, MediaError> {
        WorkDir::create(parent, "ocr").map_err(|e| MediaError::Ocr {
            what: format!("cannot create a private temporary directory ({})", e.kind()),
        })
    }

    /// A fresh directory `clinpost-{what}-...` in `parent`.
    pub(crate) fn create(parent: &Path, what: &str) -> std::io::Result<WorkDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        for _ in 0..16 {
            let n = DIR_COUNTER.fetch_add(1, Ordering::Relaxed);
            let dir = parent.join(format!(
                "clinpost-{what}-{}-{n}-{nanos:08x}",
                std::process::id()
            ));
            let mut b = fs::DirBuilder::new();
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                b.mode(0o700);
            }
            match b.create(&dir) {
                Ok(()) => return Ok(WorkDir(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Largest TSV output read from Tesseract (a page of dense text is a few hundred kB).
const MAX_TSV: u64 = 64 << 20;

/// Write `grey` to a private directory and run Tesseract on it; its TSV output.
fn run_tesseract(grey: &GrayImage, opts: &OcrOptions) -> Result<String, MediaError> {
    if opts.language.is_empty()
        || !opts
            .language
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'+')
    {
        return Err(MediaError::Ocr {
            what: "the OCR language must be letters, digits, '_' and '+'".to_string(),
        });
    }
    let parent = opts.temp_dir.clone().unwrap_or_else(std::env::temp_dir);
    let dir = WorkDir::new(&parent)?;
    let input = dir.0.join("page.pgm");
    let io_err = |e: std::io::Error| MediaError::Ocr {
        what: format!("cannot write the temporary image ({})", e.kind()),
    };
    {
        let mut f = fs::File::create(&input).map_err(io_err)?;
        f.write_all(format!("P5\n{} {}\n255\n", grey.width(), grey.height()).as_bytes())
            .map_err(io_err)?;
        f.write_all(grey.as_raw()).map_err(io_err)?;
    }
    let start = Instant::now();
    let mut child = Command::new(&opts.program)
        .arg(&input)
        .arg("stdout")
        .args(["--psm", "3", "-l", &opts.language, "tsv"])
        .env("OMP_THREAD_LIMIT", "1")
        .current_dir(&dir.0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => MediaError::OcrUnavailable,
            k => MediaError::Ocr {
                what: format!("Tesseract could not be started ({k})"),
            },
        })?;
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || -> std::io::Result<Vec<u8>> {
        let mut v = Vec::new();
        if let Some(out) = stdout {
            out.take(MAX_TSV).read_to_end(&mut v)?;
        }
        Ok(v)
    });
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = reader.join();
                return Err(MediaError::Ocr {
                    what: format!("waiting for Tesseract failed ({})", e.kind()),
                });
            }
        }
        if start.elapsed() >= opts.timeout {
            let _ = child.kill();
            let _ = child.wait();
            let _ = reader.join();
            return Err(MediaError::OcrTimeout {
                limit_ms: opts.timeout.as_millis(),
            });
        }
        std::thread::sleep(pause.min(opts.timeout.saturating_sub(start.elapsed())));
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    let out = reader
        .join()
        .map_err(|_| MediaError::Ocr {
            what: "reading Tesseract's output failed".to_string(),
        })?
        .map_err(|e| MediaError::Ocr {
            what: format!("reading Tesseract's output failed ({})", e.kind()),
        })?;
    if !status.success() {
        return Err(MediaError::Ocr {
            what: match status.code() {
                Some(c) => format!(
                    "Tesseract exited with status {c} (is the language data installed? \
                     apt-get install tesseract-ocr-eng)"
                ),
                None => "Tesseract was stopped by a signal".to_string(),
            },
        });
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The page text and its words from Tesseract's TSV: level-5 rows, boxes divided by `scale`
/// and clamped to the `width`×`height` picture.
fn parse_tsv(tsv: &str, scale: u32, width: u32, height: u32) -> (String, Vec<Word>) {
    let mut text = String::new();
    let mut words = Vec::new();
    // (page, block, paragraph, line) of the previous word.
    let mut prev: Option<[u32; 4]> = None;
    let mut line = 0u32;
    let scale = scale.max(1);
    for row in tsv.lines() {
        let cols: Vec<&str> = row.splitn(12, '\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<i64>().ok();
        let (Some(page), Some(block), Some(par), Some(ln)) = (num(1), num(2), num(3), num(4))
        else {
            continue;
        };
        let (Some(left), Some(top), Some(w), Some(h)) = (num(6), num(7), num(8), num(9)) else {
            continue;
        };
        let confidence = cols[10].trim().parse::<f32>().unwrap_or(-1.0);
        let word = cols[11].trim();
        if word.is_empty() || confidence < 0.0 || w <= 0 || h <= 0 {
            continue;
        }
        let key = [page, block, par, ln].map(|v| u32::try_from(v.max(0)).unwrap_or(0));
        match prev {
            None => {}
            Some(p) if p == key => text.push(' '),
            Some(p) => {
                line += 1;
                if p[..3] == key[..3] {
                    text.push('\n');
                } else {
                    text.push_str("\n\n");
                }
            }
        }
        prev = Some(key);
        let start = text.len();
        text.push_str(word);
        let s = i64::from(scale);
        let x0 = (left.max(0) / s).min(i64::from(width));
        let y0 = (top.max(0) / s).min(i64::from(height));
        let x1 = ((left.max(0) + w + s - 1) / s).min(i64::from(width));
        let y1 = ((top.max(0) + h + s - 1) / s).min(i64::from(height));
        let to_u32 = |v: i64| u32::try_from(v).unwrap_or(0);
        words.push(Word {
            span: Span::new(start, text.len()),
            region: Region {
                page: 0,
                x: to_u32(x0),
                y: to_u32(y0),
                w: to_u32(x1 - x0),
                h: to_u32(y1 - y0),
            },
            confidence,
            line,
        });
    }
    (text, words)
}

/// The smallest box holding both.
fn union(a: Region, b: Region) -> Region {
    let x = a.x.min(b.x);
    let y = a.y.min(b.y);
    let r = (a.x + a.w).max(b.x + b.w);
    let bottom = (a.y + a.h).max(b.y + b.h);
    Region {
        page: a.page,
        x,
        y,
        w: r - x,
        h: bottom - y,
    }
}

/// Run the text rules over the page's text and place each finding on the picture.
///
/// Each finding of [`Engine::check`] keeps its rule, category, kind, severity, confidence and
/// evidence; it gains the region covering the words it touches (a word partly covered counts
/// whole) and loses its text fix (covering the region is the fix). A finding spanning several
/// lines becomes one finding per line, each with its line's region and the part of the span
/// on that line. A finding that touches no word (a document-level note) is kept without a
/// region. Spans are offsets into [`OcrPage::text`].
pub fn text_findings(engine: &Engine<'_>, page: &OcrPage, context: &Context) -> Vec<Finding> {
    let text = page.text.expose();
    if text.is_empty() {
        return Vec::new();
    }
    let report = engine.check(&Document::new(text, context));
    let mut out = Vec::new();
    for f in report.findings {
        let first = page.words.partition_point(|w| w.span.end <= f.span.start);
        let touched = page.words[first..]
            .iter()
            .take_while(|w| w.span.start < f.span.end);
        let mut pieces: Vec<(u32, Region, Span)> = Vec::new();
        for w in touched {
            if !w.span.overlaps(&f.span) {
                continue;
            }
            match pieces.last_mut() {
                Some((line, region, span)) if *line == w.line => {
                    *region = union(*region, w.region);
                    span.end = w.span.end;
                }
                _ => pieces.push((w.line, w.region, w.span)),
            }
        }
        if pieces.is_empty() {
            out.push(Finding {
                message: format!("{} (text in the image)", f.message),
                fix: None,
                ..f
            });
            continue;
        }
        for (_, region, span) in pieces {
            let span = Span::new(
                span.start.max(f.span.start),
                span.end.min(f.span.end).max(span.start.max(f.span.start)),
            );
            out.push(Finding {
                span,
                region: Some(region),
                message: format!("{} (text in the image)", f.message),
                fix: None,
                ..f.clone()
            });
        }
    }
    out
}

/// What [`check_text`] found: the text read and the findings placed on the picture.
#[derive(Debug, Clone)]
pub struct ImageText {
    /// The text read.
    pub page: OcrPage,
    /// The text rules' findings, with regions (see [`text_findings`]).
    pub findings: Vec<Finding>,
}

/// [`ocr`] then [`text_findings`]: read the picture's text and check it.
pub fn check_text(
    engine: &Engine<'_>,
    bytes: &[u8],
    context: &Context,
    limits: &Limits,
    opts: &OcrOptions,
) -> Result<ImageText, MediaError> {
    let page = ocr(bytes, limits, opts)?;
    let findings = text_findings(engine, &page, context);
    Ok(ImageText { page, findings })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
1\t1\t0\t0\t0\t0\t0\t0\t200\t100\t-1\t\n\
5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t95.5\tPatient:\n\
5\t1\t1\t1\t1\t2\t60\t10\t50\t20\t96\tSMITH,\n\
5\t1\t1\t1\t2\t1\t10\t40\t40\t20\t90\tDOB\n\
5\t1\t2\t1\t1\t1\t10\t80\t40\t20\t-1\t \n\
5\t1\t2\t1\t1\t2\t10\t80\t41\t21\t91\tNext\n";

    #[test]
    fn tsv_words_lines_and_paragraphs() {
        let (text, words) = parse_tsv(TSV, 2, 100, 50);
        assert_eq!(text, "Patient: SMITH,\nDOB\n\nNext");
        assert_eq!(words.len(), 4);
        assert_eq!(&text[words[1].span.start..words[1].span.end], "SMITH,");
        assert_eq!(
            words[1].region,
            Region {
                page: 0,
                x: 30,
                y: 5,
                w: 25,
                h: 10
            }
        );
        assert_eq!(words[2].line, 1);
        assert_eq!(words[3].line, 2);
        // Rounded outwards and clamped to the picture.
        assert_eq!(
            words[3].region,
            Region {
                page: 0,
                x: 5,
                y: 40,
                w: 21,
                h: 10
            }
        );
    }

    #[test]
    fn auto_scale_keeps_within_budget() {
        assert_eq!(auto_scale(480, 300, 2_200_000), 3);
        assert_eq!(auto_scale(720, 380, 2_200_000), 2);
        assert_eq!(auto_scale(1920, 1080, 2_200_000), 1);
    }

    #[test]
    fn page_debug_hides_text() {
        let (text, words) = parse_tsv(TSV, 1, 1000, 1000);
        let page = OcrPage {
            width: 1000,
            height: 1000,
            words,
            text: Sensitive(text),
            scale: 1,
            inverted: false,
        };
        assert!(!format!("{page:?}").contains("SMITH"));
    }
}
