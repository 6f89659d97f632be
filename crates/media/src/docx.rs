//! DOCX: Office Open XML word-processing documents.
//!
//! A DOCX is a ZIP archive of XML parts. What identifies people, and where it lives:
//!
//! | where | what | reported as |
//! |---|---|---|
//! | `word/document.xml`, `header*.xml`, `footer*.xml`, `footnotes.xml`, `endnotes.xml`, `glossary/document.xml` | the text (`w:t`, DrawingML `a:t` in text boxes, field codes) | [`TextPart`](crate::TextPart)s `DOCX:body`, `DOCX:header`... |
//! | the same parts | tracked changes: `w:del`/`w:moveFrom` keep the deleted text (`w:delText`) in the file; `w:ins`, `w:del` and formatting changes carry `w:author` and `w:date` | part `DOCX:deleted`, MED006 `DOCX:deleted`; MED002 `DOCX:revision:author`; MED003 `DOCX:revision:date` |
//! | `word/comments.xml` | reviewers' comments, with `w:author`, `w:initials`, `w:date` | part `DOCX:comments`, MED004 `DOCX:comments`; MED002 `DOCX:comment:author`, `DOCX:comment:initials`; MED003 `DOCX:comment:date` |
//! | `word/people.xml` | the people who commented or edited (`w15:person w15:author`) | MED002 `DOCX:people:author` |
//! | `docProps/core.xml` | `dc:creator`, `cp:lastModifiedBy` (MED002); `dc:title`, `dc:subject`, `cp:keywords`, `dc:description`, `cp:category`, `cp:contentStatus`, `dc:identifier` (MED004); `dcterms:created`, `dcterms:modified`, `cp:lastPrinted` (MED003) | `DOCX:core:creator`... |
//! | `docProps/app.xml` | `Company`, `Manager` (MED002); `HyperlinkBase`, `TitlesOfParts` (MED004) | `DOCX:app:Company`... |
//! | `docProps/custom.xml` | custom properties (document-management systems put patient and case numbers here) | MED004 `DOCX:custom` |
//! | `word/media/*` | embedded pictures, with their own EXIF/XMP (GPS...) | the image findings, field `DOCX:word/media/NAME:EXIF:...` |
//! | shapes and pictures | alternative text (`wp:docPr descr`/`title`) | part `DOCX:alt-text` |
//!
//! The clean copy ([`clean`]): the comment parts (`comments*.xml`, `people.xml`) and
//! `docProps/custom.xml` are removed together with their relationships and content-type
//! overrides; comment anchors are removed from the text; tracked changes are accepted
//! (deletions and moved-from text dropped, insertions and moved-to text kept without their
//! revision marks, old formatting records dropped); the personal properties of `core.xml` and
//! `app.xml` are emptied and their dates removed; embedded JPEG, PNG and WebP pictures are
//! stripped of metadata; alternative text is removed from pictures and shapes. Every other
//! part is kept byte for byte. The archive is written anew:
//! entries keep their order and compression method (stored or deflated), but not their
//! timestamps, comments or extra fields, and the archive comment is dropped.
//!
//! Hostile archives: the end-of-central-directory records are checked before the `zip` crate
//! sees them (entry count, directory bounds); every entry name must be a plain relative path
//! (no `..`, no leading `/`, no backslash, no drive letter, no NUL) and unique; encrypted
//! entries and methods other than stored and deflate are refused; the declared decompressed
//! sizes must stay within [`DocLimits::max_unpacked_bytes`] in total and within
//! [`DocLimits::max_ratio`] of their compressed size; and every entry is inflated through a
//! reader that stops one byte past its declared size, so an entry that lies about its size
//! is caught at once. XML is parsed with `quick-xml`, which does not expand DTD entities
//! (no "billion laughs"); a part that is not well-formed UTF-8 XML is a typed error.

use std::collections::HashSet;
use std::io::{Cursor, Read, Write};

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use quick_xml::Writer;
use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::document::{DocFormat, DocLimits, Parts};
use crate::rules::{Class, Collector};
use crate::{Limits, MediaError};

const F: DocFormat = DocFormat::Docx;

/// WordprocessingML main namespaces (transitional and strict).
const W_NS: &[&str] = &[
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
];

/// Entries above this size must respect the compression-ratio limit (small XML parts can be
/// very repetitive).
const RATIO_FLOOR: u64 = 1 << 20;

/// Longest entry name accepted.
const MAX_NAME: usize = 1024;

