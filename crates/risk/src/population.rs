//! The compiled-in population tables (built by `cargo xtask data` into `data/population.bin`).
//!
//! - ONS mid-2020 population estimates by area (UK, nations, regions, counties, local
//!   authorities) × sex × single year of age (0..=89 and 90+);
//! - GP practice lists (NHS England, July 2026) by sex × 5-year band (0-4 … 95+), with the
//!   practice's code, name and postcode, and its QOF 2024-25 disease registers;
//! - England QOF prevalence per register;
//! - 2011 Census usual residents per postcode sector and district (England and Wales);
//! - ONS towns (2011 built-up areas of 5,000 to about 1 million people, England and Wales).
//!
//! Nothing is parsed at start-up: the first call checks the header and resolves the section
//! offsets (a few hundred nanoseconds); every lookup then reads fixed-size little-endian records
//! in place (binary search on sorted keys, or a linear scan for name matches).
//!
//! Format (see `xtask/src/population.rs`, which writes it):
//!
//! ```text
//! header   "CPPO" | u32 version (1) | u32 n_sections
//!          n_sections × { [u8; 4] tag | u32 offset | u32 count | u32 record_size }
//! STRS     string pool; a string reference is u32 offset + u16 length
//! AREA     [u8; 9] code | u8 kind | name | normalised name | 2 × 91 × u32 (F then M; 90 = 90+)
//! PRAC     [u8; 6] code | [u8; 8] postcode | name | normalised name | 2 × 20 × u16 bands |
//!          21 × u16 QOF registers | 6 × u32 QOF denominators (TOTAL 06OV 16OV 17OV 18OV 50OV)
//! QOFE     [u8; 4] group | name | u32 register | u32 denominator | u8 list type
//! PSEC     [u8; 8] sector key | u32 residents          (sorted by key)
//! PDIS     [u8; 8] district key | u32 residents        (sorted by key)
//! TOWN     normalised name | name | u32 population     (sorted by normalised name)
//! ```

use std::sync::OnceLock;

use crate::detail::{AgeRange, Sex};

static BYTES: &[u8] = include_bytes!("../../../data/population.bin");

/// Registered patients exceed residents (duplicate and ghost registrations: 63.4 M registered in
/// England against about 57–59 M residents), so a practice list overstates the real people on it.
/// The model scales list sizes by this factor (RISK-MODEL §3.9).
pub const LIST_INFLATION: f64 = 0.93;

/// Share of an open top band (90+ or 95+) at each year above its start, before normalising:
/// survivors fall by about this ratio a year at those ages.
const OPEN_BAND_DECAY: f64 = 0.72;

/// The oldest age considered.
pub const MAX_AGE: u8 = 120;

/// QOF denominator types, in stored order.
pub const QOF_LIST_TYPES: [&str; 6] = ["TOTAL", "06OV", "16OV", "17OV", "18OV", "50OV"];

const AREA_KINDS: [&str; 10] = [
    "Country",
    "Region",
    "County",
    "Metropolitan County",
    "Non-metropolitan District",
    "Unitary Authority",
    "Metropolitan District",
    "London Borough",
    "Council Area",
    "Local Government District",
];

#[derive(Clone, Copy, Default)]
struct Section {
    off: usize,
    count: usize,
    rec: usize,
}

struct Tables {
    bytes: &'static [u8],
    strs: Section,
    area: Section,
    prac: Section,
    qofe: Section,
    psec: Section,
    pdis: Section,
    town: Section,
}

fn u16_at(b: &[u8], i: usize) -> u16 {
    u16::from_le_bytes([b[i], b[i + 1]])
}

fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

