//! Builds `data/population.bin`, the population tables read by `clinpost_risk::population`
//! (issue 4): ONS mid-2020 population by area × sex × single year of age, GP practice lists by
//! sex × 5-year band with QOF 2024-25 registers, England QOF prevalence, postcode sector and
//! district populations (2011 Census) and ONS towns (2011 built-up areas).
//!
//! Format (all integers little-endian; the reader's module docs repeat it):
//!
//! ```text
//! header   "CPPO" | u32 version (1) | u32 n_sections
//!          n_sections × { [u8; 4] tag | u32 offset | u32 count | u32 record_size }
//! STRS     string pool (UTF-8); strings are referenced as u32 offset + u16 length
//! AREA     ONS areas sorted by code: [u8; 9] code | u8 kind | name ref | normalised name ref |
//!          2 × 91 × u32 (female ages 0..=89 and 90+, then male)
//! PRAC     practices sorted by code: [u8; 6] code | [u8; 8] postcode (space padded) |
//!          name ref | normalised name ref | 2 × 20 × u16 (female 0-4 … 95+, then male) |
//!          21 × u16 QOF registers (order of QOFE) | 6 × u32 QOF denominators (order of
//!          `LIST_TYPES`; all 0 when the practice is not in the QOF file)
//! QOFE     England QOF summary in group order: [u8; 4] group | name ref | u32 register |
//!          u32 denominator | u8 list type
//! PSEC     postcode sectors sorted by key: [u8; 8] key ("AL1 1", space padded) | u32 residents
//! PDIS     postcode districts, the same layout
//! TOWN     towns sorted by normalised name: normalised name ref | name ref | u32 population
//! ```
//!
//! The build is deterministic (sorted inputs, no hashing of addresses), so a test can compare the
//! committed file with a fresh build.

use std::collections::BTreeMap;
use std::path::Path;

use super::{csv, normalise, strip_bua};

/// QOF denominator types, in the order stored per practice.
pub const LIST_TYPES: [&str; 6] = ["TOTAL", "06OV", "16OV", "17OV", "18OV", "50OV"];

/// Area kinds (the `kind` byte of an AREA record), from the ONS `geography` column.
pub const AREA_KINDS: [&str; 10] = [
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

const AREA_REC: usize = 9 + 1 + 6 + 6 + 2 * 91 * 4;
const PRAC_REC: usize = 6 + 8 + 6 + 6 + 2 * 20 * 2 + 21 * 2 + 6 * 4;
const QOFE_REC: usize = 4 + 6 + 4 + 4 + 1;
const PC_REC: usize = 12;
const TOWN_REC: usize = 16;

#[derive(Default)]
struct Pool {
    bytes: Vec<u8>,
    seen: BTreeMap<String, u32>,
}

impl Pool {
    /// A string reference (offset u32, length u16), sharing identical strings.
    fn put(&mut self, s: &str) -> Result<[u8; 6], String> {
        if s.len() > u16::MAX as usize {
            return Err(format!("string too long: {s}"));
        }
        let off = match self.seen.get(s) {
            Some(&o) => o,
            None => {
                let o = self.bytes.len() as u32;
                self.bytes.extend_from_slice(s.as_bytes());
                self.seen.insert(s.to_string(), o);
                o
            }
        };
        let mut r = [0u8; 6];
        r[..4].copy_from_slice(&off.to_le_bytes());
        r[4..].copy_from_slice(&(s.len() as u16).to_le_bytes());
        Ok(r)
    }
}

/// Uppercase, single spaces: "ts18  1hu" → "TS18 1HU".
pub fn postcode_key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
}

fn fixed<const N: usize>(s: &str, pad: u8) -> Result<[u8; N], String> {
    if s.len() > N || !s.is_ascii() {
        return Err(format!("{s:?} does not fit {N} ASCII bytes"));
    }
    let mut out = [pad; N];
    out[..s.len()].copy_from_slice(s.as_bytes());
    Ok(out)
}

fn num(r: &BTreeMap<String, String>, k: &str) -> Result<u64, String> {
    let v = r.get(k).ok_or_else(|| format!("missing column {k}"))?;
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite() && *x >= 0.0)
        .map(|x| x.round() as u64)
        .ok_or_else(|| format!("{k}: not a count: {v:?}"))
}

fn u16_of(x: u64, what: &str) -> Result<[u8; 2], String> {
    u16::try_from(x)
        .map(|v| v.to_le_bytes())
        .map_err(|_| format!("{what}: {x} does not fit u16"))
}

fn u32_of(x: u64, what: &str) -> Result<[u8; 4], String> {
    u32::try_from(x)
        .map(|v| v.to_le_bytes())
        .map_err(|_| format!("{what}: {x} does not fit u32"))
}

