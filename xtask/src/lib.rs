//! Builders for the project's compiled-in data tables.
//!
//! `build_lexicon` turns the open data in `../shared/data` plus the project's own lists in
//! `data/src/` into `data/lexicon.bin`, the static hash table read by
//! `clinpost_rules::lexicon` (its module docs describe the format and the value bits). The build
//! is deterministic: keys are collected in a `BTreeMap` and inserted in sorted order, so the same
//! inputs always give the same bytes (a test checks the committed table against a fresh build).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

pub mod population;

/// Value bits of a lexicon entry (see `crates/rules/src/lexicon.rs`).
pub mod bits {
    /// First-name sex, 2 bits: 1 F, 2 M, 3 unisex.
    pub const SEX_SHIFT: u32 = 0;
    /// First-name weight bucket, 4 bits.
    pub const FIRST_W_SHIFT: u32 = 2;
    /// Historic first name.
    pub const HISTORIC: u32 = 1 << 6;
    /// Surname bucket, 5 bits.
    pub const SURNAME_SHIFT: u32 = 7;
    /// British surname.
    pub const BRITISH_SURNAME: u32 = 1 << 12;
    /// English word.
    pub const WORD: u32 = 1 << 13;
    /// Common English word.
    pub const COMMON_WORD: u32 = 1 << 14;
    /// Name that is also a common word.
    pub const AMBIGUOUS: u32 = 1 << 15;
    /// Medical eponym.
    pub const EPONYM: u32 = 1 << 16;
    /// Drug name.
    pub const DRUG: u32 = 1 << 17;
    /// Place kind, 2 bits: 1 settlement, 2 facility, 3 region.
    pub const PLACE_KIND_SHIFT: u32 = 18;
    /// Place population bucket, 4 bits.
    pub const PLACE_POP_SHIFT: u32 = 20;
    /// UK place.
    pub const UK: u32 = 1 << 24;
    /// Phrase head: longest phrase's words − 1, 3 bits.
    pub const PHRASE_SHIFT: u32 = 25;
    /// Clinical term.
    pub const CLINICAL: u32 = 1 << 28;
}

/// Place kinds, in priority order: when a key names places of several kinds, the highest wins
/// (a region name is not flagged as a location, and a facility is more specific than a town).
const SETTLEMENT: u32 = 1;
const FACILITY: u32 = 2;
const REGION: u32 = 3;

/// First names seen only in the UCI (mostly US) data with a weight under this many per million
/// are left out, for size.
const MIN_US_ONLY_FIRST_NAME_PPM: f64 = 0.5;

/// Surnames with a US Census 2000 count under this are left out, for size, unless they are on the
/// British list: the 2010-only names (no count) and the rarest 2000 names (100-114 bearers, about
/// 0.4 per million), which keeps the table under 2^19 slots with room to spare.
const MIN_SURNAME_COUNT: u64 = 115;

/// The longest phrase kept, in words (the phrase-head field holds words − 1, at most 7).
const MAX_WORDS: usize = 8;

/// The lexicon key of `s`: words (maximal runs of alphanumeric characters) lower-cased and joined
/// by one space. Must stay identical to `clinpost_rules::lexicon::normalise_key`.
pub fn normalise(s: &str) -> String {
    let mut buf = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if pending_space {
                buf.push(' ');
                pending_space = false;
            }
            buf.extend(c.to_lowercase());
        } else if !buf.is_empty() {
            pending_space = true;
        }
    }
    buf
}

/// FNV-1a, 64 bits (the table's hash).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Keys and their value bits, before serialisation.
#[derive(Default)]
struct Table {
    keys: BTreeMap<String, u32>,
}

fn get_field(v: u32, shift: u32, width: u32) -> u32 {
    (v >> shift) & ((1 << width) - 1)
}

fn set_field_max(v: &mut u32, shift: u32, width: u32, x: u32) {
    let x = x.min((1 << width) - 1);
    if x > get_field(*v, shift, width) {
        *v = (*v & !(((1 << width) - 1) << shift)) | (x << shift);
    }
}