impl Tables {
    fn parse(bytes: &'static [u8]) -> Result<Tables, String> {
        if bytes.len() < 12 || &bytes[..4] != b"CPPO" {
            return Err("not a population table (bad magic)".into());
        }
        if u32_at(bytes, 4) != 1 {
            return Err("unsupported population table version".into());
        }
        let n = u32_at(bytes, 8) as usize;
        let mut t = Tables {
            bytes,
            strs: Section::default(),
            area: Section::default(),
            prac: Section::default(),
            qofe: Section::default(),
            psec: Section::default(),
            pdis: Section::default(),
            town: Section::default(),
        };
        let expect: [(&[u8; 4], usize); 7] = [
            (b"STRS", 1),
            (b"AREA", 9 + 1 + 12 + 2 * 91 * 4),
            (b"PRAC", 6 + 8 + 12 + 80 + 42 + 24),
            (b"QOFE", 4 + 6 + 4 + 4 + 1),
            (b"PSEC", 12),
            (b"PDIS", 12),
            (b"TOWN", 16),
        ];
        if n != expect.len() || bytes.len() < 12 + n * 16 {
            return Err("population table: bad section count".into());
        }
        for (i, (tag, rec)) in expect.iter().enumerate() {
            let h = 12 + i * 16;
            if &bytes[h..h + 4] != *tag || u32_at(bytes, h + 12) as usize != *rec {
                return Err(format!(
                    "population table: section {} malformed",
                    String::from_utf8_lossy(*tag)
                ));
            }
            let s = Section {
                off: u32_at(bytes, h + 4) as usize,
                count: u32_at(bytes, h + 8) as usize,
                rec: *rec,
            };
            if s.off + s.count * s.rec > bytes.len() {
                return Err("population table: section out of bounds".into());
            }
            match i {
                0 => t.strs = s,
                1 => t.area = s,
                2 => t.prac = s,
                3 => t.qofe = s,
                4 => t.psec = s,
                5 => t.pdis = s,
                _ => t.town = s,
            }
        }
        Ok(t)
    }

    fn rec(&self, s: Section, i: usize) -> &'static [u8] {
        let a = s.off + i * s.rec;
        &self.bytes[a..a + s.rec]
    }

    fn str_ref(&self, r: &[u8]) -> &'static str {
        let off = self.strs.off + u32_at(r, 0) as usize;
        let len = u16_at(r, 4) as usize;
        std::str::from_utf8(&self.bytes[off..off + len]).unwrap_or("")
    }

    /// Binary search over a section whose records start with a sorted fixed-width key.
    fn find(&self, s: Section, key: &[u8]) -> Option<usize> {
        let (mut lo, mut hi) = (0, s.count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.rec(s, mid)[..key.len()].cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| Tables::parse(BYTES).expect("data/population.bin is valid"))
}

/// Checks the compiled-in table's header; `Err` says what is wrong.
pub fn check() -> Result<(), String> {
    Tables::parse(BYTES).map(|_| ())
}

/// The lookup key of a name: maximal runs of alphanumeric characters, lower-cased, joined by
/// one space — the lexicon's key rule, which the builder also follows.
pub fn normalise(s: &str) -> String {
    let mut buf = String::with_capacity(s.len());
    clinpost_rules::lexicon::normalise_key(s, &mut buf);
    buf
}

fn padded<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() > N || !s.is_ascii() {
        return None;
    }
    let mut out = [b' '; N];
    out[..s.len()].copy_from_slice(s.as_bytes());
    Some(out)
}

/// Upper case with single spaces ("ts18  1hu" → "TS18 1HU"); a postcode written without its
/// space ("TS181HU") gets one before the inward code.
pub fn postcode_key(s: &str) -> String {
    let joined = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase();
    if !joined.contains(' ') && (5..=7).contains(&joined.len()) {
        let (out, inw) = joined.split_at(joined.len() - 3);
        if inw.as_bytes()[0].is_ascii_digit() {
            return format!("{out} {inw}");
        }
    }
    joined
}

/// Where a base population's age × sex table comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum AgeSexTable {
    /// A practice list by sex × 5-year band (index 0 female, 1 male; bands 0-4 … 95+).
    Bands([[u32; 20]; 2]),
    /// An ONS area by sex × single year (index into the area table).
    Area(usize),
}

/// What a base population is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseKind {
    /// A GP practice list.
    Practice,
    /// A place (town, local authority, postcode area or a place named in the post).
    Place,
    /// The nation.
    Nation,
    /// A clinician's caseload given by the user.
    Caseload,
}