/// Builds `population.bin` from `shared` (the `data` folder of the shared tree).
pub fn build_population(shared: &Path) -> Result<Vec<u8>, String> {
    let dir = shared.join("population");
    let mut pool = Pool::default();

    // Areas.
    let mut areas: BTreeMap<String, (u8, String, [[u64; 91]; 2])> = BTreeMap::new();
    for r in csv(&dir.join("ons_mye2020_la_sex_single_year_age.csv"))? {
        let code = r["code"].clone();
        let kind = AREA_KINDS
            .iter()
            .position(|k| *k == r["geography"])
            .ok_or_else(|| format!("unknown geography {:?}", r["geography"]))?
            as u8;
        let sex = match r["sex"].as_str() {
            "F" => 0,
            "M" => 1,
            s => return Err(format!("{code}: unknown sex {s:?}")),
        };
        let e = areas
            .entry(code.clone())
            .or_insert_with(|| (kind, r["name"].clone(), [[0; 91]; 2]));
        let mut sum = 0;
        for age in 0..91 {
            let col = if age == 90 {
                "age_90_plus".to_string()
            } else {
                format!("age_{age}")
            };
            let v = num(&r, &col)?;
            e.2[sex][age] = v;
            sum += v;
        }
        if sum != num(&r, "all_ages")? {
            return Err(format!("{code}: ages do not sum to all_ages"));
        }
    }
    let mut area_bytes = Vec::with_capacity(areas.len() * AREA_REC);
    for (code, (kind, name, counts)) in &areas {
        area_bytes.extend_from_slice(&fixed::<9>(code, b' ')?);
        area_bytes.push(*kind);
        area_bytes.extend_from_slice(&pool.put(name)?);
        area_bytes.extend_from_slice(&pool.put(&normalise(name))?);
        for row in counts {
            for &v in row {
                area_bytes.extend_from_slice(&u32_of(v, code)?);
            }
        }
    }

    // QOF per practice: registers by group, denominators by list type.
    let mut qof_groups: Vec<(String, String, u64, u64, u8)> = Vec::new();
    for r in csv(&dir.join("qof_prevalence_2024-25_england_summary.csv"))? {
        let lt = LIST_TYPES
            .iter()
            .position(|t| *t == r["denominator_list_type"])
            .ok_or_else(|| format!("unknown list type {:?}", r["denominator_list_type"]))?;
        qof_groups.push((
            r["group_code"].clone(),
            r["condition"].clone(),
            num(&r, "register_total")?,
            num(&r, "denominator_list_size")?,
            lt as u8,
        ));
    }
    if qof_groups.len() != 21 {
        return Err(format!("expected 21 QOF groups, got {}", qof_groups.len()));
    }
    let mut qof: BTreeMap<String, ([u64; 21], [u64; 6])> = BTreeMap::new();
    for r in csv(&dir.join("qof_prevalence_2024-25_practice.csv"))? {
        let g = qof_groups
            .iter()
            .position(|q| q.0 == r["GROUP_CODE"])
            .ok_or_else(|| format!("unknown QOF group {:?}", r["GROUP_CODE"]))?;
        let lt = LIST_TYPES
            .iter()
            .position(|t| *t == r["PATIENT_LIST_TYPE"])
            .ok_or_else(|| format!("unknown list type {:?}", r["PATIENT_LIST_TYPE"]))?;
        let e = qof.entry(r["PRACTICE_CODE"].clone()).or_default();
        e.0[g] = num(&r, "REGISTER")?;
        e.1[lt] = num(&r, "PRACTICE_LIST_SIZE")?;
    }

    // Practices.
    let mut practices: BTreeMap<String, (String, String, [[u64; 20]; 2])> = BTreeMap::new();
    for r in csv(&dir.join("nhs_gp_practice_list_sex_5yr_2026-07.csv"))? {
        let code = r["practice_code"].clone();
        let sex = match r["sex"].as_str() {
            "F" => 0,
            "M" => 1,
            s => return Err(format!("{code}: unknown sex {s:?}")),
        };
        let e = practices.entry(code.clone()).or_insert_with(|| {
            (
                r["practice_name"].clone(),
                postcode_key(&r["practice_postcode"]),
                [[0; 20]; 2],
            )
        });
        let mut sum = 0;
        for band in 0..20 {
            let col = if band == 19 {
                "age_95_plus".to_string()
            } else {
                format!("age_{}_{}", band * 5, band * 5 + 4)
            };
            let v = num(&r, &col)?;
            e.2[sex][band] = v;
            sum += v;
        }
        if sum != num(&r, "total")? {
            return Err(format!("{code}: bands do not sum to total"));
        }
    }
    let mut prac_bytes = Vec::with_capacity(practices.len() * PRAC_REC);
    for (code, (name, postcode, bands)) in &practices {
        prac_bytes.extend_from_slice(&fixed::<6>(code, b' ')?);
        prac_bytes.extend_from_slice(&fixed::<8>(postcode, b' ')?);
        prac_bytes.extend_from_slice(&pool.put(name)?);
        prac_bytes.extend_from_slice(&pool.put(&normalise(name))?);
        for row in bands {
            for &v in row {
                prac_bytes.extend_from_slice(&u16_of(v, code)?);
            }
        }
        let (regs, dens) = qof.get(code).copied().unwrap_or_default();
        for v in regs {
            prac_bytes.extend_from_slice(&u16_of(v, code)?);
        }
        for v in dens {
            prac_bytes.extend_from_slice(&u32_of(v, code)?);
        }
    }

    let mut qofe_bytes = Vec::new();
    for (code, name, reg, den, lt) in &qof_groups {
        qofe_bytes.extend_from_slice(&fixed::<4>(code, b' ')?);
        qofe_bytes.extend_from_slice(&pool.put(name)?);
        qofe_bytes.extend_from_slice(&u32_of(*reg, code)?);
        qofe_bytes.extend_from_slice(&u32_of(*den, code)?);
        qofe_bytes.push(*lt);
    }

    // Postcode sectors and districts.
    let postcodes = |file: &str, col: &str| -> Result<(Vec<u8>, usize), String> {
        let mut m = BTreeMap::new();
        for r in csv(&dir.join(file))? {
            m.insert(postcode_key(&r[col]), num(&r, "usual_residents")?);
        }
        let mut out = Vec::with_capacity(m.len() * PC_REC);
        for (k, v) in &m {
            out.extend_from_slice(&fixed::<8>(k, b' ')?);
            out.extend_from_slice(&u32_of(*v, k)?);
        }
        Ok((out, m.len()))
    };
    let (psec, n_psec) = postcodes("postcode_sector_population_ew_2011.csv", "postcode_sector")?;
    let (pdis, n_pdis) = postcodes(
        "postcode_district_population_ew_2011.csv",
        "postcode_district",
    )?;

    // Towns (real built-up areas only; the London and "not BUA" aggregates are left out).
    let mut towns: BTreeMap<(String, String), u64> = BTreeMap::new();
    for r in csv(&dir.join("ons_towns_ew_2011_population.csv"))? {
        if !matches!(
            r["size_flag"].as_str(),
            "Small Towns" | "Medium Towns" | "Large Towns" | "City"
        ) {
            continue;
        }
        let name = strip_bua(&r["town_name"]);
        let key = normalise(&name);
        if key.is_empty() {
            continue;
        }
        towns.insert((key, name), num(&r, "population_2011")?);
    }
    let mut town_bytes = Vec::with_capacity(towns.len() * TOWN_REC);
    for ((key, name), pop) in &towns {
        town_bytes.extend_from_slice(&pool.put(key)?);
        town_bytes.extend_from_slice(&pool.put(name)?);
        town_bytes.extend_from_slice(&u32_of(*pop, name)?);
    }

    let sections: [(&[u8; 4], &[u8], usize, usize); 7] = [
        (b"STRS", &pool.bytes, pool.bytes.len(), 1),
        (b"AREA", &area_bytes, areas.len(), AREA_REC),
        (b"PRAC", &prac_bytes, practices.len(), PRAC_REC),
        (b"QOFE", &qofe_bytes, qof_groups.len(), QOFE_REC),
        (b"PSEC", &psec, n_psec, PC_REC),
        (b"PDIS", &pdis, n_pdis, PC_REC),
        (b"TOWN", &town_bytes, towns.len(), TOWN_REC),
    ];
    let header_len = 12 + sections.len() * 16;
    let mut out = Vec::new();
    out.extend_from_slice(b"CPPO");
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    let mut off = header_len;
    for (tag, bytes, count, rec) in &sections {
        debug_assert_eq!(bytes.len(), count * rec);
        out.extend_from_slice(*tag);
        for x in [off, *count, *rec] {
            out.extend_from_slice(&u32_of(x as u64, "header")?);
        }
        off += bytes.len();
    }
    for (_, bytes, _, _) in &sections {
        out.extend_from_slice(bytes);
    }
    Ok(out)
}

