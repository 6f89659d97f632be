//! The lexicon: one static hash table that answers, for a word or a short phrase, every question
//! the name and place detectors ask about it — is it a first name (which sex, how common, an old
//! name), a surname (how common, British), an English word (a common one), a name that is also a
//! word, a medical eponym, a drug, a clinical abbreviation, a place (what kind, how big, in the UK),
//! and the head of a longer phrase.
//!
//! # Why this shape
//!
//! The CLI must start in under 50 ms and the product may not read the open-data folder at run
//! time, so the table is built ahead of time by `cargo xtask data` into `data/lexicon.bin` and
//! compiled into the binary with `include_bytes!`. Nothing is parsed at start-up: the first call
//! to [`lexicon()`] checks the 20-byte header and records where the slots and the key blob start;
//! after that, a lookup hashes the key, probes a few slots and compares bytes in place. One probe
//! per token gives every attribute at once (all attributes of a key are bits of one `u32`), so
//! the detectors never consult several lists for the same word. The trade-off: the table is
//! immutable (changing a list means rebuilding it), and it costs about 30% empty slots.
//!
//! # Format (little-endian)
//!
//! ```text
//! header   "CPLX"  u32 version (= 2)  u32 n_slots (power of two)  u32 n_entries  u32 blob_len
//! slots    n_slots × (u32 key_ref, u32 value)   key_ref 0 = empty, else
//!          (top byte of the key's hash) << 24 | (offset into blob + 1)
//! blob     blob_len bytes; a key is stored as u8 length followed by its bytes
//! ```
//!
//! The slot of a key is `fnv1a64(key) & (n_slots - 1)`, with linear probing; the load factor is at
//! most 0.7, so a probe sequence always ends at an empty slot. The hash's top byte, kept in the
//! slot, lets a probe skip a slot holding another key without reading the blob (a miss would
//! otherwise touch the blob once per occupied slot on its way to an empty one). Keys are lower-case and a
//! multi-word key is its words (maximal runs of alphanumeric characters) joined by one space, as
//! [`normalise_key`] produces: "St Mary's" is stored as `st mary s`. Keys are at most 255 bytes.
//!
//! The value bits are decoded by [`Entry`]'s accessors:
//!
//! | bits  | meaning |
//! |-------|---------|
//! | 0-1   | first-name sex: 0 not a first name, 1 F, 2 M, 3 unisex |
//! | 2-5   | first-name weight bucket 1..15: clamp(floor(log2(weight_ppm)) + 3, 1, 15) |
//! | 6     | historic first name (ONS top 100 in England & Wales, 1904-2024) |
//! | 7-11  | surname bucket 1..31: clamp(floor(log2(count + 1)), 1, 31) |
//! | 12    | surname with a British source |
//! | 13    | English word; bit 14: common English word |
//! | 15    | name that is also a common word |
//! | 16    | medical eponym (Parkinson, Crohn...) |
//! | 17    | drug name |
//! | 18-19 | place kind: 1 settlement, 2 facility, 3 region or larger |
//! | 20-23 | place population bucket 1..15: clamp(ceil(log2(pop) / 2), 1, 15); 0 unknown |
//! | 24    | UK place |
//! | 25-27 | phrase head: words − 1 of the longest phrase starting with this word (max 7) |
//! | 28    | clinical term (pt, bp, icu...) |
//! | 29-31 | reserved (0) |
//!
//! When a key names places of several kinds, the highest kind wins (region > facility >
//! settlement: "Kent" is a county though towns carry the name; a city-named area such as Cardiff
//! is listed as a region only in its unambiguous form), the population bucket is that of the
//! largest place of the name, and `uk` is set if any of them is in the UK. Phrases of more than 8
//! words are not stored.
//!
//! The sources, and the attribution their licences ask for, are listed in `data/NOTICE`.

use std::sync::LazyLock;

/// The table, compiled in. Built by `cargo xtask data`.
static BYTES: &[u8] = include_bytes!("../../../data/lexicon.bin");

const MAGIC: &[u8; 4] = b"CPLX";
const VERSION: u32 = 2;
const HEADER_LEN: usize = 20;
const SLOT_LEN: usize = 8;

static LEXICON: LazyLock<Lexicon> =
    LazyLock::new(|| Lexicon::from_bytes(BYTES).expect("data/lexicon.bin is a valid lexicon"));

