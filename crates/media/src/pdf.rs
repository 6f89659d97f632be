//! PDF: the document information, XMP metadata, attachments and text of a PDF, each finding
//! placed on its page, and a clean copy made of page images (issue 5, "Documents").
//!
//! PDF is read with poppler-utils, run as subprocesses in a private directory (mode 0700,
//! removed afterwards), each stopped after [`DocLimits::tool_timeout`]:
//!
//! - `pdfinfo` gives the page count and page sizes, the Info dictionary (`-custom`: Author,
//!   Title, Subject, Keywords, Creator, Producer, dates and any custom key) and the XMP
//!   metadata stream (`-meta`). Each identifying field is a finding named `PDF:Info:Author`,
//!   `PDF:XMP:dc:creator`...; textual values go through the text rules like any metadata.
//! - `pdfdetach -list` counts attached files (reported, not opened).
//! - `pdftotext -bbox-layout` gives every word with its box in points. A page's text joins
//!   words with spaces, lines with newlines and blocks with blank lines; the text rules run
//!   over it and each finding gets the union of its words' boxes as its
//!   [`Region`](clinpost_core::Region): `page` counts from 0 and `x, y, w, h` are pixels of the
//!   page rendered at [`PDF_DPI`] (150 dpi: px = pt × 150 / 72; lower for a page so large
//!   that 150 dpi would exceed [`Limits::max_pixels`] or 40 megapixels).
//! - A page with no text layer (a scan), or with pictures of at least 100×100 pixels
//!   (`pdfimages -list`), is rendered with `pdftoppm` and read with [`crate::ocr`]; on a page
//!   with a text layer, what OCR finds where the text layer already found it is dropped. At
//!   most [`DocLimits::max_ocr_pages`] pages are read this way; beyond that a warning and a
//!   `text-unchecked` finding say so.
//!
//! The clean copy ([`clean`]) is a new PDF written here: every page rendered by `pdftoppm` at
//! the same resolution, a black box drawn over every finding's region (as
//! [`crate::redact`] does), and the pixels stored as one Flate-compressed RGB image per page.
//! It has no text layer, no fonts, no Info dictionary, no XMP, no attachments, no links and
//! no scripts: nothing of the original but what its pages show.
//!
//! Errors: a file without a `%%EOF` marker is [`MediaError::DocumentTruncated`]; a file poppler
//! cannot open is [`MediaError::DocumentMalformed`]; a password-protected PDF, or a machine
//! without poppler-utils, is [`MediaError::DocumentUnsupported`]; more pages than
//! [`DocLimits::max_pages`], or a tool running past its time limit, is
//! [`MediaError::DocumentLimit`]. Poppler's messages are never kept (they may quote the file).

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use clinpost_core::{Context, Engine, Finding, Region, Sensitive, Span};

use crate::document::Parts;
use crate::ocr::WorkDir;
use crate::rules::{Class, Collector, MetadataText};
use crate::{
    ocr, text_findings, DocFormat, DocLimits, FileOptions, Limits, MediaError, OcrPage, Word,
    TEXT_UNCHECKED,
};

/// The resolution pages are rendered at, and the unit of a PDF finding's region.
pub const PDF_DPI: f64 = 150.0;

/// No page is rendered larger than this many pixels, whatever [`Limits::max_pixels`] allows.
const MAX_PAGE_PIXELS: f64 = 40_000_000.0;

/// Pictures smaller than this many pixels (logos, rules, bullets) do not make a page worth
/// reading with OCR.
const MIN_PICTURE_PIXELS: u64 = 100 * 100;

/// Largest output read from a poppler tool.
const MAX_TOOL_OUTPUT: u64 = 256 << 20;

const NEEDS_POPPLER: &str =
    "reading PDFs needs poppler-utils (pdfinfo, pdftotext, pdftoppm): apt-get install poppler-utils";
const PASSWORD: &str = "the PDF is protected by a password; remove the password and try again";
const UNREADABLE: &str = "poppler cannot read the file (damaged, or not a PDF)";

/// True when `bytes` starts like a PDF: `%PDF-` within the first 1024 bytes (as readers
/// accept it).
pub(crate) fn is_pdf(bytes: &[u8]) -> bool {
    memchr::memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-").is_some()
}