/// Section sizes, for the build log.
pub fn stats(table: &[u8]) -> Vec<(String, usize)> {
    let n = u32::from_le_bytes(table[8..12].try_into().unwrap()) as usize;
    (0..n)
        .map(|i| {
            let h = &table[12 + i * 16..28 + i * 16];
            (
                String::from_utf8_lossy(&h[..4]).into_owned(),
                u32::from_le_bytes(h[8..12].try_into().unwrap()) as usize,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn postcode_keys() {
        assert_eq!(postcode_key(" ts18  1hu "), "TS18 1HU");
        assert_eq!(postcode_key("AL1"), "AL1");
    }

    #[test]
    fn fixed_width_fields() {
        assert_eq!(fixed::<6>("AB1", b' ').unwrap(), *b"AB1   ");
        assert!(fixed::<2>("ABC", b' ').is_err());
    }

    /// The committed table must be exactly what the builder makes from the shared data.
    #[test]
    fn committed_population_is_up_to_date() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let shared = root.join("../shared/data");
        if !shared.join("population").is_dir() {
            eprintln!(
                "note: {} not found; skipping the population rebuild check",
                shared.display()
            );
            return;
        }
        let built = build_population(&shared).expect("build");
        let committed = fs::read(root.join("data/population.bin")).expect("data/population.bin");
        assert!(
            built == committed,
            "data/population.bin is stale: run `cargo xtask data` ({} bytes built, {} committed)",
            built.len(),
            committed.len()
        );
    }
}