/// True when `bytes` look like a DOCX: a ZIP archive naming `[Content_Types].xml` and
/// `word/document.xml`.
pub(crate) fn is_docx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        && memchr::memmem::find(bytes, b"[Content_Types].xml").is_some()
        && memchr::memmem::find(bytes, b"word/document.xml").is_some()
}

fn malformed(offset: usize, what: &'static str) -> MediaError {
    MediaError::DocumentMalformed {
        format: F,
        offset,
        what,
    }
}

fn limit(what: &'static str, limit: u64) -> MediaError {
    MediaError::DocumentLimit {
        format: F,
        what,
        limit,
    }
}

fn unsupported(what: &'static str) -> MediaError {
    MediaError::DocumentUnsupported { format: F, what }
}

/// The `zip` crate's error, in fixed words (its messages are not kept).
fn zip_error(e: ZipError) -> MediaError {
    match e {
        ZipError::UnsupportedArchive(_) => {
            unsupported("the archive uses a ZIP feature that is not supported (multi-disk, encryption or an unusual compression method)")
        }
        ZipError::InvalidPassword => unsupported("the archive is encrypted"),
        _ => malformed(0, "the ZIP structure is invalid"),
    }
}

fn le16(b: &[u8], at: usize) -> u64 {
    u64::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn le32(b: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]))
}

fn le64(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}

/// Check every end-of-central-directory record in the archive's tail before the `zip` crate
/// trusts one: the entry count within the limit, the directory inside the file.
fn precheck(bytes: &[u8], limits: &DocLimits) -> Result<(), MediaError> {
    let tail_start = bytes.len().saturating_sub(22 + 65_535);
    let tail = &bytes[tail_start..];
    let mut found = false;
    for rel in memchr::memmem::find_iter(tail, b"PK\x05\x06") {
        let at = tail_start + rel;
        if at + 22 > bytes.len() {
            continue;
        }
        found = true;
        let mut entries = le16(bytes, at + 10);
        let mut cd_size = le32(bytes, at + 12);
        let mut cd_offset = le32(bytes, at + 16);
        let mut end = at as u64;
        if entries == 0xFFFF || cd_size == 0xFFFF_FFFF || cd_offset == 0xFFFF_FFFF {
            // ZIP64: the locator sits just before this record.
            if at >= 20 && &bytes[at - 20..at - 16] == b"PK\x06\x07" {
                let z = le64(bytes, at - 12);
                if z.checked_add(56).is_none_or(|e| e > bytes.len() as u64) {
                    return Err(malformed(at, "the ZIP64 directory lies outside the file"));
                }
                let z = z as usize;
                if &bytes[z..z + 4] != b"PK\x06\x06" {
                    return Err(malformed(z, "the ZIP64 directory record is missing"));
                }
                entries = le64(bytes, z + 32);
                cd_size = le64(bytes, z + 40);
                cd_offset = le64(bytes, z + 48);
                end = z as u64;
            }
        }
        if entries > limits.max_entries as u64 {
            return Err(limit("entries in the archive", limits.max_entries as u64));
        }
        if cd_offset.checked_add(cd_size).is_none_or(|e| e > end) {
            return Err(malformed(at, "the central directory lies outside the file"));
        }
    }
    if !found {
        return Err(MediaError::DocumentTruncated {
            format: F,
            offset: bytes.len(),
            inside: "the ZIP archive (no central directory)",
        });
    }
    Ok(())
}

/// A plain relative path: no traversal, no absolute path, no backslash or drive letter.
fn name_is_safe(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.contains('\0')
        && !name.contains(':')
        && name.split('/').all(|seg| seg != ".." && seg != ".")
}

/// An opened, checked archive.
struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    entries: Vec<Entry>,
    /// Decompressed bytes still allowed in this pass.
    budget: u64,
}

struct Entry {
    name: String,
    stored: bool,
    dir: bool,
    offset: usize,
}