/// The compiled-in lexicon. The first call checks the header (constant time); nothing else is
/// parsed.
pub fn lexicon() -> &'static Lexicon {
    &LEXICON
}

/// A read-only view of a lexicon table (see the module docs for the format).
#[derive(Debug, Clone, Copy)]
pub struct Lexicon {
    slots: &'static [u8],
    blob: &'static [u8],
    mask: usize,
    n_entries: u32,
}

impl Lexicon {
    /// Checks the header of `bytes` and returns a view over it. Only the header and the section
    /// lengths are checked; slots pointing outside the blob make lookups miss, never panic.
    pub fn from_bytes(bytes: &'static [u8]) -> Result<Lexicon, String> {
        if bytes.len() < HEADER_LEN || &bytes[0..4] != MAGIC {
            return Err("not a lexicon table (bad magic)".into());
        }
        let version = read_u32(bytes, 4);
        if version != VERSION {
            return Err(format!("lexicon version {version}, expected {VERSION}"));
        }
        let n_slots = read_u32(bytes, 8) as usize;
        let n_entries = read_u32(bytes, 12);
        let blob_len = read_u32(bytes, 16) as usize;
        if !n_slots.is_power_of_two() {
            return Err(format!("n_slots {n_slots} is not a power of two"));
        }
        if n_entries as usize >= n_slots {
            return Err("lexicon has no empty slot".into());
        }
        let slots_end = HEADER_LEN + n_slots * SLOT_LEN;
        if bytes.len() != slots_end + blob_len {
            return Err(format!(
                "lexicon is {} bytes, header says {}",
                bytes.len(),
                slots_end + blob_len
            ));
        }
        Ok(Lexicon {
            slots: &bytes[HEADER_LEN..slots_end],
            blob: &bytes[slots_end..],
            mask: n_slots - 1,
            n_entries,
        })
    }

    /// Number of keys in the table.
    pub fn len(&self) -> usize {
        self.n_entries as usize
    }

    /// Whether the table has no keys.
    pub fn is_empty(&self) -> bool {
        self.n_entries == 0
    }

    /// Looks up a key that is already normalised (see [`normalise_key`]). No allocation.
    #[inline]
    pub fn get(&self, key: &str) -> Option<Entry> {
        let key = key.as_bytes();
        if key.is_empty() || key.len() > 255 {
            return None;
        }
        let h = fnv1a64(key);
        let fingerprint = (h >> 56) as u32;
        let mut i = (h as usize) & self.mask;
        loop {
            let at = i * SLOT_LEN;
            let key_ref = read_u32(self.slots, at);
            if key_ref == 0 {
                return None;
            }
            if key_ref >> 24 != fingerprint {
                i = (i + 1) & self.mask;
                continue;
            }
            let off = (key_ref & 0x00ff_ffff) as usize - 1;
            if let Some(&len) = self.blob.get(off) {
                if len as usize == key.len()
                    && self.blob.get(off + 1..off + 1 + key.len()) == Some(key)
                {
                    return Some(Entry(read_u32(self.slots, at + 4)));
                }
            }
            i = (i + 1) & self.mask;
        }
    }

    /// Like [`Lexicon::get`], through a small per-thread cache keyed by the key's 64-bit hash:
    /// for lookups that repeat across documents (phrases tried by the place matcher), where a
    /// probe of the 8 MB table costs a cache miss or two. Two keys sharing a 64-bit hash would
    /// share an answer; at a few thousand live entries that is vanishingly unlikely.
    pub fn get_cached(&self, key: &str) -> Option<Entry> {
        self.get_cached_by_hash(fnv1a64(key.as_bytes()), || self.get(key))
    }

    /// [`Lexicon::get_cached`] for the key whose [`fnv1a64`] hash is `hash`; on a cache miss,
    /// `lookup` looks the key up ([`Lexicon::get`]). For callers that hash several keys
    /// sharing a prefix in one pass ([`fnv1a64_extend`]) and spell a key out only when the
    /// cache does not know it.
    pub(crate) fn get_cached_by_hash(
        &self,
        hash: u64,
        lookup: impl FnOnce() -> Option<Entry>,
    ) -> Option<Entry> {
        let tag = hash | 1; // 0 marks an empty slot
        PHRASE_CACHE.with_borrow_mut(|c| {
            let slot = &mut c[(hash >> 40) as usize & (PHRASE_CACHE_SLOTS - 1)];
            if slot.0 == tag {
                return slot.2.then_some(Entry(slot.1));
            }
            let e = lookup();
            *slot = (tag, e.map_or(0, |e| e.0), e.is_some());
            e
        })
    }