fn malformed(what: &'static str) -> MediaError {
    MediaError::DocumentMalformed {
        format: DocFormat::Pdf,
        offset: 0,
        what,
    }
}

fn unsupported(what: &'static str) -> MediaError {
    MediaError::DocumentUnsupported {
        format: DocFormat::Pdf,
        what,
    }
}

/// A PDF copied into a private directory, and what `pdfinfo` says of it.
struct Opened {
    dir: WorkDir,
    timeout: Duration,
    /// Page sizes in points (width, height), as `pdfinfo` reports them.
    pages: Vec<(f64, f64)>,
    /// The document has an XMP metadata stream.
    has_xmp: bool,
}

struct Output {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Opened {
    fn open(
        bytes: &[u8],
        limits: &DocLimits,
        temp_dir: Option<&Path>,
    ) -> Result<Opened, MediaError> {
        limits.check_size(bytes.len())?;
        if !is_pdf(bytes) {
            return Err(MediaError::UnknownFormat);
        }
        if memchr::memmem::rfind(bytes, b"%%EOF").is_none() {
            return Err(MediaError::DocumentTruncated {
                format: DocFormat::Pdf,
                offset: bytes.len(),
                inside: "the file (it has no end-of-file marker)",
            });
        }
        let parent = temp_dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let dir = WorkDir::create(&parent, "pdf").map_err(|_| {
            unsupported("cannot create a private temporary directory to read the PDF in")
        })?;
        fs::write(dir.0.join("in.pdf"), bytes)
            .map_err(|_| unsupported("cannot write the PDF to a private temporary directory"))?;
        let mut o = Opened {
            dir,
            timeout: limits.tool_timeout,
            pages: Vec::new(),
            has_xmp: false,
        };
        let last = limits.max_pages.saturating_add(1).to_string();
        let out = o.tool(
            "pdfinfo",
            &["-enc", "UTF-8", "-f", "1", "-l", &last, "in.pdf"],
        )?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut count = None;
        for line in text.lines() {
            if let Some(v) = line.strip_prefix("Pages:") {
                count = v.trim().parse::<usize>().ok();
            } else if let Some(v) = line.strip_prefix("Metadata Stream:") {
                o.has_xmp = v.trim() == "yes";
            } else if let Some(rest) = line.strip_prefix("Page ") {
                if let Some((_, size)) = rest.split_once(" size:") {
                    let mut it = size.split_whitespace();
                    let w = it.next().and_then(|v| v.parse::<f64>().ok());
                    let _x = it.next();
                    let h = it.next().and_then(|v| v.parse::<f64>().ok());
                    match (w, h) {
                        (Some(w), Some(h))
                            if w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0 =>
                        {
                            o.pages.push((w, h))
                        }
                        _ => return Err(malformed("a page has no valid size")),
                    }
                }
            }
        }
        let count = count.ok_or_else(|| malformed(UNREADABLE))?;
        if count > limits.max_pages {
            return Err(MediaError::DocumentLimit {
                format: DocFormat::Pdf,
                what: "pages",
                limit: limits.max_pages as u64,
            });
        }
        if count == 0 {
            return Err(malformed("the PDF has no pages"));
        }
        if o.pages.len() != count {
            return Err(malformed("the page sizes cannot be read"));
        }
        Ok(o)
    }

    /// Run a poppler tool in the private directory; `Err` when it cannot be started, fails
    /// or runs too long.
    fn tool(&self, program: &str, args: &[&str]) -> Result<Output, MediaError> {
        let out = run(program, args, &self.dir.0, self.timeout)?;
        if out.status.success() {
            return Ok(out);
        }
        let err = String::from_utf8_lossy(&out.stderr).to_ascii_lowercase();
        Err(if err.contains("password") {
            unsupported(PASSWORD)
        } else {
            malformed(UNREADABLE)
        })
    }

    /// The resolution page `i` is rendered at.
    fn dpi(&self, i: usize, limits: &Limits) -> f64 {
        let (w, h) = self.pages[i];
        let budget = (limits.max_pixels as f64).min(MAX_PAGE_PIXELS);
        let at = |d: f64| (w * d / 72.0) * (h * d / 72.0);
        if at(PDF_DPI) <= budget {
            PDF_DPI
        } else {
            // Slightly under, so rounding up the pixel size stays within the budget.
            (72.0 * (budget / (w * h)).sqrt() * 0.999).max(1.0)
        }
    }