impl Table {
    /// The value of `key` (normalised), or None if it can't be a key (empty, too long).
    fn slot(&mut self, key: &str) -> Option<&mut u32> {
        if key.is_empty() || key.len() > 255 || key.split(' ').count() > MAX_WORDS {
            return None;
        }
        Some(self.keys.entry(key.to_string()).or_insert(0))
    }

    fn or(&mut self, key: &str, b: u32) {
        if let Some(v) = self.slot(key) {
            *v |= b;
        }
    }

    fn max_field(&mut self, key: &str, shift: u32, width: u32, x: u32) {
        if let Some(v) = self.slot(key) {
            set_field_max(v, shift, width, x);
        }
    }

    fn place(&mut self, key: &str, kind: u32, pop: Option<u64>, uk: bool) {
        if let Some(v) = self.slot(key) {
            set_field_max(v, bits::PLACE_KIND_SHIFT, 2, kind);
            if let Some(p) = pop {
                set_field_max(v, bits::PLACE_POP_SHIFT, 4, pop_bucket(p));
            }
            if uk {
                *v |= bits::UK;
            }
        }
    }

    /// Marks the first word of every phrase with the phrase length (words − 1, capped at 7).
    fn phrase_heads(&mut self) {
        let mut heads: BTreeMap<String, u32> = BTreeMap::new();
        for k in self.keys.keys() {
            let n = k.split(' ').count();
            if n > 1 {
                let head = k.split(' ').next().unwrap_or_default();
                let e = heads.entry(head.to_string()).or_insert(0);
                *e = (*e).max((n as u32 - 1).min(7));
            }
        }
        for (h, n) in heads {
            self.max_field(&h, bits::PHRASE_SHIFT, 3, n);
        }
    }

    /// Serialises the table (see the format in the reader's module docs).
    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let n = self.keys.len();
        let mut n_slots = 1usize;
        while (n as f64) > 0.7 * n_slots as f64 || n_slots <= n {
            n_slots *= 2;
        }
        let mask = n_slots - 1;
        let mut slots = vec![(0u32, 0u32); n_slots];
        let mut blob = Vec::new();
        for (k, &v) in &self.keys {
            let off = blob.len();
            blob.push(k.len() as u8);
            blob.extend_from_slice(k.as_bytes());
            if off + 1 >= 1 << 24 {
                return Err("blob too large for 24-bit key references".into());
            }
            let h = fnv1a64(k.as_bytes());
            // The top byte of the hash rides in the key reference, so a probe that meets another
            // key rejects it without touching the blob.
            let key_ref = ((h >> 56) as u32) << 24 | (off as u32 + 1);
            let mut i = (h as usize) & mask;
            while slots[i].0 != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = (key_ref, v);
        }
        let mut out = Vec::with_capacity(20 + n_slots * 8 + blob.len());
        out.extend_from_slice(b"CPLX");
        for x in [2u32, n_slots as u32, n as u32, blob.len() as u32] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        for (r, v) in slots {
            out.extend_from_slice(&r.to_le_bytes());
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&blob);
        Ok(out)
    }
}

/// clamp(ceil(log2(pop) / 2), 1, 15); 0 for no population.
fn pop_bucket(pop: u64) -> u32 {
    if pop == 0 {
        return 0;
    }
    ((pop as f64).log2() / 2.0).ceil().clamp(1.0, 15.0) as u32
}

/// clamp(floor(log2(weight_ppm)) + 3, 1, 15).
fn first_weight_bucket(w: f64) -> u32 {
    if w.is_nan() || w <= 0.0 {
        return 1;
    }
    (w.log2().floor() + 3.0).clamp(1.0, 15.0) as u32
}