    /// Normalises `text` (see [`normalise_key`]) into `buf` and looks it up.
    pub fn lookup(&self, text: &str, buf: &mut String) -> Option<Entry> {
        normalise_key(text, buf);
        self.get(buf)
    }
}

const PHRASE_CACHE_SLOTS: usize = 1 << 14;

thread_local! {
    /// The cache of [`Lexicon::get_cached`]: (hash tag, entry bits, found) by hash.
    static PHRASE_CACHE: std::cell::RefCell<Vec<(u64, u32, bool)>> =
        std::cell::RefCell::new(vec![(0, 0, false); PHRASE_CACHE_SLOTS]);
}

#[inline]
fn read_u32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// FNV-1a, 64 bits: the table's hash function.
#[inline]
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_extend(0xcbf2_9ce4_8422_2325, bytes)
}

/// The [`fnv1a64`] hash of `k + bytes` from `h`, the hash of `k`.
#[inline]
pub fn fnv1a64_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Writes the lexicon key for `s` into `buf` (cleared first): the words of `s` (maximal runs of
/// alphanumeric characters, so apostrophes and hyphens split words) lower-cased and joined by one
/// space. "St Mary's" → `st mary s`; "  Lily-Rose " → `lily rose`. ASCII text takes a byte-wise
/// path; the only allocation is `buf` growing, so reuse it across calls.
pub fn normalise_key(s: &str, buf: &mut String) {
    buf.clear();
    let mut pending_space = false;
    if s.is_ascii() {
        for &b in s.as_bytes() {
            if b.is_ascii_alphanumeric() {
                if pending_space {
                    buf.push(' ');
                    pending_space = false;
                }
                buf.push(b.to_ascii_lowercase() as char);
            } else if !buf.is_empty() {
                pending_space = true;
            }
        }
    } else {
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
    }
}

/// Sex of a first name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// At least 90% of bearers female.
    Female,
    /// At least 90% of bearers male.
    Male,
    /// Neither.
    Unisex,
}

/// What kind of place a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceKind {
    /// City, town, village, hamlet, suburb, US place or county: a location under HIPAA and the
    /// GMC's guidance.
    Settlement,
    /// Hospital, NHS trust, GP practice or other care facility.
    Facility,
    /// Region or larger (country, UK nation, English region, county, US state): not identifying.
    Region,
}

/// The place attributes of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    /// Settlement, facility or region.
    pub kind: PlaceKind,
    /// Population bucket 1..15 (`ceil(log2(pop) / 2)`, so about `4^bucket` people); 0 unknown.
    /// With several places of the same name, the largest.
    pub pop_bucket: u8,
    /// At least one place of this name is in the UK.
    pub uk: bool,
}

/// Everything the lexicon knows about one key: the bits of its value (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Entry(u32);

impl Entry {
    /// An entry from raw value bits (for tests and tools).
    pub const fn from_bits(bits: u32) -> Entry {
        Entry(bits)
    }

    /// The raw value bits.
    pub const fn bits(self) -> u32 {
        self.0
    }

    #[inline]
    const fn field(self, shift: u32, width: u32) -> u32 {
        (self.0 >> shift) & ((1 << width) - 1)
    }

    /// Sex and weight bucket (1..15, `floor(log2(weight_ppm)) + 3`: 15 is ≥ 4,096 per million,
    /// 1 is under 0.5 per million) if the key is a first name.
    pub fn first_name(self) -> Option<(Sex, u8)> {
        let sex = match self.field(0, 2) {
            1 => Sex::Female,
            2 => Sex::Male,
            3 => Sex::Unisex,
            _ => return None,
        };
        Some((sex, self.field(2, 4) as u8))
    }

    /// A first name that was in the ONS England & Wales top 100 in some decade since 1904 (Cyril,
    /// Enid): plausible for an elderly patient whatever its modern weight.
    pub fn historic_first_name(self) -> bool {
        self.field(6, 1) != 0
    }