    /// Page `i` rendered as PNG at [`Opened::dpi`].
    fn render(&self, i: usize, dpi: f64) -> Result<Vec<u8>, MediaError> {
        let page = (i + 1).to_string();
        let res = format!("{dpi:.4}");
        self.tool(
            "pdftoppm",
            &[
                "-f",
                &page,
                "-l",
                &page,
                "-r",
                &res,
                "-png",
                "-singlefile",
                "in.pdf",
                "page",
            ],
        )?;
        let path = self.dir.0.join("page.png");
        let png = fs::read(&path).map_err(|_| malformed("a page cannot be rendered"))?;
        let _ = fs::remove_file(&path);
        Ok(png)
    }

    /// The Info dictionary, XMP and attachments, reported into `c`.
    fn metadata(&self, c: &mut Collector) -> Result<(), MediaError> {
        let out = self.tool("pdfinfo", &["-enc", "UTF-8", "-custom", "in.pdf"])?;
        for (key, value) in info_entries(&String::from_utf8_lossy(&out.stdout)) {
            let field = format!("PDF:Info:{key}");
            match key.as_str() {
                "Author" => c.field(Class::Identity, &field, "author", Some(&value)),
                "Title" => c.field(Class::Text, &field, "title", Some(&value)),
                "Subject" => c.field(Class::Text, &field, "subject", Some(&value)),
                "Keywords" => c.field(Class::Text, &field, "keywords", Some(&value)),
                "CreationDate" | "ModDate" => {
                    c.field(Class::Date, &field, "date created or changed", None)
                }
                // Software names: no finding, but a user name or a file path in them is
                // still for the text rules to see.
                "Creator" | "Producer" | "Trapped" => {
                    if !crate::rules::is_blank(&value) {
                        c.texts.push(MetadataText {
                            field,
                            text: Sensitive(value),
                        })
                    }
                }
                _ => c.field(Class::Text, &field, "custom property", Some(&value)),
            }
        }
        if self.has_xmp {
            let out = self.tool("pdfinfo", &["-meta", "in.pdf"])?;
            let saved = std::mem::replace(&mut c.prefix, "PDF:".to_string());
            crate::xmp::inspect(&out.stdout, c);
            c.prefix = saved;
        }
        if let Ok(out) = self.tool("pdfdetach", &["-list", "in.pdf"]) {
            let text = String::from_utf8_lossy(&out.stdout);
            let n = text
                .lines()
                .next()
                .and_then(|l| l.split_whitespace().next())
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
            if n > 0 {
                c.field(
                    Class::Hidden,
                    "PDF:attachments",
                    "attached files (not checked; the clean copy leaves them out)",
                    None,
                );
            }
        }
        Ok(())
    }

    /// Every page's words, boxes in points.
    fn words(&self) -> Result<Vec<Vec<PdfWord>>, MediaError> {
        let last = self.pages.len().to_string();
        self.tool(
            "pdftotext",
            &[
                "-enc",
                "UTF-8",
                "-bbox-layout",
                "-f",
                "1",
                "-l",
                &last,
                "in.pdf",
                "words.html",
            ],
        )?;
        let path = self.dir.0.join("words.html");
        let html = fs::read(&path).map_err(|_| malformed(UNREADABLE))?;
        let _ = fs::remove_file(&path);
        let mut pages = parse_bbox(&String::from_utf8_lossy(&html));
        pages.resize_with(self.pages.len(), Vec::new);
        Ok(pages)
    }

    /// Pages (from 0) showing a picture of at least [`MIN_PICTURE_PIXELS`].
    fn pages_with_pictures(&self) -> BTreeSet<usize> {
        let mut set = BTreeSet::new();
        let Ok(out) = self.tool("pdfimages", &["-list", "in.pdf"]) else {
            return set;
        };
        for line in String::from_utf8_lossy(&out.stdout).lines().skip(2) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols.len() < 5 || cols[2] != "image" {
                continue;
            }
            let num = |i: usize| cols[i].parse::<u64>().ok();
            if let (Some(page), Some(w), Some(h)) = (num(0), num(3), num(4)) {
                if page >= 1 && w.saturating_mul(h) >= MIN_PICTURE_PIXELS {
                    set.insert(page as usize - 1);
                }
            }
        }
        set
    }
}