/// clamp(floor(log2(count + 1)), 1, 31).
fn surname_bucket(count: u64) -> u32 {
    ((count as f64 + 1.0).log2().floor()).clamp(1.0, 31.0) as u32
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Data lines of a tab-separated file (header and `#` lines skipped), split into fields.
fn tsv(path: &Path) -> Result<Vec<Vec<String>>, String> {
    let text = read(path)?;
    Ok(text
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect())
}

/// Splits one CSV record (RFC 4180 quoting: fields may be quoted, `""` is a quote; no embedded
/// newlines in our inputs).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == '"' {
            quoted = true;
        } else if c == ',' {
            out.push(std::mem::take(&mut field));
        } else {
            field.push(c);
        }
    }
    out.push(field);
    out
}

/// Data records of a CSV file with a header row, as maps from column name to value.
fn csv(path: &Path) -> Result<Vec<BTreeMap<String, String>>, String> {
    let text = read(path)?;
    let mut lines = text.lines();
    let header = csv_fields(
        lines
            .next()
            .ok_or_else(|| format!("{}: empty", path.display()))?,
    );
    Ok(lines
        .filter(|l| !l.is_empty())
        .map(|l| header.iter().cloned().zip(csv_fields(l)).collect())
        .collect())
}

/// Lines of a project list: `#` starts a comment, blank lines are skipped.
fn list(path: &Path) -> Result<Vec<String>, String> {
    Ok(read(path)?
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect())
}

fn col(row: &[String], i: usize) -> &str {
    row.get(i).map(String::as_str).unwrap_or("")
}

/// Words that say what kind of facility something is but not which one: a facility phrase made
/// only of these ("the surgery", "medical centre") names nothing.
const GENERIC: &[&str] = &[
    "a",
    "an",
    "and",
    "at",
    "of",
    "on",
    "in",
    "for",
    "the",
    "s",
    "surgery",
    "surgeries",
    "health",
    "healthcare",
    "centre",
    "center",
    "centres",
    "centers",
    "medical",
    "medicine",
    "practice",
    "practices",
    "family",
    "group",
    "clinic",
    "clinics",
    "hospital",
    "hospitals",
    "nhs",
    "trust",
    "foundation",
    "partnership",
    "doctors",
    "doctor",
    "gp",
    "gps",
    "new",
    "old",
    "general",
    "community",
    "care",
    "primary",
    "unit",
    "units",
    "service",
    "services",
    "village",
    "town",
    "city",
    "central",
    "main",
    "county",
    "district",
    "local",
    "university",
    "memorial",
    "regional",
    "royal",
    "infirmary",
    "teaching",
    "children",
    "childrens",
    "women",
    "womens",
    "specialty",
    "rehabilitation",
    "psychiatric",
    "behavioral",
    "behavioural",
    "mental",
    "institute",
    "campus",
    "team",
    "home",
    "homes",
    "nursing",
    "site",
    "ltd",
    "limited",
    "llc",
    "inc",
    "private",
    "independent",
    "hospice",
    "day",
    "acute",
    "urgent",
    "treatment",
    "outpatient",
    "inpatient",
    "surgical",
    "cancer",
    "heart",
    "eye",
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "upper",
    "lower",
];

/// Words that say a name is already a facility's full name.
const FACILITY_WORDS: &[&str] = &[
    "hospital",
    "hospitals",
    "infirmary",
    "centre",
    "center",
    "clinic",
    "unit",
    "hospice",
    "surgery",
    "practice",
    "house",
    "home",
    "service",
    "services",
    "trust",
    "lodge",
    "court",
    "ward",
    "wing",
    "suite",
    "institute",
    "team",
    "hub",
];

/// Words that mark a practice name as a person's name ("Dr A Smith & Partners").
const PERSONAL: &[&str] = &["dr", "drs", "partner", "partners", "doctor", "doctors"];

/// Expansions of abbreviations in CMS hospital names.
const CMS_ABBREV: &[(&str, &str)] = &[
    ("med", "medical"),
    ("ctr", "center"),
    ("ctrs", "centers"),
    ("hosp", "hospital"),
    ("reg", "regional"),
    ("hlth", "health"),
    ("hlthcr", "healthcare"),
    ("mem", "memorial"),
    ("univ", "university"),
    ("cmty", "community"),
];