fn open<'a>(bytes: &'a [u8], limits: &DocLimits) -> Result<Archive<'a>, MediaError> {
    precheck(bytes, limits)?;
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    if zip.len() > limits.max_entries {
        return Err(limit("entries in the archive", limits.max_entries as u64));
    }
    let mut entries = Vec::with_capacity(zip.len());
    let mut seen = HashSet::new();
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let e = zip.by_index_raw(i).map_err(zip_error)?;
        let offset = usize::try_from(e.header_start()).unwrap_or(usize::MAX);
        let name = e
            .name()
            .map_err(|_| malformed(offset, "an entry name is not valid UTF-8"))?
            .to_string();
        if !name_is_safe(&name) {
            return Err(malformed(
                offset,
                "an entry name is not a plain relative path (path traversal)",
            ));
        }
        if !seen.insert(name.to_ascii_lowercase()) {
            return Err(malformed(offset, "two entries have the same name"));
        }
        if e.encrypted() {
            return Err(unsupported("the archive is encrypted"));
        }
        let stored = match e.compression() {
            CompressionMethod::Stored => true,
            CompressionMethod::Deflated => false,
            _ => {
                return Err(unsupported(
                    "an entry uses a compression method other than deflate",
                ))
            }
        };
        let size = e.size();
        total = total.saturating_add(size);
        if total > limits.max_unpacked_bytes {
            return Err(limit("decompressed bytes", limits.max_unpacked_bytes));
        }
        if size > RATIO_FLOOR && size / e.compressed_size().max(1) > limits.max_ratio {
            return Err(limit("compression ratio of an entry", limits.max_ratio));
        }
        entries.push(Entry {
            name,
            stored,
            dir: e.is_dir(),
            offset,
        });
    }
    Ok(Archive {
        zip,
        entries,
        budget: limits.max_unpacked_bytes,
    })
}

impl Archive<'_> {
    fn index(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.name == name)
    }

    /// Inflate entry `i`, never past its declared size nor the pass's budget.
    fn read(&mut self, i: usize) -> Result<Vec<u8>, MediaError> {
        let offset = self.entries[i].offset;
        let mut f = self.zip.by_index(i).map_err(zip_error)?;
        let declared = f.size();
        if declared > self.budget {
            return Err(limit("decompressed bytes", self.budget));
        }
        let mut out = Vec::with_capacity(declared.min(1 << 20) as usize);
        (&mut f)
            .take(declared + 1)
            .read_to_end(&mut out)
            .map_err(|_| {
                malformed(
                    offset,
                    "an entry cannot be decompressed (damaged data or a wrong checksum)",
                )
            })?;
        let got = out.len() as u64;
        if got > declared {
            return Err(malformed(
                offset,
                "an entry inflates to more than its declared size (a zip bomb)",
            ));
        }
        if got < declared {
            return Err(malformed(
                offset,
                "an entry inflates to less than its declared size",
            ));
        }
        self.budget -= got;
        Ok(out)
    }

    fn read_xml(&mut self, i: usize) -> Result<String, MediaError> {
        let data = self.read(i)?;
        let mut s = String::from_utf8(data).map_err(|_| {
            unsupported("an XML part is not UTF-8 (UTF-16 parts are not supported)")
        })?;
        if s.starts_with('\u{feff}') {
            s.drain(..3);
        }
        Ok(s)
    }
}

/// What a part of the archive is, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartKind {
    /// WordprocessingML with text, and the name of its text part.
    Text(&'static str),
    Comments,
    Core,
    App,
    Custom,
    People,
    Media,
    Rels,
    ContentTypes,
    Other,
}

fn part_kind(name: &str) -> PartKind {
    let numbered = |prefix: &str| {
        name.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(".xml"))
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    };
    match name {
        "word/document.xml" => PartKind::Text("DOCX:body"),
        "word/footnotes.xml" => PartKind::Text("DOCX:footnotes"),
        "word/endnotes.xml" => PartKind::Text("DOCX:endnotes"),
        "word/glossary/document.xml" => PartKind::Text("DOCX:glossary"),
        "word/comments.xml" => PartKind::Comments,
        "docProps/core.xml" => PartKind::Core,
        "docProps/app.xml" => PartKind::App,
        "docProps/custom.xml" => PartKind::Custom,
        "word/people.xml" => PartKind::People,
        "[Content_Types].xml" => PartKind::ContentTypes,
        _ if numbered("word/header") => PartKind::Text("DOCX:header"),
        _ if numbered("word/footer") => PartKind::Text("DOCX:footer"),
        _ if name.ends_with(".rels") => PartKind::Rels,
        _ if name.starts_with("word/media/") => PartKind::Media,
        _ => PartKind::Other,
    }
}

/// Parts the clean copy leaves out: comments and the people who wrote them, and custom
/// properties.
fn removed_in_clean(name: &str) -> bool {
    matches!(
        name,
        "word/comments.xml"
            | "word/commentsExtended.xml"
            | "word/commentsIds.xml"
            | "word/commentsExtensible.xml"
            | "word/people.xml"
            | "docProps/custom.xml"
    ) || matches!(
        name,
        "word/_rels/comments.xml.rels"
            | "word/_rels/commentsExtended.xml.rels"
            | "word/_rels/people.xml.rels"
            | "docProps/_rels/custom.xml.rels"
    )
}