/// One word of the text layer: its text and box in points (origin top left).
#[derive(Debug, Clone, PartialEq)]
struct PdfWord {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    /// Line number on the page and whether a new block starts with this line.
    line: u32,
    new_block: bool,
}

/// The words of `pdftotext -bbox-layout` output, page by page.
fn parse_bbox(html: &str) -> Vec<Vec<PdfWord>> {
    let mut pages: Vec<Vec<PdfWord>> = Vec::new();
    let mut line = 0u32;
    let mut started_line = false;
    let mut new_block = false;
    for raw in html.lines() {
        let t = raw.trim_start();
        if t.starts_with("<page ") || t == "<page>" {
            pages.push(Vec::new());
            line = 0;
            started_line = false;
        } else if t.starts_with("<block") {
            new_block = true;
        } else if t.starts_with("<line") {
            if started_line {
                line += 1;
            }
            started_line = true;
        } else if let Some(rest) = t.strip_prefix("<word ") {
            let Some(page) = pages.last_mut() else {
                continue;
            };
            let Some((attrs, after)) = rest.split_once('>') else {
                continue;
            };
            let Some(text) = after.strip_suffix("</word>") else {
                continue;
            };
            let attr = |name: &str| -> Option<f64> {
                let key = format!("{name}=\"");
                let i = attrs.find(&key)? + key.len();
                let v = attrs[i..].split('"').next()?;
                v.parse::<f64>().ok().filter(|v| v.is_finite())
            };
            let (Some(x0), Some(y0), Some(x1), Some(y1)) =
                (attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax"))
            else {
                continue;
            };
            let text = unescape(text);
            if text.trim().is_empty() {
                continue;
            }
            page.push(PdfWord {
                text,
                x0,
                y0,
                x1,
                y1,
                line,
                new_block,
            });
            new_block = false;
        }
    }
    pages
}

/// The XML entities poppler writes.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `Key: value` lines of `pdfinfo -custom`; a line without a key continues the value before.
fn info_entries(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        match line.split_once(':') {
            Some((k, v)) if !k.is_empty() && !k.contains(char::is_whitespace) => {
                out.push((k.to_string(), v.trim().to_string()))
            }
            _ => {
                if let Some((_, v)) = out.last_mut() {
                    v.push('\n');
                    v.push_str(line);
                }
            }
        }
    }
    out
}

/// A page's words as an [`OcrPage`] in pixels at `dpi`, so that [`text_findings`] places the
/// findings.
fn page_text(words: &[PdfWord], dpi: f64, budget: &mut usize) -> Option<OcrPage> {
    let k = dpi / 72.0;
    let px = |v: f64| (v * k).clamp(0.0, f64::from(u32::MAX)) as u32;
    let mut text = String::new();
    let mut out = Vec::with_capacity(words.len());
    let mut prev_line = None;
    for w in words {
        match prev_line {
            None => {}
            Some(l) if l == w.line => text.push(' '),
            Some(_) if w.new_block => text.push_str("\n\n"),
            Some(_) => text.push('\n'),
        }
        prev_line = Some(w.line);
        let start = text.len();
        text.push_str(&w.text);
        let (x0, y0) = (px(w.x0.min(w.x1)), px(w.y0.min(w.y1)));
        let (x1, y1) = (
            ((w.x0.max(w.x1) * k).ceil().clamp(0.0, f64::from(u32::MAX))) as u32,
            ((w.y0.max(w.y1) * k).ceil().clamp(0.0, f64::from(u32::MAX))) as u32,
        );
        out.push(Word {
            span: Span::new(start, text.len()),
            region: Region {
                page: 0,
                x: x0,
                y: y0,
                w: x1.saturating_sub(x0).max(1),
                h: y1.saturating_sub(y0).max(1),
            },
            confidence: 100.0,
            line: w.line,
        });
    }
    if text.len() > *budget {
        *budget = 0;
        return None;
    }
    *budget -= text.len();
    Some(OcrPage {
        width: 0,
        height: 0,
        words: out,
        text: Sensitive(text),
        scale: 1,
        inverted: false,
    })
}