/// Adds a facility name (and its variants) as phrase keys.
fn add_facility(t: &mut Table, raw: &str, uk: bool, expand_cms: bool, site: bool) {
    // A name may hold several parts: "Bodmin Hospital - Cornwall Partnership NHS Trust",
    // "EASTGATE MEDICAL GROUP, HORNSEA", "ABBEYSLADE PMS (DR CHAND)".
    for part in raw.split([',', '(', ')', '/']).flat_map(|p| p.split(" - ")) {
        let key = normalise(part);
        let words: Vec<&str> = key.split(' ').collect();
        if words.iter().any(|w| PERSONAL.contains(w)) {
            continue;
        }
        let mut variants = BTreeSet::new();
        variants.insert(key.clone());
        if expand_cms {
            let expanded: Vec<&str> = words
                .iter()
                .map(|w| {
                    CMS_ABBREV
                        .iter()
                        .find(|(a, _)| a == w)
                        .map(|(_, b)| *b)
                        .unwrap_or(w)
                })
                .collect();
            variants.insert(expanded.join(" "));
        }
        for v in variants.clone() {
            let ws: Vec<&str> = v.split(' ').collect();
            if ws.iter().any(|w| *w == "st" || *w == "saint") {
                let st = |to: &str| {
                    ws.iter()
                        .map(|w| if *w == "st" || *w == "saint" { to } else { w })
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                variants.insert(st("st"));
                variants.insert(st("saint"));
            }
        }
        // Possessives are often written without the apostrophe: "guy s hospital" → "guys hospital".
        for v in variants.clone() {
            if v.contains(" s ") || v.ends_with(" s") {
                let mut joined = v.replace(" s ", "s ");
                if let Some(stem) = joined.strip_suffix(" s") {
                    joined = format!("{stem}s");
                }
                variants.insert(joined);
            }
        }
        // A hospital site listed by its short name ("Addenbrooke's", "St Thomas'") is also
        // written with "hospital" after it.
        if site && !words.iter().any(|w| FACILITY_WORDS.contains(w)) {
            for v in variants.clone() {
                variants.insert(format!("{v} hospital"));
            }
        }
        for v in variants {
            for form in [Some(v.as_str()), v.strip_prefix("the ")] {
                let Some(form) = form else { continue };
                let ws: Vec<&str> = form.split(' ').collect();
                if ws.len() >= 2
                    && ws.iter().any(|w| !GENERIC.contains(w))
                    && !ws[0].starts_with(|c: char| c.is_ascii_digit())
                {
                    t.place(form, FACILITY, None, uk);
                }
            }
        }
    }
}

/// A place name with ONS "built-up area" decorations removed: "Dorchester (West Dorset) BUA" →
/// "Dorchester".
fn strip_bua(name: &str) -> String {
    let mut s = String::new();
    let mut depth = 0;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => s.push(c),
            _ => {}
        }
    }
    let s = s.trim();
    let s = s
        .strip_suffix(" BUASD")
        .or_else(|| s.strip_suffix(" BUA"))
        .unwrap_or(s);
    s.trim().to_string()
}