/// A base population: how many people, what they are, and the age × sex table to use for them.
#[derive(Debug, Clone, PartialEq)]
pub struct Base {
    /// What it is.
    pub kind: BaseKind,
    /// Number of people (list sizes as registered; the model applies [`LIST_INFLATION`]).
    pub n: u64,
    /// A label for explanations, e.g. "the practice list of H81034".
    pub label: String,
    /// The age × sex table for fractions.
    pub table: AgeSexTable,
}

/// The United Kingdom (ONS mid-2020, 67,081,234 people).
pub fn uk() -> Base {
    area_by_code("K02000001").expect("the UK is in the table")
}

/// An ONS area (country, region, county or local authority) by its GSS code.
pub fn area_by_code(code: &str) -> Option<Base> {
    let t = tables();
    let i = t.find(t.area, &padded::<9>(code)?)?;
    Some(area_base(i))
}

/// An ONS area by name (normalised match; the smallest when several match).
pub fn area_by_name(name: &str) -> Option<Base> {
    let t = tables();
    let key = normalise(name);
    (0..t.area.count)
        .filter(|&i| t.str_ref(&t.rec(t.area, i)[16..22]) == key)
        .min_by_key(|&i| area_total(i))
        .map(area_base)
}

/// Number of ONS areas in the table.
pub fn area_count() -> usize {
    tables().area.count
}

/// The i-th ONS area in code order, with its kind ("Country", "Region", "County", "Unitary
/// Authority", …), for simulations and tests.
pub fn area_nth(i: usize) -> Option<(Base, &'static str)> {
    let t = tables();
    (i < t.area.count).then(|| {
        let kind = AREA_KINDS
            .get(t.rec(t.area, i)[9] as usize)
            .copied()
            .unwrap_or("");
        (area_base(i), kind)
    })
}

fn area_total(i: usize) -> u64 {
    let t = tables();
    let r = t.rec(t.area, i);
    (0..182).map(|j| u32_at(r, 22 + j * 4) as u64).sum()
}

fn area_base(i: usize) -> Base {
    let t = tables();
    let r = t.rec(t.area, i);
    let name = t.str_ref(&r[10..16]);
    let kind = if AREA_KINDS.get(r[9] as usize) == Some(&"Country") {
        BaseKind::Nation
    } else {
        BaseKind::Place
    };
    Base {
        kind,
        n: area_total(i),
        label: title_case(name),
        table: AgeSexTable::Area(i),
    }
}