    /// Surname bucket (1..31, `floor(log2(count + 1))` of the US Census 2000 count; 1 for names
    /// listed without a count) if the key is a surname.
    pub fn surname(self) -> Option<u8> {
        match self.field(7, 5) {
            0 => None,
            b => Some(b as u8),
        }
    }

    /// A surname from a British list (or with a British population share).
    pub fn british_surname(self) -> bool {
        self.field(12, 1) != 0
    }

    /// An English word (SCOWL ≤ 50, lower-case entries).
    pub fn word(self) -> bool {
        self.field(13, 1) != 0
    }

    /// A common English word (SCOWL ≤ 35).
    pub fn common_word(self) -> bool {
        self.field(14, 1) != 0
    }

    /// A reasonably common first name or surname that is also an English word (grace, will,
    /// baker).
    pub fn ambiguous_name(self) -> bool {
        self.field(15, 1) != 0
    }

    /// A medical eponym (parkinson, crohn): not a patient name when it names a disease, sign or
    /// test.
    pub fn eponym(self) -> bool {
        self.field(16, 1) != 0
    }

    /// A generic drug name (single word or phrase).
    pub fn drug(self) -> bool {
        self.field(17, 1) != 0
    }

    /// Place attributes, if the key names a place.
    pub fn place(self) -> Option<Place> {
        let kind = match self.field(18, 2) {
            1 => PlaceKind::Settlement,
            2 => PlaceKind::Facility,
            3 => PlaceKind::Region,
            _ => return None,
        };
        Some(Place {
            kind,
            pop_bucket: self.field(20, 4) as u8,
            uk: self.field(24, 1) != 0,
        })
    }

    /// For a single word: the number of further words in the longest phrase key that starts with
    /// it (capped at 7); 0 when no phrase starts with it, so a matcher tries phrases only then.
    pub fn phrase_max(self) -> usize {
        self.field(25, 3) as usize
    }

    /// A clinical abbreviation or word (pt, bp, icu, mae) that is never a name in a clinical note.
    pub fn clinical(self) -> bool {
        self.field(28, 1) != 0
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("first_name", &self.first_name())
            .field("historic_first_name", &self.historic_first_name())
            .field("surname", &self.surname())
            .field("british_surname", &self.british_surname())
            .field("word", &self.word())
            .field("common_word", &self.common_word())
            .field("ambiguous_name", &self.ambiguous_name())
            .field("eponym", &self.eponym())
            .field("drug", &self.drug())
            .field("place", &self.place())
            .field("phrase_max", &self.phrase_max())
            .field("clinical", &self.clinical())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        let mut buf = String::new();
        normalise_key(s, &mut buf);
        buf
    }

    #[test]
    fn normalise_key_joins_words() {
        assert_eq!(norm("St Mary's"), "st mary s");
        assert_eq!(norm("  Lily-Rose  "), "lily rose");
        assert_eq!(norm("ST. THOMAS' HOSPITAL"), "st thomas hospital");
        assert_eq!(norm("Bryn-y-Maen"), "bryn y maen");
        assert_eq!(norm("A' Chrìon Làraich"), "a chrìon làraich");
        assert_eq!(norm("ZOË"), "zoë");
        assert_eq!(norm("..."), "");
    }

    #[test]
    fn entry_bits_decode() {
        let e = Entry::from_bits(2 | (13 << 2) | (1 << 6) | (9 << 7) | (1 << 12) | (3 << 25));
        assert_eq!(e.first_name(), Some((Sex::Male, 13)));
        assert!(e.historic_first_name());
        assert_eq!(e.surname(), Some(9));
        assert!(e.british_surname());
        assert!(!e.word() && !e.drug() && !e.clinical() && !e.eponym());
        assert_eq!(e.place(), None);
        assert_eq!(e.phrase_max(), 3);
        let p = Entry::from_bits((1 << 18) | (11 << 20) | (1 << 24));
        assert_eq!(
            p.place(),
            Some(Place {
                kind: PlaceKind::Settlement,
                pop_bucket: 11,
                uk: true
            })
        );
        assert_eq!(p.first_name(), None);
    }