fn xml_error(part_offset: usize) -> MediaError {
    malformed(part_offset, "an XML part is not well-formed")
}

fn is_w(ns: &ResolveResult<'_>) -> bool {
    matches!(ns, ResolveResult::Bound(n) if W_NS.contains(&n.0))
}

fn local<'a>(e: &'a BytesStart<'_>) -> &'a str {
    let n = e.name();
    let full: &str = n.0;
    match full.rfind(':') {
        Some(i) => &full[i + 1..],
        None => full,
    }
}

/// An attribute's unescaped value by local name.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    for a in e.attributes().with_checks(false).flatten() {
        let k: &str = a.key.0;
        let l = k.rsplit(':').next().unwrap_or(k);
        if l == name && !k.starts_with("xmlns") {
            return a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned());
        }
    }
    None
}

/// Resolve a general entity reference (`&amp;`, `&#233;`) to text; unknown entities (a DTD
/// is never read) resolve to nothing.
fn resolve_ref(r: &str) -> Option<String> {
    if let Some(num) = r.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse().ok()?
        };
        return char::from_u32(code).map(String::from);
    }
    quick_xml::escape::resolve_predefined_entity(r).map(str::to_string)
}

/// Walk a WordprocessingML part: its text into `parts`, revision and comment authors and dates
/// into `c`.
fn walk_text(
    xml: &str,
    offset: usize,
    part: &'static str,
    comments: bool,
    c: &mut Collector,
    parts: &mut Parts,
) -> Result<(), MediaError> {
    let mut r = NsReader::from_str(xml);
    let mut in_text = false;
    let mut del_depth = 0usize;
    let mut saw_del = false;
    let mut saw_comment = false;
    loop {
        let (ns, ev) = r.read_resolved_event().map_err(|_| xml_error(offset))?;
        let w = is_w(&ns);
        let target = |d: usize| if d > 0 { "DOCX:deleted" } else { part };
        match ev {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let start = matches!(ev, Event::Start(_));
                let name = local(e);
                match name {
                    "t" | "delText" | "instrText" | "delInstrText" if start => in_text = true,
                    "del" | "moveFrom" if w && start => {
                        del_depth += 1;
                        saw_del = true;
                    }
                    "tab" if w => parts.push(target(del_depth), "\t"),
                    "br" | "cr" if w => parts.push(target(del_depth), "\n"),
                    "docPr" | "cNvPr" => {
                        for a in ["descr", "title"] {
                            if let Some(v) = attr(e, a) {
                                if !v.trim().is_empty() {
                                    parts.push("DOCX:alt-text", &v);
                                    parts.push("DOCX:alt-text", "\n");
                                }
                            }
                        }
                    }
                    "comment" if w && comments && start => saw_comment = true,
                    _ => {}
                }
                if w {
                    let in_comment = comments && name == "comment";
                    if let Some(author) = attr(e, "author") {
                        if in_comment {
                            c.field(
                                Class::Identity,
                                "DOCX:comment:author",
                                "the name of a comment's author",
                                Some(&author),
                            );
                        } else {
                            c.field(
                                Class::Identity,
                                "DOCX:revision:author",
                                "the name of the author of a tracked change",
                                Some(&author),
                            );
                        }
                    }
                    if in_comment {
                        if let Some(i) = attr(e, "initials") {
                            c.field(
                                Class::Identity,
                                "DOCX:comment:initials",
                                "the initials of a comment's author",
                                Some(&i),
                            );
                        }
                    }
                    if let Some(d) = attr(e, "date") {
                        if in_comment {
                            c.field(
                                Class::Date,
                                "DOCX:comment:date",
                                "the date of a comment",
                                Some(&d),
                            );
                        } else {
                            c.field(
                                Class::Date,
                                "DOCX:revision:date",
                                "the date of a tracked change",
                                Some(&d),
                            );
                        }
                    }
                }
            }
            Event::End(ref e) => {
                let n = e.name();
                let full: &str = n.0;
                let name = full.rsplit(':').next().unwrap_or(full);
                match name {
                    "t" | "delText" | "instrText" | "delInstrText" => in_text = false,
                    "del" | "moveFrom" if w => {
                        del_depth = del_depth.saturating_sub(1);
                        if !matches!(parts.last_char("DOCX:deleted"), None | Some(' ' | '\n')) {
                            parts.push("DOCX:deleted", " ");
                        }
                    }
                    "p" => {
                        parts.push(target(del_depth), "\n");
                        if del_depth == 0
                            && !matches!(parts.last_char("DOCX:deleted"), None | Some('\n'))
                        {
                            parts.push("DOCX:deleted", "\n");
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(ref t) if in_text => {
                parts.push(target(del_depth), &t.xml10_content());
            }
            Event::CData(ref t) if in_text => {
                let s: &str = t;
                parts.push(target(del_depth), s);
            }
            Event::GeneralRef(ref g) if in_text => {
                if let Some(s) = resolve_ref(g) {
                    parts.push(target(del_depth), &s);
                }
            }
            _ => {}
        }
    }
    if saw_del {
        c.field(
            Class::Hidden,
            "DOCX:deleted",
            "text deleted with change tracking on, still kept in the file",
            None,
        );
    }
    if saw_comment {
        c.field(Class::Text, "DOCX:comments", "reviewers' comments", None);
    }
    Ok(())
}

/// Property parts: `core.xml`, `app.xml`, `custom.xml`: report the text of their children.
fn walk_props(
    xml: &str,
    offset: usize,
    kind: PartKind,
    c: &mut Collector,
) -> Result<(), MediaError> {
    let mut r = NsReader::from_str(xml);
    let mut depth = 0usize;
    let mut current: Option<String> = None;
    let mut value = String::new();
    let mut in_titles = false;
    loop {
        let (_, ev) = r.read_resolved_event().map_err(|_| xml_error(offset))?;
        match ev {
            Event::Eof => break,
            Event::Start(ref e) => {
                depth += 1;
                let name = local(e).to_string();
                if depth == 2 {
                    in_titles = name == "TitlesOfParts";
                    current = Some(name);
                    value.clear();
                } else if in_titles && name == "lpstr" {
                    value.push('\n');
                }
            }
            Event::End(_) => {
                if depth == 2 {
                    if let Some(name) = current.take() {
                        report_prop(kind, &name, &value, c);
                    }
                    in_titles = false;
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(ref t) if current.is_some() => value.push_str(&t.xml10_content()),
            Event::CData(ref t) if current.is_some() => {
                let s: &str = t;
                value.push_str(s);
            }
            Event::GeneralRef(ref g) if current.is_some() => {
                if let Some(s) = resolve_ref(g) {
                    value.push_str(&s);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn report_prop(kind: PartKind, name: &str, value: &str, c: &mut Collector) {
    let v = Some(value);
    match kind {
        PartKind::Core => {
            let (class, field, what) = match name {
                "creator" => (
                    Class::Identity,
                    "DOCX:core:creator",
                    "the document's author",
                ),
                "lastModifiedBy" => (
                    Class::Identity,
                    "DOCX:core:lastModifiedBy",
                    "the name of the last person to edit",
                ),
                "title" => (Class::Text, "DOCX:core:title", "a title"),
                "subject" => (Class::Text, "DOCX:core:subject", "a subject"),
                "keywords" => (Class::Text, "DOCX:core:keywords", "keywords"),
                "description" => (Class::Text, "DOCX:core:description", "a description"),
                "category" => (Class::Text, "DOCX:core:category", "a category"),
                "contentStatus" => (Class::Text, "DOCX:core:contentStatus", "a status"),
                "identifier" => (Class::Text, "DOCX:core:identifier", "an identifier"),
                "created" => (Class::Date, "DOCX:core:created", "the creation date"),
                "modified" => (Class::Date, "DOCX:core:modified", "the date last modified"),
                "lastPrinted" => (
                    Class::Date,
                    "DOCX:core:lastPrinted",
                    "the date last printed",
                ),
                _ => return,
            };
            c.field(class, field, what, v);
        }
        PartKind::App => {
            let (class, field, what) = match name {
                "Company" => (Class::Identity, "DOCX:app:Company", "the company"),
                "Manager" => (Class::Identity, "DOCX:app:Manager", "the manager's name"),
                "HyperlinkBase" => (Class::Text, "DOCX:app:HyperlinkBase", "a link base"),
                "TitlesOfParts" => (Class::Text, "DOCX:app:TitlesOfParts", "the title"),
                _ => return,
            };
            c.field(class, field, what, v);
        }
        PartKind::Custom => c.field(Class::Text, "DOCX:custom", "custom properties", v),
        _ => {}
    }
}

fn walk_people(xml: &str, offset: usize, c: &mut Collector) -> Result<(), MediaError> {
    let mut r = NsReader::from_str(xml);
    loop {
        let (_, ev) = r.read_resolved_event().map_err(|_| xml_error(offset))?;
        match ev {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) if local(e) == "person" => {
                if let Some(a) = attr(e, "author") {
                    c.field(
                        Class::Identity,
                        "DOCX:people:author",
                        "the name of a reviewer",
                        Some(&a),
                    );
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Report what the document holds: see the module docs.
pub(crate) fn inspect(
    bytes: &[u8],
    limits: &DocLimits,
    c: &mut Collector,
    parts: &mut Parts,
) -> Result<(), MediaError> {
    let mut a = open(bytes, limits)?;
    if a.index("word/document.xml").is_none() || a.index("[Content_Types].xml").is_none() {
        return Err(malformed(0, "the archive has no word/document.xml"));
    }
    // Body first, so that the text parts come out in reading order.
    let mut order: Vec<usize> = (0..a.entries.len()).collect();
    order.sort_by_key(|&i| match part_kind(&a.entries[i].name) {
        PartKind::Text("DOCX:body") => 0,
        PartKind::Text("DOCX:header") => 1,
        PartKind::Text("DOCX:footer") => 2,
        PartKind::Text(_) => 3,
        PartKind::Comments => 4,
        _ => 5,
    });
    let image_limits = Limits {
        max_bytes: limits.max_bytes,
        ..Limits::default()
    };
    for i in order {
        if a.entries[i].dir {
            continue;
        }
        let offset = a.entries[i].offset;
        match part_kind(&a.entries[i].name) {
            PartKind::Text(part) => {
                let xml = a.read_xml(i)?;
                walk_text(&xml, offset, part, false, c, parts)?;
            }
            PartKind::Comments => {
                let xml = a.read_xml(i)?;
                walk_text(&xml, offset, "DOCX:comments", true, c, parts)?;
            }
            k @ (PartKind::Core | PartKind::App | PartKind::Custom) => {
                let xml = a.read_xml(i)?;
                walk_props(&xml, offset, k, c)?;
            }
            PartKind::People => {
                let xml = a.read_xml(i)?;
                walk_people(&xml, offset, c)?;
            }
            PartKind::Media => {
                let data = a.read(i)?;
                if crate::detect(&data).is_none() {
                    continue;
                }
                // A damaged picture inside a sound document is not the document's error.
                let Ok(ins) = crate::inspect(&data, &image_limits) else {
                    continue;
                };
                let prefix = format!("DOCX:{}:", a.entries[i].name);
                for mut f in ins.findings {
                    f.field = f.field.map(|fl| format!("{prefix}{fl}"));
                    f.message = format!("{} (in an embedded picture)", f.message);
                    c.findings.push(f);
                }
                for mut t in ins.texts {
                    t.field = format!("{prefix}{}", t.field);
                    c.texts.push(t);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// What to do with an element while rewriting a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Act {
    /// Write it.
    Keep,
    /// Drop its tags, keep its content (accepting an insertion).
    Unwrap,
    /// Drop it and everything inside it.
    Skip,
    /// Keep its tags, drop its content (a blanked property).
    Blank,
    /// Keep it without its alternative text (`descr`, `title`).
    NoAltText,
}

/// Attributes holding alternative text, dropped from pictures and shapes in the clean copy.
const ALT_ATTRS: &[&str] = &["descr", "title"];

/// A copy of `e` without its alternative-text attributes.
fn without_alt_text(e: &BytesStart<'_>) -> BytesStart<'static> {
    let name: &str = e.name().0;
    let mut out = BytesStart::new(name.to_string());
    for a in e.attributes().with_checks(false).flatten() {
        let k: &str = a.key.0;
        let l = k.rsplit(':').next().unwrap_or(k);
        if !ALT_ATTRS.contains(&l) {
            out.push_attribute(a);
        }
    }
    out
}

/// Rewrite an XML part event by event; `decide` sees every start and empty element with
/// whether it is in the WordprocessingML namespace.
fn rewrite(
    xml: &str,
    offset: usize,
    mut decide: impl FnMut(&BytesStart<'_>, bool) -> Act,
) -> Result<Vec<u8>, MediaError> {
    let mut r = NsReader::from_str(xml);
    let mut w = Writer::new(Vec::with_capacity(xml.len()));
    // For each open element: whether its end tag is dropped.
    let mut stack: Vec<bool> = Vec::new();
    let mut skip = 0usize;
    let mut blank = 0usize;
    let werr = |_| malformed(offset, "an XML part cannot be rewritten");
    loop {
        let (ns, ev) = r.read_resolved_event().map_err(|_| xml_error(offset))?;
        let in_w = is_w(&ns);
        if matches!(ev, Event::Eof) {
            break;
        }
        if skip > 0 {
            match ev {
                Event::Start(_) => skip += 1,
                Event::End(_) => skip -= 1,
                _ => {}
            }
            continue;
        }
        if blank > 0 {
            match ev {
                Event::Start(_) => blank += 1,
                Event::End(_) => {
                    blank -= 1;
                    if blank == 0 {
                        stack.pop();
                        w.write_event(ev).map_err(werr)?;
                    }
                }
                _ => {}
            }
            continue;
        }
        match ev {
            Event::Start(ref e) => match decide(e, in_w) {
                Act::Keep => {
                    stack.push(false);
                    w.write_event(ev).map_err(werr)?;
                }
                Act::Unwrap => stack.push(true),
                Act::Skip => skip = 1,
                Act::Blank => {
                    stack.push(false);
                    blank = 1;
                    w.write_event(ev).map_err(werr)?;
                }
                Act::NoAltText => {
                    stack.push(false);
                    w.write_event(Event::Start(without_alt_text(e)))
                        .map_err(werr)?;
                }
            },
            Event::Empty(ref e) => match decide(e, in_w) {
                Act::Keep | Act::Blank => w.write_event(ev).map_err(werr)?,
                Act::NoAltText => w
                    .write_event(Event::Empty(without_alt_text(e)))
                    .map_err(werr)?,
                Act::Unwrap | Act::Skip => {}
            },
            Event::End(_) => {
                if !stack.pop().unwrap_or(false) {
                    w.write_event(ev).map_err(werr)?;
                }
            }
            _ => w.write_event(ev).map_err(werr)?,
        }
    }
    Ok(w.into_inner())
}

/// Revision and comment markup dropped with its content when changes are accepted.
const SKIP_W: &[&str] = &[
    "del",
    "moveFrom",
    "delText",
    "delInstrText",
    "rPrChange",
    "pPrChange",
    "sectPrChange",
    "tblPrChange",
    "tblPrExChange",
    "trPrChange",
    "tcPrChange",
    "tblGridChange",
    "numberingChange",
    "commentRangeStart",
    "commentRangeEnd",
    "commentReference",
    "moveFromRangeStart",
    "moveFromRangeEnd",
    "moveToRangeStart",
    "moveToRangeEnd",
    "cellIns",
    "cellDel",
    "cellMerge",
    "customXmlDelRangeStart",
    "customXmlDelRangeEnd",
    "customXmlInsRangeStart",
    "customXmlInsRangeEnd",
    "customXmlMoveFromRangeStart",
    "customXmlMoveFromRangeEnd",
    "customXmlMoveToRangeStart",
    "customXmlMoveToRangeEnd",
];

fn clean_text_part(xml: &str, offset: usize) -> Result<Vec<u8>, MediaError> {
    rewrite(xml, offset, |e, w| {
        let name = local(e);
        if !w {
            return if name == "docPr" || name == "cNvPr" {
                Act::NoAltText
            } else {
                Act::Keep
            };
        }
        if SKIP_W.contains(&name) {
            Act::Skip
        } else if name == "ins" || name == "moveTo" {
            Act::Unwrap
        } else {
            Act::Keep
        }
    })
}

fn clean_core(xml: &str, offset: usize) -> Result<Vec<u8>, MediaError> {
    rewrite(xml, offset, |e, _| match local(e) {
        "creator" | "lastModifiedBy" | "title" | "subject" | "keywords" | "description"
        | "category" | "contentStatus" | "identifier" => Act::Blank,
        "created" | "modified" | "lastPrinted" => Act::Skip,
        _ => Act::Keep,
    })
}

fn clean_app(xml: &str, offset: usize) -> Result<Vec<u8>, MediaError> {
    let mut in_titles = false;
    rewrite(xml, offset, |e, _| match local(e) {
        "Company" | "Manager" | "HyperlinkBase" => Act::Blank,
        "TitlesOfParts" => {
            in_titles = true;
            Act::Keep
        }
        "HeadingPairs" | "Properties" => {
            in_titles = false;
            Act::Keep
        }
        "lpstr" if in_titles => Act::Blank,
        _ => Act::Keep,
    })
}

/// The part a relationship target names, relative to the part that owns the `.rels` file.
fn resolve_target(rels_name: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    // `word/_rels/document.xml.rels` belongs to `word/document.xml`: base `word/`.
    let base = match rels_name.rfind("_rels/") {
        Some(i) => &rels_name[..i],
        None => "",
    };
    let mut segs: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for s in target.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    segs.join("/")
}

fn clean_rels(xml: &str, offset: usize, rels_name: &str) -> Result<Vec<u8>, MediaError> {
    rewrite(xml, offset, |e, _| {
        if local(e) != "Relationship" {
            return Act::Keep;
        }
        if attr(e, "TargetMode").is_some_and(|m| m == "External") {
            return Act::Keep;
        }
        match attr(e, "Target") {
            Some(t) if removed_in_clean(&resolve_target(rels_name, &t)) => Act::Skip,
            _ => Act::Keep,
        }
    })
}

fn clean_content_types(xml: &str, offset: usize) -> Result<Vec<u8>, MediaError> {
    rewrite(xml, offset, |e, _| {
        if local(e) != "Override" {
            return Act::Keep;
        }
        match attr(e, "PartName") {
            Some(p) if removed_in_clean(p.trim_start_matches('/')) => Act::Skip,
            _ => Act::Keep,
        }
    })
}

/// The clean copy: see the module docs.
pub(crate) fn clean(bytes: &[u8], limits: &DocLimits) -> Result<Vec<u8>, MediaError> {
    let mut a = open(bytes, limits)?;
    if a.index("word/document.xml").is_none() || a.index("[Content_Types].xml").is_none() {
        return Err(malformed(0, "the archive has no word/document.xml"));
    }
    let image_limits = Limits {
        max_bytes: limits.max_bytes,
        ..Limits::default()
    };
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len())));
    let werr = |_| malformed(0, "the clean archive cannot be written");
    for i in 0..a.entries.len() {
        let (name, offset, stored, dir) = {
            let e = &a.entries[i];
            (e.name.clone(), e.offset, e.stored, e.dir)
        };
        if dir || removed_in_clean(&name) {
            continue;
        }
        let data = match part_kind(&name) {
            PartKind::Text(_) => clean_text_part(&a.read_xml(i)?, offset)?,
            PartKind::Core => clean_core(&a.read_xml(i)?, offset)?,
            PartKind::App => clean_app(&a.read_xml(i)?, offset)?,
            PartKind::Rels => clean_rels(&a.read_xml(i)?, offset, &name)?,
            PartKind::ContentTypes => clean_content_types(&a.read_xml(i)?, offset)?,
            PartKind::Media => {
                let data = a.read(i)?;
                match crate::detect(&data) {
                    Some(f) if f.can_strip() => crate::strip(&data, &image_limits).unwrap_or(data),
                    _ => data,
                }
            }
            _ => a.read(i)?,
        };
        let method = if stored {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(DateTime::default())
            .large_file(data.len() as u64 >= u64::from(u32::MAX));
        out.start_file(name.as_str(), options).map_err(werr)?;
        out.write_all(&data)
            .map_err(|_| malformed(0, "the clean archive cannot be written"))?;
    }
    Ok(out.finish().map_err(werr)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        for bad in [
            "../evil.xml",
            "/etc/passwd",
            "word/../../x",
            "C:/x",
            "a\\b",
            "",
            "word/./x",
        ] {
            assert!(!name_is_safe(bad), "{bad}");
        }
        assert!(name_is_safe("word/document.xml"));
        assert!(name_is_safe("[Content_Types].xml"));
    }

    #[test]
    fn relationship_targets_resolve() {
        assert_eq!(
            resolve_target("word/_rels/document.xml.rels", "comments.xml"),
            "word/comments.xml"
        );
        assert_eq!(
            resolve_target("_rels/.rels", "docProps/custom.xml"),
            "docProps/custom.xml"
        );
        assert_eq!(
            resolve_target("word/_rels/document.xml.rels", "../docProps/custom.xml"),
            "docProps/custom.xml"
        );
        assert_eq!(
            resolve_target("word/_rels/document.xml.rels", "/word/people.xml"),
            "word/people.xml"
        );
    }

    #[test]
    fn tracked_changes_are_accepted() {
        let xml = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>keep</w:t></w:r><w:del w:author="A"><w:r><w:delText>gone</w:delText></w:r></w:del><w:ins w:author="B"><w:r><w:t> added</w:t></w:r></w:ins><w:commentRangeStart w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p></w:body></w:document>"#;
        let out = String::from_utf8(clean_text_part(xml, 0).unwrap()).unwrap();
        assert!(!out.contains("gone") && !out.contains("w:author"), "{out}");
        assert!(out.contains("<w:t>keep</w:t>") && out.contains("<w:t> added</w:t>"));
        assert!(!out.contains("comment"), "{out}");
    }
}