fn title_case(s: &str) -> String {
    if s.chars().any(|c| c.is_lowercase()) {
        return s.to_string();
    }
    s.split(' ')
        .map(|w| match w {
            "AND" | "OF" => w.to_lowercase(),
            _ => {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_string() + &c.as_str().to_lowercase())
                    .unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A GP practice with its list by sex × 5-year band.
#[derive(Debug, Clone, PartialEq)]
pub struct Practice {
    /// ODS code, e.g. "H81034".
    pub code: &'static str,
    /// Name as published (upper case).
    pub name: &'static str,
    /// Postcode, e.g. "TS18 1HU".
    pub postcode: &'static str,
    /// Registered patients (July 2026).
    pub list_size: u32,
    /// Registered patients by sex (0 female, 1 male) × band (0-4, 5-9, … 90-94, 95+).
    pub by_sex_age: [[u32; 20]; 2],
    idx: usize,
}

impl Practice {
    /// The practice list as a base population.
    pub fn base(&self) -> Base {
        Base {
            kind: BaseKind::Practice,
            n: self.list_size as u64,
            label: format!("the practice list of {}", self.code),
            table: AgeSexTable::Bands(self.by_sex_age),
        }
    }

    /// Prevalence of a QOF register at this practice (register / its QOF denominator), e.g.
    /// `qof_prevalence("DM")`; `None` if the group is unknown or the practice has no QOF data.
    pub fn qof_prevalence(&self, group: &str) -> Option<f64> {
        let t = tables();
        let g = qof_group_index(group)?;
        let r = t.rec(t.prac, self.idx);
        let lt = t.rec(t.qofe, g)[18] as usize;
        let den = u32_at(r, 148 + lt * 4);
        (den > 0).then(|| u16_at(r, 106 + g * 2) as f64 / den as f64)
    }
}

fn practice_at(i: usize) -> Practice {
    let t = tables();
    let r = t.rec(t.prac, i);
    let mut by = [[0u32; 20]; 2];
    for (s, row) in by.iter_mut().enumerate() {
        for (b, v) in row.iter_mut().enumerate() {
            *v = u16_at(r, 26 + (s * 20 + b) * 2) as u32;
        }
    }
    Practice {
        code: std::str::from_utf8(&r[0..6]).unwrap_or("").trim_end(),
        postcode: std::str::from_utf8(&r[6..14]).unwrap_or("").trim_end(),
        name: t.str_ref(&r[14..20]),
        list_size: by.iter().flatten().sum(),
        by_sex_age: by,
        idx: i,
    }
}

/// Number of practices in the table.
pub fn practice_count() -> usize {
    tables().prac.count
}

/// The i-th practice in code order (for simulations and tests).
pub fn practice_nth(i: usize) -> Option<Practice> {
    (i < practice_count()).then(|| practice_at(i))
}

/// A practice by its ODS code (case-insensitive).
pub fn practice_by_code(code: &str) -> Option<Practice> {
    let t = tables();
    let key = padded::<6>(&code.trim().to_ascii_uppercase())?;
    t.find(t.prac, &key).map(practice_at)
}

/// Words that say what a practice is rather than which one.
const PRACTICE_GENERIC: &[&str] = &[
    "the",
    "surgery",
    "medical",
    "centre",
    "center",
    "practice",
    "health",
    "healthcare",
    "clinic",
    "group",
    "partnership",
    "partners",
    "and",
    "gp",
    "doctors",
    "family",
];

fn practice_core(norm: &str) -> String {
    norm.split(' ')
        .filter(|w| !PRACTICE_GENERIC.contains(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Practices by name: an exact normalised match ("The Densham Surgery" = "THE DENSHAM
/// SURGERY"); failing that, a match ignoring generic words ("Densham Medical Centre"). Sorted by
/// code; several practices share common names ("High Street Surgery").
pub fn practice_by_name(name: &str) -> Vec<Practice> {
    let t = tables();
    let key = normalise(name);
    if key.is_empty() {
        return Vec::new();
    }
    let norm = |i: usize| t.str_ref(&t.rec(t.prac, i)[20..26]);
    let exact: Vec<Practice> = (0..t.prac.count)
        .filter(|&i| norm(i) == key)
        .map(practice_at)
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    let core = practice_core(&key);
    if core.is_empty() {
        return Vec::new();
    }
    (0..t.prac.count)
        .filter(|&i| practice_core(norm(i)) == core)
        .map(practice_at)
        .collect()
}

/// Practices at a postcode (normalised; several practices may share a building).
pub fn practice_by_postcode(postcode: &str) -> Vec<Practice> {
    let t = tables();
    let Some(key) = padded::<8>(&postcode_key(postcode)) else {
        return Vec::new();
    };
    (0..t.prac.count)
        .filter(|&i| t.rec(t.prac, i)[6..14] == key)
        .map(practice_at)
        .collect()
}

/// Usual residents (2011) of a postcode district ("AL1"), also accepting a full postcode or a
/// sector (the outward code is used). England and Wales only.
pub fn postcode_district(s: &str) -> Option<u64> {
    let t = tables();
    let k = postcode_key(s);
    let out = k.split(' ').next()?;
    let i = t.find(t.pdis, &padded::<8>(out)?)?;
    Some(u32_at(t.rec(t.pdis, i), 8) as u64)
}

/// Usual residents (2011) of a postcode sector ("AL1 1"), also accepting a full postcode.
pub fn postcode_sector(s: &str) -> Option<u64> {
    let t = tables();
    let k = postcode_key(s);
    let mut parts = k.split(' ');
    let (out, inw) = (parts.next()?, parts.next()?);
    let sector = format!("{out} {}", inw.chars().next()?);
    let i = t.find(t.psec, &padded::<8>(&sector)?)?;
    Some(u32_at(t.rec(t.psec, i), 8) as u64)
}

/// The resident population of a named place: an ONS town (2011), an ONS area (mid-2020) or a
/// postcode sector or district. When a name matches several (a town and the district named after
/// it), the smallest is returned: the conservative choice.
pub fn place_population(name: &str) -> Option<u64> {
    let t = tables();
    let key = normalise(name);
    let mut best: Option<u64> = None;
    let mut take = |n: u64| best = Some(best.map_or(n, |b: u64| b.min(n)));
    if !key.is_empty() {
        // Towns are sorted by normalised name: find the first match and walk forward.
        let (mut lo, mut hi) = (0, t.town.count);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if t.str_ref(t.rec(t.town, mid)) < key.as_str() {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        while lo < t.town.count && t.str_ref(t.rec(t.town, lo)) == key {
            take(u32_at(t.rec(t.town, lo), 12) as u64);
            lo += 1;
        }
        for i in 0..t.area.count {
            if t.str_ref(&t.rec(t.area, i)[16..22]) == key {
                take(area_total(i));
            }
        }
    }
    if best.is_none() && name.chars().any(|c| c.is_ascii_digit()) {
        return postcode_sector(name).or_else(|| postcode_district(name));
    }
    best
}

/// A QOF register with its England prevalence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QofGroup {
    /// Register code, e.g. "DM".
    pub code: &'static str,
    /// Name, e.g. "Diabetes mellitus".
    pub name: &'static str,
    /// England prevalence (register / denominator).
    pub prevalence: f64,
    /// The denominator, e.g. "17OV" (patients aged 17 and over) or "TOTAL".
    pub list_type: &'static str,
}

fn qof_group_index(code: &str) -> Option<usize> {
    let t = tables();
    let key = padded::<4>(&code.trim().to_ascii_uppercase())?;
    (0..t.qofe.count).find(|&i| t.rec(t.qofe, i)[..4] == key)
}

fn qof_group_at(i: usize) -> QofGroup {
    let t = tables();
    let r = t.rec(t.qofe, i);
    QofGroup {
        code: std::str::from_utf8(&r[..4]).unwrap_or("").trim_end(),
        name: t.str_ref(&r[4..10]),
        prevalence: u32_at(r, 10) as f64 / u32_at(r, 14).max(1) as f64,
        list_type: QOF_LIST_TYPES
            .get(r[18] as usize)
            .copied()
            .unwrap_or("TOTAL"),
    }
}

/// The 21 QOF registers, in code order.
pub fn qof_groups() -> Vec<QofGroup> {
    (0..tables().qofe.count).map(qof_group_at).collect()
}

/// England prevalence of a QOF register by code ("HYP" → 0.152).
pub fn england_prevalence(code: &str) -> Option<f64> {
    qof_group_index(code).map(|i| qof_group_at(i).prevalence)
}

/// Weight of year `j` above the start of an open top band, normalised over the band.
fn open_band_share(j: u32, width: u32) -> f64 {
    let total: f64 = (0..width).map(|x| OPEN_BAND_DECAY.powi(x as i32)).sum();
    OPEN_BAND_DECAY.powi(j as i32) / total
}

/// People of one sex at one single year of age in a base's table (fractional for band tables:
/// a 5-year band is spread evenly over its years; an open top band decays geometrically).
fn count_at(table: &AgeSexTable, sex: usize, age: u32) -> f64 {
    match table {
        AgeSexTable::Bands(b) => {
            if age >= 95 {
                b[sex][19] as f64 * open_band_share(age - 95, MAX_AGE as u32 - 95 + 1)
            } else {
                b[sex][(age / 5) as usize] as f64 / 5.0
            }
        }
        AgeSexTable::Area(i) => {
            let t = tables();
            let r = t.rec(t.area, *i);
            let v = |a: u32| u32_at(r, 22 + (sex * 91 + a as usize) * 4) as f64;
            if age >= 90 {
                v(90) * open_band_share(age - 90, MAX_AGE as u32 - 90 + 1)
            } else {
                v(age)
            }
        }
    }
}

fn table_total(table: &AgeSexTable) -> f64 {
    match table {
        AgeSexTable::Bands(b) => b.iter().flatten().map(|&v| v as f64).sum(),
        AgeSexTable::Area(i) => area_total(*i) as f64,
    }
}

/// The fraction of a base's people of the given sex (if any) and age range (if any), from the
/// base's own joint table: no independence assumption between age and sex.
pub fn age_sex_fraction(base: &Base, sex: Option<Sex>, age: Option<AgeRange>) -> f64 {
    age_sex_fraction_in(&base.table, sex, age)
}

/// [`age_sex_fraction`] for a table.
pub fn age_sex_fraction_in(table: &AgeSexTable, sex: Option<Sex>, age: Option<AgeRange>) -> f64 {
    let total = table_total(table);
    if total <= 0.0 {
        return 1.0;
    }
    let sexes: &[usize] = match sex {
        Some(Sex::Female) => &[0],
        Some(Sex::Male) => &[1],
        None => &[0, 1],
    };
    let Some(a) = age else {
        if sex.is_none() {
            return 1.0;
        }
        let n: f64 = sexes
            .iter()
            .map(|&s| {
                (0..=MAX_AGE as u32)
                    .map(|y| count_at(table, s, y))
                    .sum::<f64>()
            })
            .sum();
        return (n / total).clamp(0.0, 1.0);
    };
    let lo = a.lo.min(MAX_AGE) as u32;
    let hi = (a.hi.min(MAX_AGE) as u32).max(lo);
    let n: f64 = sexes
        .iter()
        .map(|&s| (lo..=hi).map(|y| count_at(table, s, y)).sum::<f64>())
        .sum();
    (n / total).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(lo: u8, hi: u8) -> Option<AgeRange> {
        Some(AgeRange { lo, hi })
    }

    #[test]
    fn header_is_valid() {
        check().unwrap();
        assert!(Tables::parse(b"nope").is_err());
        let mut bad = BYTES[..64].to_vec();
        bad[4] = 9;
        assert!(Tables::parse(Box::leak(bad.into_boxed_slice())).is_err());
    }

    #[test]
    fn first_use_is_fast() {
        let t0 = std::time::Instant::now();
        let _ = Tables::parse(BYTES).unwrap();
        assert!(t0.elapsed().as_millis() < 5);
    }

    #[test]
    fn uk_and_areas() {
        let u = uk();
        assert_eq!(u.n, 67_081_234);
        assert_eq!(u.kind, BaseKind::Nation);
        assert_eq!(u.label, "United Kingdom");
        let e = area_by_name("England").unwrap();
        assert!(e.n > 56_000_000 && e.n < 57_000_000, "{}", e.n);
        let d = area_by_name("darlington").unwrap();
        assert_eq!(d.kind, BaseKind::Place);
        assert_eq!(area_by_code("E06000005").unwrap(), d);
        assert!(area_by_code("nope").is_none());
        assert!(area_by_name("Atlantis").is_none());
        assert_eq!(area_count(), 420);
        let (b, kind) = area_nth(0).unwrap();
        assert!(!kind.is_empty() && b.n > 0);
        assert!(area_nth(420).is_none());
    }

    #[test]
    fn practices() {
        let p = practice_by_code("h81034").unwrap();
        assert_eq!(p.list_size, 8_815);
        assert_eq!(p.name, "MADEIRA MEDICAL");
        assert_eq!(p.by_sex_age.iter().flatten().sum::<u32>(), 8_815);
        assert_eq!(p.base().kind, BaseKind::Practice);
        assert!(practice_by_code("ZZZZZZ").is_none());
        assert!(practice_by_code("TOOLONGCODE").is_none());
        let d = practice_by_code("A81001").unwrap();
        assert_eq!(d.postcode, "TS18 1HU");
        assert_eq!(d.by_sex_age[0][0], 84);
        assert_eq!(d.by_sex_age[1][19], 5);
        assert!(practice_count() > 6_000);
        assert_eq!(practice_nth(0).unwrap().code, "A81001");
    }

    #[test]
    fn practice_names_and_postcodes() {
        let v = practice_by_name("The Densham Surgery");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].code, "A81001");
        assert_eq!(practice_by_name("Densham Medical Centre")[0].code, "A81001");
        assert!(practice_by_name("High Street Surgery").len() >= 9);
        assert!(practice_by_name("").is_empty());
        assert!(practice_by_name("Surgery Medical Practice").is_empty());
        let v = practice_by_postcode("ts181hu");
        assert!(v.iter().any(|p| p.code == "A81001"));
        assert!(practice_by_postcode("ZZ99 9ZZ").is_empty());
    }

    #[test]
    fn postcodes() {
        assert_eq!(postcode_key("ts18  1hu"), "TS18 1HU");
        assert_eq!(postcode_key("TS181HU"), "TS18 1HU");
        assert_eq!(postcode_key("AL1"), "AL1");
        assert_eq!(postcode_district("AL1"), Some(39_038));
        assert_eq!(postcode_district("al1 1ab"), Some(39_038));
        assert_eq!(postcode_sector("AL1 1AB"), Some(6_080));
        assert_eq!(postcode_sector("AL1"), None);
        assert_eq!(postcode_district("QQ1"), None);
    }

    #[test]
    fn places() {
        assert_eq!(place_population("Ely"), Some(19_090));
        assert_eq!(place_population("Dorchester"), Some(19_060));
        // A town and the district named after it: the smaller.
        let darl = place_population("Darlington").unwrap();
        assert!(darl < area_by_name("Darlington").unwrap().n);
        assert_eq!(place_population("AL1"), Some(39_038));
        assert!(place_population("Atlantis").is_none());
        assert!(place_population("").is_none());
    }

    #[test]
    fn qof() {
        let g = qof_groups();
        assert_eq!(g.len(), 21);
        assert_eq!(g[0].code, "AF");
        let hyp = england_prevalence("HYP").unwrap();
        assert!((hyp - 0.1523).abs() < 1e-3, "{hyp}");
        let dm = g.iter().find(|q| q.code == "DM").unwrap();
        assert_eq!(dm.list_type, "17OV");
        assert!(england_prevalence("XX").is_none());
        let p = practice_by_code("A81001").unwrap();
        let af = p.qof_prevalence("AF").unwrap();
        assert!((af - 113.0 / 3904.0).abs() < 1e-9, "{af}");
        assert!(p.qof_prevalence("XX").is_none());
    }

    #[test]
    fn age_sex_fractions() {
        let u = uk();
        assert_eq!(age_sex_fraction(&u, None, None), 1.0);
        let m = age_sex_fraction(&u, Some(Sex::Male), None);
        let f = age_sex_fraction(&u, Some(Sex::Female), None);
        assert!((m + f - 1.0).abs() < 1e-9);
        assert!((m - 33_145_709.0 / 67_081_234.0).abs() < 1e-9);
        let all = age_sex_fraction(&u, None, age(0, 120));
        assert!((all - 1.0).abs() < 1e-9);
        // Single years sum to the band.
        let band = age_sex_fraction(&u, Some(Sex::Male), age(80, 84));
        let years: f64 = (80..=84)
            .map(|y| age_sex_fraction(&u, Some(Sex::Male), age(y, y)))
            .sum();
        assert!((band - years).abs() < 1e-12);
        // Open top band: 90..=120 is the whole 90+ count, falling with age.
        let a90 = age_sex_fraction(&u, None, age(90, 90));
        let a95 = age_sex_fraction(&u, None, age(95, 95));
        assert!(a95 < a90);
        // Practice bands: men 75+ on the median practice (RISK-MODEL §3.8: 5.13 %).
        let p = practice_by_code("H81034").unwrap().base();
        let m75 = age_sex_fraction(&p, Some(Sex::Male), age(75, 120));
        assert!((m75 - 0.0513).abs() < 0.002, "{m75}");
        // Interpolation within a band: one year is a fifth of its band.
        let b = age_sex_fraction(&p, Some(Sex::Male), age(80, 84));
        let y = age_sex_fraction(&p, Some(Sex::Male), age(82, 82));
        assert!((y * 5.0 - b).abs() < 1e-12);
        // Inverted or out-of-range ages are clamped rather than panicking.
        assert!(age_sex_fraction(&p, None, age(130, 140)) >= 0.0);
        assert!(age_sex_fraction(&p, None, age(50, 40)) > 0.0);
    }

    #[test]
    fn names_normalise() {
        assert_eq!(normalise("  The DENSHAM, Surgery "), "the densham surgery");
        assert_eq!(title_case("UNITED KINGDOM"), "United Kingdom");
        assert_eq!(title_case("Darlington"), "Darlington");
        assert_eq!(title_case("ENGLAND AND WALES"), "England and Wales");
    }
}