/// The findings of a page, on page `page` (from 0), their message saying where.
fn on_page(found: Vec<Finding>, page: usize, how: &str) -> impl Iterator<Item = Finding> + '_ {
    found.into_iter().map(move |f| {
        let base = f
            .message
            .strip_suffix(" (text in the image)")
            .unwrap_or(&f.message)
            .to_string();
        Finding {
            span: Span::new(0, 0),
            region: f.region.map(|r| Region {
                page: u32::try_from(page).unwrap_or(u32::MAX),
                ..r
            }),
            message: format!("{base} (page {}{how})", page + 1),
            ..f
        }
    })
}

/// What [`check`] found.
pub(crate) struct PdfCheck {
    pub(crate) findings: Vec<Finding>,
    pub(crate) warnings: Vec<String>,
}

/// Check a PDF (see the module docs).
pub(crate) fn check(
    engine: &Engine<'_>,
    bytes: &[u8],
    ctx: &Context,
    opts: &FileOptions,
) -> Result<PdfCheck, MediaError> {
    let limits = &opts.doc_limits;
    let pdf = Opened::open(bytes, limits, opts.ocr.temp_dir.as_deref())?;
    let mut c = Collector::new(limits.max_text_bytes);
    pdf.metadata(&mut c)?;
    let mut findings = c.findings;
    for t in &c.texts {
        findings.extend(crate::file::in_field(
            engine,
            t.text.expose(),
            ctx,
            &t.field,
            "metadata field",
        ));
    }
    let mut warnings = Vec::new();
    let mut unchecked = false;
    let mut budget = limits.max_text_bytes;
    let pages = pdf.words()?;
    let pictures = pdf.pages_with_pictures();
    let mut ocr_left = limits.max_ocr_pages;
    let mut ocr_skipped = 0usize;
    for (i, words) in pages.iter().enumerate() {
        let dpi = pdf.dpi(i, &opts.limits);
        let mut text_found = Vec::new();
        if !words.is_empty() {
            match page_text(words, dpi, &mut budget) {
                Some(page) => {
                    text_found.extend(on_page(text_findings(engine, &page, ctx), i, ""));
                }
                None => {
                    if !unchecked {
                        warnings.push(
                            "the document's text is longer than the limit; only the start was \
                             checked"
                                .to_string(),
                        );
                    }
                    unchecked = true;
                }
            }
        }
        let needs_ocr = words.is_empty() || pictures.contains(&i);
        let mut ocr_found = Vec::new();
        if needs_ocr {
            if ocr_left == 0 {
                ocr_skipped += 1;
            } else {
                ocr_left -= 1;
                let read = pdf
                    .render(i, dpi)
                    .and_then(|png| ocr(&png, &opts.limits, &opts.ocr));
                match read {
                    Ok(page) => {
                        let found = text_findings(engine, &page, ctx);
                        ocr_found.extend(on_page(found, i, ", read by OCR").filter(|f| {
                            // What the text layer already found there is not reported twice.
                            !text_found.iter().any(|t: &Finding| {
                                t.rule.code == f.rule.code
                                    && matches!((t.region, f.region), (Some(a), Some(b)) if overlaps(a, b))
                            })
                        }));
                    }
                    Err(e) => {
                        warnings.push(format!(
                            "the text in the pictures on page {} was not checked: {e}",
                            i + 1
                        ));
                        unchecked = true;
                    }
                }
            }
        }
        findings.extend(text_found);
        findings.extend(ocr_found);
    }
    if ocr_skipped > 0 {
        warnings.push(format!(
            "{ocr_skipped} page{} without a text layer or with pictures {} not read (only the \
             first {} such pages are read with OCR); check {} yourself",
            if ocr_skipped == 1 { "" } else { "s" },
            if ocr_skipped == 1 { "was" } else { "were" },
            limits.max_ocr_pages,
            if ocr_skipped == 1 { "it" } else { "them" },
        ));
        unchecked = true;
    }
    if unchecked {
        findings.push(Finding::new(
            &TEXT_UNCHECKED,
            Span::new(0, 0),
            "Some of the PDF's text was not checked; look for names, numbers and dates yourself",
            vec![],
        ));
    }
    Ok(PdfCheck { findings, warnings })
}