/// Builds `lexicon.bin` from the shared open data (`shared`, the `data` folder of the shared
/// tree) and the project's own lists (`project_data`, the workspace's `data` folder).
pub fn build_lexicon(shared: &Path, project_data: &Path) -> Result<Vec<u8>, String> {
    let mut t = Table::default();
    let names = shared.join("names");
    let places = shared.join("places");
    let population = shared.join("population");
    let src = project_data.join("src");

    // First names. To keep the table under 2^19 slots, the rarest names seen only in the US
    // data (under 0.5 per million, UCI only) are left out; every UK-attested name is kept.
    for r in tsv(&names.join("first_names.tsv"))? {
        let key = normalise(col(&r, 0));
        let uk_count: u64 = col(&r, 5).parse().unwrap_or(0);
        let weight: f64 = col(&r, 2).parse().unwrap_or(0.0);
        if weight < MIN_US_ONLY_FIRST_NAME_PPM && uk_count == 0 && col(&r, 3) == "uci" {
            continue;
        }
        let sex = match col(&r, 1) {
            "F" => 1,
            "M" => 2,
            _ => 3,
        };
        t.or(&key, sex << bits::SEX_SHIFT);
        t.max_field(&key, bits::FIRST_W_SHIFT, 4, first_weight_bucket(weight));
        if !col(&r, 8).is_empty() {
            t.or(&key, bits::HISTORIC);
        }
    }

    // Surnames.
    for r in tsv(&names.join("surnames.tsv"))? {
        let key = normalise(col(&r, 0));
        let count: u64 = col(&r, 1).parse().unwrap_or(0);
        let british = col(&r, 2).split(',').any(|s| s == "gbfaker") || !col(&r, 3).is_empty();
        if count < MIN_SURNAME_COUNT && !british {
            continue;
        }
        t.max_field(&key, bits::SURNAME_SHIFT, 5, surname_bucket(count));
        if british {
            t.or(&key, bits::BRITISH_SURNAME);
        }
    }

    // English words (no header row).
    for (file, bit) in [
        ("english_words.txt", bits::WORD),
        ("english_words_common.txt", bits::COMMON_WORD),
    ] {
        for l in read(&names.join(file))?.lines() {
            if !l.starts_with('#') {
                t.or(&normalise(l), bit);
            }
        }
    }
    for r in tsv(&names.join("ambiguous_names.tsv"))? {
        t.or(&normalise(col(&r, 0)), bits::AMBIGUOUS);
    }

    // Drugs.
    for r in tsv(&shared.join("drugs/drug_names_drugbank.tsv"))? {
        t.or(&normalise(col(&r, 0)), bits::DRUG);
    }

    // UK settlements; populations from ONS towns and, for the cities ONS gives only as
    // aggregates, from GeoNames' GB rows.
    let mut uk_pop: BTreeMap<String, u64> = BTreeMap::new();
    for r in csv(&population.join("ons_towns_ew_2011_population.csv"))? {
        let key = normalise(&strip_bua(&r["town_name"]));
        let pop: u64 = r["population_2011"].parse().unwrap_or(0);
        let e = uk_pop.entry(key).or_insert(0);
        *e = (*e).max(pop);
    }
    let world = tsv(&places.join("world_cities.tsv"))?;
    for r in &world {
        if col(r, 2) == "GB" {
            let pop: u64 = col(r, 4).parse().unwrap_or(0);
            for name in [col(r, 0), col(r, 1)] {
                let e = uk_pop.entry(normalise(name)).or_insert(0);
                *e = (*e).max(pop);
            }
        }
    }
    const OS_TYPES: &[&str] = &[
        "City",
        "Town",
        "Village",
        "Hamlet",
        "Other Settlement",
        "Suburban Area",
    ];
    let mut uk_settlements = BTreeSet::new();
    for r in csv(&population.join("os_open_names_gb_settlements_2019.csv"))? {
        if OS_TYPES.contains(&r["type"].as_str()) {
            uk_settlements.insert(normalise(&r["name"]));
        }
    }
    for r in csv(&population.join("ons_towns_ew_2011_population.csv"))? {
        uk_settlements.insert(normalise(&strip_bua(&r["town_name"])));
    }
    for key in &uk_settlements {
        t.place(key, SETTLEMENT, uk_pop.get(key).copied(), true);
    }

    // UK facilities.
    for r in tsv(&places.join("uk_hospital_sites.tsv"))? {
        let name = col(&r, 0);
        if !name.starts_with(|c: char| c.is_ascii_digit()) {
            add_facility(&mut t, name, true, false, true);
        }
    }
    for r in csv(&population.join("nhs_ods_etr_trusts_2025-12.csv"))? {
        add_facility(&mut t, &r["name"], true, false, false);
    }
    let mut practices = BTreeSet::new();
    for r in csv(&population.join("nhs_gp_practice_list_sex_5yr_2026-07.csv"))? {
        practices.insert(r["practice_name"].clone());
    }
    for p in &practices {
        add_facility(&mut t, p, true, false, false);
    }

    // US places: states are regions; places and counties (smaller than a state) settlements.
    for r in tsv(&places.join("us_places.tsv"))? {
        let (name, ty, pop, pop_source) = (col(&r, 0), col(&r, 2), col(&r, 3), col(&r, 4));
        let mut pop: Option<u64> = pop.parse().ok();
        if pop_source == "geonames" {
            // GeoNames populations of some US neighbourhoods are implausible: cap them.
            pop = pop.map(|p| p.min(100_000));
        }
        let kind = if ty == "state" { REGION } else { SETTLEMENT };
        t.place(&normalise(name), kind, pop, false);
        if matches!(
            ty,
            "county" | "parish" | "census_area" | "city_and_borough" | "county_equivalent"
        ) {
            t.place(&normalise(col(&r, 5)), kind, pop, false);
        }
    }
    for r in tsv(&places.join("us_hospitals.tsv"))? {
        add_facility(&mut t, col(&r, 0), false, true, false);
    }

    // World cities of 15,000 or more outside GB and the US.
    for r in &world {
        let pop: u64 = col(r, 4).parse().unwrap_or(0);
        if col(r, 2) != "GB" && col(r, 2) != "US" && pop >= 15_000 {
            t.place(&normalise(col(r, 0)), SETTLEMENT, Some(pop), false);
            t.place(&normalise(col(r, 1)), SETTLEMENT, Some(pop), false);
        }
    }

    // Project lists.
    let mut uk = false;
    for l in list(&src.join("regions.txt"))? {
        match l.as_str() {
            "[uk]" => uk = true,
            "[world]" => uk = false,
            _ => t.place(&normalise(&l), REGION, None, uk),
        }
    }
    for l in list(&src.join("eponyms.txt"))? {
        t.or(&normalise(&l), bits::EPONYM);
    }
    for l in list(&src.join("clinical_terms.txt"))? {
        t.or(&normalise(&l), bits::CLINICAL);
    }

    t.phrase_heads();
    t.to_bytes()
}