    fn get(key: &str) -> Entry {
        lexicon()
            .get(key)
            .unwrap_or_else(|| panic!("{key:?} is in the lexicon"))
    }

    #[test]
    fn known_keys() {
        let lx = lexicon();
        assert!(lx.len() > 300_000, "{} keys", lx.len());

        let james = get("james");
        assert_eq!(james.first_name().map(|f| f.0), Some(Sex::Male));
        assert!(james.first_name().unwrap().1 >= 14);
        assert!(james.historic_first_name());
        assert!(get("mary").first_name().map(|f| f.0) == Some(Sex::Female));
        assert!(get("cyril").historic_first_name());

        let smith = get("smith");
        assert!(smith.surname().unwrap() >= 20);
        assert!(smith.british_surname());
        assert!(smith.ambiguous_name() && smith.common_word());

        let parkinson = get("parkinson");
        assert!(parkinson.eponym());
        assert!(parkinson.surname().is_some());

        let reading = get("reading");
        assert!(reading.word() && reading.common_word());
        let p = reading.place().unwrap();
        assert_eq!(p.kind, PlaceKind::Settlement);
        assert!(p.uk);

        let london = get("london").place().unwrap();
        assert_eq!(london.kind, PlaceKind::Settlement);
        assert!(london.pop_bucket >= 11, "{london:?}");
        assert!(london.uk);
        assert!(get("london").phrase_max() >= 2);

        assert_eq!(get("england").place().unwrap().kind, PlaceKind::Region);
        assert_eq!(
            get("county durham").place().unwrap().kind,
            PlaceKind::Region
        );
        assert_eq!(get("texas").place().unwrap().kind, PlaceKind::Region);

        for facility in [
            "st thomas hospital",
            "guy s hospital",
            "guys hospital",
            "royal stoke university hospital",
            "royal london hospital",
            "john radcliffe hospital",
        ] {
            let p = get(facility).place().unwrap();
            assert_eq!((p.kind, p.uk), (PlaceKind::Facility, true), "{facility}");
        }
        let mgh = get("massachusetts general hospital").place().unwrap();
        assert_eq!((mgh.kind, mgh.uk), (PlaceKind::Facility, false));
        assert!(get("saint joseph regional medical center")
            .place()
            .is_some());
        assert!(lx.get("the surgery").is_none());
        assert!(lx.get("medical centre").is_none());
        assert!(get("royal").phrase_max() >= 2);
        assert!(get("st").phrase_max() >= 2);

        assert!(get("furosemide").drug());
        assert!(get("pt").clinical() && get("mae").clinical() && get("icu").clinical());
        assert!(get("grace").ambiguous_name() && get("grace").first_name().is_some());
        assert!(get("don t").common_word());
        assert!(get("kraków").place().is_some() && get("krakow").place().is_some());
        assert!(lx.get("qxzzyv").is_none());
    }

    #[test]
    fn lookup_normalises() {
        let mut buf = String::new();
        let e = lexicon().lookup("St. Thomas' Hospital", &mut buf).unwrap();
        assert_eq!(e.place().unwrap().kind, PlaceKind::Facility);
        assert_eq!(buf, "st thomas hospital");
    }

    /// Not a benchmark: prints the mean cost of a lookup (`cargo test -p clinpost-rules --release
    /// lexicon_lookup_cost -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn lexicon_lookup_cost() {
        let words = [
            "the",
            "patient",
            "james",
            "smith",
            "london",
            "reading",
            "qxzzyv",
            "furosemide",
            "bp",
            "was",
            "seen",
            "in",
            "st",
            "thomas",
            "hospital",
            "yesterday",
        ];
        let lx = lexicon();
        let n = 2_000_000;
        let t = std::time::Instant::now();
        let mut hits = 0usize;
        for i in 0..n {
            hits += lx
                .get(std::hint::black_box(words[i % words.len()]))
                .is_some() as usize;
        }
        let per = t.elapsed().as_nanos() as f64 / n as f64;
        println!("{per:.1} ns per lookup ({hits} hits)");
    }

    #[test]
    fn header_is_valid_and_absent_keys_miss() {
        let lx = lexicon();
        assert!(lx.get("zzqxj not a key").is_none());
        assert!(lx.get("").is_none());
        assert!(Lexicon::from_bytes(b"CPLY\x01\0\0\0").is_err());
    }
}