fn overlaps(a: Region, b: Region) -> bool {
    a.page == b.page
        && u64::from(a.x) < u64::from(b.x) + u64::from(b.w)
        && u64::from(b.x) < u64::from(a.x) + u64::from(a.w)
        && u64::from(a.y) < u64::from(b.y) + u64::from(b.h)
        && u64::from(b.y) < u64::from(a.y) + u64::from(a.h)
}

/// For [`crate::inspect_document`]: the metadata findings and values, and the text layer
/// (part `PDF:text`, pages separated by form feeds). No OCR, no regions.
pub(crate) fn inspect(
    bytes: &[u8],
    limits: &DocLimits,
    c: &mut Collector,
    parts: &mut Parts,
) -> Result<(), MediaError> {
    let pdf = Opened::open(bytes, limits, None)?;
    pdf.metadata(c)?;
    for (i, words) in pdf.words()?.iter().enumerate() {
        let mut budget = usize::MAX;
        if let Some(page) = page_text(words, PDF_DPI, &mut budget) {
            if i > 0 {
                parts.push("PDF:text", "\n\u{c}\n");
            }
            parts.push("PDF:text", page.text.expose());
        }
    }
    Ok(())
}

/// The clean copy: every page rendered, a black box over each region of that page, written
/// as a PDF of page images (see the module docs).
pub(crate) fn clean(
    bytes: &[u8],
    regions: &[Region],
    opts: &FileOptions,
) -> Result<Vec<u8>, MediaError> {
    let pdf = Opened::open(bytes, &opts.doc_limits, opts.ocr.temp_dir.as_deref())?;
    let mut pages = Vec::with_capacity(pdf.pages.len());
    for i in 0..pdf.pages.len() {
        let dpi = pdf.dpi(i, &opts.limits);
        let png = pdf.render(i, dpi)?;
        let mut img = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
            .map_err(|_| malformed("a page cannot be rendered"))?
            .into_rgb8();
        drop(png);
        let mine: Vec<Region> = regions
            .iter()
            .filter(|r| r.page as usize == i)
            .copied()
            .collect();
        crate::redact::cover(&mut img, &mine, crate::DEFAULT_MARGIN);
        pages.push(RasterPage {
            width: img.width(),
            height: img.height(),
            dpi,
            data: miniz_oxide::deflate::compress_to_vec_zlib(img.as_raw(), 6),
        });
    }
    Ok(write_pdf(&pages))
}

/// One page of the clean copy: Flate-compressed 8-bit RGB pixels.
struct RasterPage {
    width: u32,
    height: u32,
    dpi: f64,
    data: Vec<u8>,
}