/// Counts of keys per attribute of a built table, for the build report.
pub fn stats(table: &[u8]) -> Vec<(&'static str, usize)> {
    let n_slots = u32::from_le_bytes([table[8], table[9], table[10], table[11]]) as usize;
    let mut c = [0usize; 16];
    let mut phrases = 0;
    let blob = &table[20 + n_slots * 8..];
    for i in 0..n_slots {
        let at = 20 + i * 8;
        let r = u32::from_le_bytes([table[at], table[at + 1], table[at + 2], table[at + 3]]);
        if r == 0 {
            continue;
        }
        let v = u32::from_le_bytes([table[at + 4], table[at + 5], table[at + 6], table[at + 7]]);
        let off = (r & 0x00ff_ffff) as usize - 1;
        let key = &blob[off + 1..off + 1 + blob[off] as usize];
        c[0] += 1;
        phrases += key.contains(&b' ') as usize;
        c[1] += (get_field(v, 0, 2) != 0) as usize;
        c[2] += (v & bits::HISTORIC != 0) as usize;
        c[3] += (get_field(v, 7, 5) != 0) as usize;
        c[4] += (v & bits::BRITISH_SURNAME != 0) as usize;
        c[5] += (v & bits::WORD != 0) as usize;
        c[6] += (v & bits::COMMON_WORD != 0) as usize;
        c[7] += (v & bits::AMBIGUOUS != 0) as usize;
        c[8] += (v & bits::EPONYM != 0) as usize;
        c[9] += (v & bits::DRUG != 0) as usize;
        c[10] += (get_field(v, 18, 2) == SETTLEMENT) as usize;
        c[11] += (get_field(v, 18, 2) == FACILITY) as usize;
        c[12] += (get_field(v, 18, 2) == REGION) as usize;
        c[13] += (v & bits::UK != 0) as usize;
        c[14] += (get_field(v, 25, 3) != 0) as usize;
        c[15] += (v & bits::CLINICAL != 0) as usize;
    }
    vec![
        ("keys", c[0]),
        ("phrase keys", phrases),
        ("first names", c[1]),
        ("historic first names", c[2]),
        ("surnames", c[3]),
        ("british surnames", c[4]),
        ("english words", c[5]),
        ("common words", c[6]),
        ("ambiguous names", c[7]),
        ("eponyms", c[8]),
        ("drugs", c[9]),
        ("settlements", c[10]),
        ("facilities", c[11]),
        ("regions", c[12]),
        ("uk places", c[13]),
        ("phrase heads", c[14]),
        ("clinical terms", c[15]),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_handles_quotes() {
        assert_eq!(
            csv_fields(r#"A1,"EASTGATE, HORNSEA",x,"say ""hi""""#),
            ["A1", "EASTGATE, HORNSEA", "x", "say \"hi\""]
        );
        assert_eq!(csv_fields("a,,b,"), ["a", "", "b", ""]);
    }

    #[test]
    fn buckets() {
        assert_eq!(pop_bucket(8_961_989), 12);
        assert_eq!(pop_bucket(1), 1);
        assert_eq!(pop_bucket(0), 0);
        assert_eq!(first_weight_bucket(16_640.0), 15);
        assert_eq!(first_weight_bucket(35.0), 8);
        assert_eq!(first_weight_bucket(0.01), 1);
        assert_eq!(surname_bucket(0), 1);
        assert_eq!(surname_bucket(2_376_206), 21);
    }

    #[test]
    fn bua_names() {
        assert_eq!(strip_bua("Dorchester (West Dorset) BUA"), "Dorchester");
        assert_eq!(strip_bua("Ely BUA"), "Ely");
    }

    #[test]
    fn facility_variants() {
        let mut t = Table::default();
        add_facility(
            &mut t,
            "ST JOSEPH REG MED CTR - NORTH CAMPUS",
            false,
            true,
            false,
        );
        add_facility(&mut t, "THE SURGERY", true, false, false);
        add_facility(&mut t, "DR A SMITH & PARTNERS", true, false, false);
        add_facility(&mut t, "The Limes Medical Centre", true, false, false);
        add_facility(&mut t, "Addenbrooke's", true, false, true);
        add_facility(&mut t, "Guy's Hospital", true, false, true);
        for k in [
            "st joseph reg med ctr",
            "saint joseph regional medical center",
            "st joseph regional medical center",
            "the limes medical centre",
            "limes medical centre",
            "addenbrooke s hospital",
            "addenbrookes hospital",
            "guys hospital",
        ] {
            assert!(t.keys.contains_key(k), "{k}");
        }
        assert!(!t.keys.contains_key("the surgery"));
        assert!(!t.keys.contains_key("surgery"));
        assert!(!t.keys.keys().any(|k| k.contains("smith")));
        assert!(!t.keys.contains_key("north campus"));
    }

    /// The committed table must be exactly what the builder makes from the shared data.
    #[test]
    fn committed_lexicon_is_up_to_date() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let shared = root.join("../shared/data");
        if !shared.join("names").is_dir() {
            eprintln!(
                "note: {} not found; skipping the lexicon rebuild check",
                shared.display()
            );
            return;
        }
        let built = build_lexicon(&shared, &root.join("data")).expect("build");
        let committed = fs::read(root.join("data/lexicon.bin")).expect("data/lexicon.bin");
        assert!(
            built == committed,
            "data/lexicon.bin is stale: run `cargo xtask data` ({} bytes built, {} committed)",
            built.len(),
            committed.len()
        );
    }
}