/// A PDF of page images: catalog, page tree, and per page a page, its content stream and its
/// image. Nothing else: no Info dictionary, no metadata, no fonts.
fn write_pdf(pages: &[RasterPage]) -> Vec<u8> {
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets: Vec<usize> = Vec::new();
    let n = pages.len();
    // Objects: 1 catalog, 2 pages, then 3 per page (page, content, image).
    let obj = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    obj(&mut out, &mut offsets, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    obj(
        &mut out,
        &mut offsets,
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).as_bytes(),
    );
    for (i, p) in pages.iter().enumerate() {
        let first = 3 + 3 * i;
        let w = f64::from(p.width) * 72.0 / p.dpi;
        let h = f64::from(p.height) * 72.0 / p.dpi;
        obj(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.3} {h:.3}] \
                 /Resources << /XObject << /Im0 {} 0 R >> >> /Contents {} 0 R >>",
                first + 2,
                first + 1
            )
            .as_bytes(),
        );
        let content = format!("q {w:.3} 0 0 {h:.3} 0 0 cm /Im0 Do Q\n");
        obj(
            &mut out,
            &mut offsets,
            format!(
                "<< /Length {} >>\nstream\n{content}endstream",
                content.len()
            )
            .as_bytes(),
        );
        let mut body = format!(
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceRGB \
             /BitsPerComponent 8 /Filter /FlateDecode /Length {} >>\nstream\n",
            p.width,
            p.height,
            p.data.len()
        )
        .into_bytes();
        body.extend_from_slice(&p.data);
        body.extend_from_slice(b"\nendstream");
        obj(&mut out, &mut offsets, &body);
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for off in &offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Run `program` with `args` in `dir`, stopped after `timeout`.
fn run(program: &str, args: &[&str], dir: &Path, timeout: Duration) -> Result<Output, MediaError> {
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args.iter().map(OsStr::new))
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => unsupported(NEEDS_POPPLER),
            _ => unsupported("a poppler-utils program could not be started"),
        })?;
    let read = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            if let Some(p) = pipe {
                let _ = p.take(MAX_TOOL_OUTPUT).read_to_end(&mut v);
            }
            v
        })
    };
    let out = read(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = read(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(unsupported("waiting for a poppler-utils program failed"));
            }
        }
        if start.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            let _ = out.join();
            let _ = err.join();
            return Err(MediaError::DocumentLimit {
                format: DocFormat::Pdf,
                what: "milliseconds a poppler-utils program may run",
                limit: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
            });
        }
        std::thread::sleep(pause.min(timeout.saturating_sub(start.elapsed())));
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    Ok(Output {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BBOX: &str = r#"<head><title>&lt;page x</title></head>
<doc>
  <page width="595.000000" height="842.000000">
    <flow>
      <block xMin="72" yMin="60" xMax="182" yMax="75">
        <line xMin="72" yMin="60" xMax="182" yMax="75">
          <word xMin="72.000000" yMin="60.000000" xMax="138.000000" yMax="75.000000">Smith&amp;Co</word>
          <word xMin="143.0" yMin="60.0" xMax="182.0" yMax="75.0">Clinic</word>
        </line>
        <line xMin="72" yMin="80" xMax="182" yMax="95">
          <word xMin="72.0" yMin="80.0" xMax="90.0" yMax="95.0">Two</word>
        </line>
      </block>
      <block xMin="72" yMin="100" xMax="182" yMax="115">
        <line xMin="72" yMin="100" xMax="182" yMax="115">
          <word xMin="72.0" yMin="100.0" xMax="90.0" yMax="115.0">Three</word>
        </line>
      </block>
    </flow>
  </page>
  <page width="595.000000" height="842.000000">
  </page>
</doc>"#;

    #[test]
    fn bbox_words_lines_blocks_and_pixels() {
        let pages = parse_bbox(BBOX);
        assert_eq!(pages.len(), 2);
        assert!(pages[1].is_empty());
        let mut budget = 1000;
        let page = page_text(&pages[0], 150.0, &mut budget).unwrap();
        assert_eq!(page.text.expose(), "Smith&Co Clinic\nTwo\n\nThree");
        assert_eq!(
            page.words[0].region,
            Region {
                page: 0,
                x: 150,
                y: 125,
                w: 138,
                h: 32
            }
        );
        assert_eq!(page.words[2].line, 1);
        assert_eq!(page.words[3].line, 2);
        let mut small = 3;
        assert!(page_text(&pages[0], 150.0, &mut small).is_none());
    }

    #[test]
    fn info_lines_with_continuations() {
        let e = info_entries("Author:   A B\nTitle:    x: y\nsecond line\nCreationDate: Tue\n");
        assert_eq!(e[0], ("Author".into(), "A B".into()));
        assert_eq!(e[1], ("Title".into(), "x: y\nsecond line".into()));
        assert_eq!(e.len(), 3);
    }

    #[test]
    fn written_pdf_is_well_formed() {
        let pdf = write_pdf(&[RasterPage {
            width: 2,
            height: 1,
            dpi: 72.0,
            data: miniz_oxide::deflate::compress_to_vec_zlib(&[0; 6], 6),
        }]);
        assert!(is_pdf(&pdf));
        let at = memchr::memmem::rfind(&pdf, b"startxref\n").unwrap() + 10;
        let tail = std::str::from_utf8(&pdf[at..]).unwrap();
        let xref: usize = tail.lines().next().unwrap().parse().unwrap();
        let table = std::str::from_utf8(&pdf[xref..]).unwrap();
        assert!(table.starts_with("xref\n0 6\n"));
        for (k, line) in table.lines().skip(3).take(5).enumerate() {
            let off: usize = line[..10].parse().unwrap();
            assert!(
                pdf[off..].starts_with(format!("{} 0 obj", k + 1).as_bytes()),
                "{line}"
            );
        }
    }
}
