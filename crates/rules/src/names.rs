//! People's names (PHI015) and named places (PHI012, see [`crate::places`]).
//!
//! There is no NER model offline, so names are found from evidence a reader would use: a title
//! ("Mr", "Dr", "Sister"), a relationship ("his daughter Maria"), a staff role ("Emily Parker,
//! RN"), a report label ("Patient: SURNAME, Firstname"), and the gazetteers (first names with
//! their frequency, surnames, English words, eponyms, clinical abbreviations) looked up once per
//! token in the compiled-in [`lexicon`](crate::lexicon). Capitalisation counts only where the
//! text has it: on a line written in capitals, or all in lower case, it says nothing.
//!
//! Both rules share one pass (tokenise, one lexicon probe per token), so this module's detector
//! reports both; the place logic lives in `places.rs`. Once a name is found with good evidence,
//! every other occurrence of it in the document is reported too (`Evidence::Propagated`).
//!
//! Trade-off: a single capitalised word that is neither a known name nor a known word (a rare
//! surname with no title) is not reported on its own — in clinical text such words are far more
//! often drug brands and abbreviations. A title, role, relative or label makes it a name.

use clinpost_core::{
    Applicability, Category, Cue, Detector, Document, Evidence, Finding, Fix, Gazetteer, Kind,
    RuleMeta, Severity, Span,
};

use crate::lexicon::{lexicon, Entry, PlaceKind};
use crate::places;
use crate::tokens::{bits, case_code, case_from_code, Case, RawToken, Scanner};

/// PHI015 person-name.
pub static PERSON_NAME: RuleMeta = RuleMeta {
    code: "PHI015",
    name: "person-name",
    category: Category::Identifier,
    kind: Kind::PersonName,
    severity: Severity::Error,
    guidance: &["gmc-sm/no-public-patient-discussion", "hipaa/safe-harbor"],
    summary: "A person's name: a patient, a relative or a member of staff.",
    docs: "## What it does\n\
Finds people's names: a title with a surname (Mr Jones, Dr. Okafor, Sister Mills), a first name \
with a surname, names next to a relationship (his daughter Maria) or a staff role (Emily Parker, \
RN), and report layouts such as `Patient: SURNAME, Firstname`. Capitals, all-capitals and \
all-lower-case forms and possessives (Mr Jones's) are found. Once a name is found, every other \
occurrence of it in the same text is found too. Medical eponyms used as the name of a disease, \
sign or test (Parkinson's disease, Bell's palsy, Down syndrome) are not names.\n\n\
## Why it matters\n\
A name identifies a patient on its own. A relative's or a colleague's name leads to the patient \
as surely, and a named member of staff narrows a post down to one ward on one day.\n\n\
## Example\n\
```text\nSpoke to Mrs Pennington's son David about the scan.\n```\n\n\
## Fix\n\
Replace the name with `[name]`, or leave the person out. Safe to apply automatically.",
    placeholder: Some("[name]"),
    priority: 30,
    true_samples: &[
        "Reviewed Mr «Pennington» on the ward round.",
        "Spoke to her daughter «Maria» this evening.",
        "Plan discussed with «Emily Parker», RN.",
        "Patient: «HOLLOWAY, Margaret»",
        "DR «OKAFOR» AWARE OF RESULTS.",
        "spoke with dr «healey» about the plan",
    ],
    false_samples: &[
        "Known Parkinson's disease, on co-careldopa.",
        "Bell's palsy resolving slowly.",
        "Will review in the morning; may need bloods.",
        "Down syndrome clinic referral sent.",
        "PT AWARE OF PLAN. NEURO INTACT.",
        "A rose by any other name.",
    ],
};

/// The name-and-place detector.
pub struct NamesAndPlaces;

static RULES: &[&RuleMeta] = &[&PERSON_NAME, &places::LOCATION];

/// The detectors of this module.
pub fn detectors() -> Vec<Box<dyn clinpost_core::Detector>> {
    vec![Box::new(NamesAndPlaces)]
}

impl Detector for NamesAndPlaces {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        RULES
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let a = Analysis::new(doc.text);
        let mut names = Vec::new();
        find_names(&a, &mut names);
        let mut locs = Vec::new();
        places::find_places(&a, &names, &mut locs);
        // A facility or ward name that contains a person's name is a place ("Warren Grant
        // Hospital", "St Mary's"): the name inside it is not reported separately.
        locs.sort_by_key(|(l, _, _)| l.start);
        let longest = locs.iter().map(|(l, _, _)| l.len()).max().unwrap_or(0);
        names.retain(|(s, _)| {
            // Only places starting within `longest` bytes before the name can overlap it.
            let hi = locs.partition_point(|(l, _, _)| l.start < s.end);
            !locs[..hi]
                .iter()
                .rev()
                .take_while(|(l, _, _)| l.start + longest > s.start)
                .any(|(l, _, w)| {
                    let multiword = doc.text[l.start..l.end].contains([' ', '-']);
                    l.overlaps(s)
                        && (*w != places::What::Settlement
                            || l.contains(s) && (l.len() > s.len() || multiword))
                })
        });
        for (span, ev) in names {
            out.push(Finding::new(&PERSON_NAME, span, "Person's name", ev));
        }
        for (span, ev, what) in locs {
            let (msg, rep) = match what {
                places::What::Facility => ("Named hospital or care facility", "[hospital]"),
                places::What::Ward => ("Named ward or unit", "[ward]"),
                places::What::Settlement => ("Named town or place", "[place]"),
                places::What::Street => ("Named street", "[street]"),
            };
            out.push(
                Finding::new(&places::LOCATION, span, msg, ev).with_fix(Some(Fix {
                    replacement: rep.to_string(),
                    applicability: Applicability::Safe,
                })),
            );
        }
    }
}

/// Closed-class word lists, looked up once per token into a bit set ([`Tok::f`]), so that the
/// rules test membership with a mask instead of scanning lists.
pub(crate) mod flag {
    /// Honorific title before a name.
    pub const TITLE: u32 = 1;
    /// A title that makes even a common word a surname ("Dr King").
    pub const STRONG_TITLE: u32 = 1 << 1;
    /// Family or social relationship.
    pub const RELATIVE: u32 = 1 << 2;
    /// Staff role written after a name.
    pub const ROLE_AFTER: u32 = 1 << 3;
    /// Staff role written before a name.
    pub const ROLE_BEFORE: u32 = 1 << 4;
    /// Report label before a name.
    pub const LABEL: u32 = 1 << 5;
    /// Word that ends a name.
    pub const STOP: u32 = 1 << 6;
    /// Word after an eponym that makes it a disease, sign or test.
    pub const EPONYM_NEXT: u32 = 1 << 7;
    /// Verb that is often followed by a person ("page", "spoke with").
    pub const VERB_CUE: u32 = 1 << 8;
    /// Facility head word.
    pub const FAC_HEAD: u32 = 1 << 9;
    /// Facility head that is also an everyday word.
    pub const WEAK_HEAD: u32 = 1 << 10;
    /// Qualifier of "centre"/"home" ("Health Centre", "Care Home").
    pub const CENTRE_QUAL: u32 = 1 << 11;
    /// Unit abbreviation after a named unit.
    pub const UNIT: u32 = 1 << 12;
    /// Street type.
    pub const STREET: u32 = 1 << 13;
    /// Word that ends a backward walk over a facility name.
    pub const PLACE_STOP: u32 = 1 << 14;
    /// Preposition before a place.
    pub const PREP: u32 = 1 << 15;
    /// Movement or care word before a facility.
    pub const MOVE: u32 = 1 << 16;
    /// Clinical abbreviation ending in H (not a hospital).
    pub const H_ABBREV: u32 = 1 << 17;
    /// Unit of measure or count after a number.
    pub const MEASURE: u32 = 1 << 18;
    /// Hospital department after a facility abbreviation (ER, EW, cath).
    pub const DEPT: u32 = 1 << 19;
    /// Landscape word after a named area (shore, valley).
    pub const GEO_HEAD: u32 = 1 << 20;
    /// Heading of a social-history section that may open with a name ("Social: Bill called").
    pub const SECTION: u32 = 1 << 21;
    /// Contact or household word after a name ("Lopie Certusi cell", "ROMERO FAMILY").
    pub const CONTACT_AFTER: u32 = 1 << 22;
    /// "St", "ward", "university"...: words that start a place rule of their own; also set
    /// when the word is looked up for a word shaped like a hospital's abbreviation ("GH",
    /// "UCLH": ends in H or MC, no everyday word, clinical term or listed H abbreviation).
    pub const PLACE_WORD: u32 = 1 << 23;
    /// Not a word list: set when the word is looked up, for a known first name that
    /// `gazetteer_first` may accept (its tests that depend on the word alone pass).
    pub const FIRST_NAME: u32 = 1 << 24;
    /// Not a word list: set when the word is looked up, for the first word of a gazetteer
    /// phrase.
    pub const PHRASE_HEAD: u32 = 1 << 25;
    /// Not a word list: a phrase head that is no common word or clinical term but a place or
    /// a name (worth trying phrases from even without a place cue).
    pub const PHRASE_WORTHY: u32 = 1 << 26;
    /// Not a word list: a gazetteer place smaller than a region.
    pub const TOWN: u32 = 1 << 27;
    /// "the".
    pub const THE: u32 = 1 << 28;
}

/// Words after a name that make it one (rule E of [`find_names`]): a role, a relationship, a
/// contact or household word.
const CUE_AFTER: u32 = flag::ROLE_AFTER | flag::RELATIVE | flag::CONTACT_AFTER;

/// Section headings of rule D0 of [`find_names`].
const SECTIONS: &[&str] = &["social", "family", "visitors", "visitor", "psychosocial"];

/// Contact and household words of rule E of [`find_names`].
const CONTACT_WORDS: &[&str] = &[
    "cell",
    "mobile",
    "mob",
    "phone",
    "tel",
    "telephone",
    "pager",
    "home",
    "work",
    "family",
    "household",
];

/// Words that start a place rule of their own in [`places::find_places`].
const PLACE_WORDS: &[&str] = &["st", "saint", "ward", "u", "univ", "university"];

/// A fast non-cryptographic hasher for the small closed-class map (FxHash's multiply-rotate):
/// the keys are our own word lists, so flooding is no concern.
#[derive(Default, Clone, Copy)]
pub(crate) struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes at a time, the last chunk zero-padded (assembled without a memcpy call).
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let v = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let v = rest
                .iter()
                .enumerate()
                .fold(0u64, |v, (k, &b)| v | (b as u64) << (8 * k));
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type WordMap<V> =
    std::collections::HashMap<&'static str, V, std::hash::BuildHasherDefault<WordHasher>>;

/// The closed-class lists, one bit each.
static CLOSED: std::sync::LazyLock<WordMap<u32>> = std::sync::LazyLock::new(|| {
    let mut m = WordMap::default();
    let lists: &[(&[&str], u32)] = &[
        (TITLES, flag::TITLE),
        (STRONG_TITLES, flag::STRONG_TITLE),
        (RELATIVES, flag::RELATIVE),
        (ROLES_AFTER, flag::ROLE_AFTER),
        (ROLES_BEFORE, flag::ROLE_BEFORE),
        (NAME_LABELS, flag::LABEL),
        (NAME_STOP, flag::STOP),
        (EPONYM_NEXT, flag::EPONYM_NEXT),
        (VERB_CUES, flag::VERB_CUE),
        (places::FACILITY_HEADS, flag::FAC_HEAD),
        (places::WEAK_HEADS, flag::WEAK_HEAD),
        (places::CENTRE_QUALIFIERS, flag::CENTRE_QUAL),
        (places::UNIT_ABBREVS, flag::UNIT),
        (places::STREET_HEADS, flag::STREET),
        (places::STOP, flag::PLACE_STOP),
        (places::PLACE_PREPS, flag::PREP),
        (places::MOVE_WORDS, flag::MOVE),
        (places::H_ABBREVS, flag::H_ABBREV),
        (places::MEASURES, flag::MEASURE),
        (places::DEPTS, flag::DEPT),
        (places::GEO_HEADS, flag::GEO_HEAD),
        (SECTIONS, flag::SECTION),
        (CONTACT_WORDS, flag::CONTACT_AFTER),
        (PLACE_WORDS, flag::PLACE_WORD),
        (&["the"], flag::THE),
    ];
    for (list, bit) in lists {
        for w in *list {
            *m.entry(*w).or_insert(0) |= bit;
        }
    }
    m
});

/// A small cache of recent words' lexicon entries and closed-class flags, one per thread.
/// Clinical text repeats its words (Zipf), and a hit here stays in L1/L2 where a probe of the
/// 8 MB lexicon costs a cache miss or two. Two-way set-associative, most recent first, so that
/// two frequent words that hash alike do not evict each other on every use.
#[derive(Clone, Copy, Default)]
struct CachedWord {
    /// The word's first 8 bytes and the next 8, zero-padded (words of 1 to 16 bytes, none of
    /// which is a zero byte, so the pair identifies the word; an empty slot holds (0, 0)).
    lo: u64,
    hi: u64,
    /// The lexicon entry's bits.
    entry: u32,
    /// The closed-class and derived flags, and [`IN_LEXICON`].
    flags: u32,
}

/// A bit of [`CachedWord::flags`] (no flag of [`flag`] uses it): the word has a lexicon entry.
const IN_LEXICON: u32 = 1 << 31;

const WORD_CACHE_SETS: usize = 1 << 13;

type WordCache = [[CachedWord; 2]; WORD_CACHE_SETS];

thread_local! {
    // Built on the heap (a 384 KB array would be built on the stack first).
    static WORD_CACHE: std::cell::RefCell<Box<WordCache>> = std::cell::RefCell::new(
        vec![[CachedWord::default(); 2]; WORD_CACHE_SETS]
            .into_boxed_slice()
            .try_into()
            .unwrap_or_else(|_| unreachable!("the vector has WORD_CACHE_SETS sets")),
    );
}

/// The first `len` (1 to 8) bytes of `b`, zero-padded, read as one little-endian integer.
#[inline]
fn packed_prefix(b: &[u8], len: usize) -> u64 {
    match b.first_chunk::<8>() {
        // One unaligned load, masked to the word's length.
        Some(chunk) => u64::from_le_bytes(*chunk) & (u64::MAX >> (64 - 8 * len)),
        None => b[..len]
            .iter()
            .rev()
            .fold(0u64, |v, &byte| v << 8 | byte as u64),
    }
}

/// Lexicon entry and closed-class flags of the lower-cased word `lower[s..e]`. A cache hit
/// reads the word with whole-word loads from `lower` and never makes a `&str` of it.
#[inline]
fn word_info(
    lower: &str,
    s: usize,
    e: usize,
    buf: &mut String,
    cache: &mut WordCache,
) -> (Option<Entry>, u32) {
    let lookup = |buf: &mut String| word_lookup(&lower[s..e], buf);
    let len = e - s;
    if len == 0 || len > 16 {
        return lookup(buf);
    }
    let tail = &lower.as_bytes()[s..];
    let (lo, hi) = if len <= 8 {
        (packed_prefix(tail, len), 0)
    } else {
        (packed_prefix(tail, 8), packed_prefix(&tail[8..], len - 8))
    };
    // A multiplicative hash of the packed word picks the set.
    let mixed = (lo ^ hi.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let set = &mut cache[(mixed >> 40) as usize % WORD_CACHE_SETS];
    let hit = |w: &CachedWord| {
        (
            (w.flags & IN_LEXICON != 0).then_some(Entry::from_bits(w.entry)),
            w.flags & !IN_LEXICON,
        )
    };
    if set[0].lo == lo && set[0].hi == hi {
        return hit(&set[0]);
    }
    if set[1].lo == lo && set[1].hi == hi {
        set.swap(0, 1);
        return hit(&set[0]);
    }
    let (entry, f) = lookup(buf);
    set[1] = set[0];
    set[0] = CachedWord {
        lo,
        hi,
        entry: entry.map_or(0, |e| e.bits()),
        flags: f | if entry.is_some() { IN_LEXICON } else { 0 },
    };
    (entry, f)
}

/// Lexicon entry and closed-class flags of a lower-cased word, without the cache (kept out of
/// line: the cache answers most words).
#[inline(never)]
fn word_lookup(key: &str, buf: &mut String) -> (Option<Entry>, u32) {
    let lex = lexicon();
    let f = if key.len() <= 16 {
        CLOSED.get(key).copied().unwrap_or(0)
    } else {
        0
    };
    let e = if key.contains('\'') || key.contains('\u{2019}') {
        lex.lookup(key, buf)
    } else {
        lex.get(key)
    };
    // The name lists spell without accents (ONS publishes "Zoe"): fold and try again.
    let e = e.or_else(|| {
        if key.is_ascii() {
            return None;
        }
        buf.clear();
        buf.extend(key.chars().map(fold_accent));
        lex.get(buf)
    });
    (e, f | derived_flags(key, e, f))
}

/// The flags that summarise the tests the scans make on a word alone, so that they test a bit
/// per token and skip most tokens at once: `PLACE_WORD`, `PHRASE_HEAD`, `PHRASE_WORTHY` and
/// `TOWN` (the word-level conditions of the rules of `places::find_places`) and `FIRST_NAME`
/// (those of [`gazetteer_first`]). `f` holds the word's closed-class flags.
fn derived_flags(key: &str, e: Option<Entry>, f: u32) -> u32 {
    let mut d = 0;
    if let Some(e) = e {
        if e.phrase_max() > 0 {
            d |= flag::PHRASE_HEAD;
            let named = e.place().is_some() || e.first_name().is_some() || e.surname().is_some();
            if !e.common_word() && !e.clinical() && named {
                d |= flag::PHRASE_WORTHY;
            }
        }
        if e.place().is_some_and(|p| p.kind != PlaceKind::Region) {
            d |= flag::TOWN;
        }
    }
    // Rule 6 of the place scan: "GH", "UCLH", "GBMC".
    if (key.ends_with('h') || key.ends_with("mc"))
        && f & flag::H_ABBREV == 0
        && e.is_none_or(|e| !e.word() && !e.clinical())
    {
        d |= flag::PLACE_WORD;
    }
    let first = e.is_some_and(|e| {
        e.first_name().is_some_and(|(_, weight)| {
            !e.clinical()
                && !e.drug()
                && !e.eponym()
                && !e.place().is_some_and(|p| p.kind == PlaceKind::Region)
                && if e.word() {
                    !e.common_word()
                } else {
                    weight >= 7 || e.historic_first_name()
                }
        })
    });
    if first && f & flag::STOP == 0 {
        d |= flag::FIRST_NAME;
    }
    d
}

/// The letter without its accent, for the common Latin accents; other characters unchanged.
fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => c,
    }
}

/// Bits of [`Tok`]'s shape: those of the scanner ([`bits`]: case, digit, alpha,
/// possessive, line break or "@" after, ASCII) and the token's line shape and lexicon presence.
mod shape {
    pub(super) const CAPS_LINE: u16 = 1 << 12;
    pub(super) const LOWER_LINE: u16 = 1 << 13;
    pub(super) const IN_LEXICON: u16 = 1 << 14;
}

/// A token with its lexicon entry, closed-class flags and line shape. Packed (48 bytes, the
/// case and yes/no attributes in one bit set) because one is written per word of every text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    start: usize,
    end: usize,
    gap_end: usize,
    /// Lower-cased word: range into `Analysis::lower`.
    pub low: (u32, u32),
    /// Bits of the lexicon entry of the lower-cased word, if `shape::IN_LEXICON`.
    entry: u32,
    /// Closed-class flags ([`flag`]).
    pub f: u32,
    /// Bits of [`bits`] and [`shape`].
    shape: u16,
}

impl Tok {
    /// Byte offset of the first character.
    #[inline]
    pub fn start(&self) -> usize {
        self.start
    }
    /// Byte offset one past the last character (possessive `'s` excluded).
    #[inline]
    pub fn end(&self) -> usize {
        self.end
    }
    /// End of the gap after this token (start of the next token, or text end).
    #[inline]
    pub fn gap_end(&self) -> usize {
        self.gap_end
    }
    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// Capitalisation.
    #[inline]
    pub fn case(&self) -> Case {
        case_from_code(self.shape)
    }
    /// Contains at least one digit.
    #[inline]
    pub fn digit(&self) -> bool {
        self.shape & bits::DIGIT != 0
    }
    /// Contains at least one letter.
    #[inline]
    pub fn alpha(&self) -> bool {
        self.shape & bits::ALPHA != 0
    }
    /// Followed by a possessive `'s`.
    #[inline]
    pub fn possessive(&self) -> bool {
        self.shape & bits::POSSESSIVE != 0
    }
    /// The gap after the token contains a line break.
    #[inline]
    pub fn gap_has_newline(&self) -> bool {
        self.shape & bits::NEWLINE_AFTER != 0
    }
    /// The gap after the token contains "@".
    #[inline]
    pub fn gap_has_at(&self) -> bool {
        self.shape & bits::GAP_AT != 0
    }
    /// The token's line is written mostly in capitals (case carries no information).
    #[inline]
    pub fn caps_line(&self) -> bool {
        self.shape & shape::CAPS_LINE != 0
    }
    /// The token's line is written entirely in lower case.
    #[inline]
    pub fn lower_line(&self) -> bool {
        self.shape & shape::LOWER_LINE != 0
    }
    /// Capitalised where case carries information (a mixed-case line): see
    /// [`Analysis::capitalised`].
    #[inline]
    pub fn capitalised(&self) -> bool {
        // On a mixed-case line a short word in capitals is an abbreviation far more often than
        // a name (CXR, ABI, ETT); a long one may be a surname written in capitals.
        !self.caps_line()
            && !self.lower_line()
            && (matches!(self.case(), Case::Title | Case::Mixed)
                || self.case() == Case::Upper && self.len() >= 5)
            || self.lower_line() && self.case() != Case::Lower
    }
    /// Lexicon entry of the lower-cased word (None for digits, unknown words).
    #[inline]
    pub fn e(&self) -> Option<Entry> {
        (self.shape & shape::IN_LEXICON != 0).then_some(Entry::from_bits(self.entry))
    }
}

/// Shared per-document analysis.
pub(crate) struct Analysis<'a> {
    pub text: &'a str,
    pub toks: Vec<Tok>,
    /// Lower-cased words, concatenated; `Tok::low` indexes into it.
    pub lower: String,
    /// The tokens where a name may start (one bit per token, see [`Gates`]).
    pub name_gate: Vec<u64>,
    /// The tokens where a place may start (one bit per token, see [`Gates`]).
    pub place_gate: Vec<u64>,
}

/// Closed-class and derived flags that let a name start at a token (rules A to D0 and G of
/// [`find_names`]).
const NAME_CUES: u32 = flag::TITLE
    | flag::RELATIVE
    | flag::ROLE_BEFORE
    | flag::VERB_CUE
    | flag::LABEL
    | flag::SECTION
    | flag::FIRST_NAME;

/// Flags that let a place start at a token whatever its case (see the fast path of
/// `places::find_places`).
const PLACE_WORD_CUES: u32 = flag::PLACE_WORD | flag::FAC_HEAD | flag::GEO_HEAD;

/// Flags that let a place start at a token that is capitalised, or on a line without case.
const PLACE_NAME_CUES: u32 = flag::PHRASE_HEAD | flag::TOWN;

/// The scans' fast paths: which tokens can start a name or a place at all, computed for all
/// tokens in one tight backward pass (each token needs only its own flags and those of the
/// next three), so that the scans jump from one candidate to the next ([`next_set`]) and
/// test their rules' finer conditions only there.
///
/// A name needs a letter and a cue word, a first name or a one-letter initial here, or a
/// role, relationship or contact word among the next three tokens (rule E of [`find_names`]).
/// A place needs a letter and a place flag (a gazetteer place or phrase head only when
/// capitalised or on a line without case), a unit or street word next, or a number in or
/// after a word of four bytes or more.
///
/// These tests, the derived flags of [`derived_flags`] and the fast paths at the top of the
/// scans' loops are necessary conditions of the rules: a rule that is changed or added must
/// keep them so (or loosen them), or the scans will skip tokens where it would fire.
struct Gates;

impl Gates {
    fn compute(toks: &[Tok], names: &mut Vec<u64>, places: &mut Vec<u64>) {
        let n = toks.len();
        names.clear();
        names.resize(n.div_ceil(64), 0);
        places.clear();
        places.resize(n.div_ceil(64), 0);
        // The flags of the next three tokens, and whether the next has a digit.
        let (mut f1, mut f2, mut f3) = (0u32, 0u32, 0u32);
        let mut next_digit = false;
        // Each word of 64 bits is built in registers and stored once; the cheap tests are
        // combined without branches (`|` on booleans: they have no side effects), the costly
        // case test only runs for a token with a gazetteer flag.
        for (c, chunk) in toks.chunks(64).enumerate().rev() {
            let (mut name_bits, mut place_bits) = (0u64, 0u64);
            for (k, t) in chunk.iter().enumerate().rev() {
                if t.alpha() {
                    let name =
                        (t.f & NAME_CUES != 0) | (t.len() == 1) | ((f1 | f2 | f3) & CUE_AFTER != 0);
                    let place = (t.f & PLACE_WORD_CUES != 0)
                        | (f1 & (flag::UNIT | flag::STREET) != 0)
                        | (t.len() >= 4) & (t.digit() | next_digit)
                        || t.f & PLACE_NAME_CUES != 0
                            && (t.capitalised() || t.caps_line() || t.lower_line());
                    name_bits |= (name as u64) << k;
                    place_bits |= (place as u64) << k;
                }
                (f3, f2, f1) = (f2, f1, t.f);
                next_digit = t.digit();
            }
            names[c] = name_bits;
            places[c] = place_bits;
        }
    }
}

/// The first index at or after `from` whose bit is set in `bits`.
#[inline]
pub(crate) fn next_set(bits: &[u64], from: usize) -> Option<usize> {
    let mut w = from / 64;
    let mut word = bits.get(w)? & (!0u64 << (from % 64));
    loop {
        if word != 0 {
            return Some(w * 64 + word.trailing_zeros() as usize);
        }
        w += 1;
        word = *bits.get(w)?;
    }
}

/// The buffers of an [`Analysis`], kept by the thread between documents so that each
/// document reuses them instead of allocating and freeing its own (a cost per document that
/// shows on short notes). Only their capacity carries over: [`Analysis::build`] clears them.
#[derive(Default)]
struct Buffers {
    lower: String,
    toks: Vec<Tok>,
    name_gate: Vec<u64>,
    place_gate: Vec<u64>,
}

/// Buffers sized for a text longer than this (bytes) are freed, not kept: a thread keeps at
/// most about 0.7 MB of them (the token table is about ten bytes per byte of text).
const KEEP_BUFFERS_UP_TO: usize = 1 << 16;

thread_local! {
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::new(Buffers::default());
}

impl Drop for Analysis<'_> {
    fn drop(&mut self) {
        if self.lower.capacity() > KEEP_BUFFERS_UP_TO {
            return;
        }
        // `try_with`: a thread being torn down has no buffers to return to.
        let _ = BUFFERS.try_with(|b| {
            if let Ok(mut b) = b.try_borrow_mut() {
                b.lower = std::mem::take(&mut self.lower);
                b.toks = std::mem::take(&mut self.toks);
                b.name_gate = std::mem::take(&mut self.name_gate);
                b.place_gate = std::mem::take(&mut self.place_gate);
            }
        });
    }
}

impl<'a> Analysis<'a> {
    pub fn new(text: &'a str) -> Analysis<'a> {
        // Two analyses alive at once on one thread: the second allocates its own buffers.
        let bufs = BUFFERS
            .try_with(|b| b.try_borrow_mut().map(|mut b| std::mem::take(&mut *b)))
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        WORD_CACHE.with_borrow_mut(|cache| Analysis::build(text, cache, bufs))
    }

    /// [`Analysis::new`] with the thread's word cache. (A function of its own, so that its
    /// loop's state is local rather than captured by a closure, and can live in registers.)
    fn build(text: &'a str, cache: &mut WordCache, bufs: Buffers) -> Analysis<'a> {
        // A token with letters and digits (its closed-class flags are still looked up).
        const ALNUM: u16 = bits::ALPHA | bits::DIGIT;
        // The lower-cased words live in one buffer: the whole text with its ASCII letters
        // folded, so that an ASCII word's lower-cased form sits at the word's own offsets, then
        // the lower-cased forms of the other words, appended as they come.
        let Buffers {
            mut lower,
            mut toks,
            mut name_gate,
            mut place_gate,
        } = bufs;
        lower.clear();
        lower.push_str(text);
        lower.make_ascii_lowercase();
        let mut buf = String::new();
        toks.clear();
        toks.reserve(text.len() / 5 + 1);
        // Line shape counters since the first token of the current line.
        let mut line_start = 0;
        let (mut up, mut lo, mut alpha) = (0usize, 0usize, 0usize);
        let mut scanner = Scanner::new(text);
        {
            while !scanner.at_end() {
                let start = scanner.position();
                let (end, tbits) = scanner.scan_token();
                let t = RawToken {
                    start,
                    end,
                    gap_end: scanner.position(),
                    bits: tbits,
                };
                let (s, e) = if t.bits & bits::ASCII != 0 {
                    (t.start, t.end)
                } else {
                    let s = lower.len();
                    lower.extend(text[t.start..t.end].chars().flat_map(char::to_lowercase));
                    (s, lower.len())
                };
                let len = t.end - t.start;
                let (entry, f) = match t.bits & (bits::ALPHA | bits::DIGIT) {
                    bits::ALPHA if len <= 40 => word_info(&lower, s, e, &mut buf, cache),
                    ALNUM if len <= 16 => (None, CLOSED.get(&lower[s..e]).copied().unwrap_or(0)),
                    _ => (None, 0),
                };
                if t.bits & bits::ALPHA != 0 && len >= 2 {
                    alpha += 1;
                    up += (t.bits & bits::CASE == case_code(Case::Upper)) as usize;
                    lo += (t.bits & bits::CASE == case_code(Case::Lower)) as usize;
                }
                toks.push(Tok {
                    start: t.start,
                    end: t.end,
                    gap_end: t.gap_end,
                    low: (s as u32, e as u32),
                    entry: entry.map_or(0, |e| e.bits()),
                    f,
                    shape: t.bits
                        | if entry.is_some() {
                            shape::IN_LEXICON
                        } else {
                            0
                        },
                });
                // Line shapes: at the end of a line, mark its tokens.
                if t.bits & bits::NEWLINE_AFTER != 0 || scanner.at_end() {
                    let caps = alpha > 0 && up * 10 >= alpha * 6;
                    let lowl = alpha > 0 && lo * 10 >= alpha * 9;
                    let line = if caps { shape::CAPS_LINE } else { 0 }
                        | if lowl { shape::LOWER_LINE } else { 0 };
                    if line != 0 {
                        for tk in &mut toks[line_start..] {
                            tk.shape |= line;
                        }
                    }
                    line_start = toks.len();
                    (up, lo, alpha) = (0, 0, 0);
                }
            }
        }
        Gates::compute(&toks, &mut name_gate, &mut place_gate);
        Analysis {
            text,
            toks,
            lower,
            name_gate,
            place_gate,
        }
    }

    /// Indexes of the tokens lying inside `span` (tokens are sorted by start).
    pub fn tokens_within(&self, span: Span) -> std::ops::Range<usize> {
        let lo = self.toks.partition_point(|t| t.start() < span.start);
        let hi = self.toks.partition_point(|t| t.start() < span.end);
        let hi = (lo..hi)
            .rev()
            .find(|&k| self.toks[k].end() <= span.end)
            .map_or(lo, |k| k + 1);
        lo..hi
    }

    /// Token `i` has closed-class flag `f`.
    #[inline]
    pub fn has(&self, i: usize, f: u32) -> bool {
        self.toks[i].f & f != 0
    }

    /// Token `i - 1` exists on the same line and has flag `f`.
    #[inline]
    pub fn prev_has(&self, i: usize, f: u32) -> bool {
        i > 0 && self.has(i - 1, f) && !self.toks[i - 1].gap_has_newline()
    }

    /// Lower-cased word of token `i`.
    pub fn low(&self, i: usize) -> &str {
        let (s, e) = self.toks[i].low;
        &self.lower[s as usize..e as usize]
    }

    /// Lower-cased word of token `i`, as bytes (no char-boundary checks, for byte tests).
    #[inline]
    pub fn low_bytes(&self, i: usize) -> &[u8] {
        let (s, e) = self.toks[i].low;
        &self.lower.as_bytes()[s as usize..e as usize]
    }

    /// The original text of token `i`.
    pub fn word(&self, i: usize) -> &'a str {
        let t = &self.toks[i];
        &self.text[t.start..t.end]
    }

    /// The gap after token `i`.
    pub fn gap(&self, i: usize) -> &'a str {
        let t = &self.toks[i];
        &self.text[t.end..t.gap_end]
    }

    /// The bytes of the gap after token `i` (no char-boundary checks, for byte tests).
    #[inline]
    pub fn gap_bytes(&self, i: usize) -> &'a [u8] {
        let t = &self.toks[i];
        &self.text.as_bytes()[t.end..t.gap_end]
    }

    /// The gap after token `i` is plain spacing (spaces or tabs, no line break).
    pub fn gap_is_space(&self, i: usize) -> bool {
        let g = self.gap_bytes(i);
        !g.is_empty() && g.iter().all(|&b| b == b' ' || b == b'\t')
    }

    /// The gap after token `i` stays on the line and holds only spaces and the given bytes.
    pub fn gap_only(&self, i: usize, allowed: &[u8]) -> bool {
        self.gap_bytes(i)
            .iter()
            .all(|b| *b == b' ' || *b == b'\t' || allowed.contains(b))
    }

    /// Token `i` is capitalised where case carries information (a mixed-case line).
    #[inline]
    pub fn capitalised(&self, i: usize) -> bool {
        self.toks[i].capitalised()
    }

    /// Token `i` is capitalised or in capitals on a mixed-case line (acronyms included: "MD
    /// Hospital", "UCL Hospital").
    pub fn cased(&self, i: usize) -> bool {
        let tk = &self.toks[i];
        self.capitalised(i) || !tk.caps_line() && !tk.lower_line() && tk.case() == Case::Upper
    }

    /// Token `i` starts a sentence (first token, or after . ! ? : or a line break).
    pub fn sentence_start(&self, i: usize) -> bool {
        if i == 0 {
            return true;
        }
        let g = self.gap(i - 1);
        g.contains('\n')
            || g.trim_end()
                .ends_with(['.', '!', '?', ':', ';', '-', '*', '>'])
    }
}

/// Titles and honorifics that precede a name.
pub(crate) const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "drs",
    "doctor",
    "prof",
    "professor",
    "sister",
    "sr",
    "nurse",
    "matron",
    "rev",
    "revd",
    "reverend",
    "fr",
    "sir",
    "dame",
    "lord",
    "lady",
    "mister",
    "mstr",
    "master",
    "madam",
    "messrs",
    "cllr",
    "councillor",
    "capt",
    "captain",
    "sgt",
    "mrs.",
];

/// Titles after which a common word is still a surname ("Dr King", "MR BLACK").
const STRONG_TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "drs",
    "doctor",
    "prof",
    "professor",
    "mister",
];

/// Family and social relationships that precede a name.
const RELATIVES: &[&str] = &[
    "son",
    "sons",
    "daughter",
    "daughters",
    "dtr",
    "dau",
    "daugther",
    "husband",
    "hus",
    "wife",
    "spouse",
    "mother",
    "mom",
    "mum",
    "mommy",
    "mummy",
    "father",
    "dad",
    "daddy",
    "brother",
    "bro",
    "sister",
    "sis",
    "sibling",
    "siblings",
    "aunt",
    "auntie",
    "uncle",
    "niece",
    "nephew",
    "cousin",
    "grandson",
    "granddaughter",
    "grandaughter",
    "grandmother",
    "grandfather",
    "grandma",
    "grandpa",
    "granny",
    "grandchild",
    "gf",
    "bf",
    "boyfriend",
    "girlfriend",
    "partner",
    "fiance",
    "fiancee",
    "friend",
    "friends",
    "neighbour",
    "neighbor",
    "proxy",
    "guardian",
    "carer",
    "caregiver",
    "stepson",
    "stepdaughter",
    "widow",
    "widower",
    "godson",
    "goddaughter",
    "nok",
    "kin",
    "law",
    "inlaw",
];

/// Staff roles written after a name ("Jane Smith, RN").
const ROLES_AFTER: &[&str] = &[
    "rn", "np", "md", "rrt", "crt", "lpn", "cna", "pa", "pac", "crnp", "slp", "msw", "licsw",
    "lcsw", "pharmd", "rph", "phd", "mbbs", "mbchb", "mrcp", "frcp", "frcs", "mrcs", "mrcgp",
    "frcr", "frca", "rgn", "rmn", "hca", "dpt", "otr", "cnm", "cns", "aprn", "fnp", "anp",
];

/// Staff roles written before a name ("NP Carol", "resident Jane Smith").
const ROLES_BEFORE: &[&str] = &[
    "np",
    "rn",
    "md",
    "resident",
    "intern",
    "fellow",
    "attending",
    "consultant",
    "registrar",
    "reg",
    "sho",
    "fy1",
    "fy2",
    "houseman",
    "physio",
    "physiotherapist",
    "pharmacist",
    "dietitian",
    "dietician",
    "midwife",
    "paramedic",
    "surgeon",
    "anaesthetist",
    "anesthesiologist",
    "chaplain",
    "sw",
    "pca",
    "hca",
    "staff",
    "gp",
    "therapist",
    "counsellor",
    "counselor",
    "clinician",
    "hcp",
    "named",
    "colleague",
    "coordinator",
    "manager",
    "worker",
    "rrt",
    "crt",
    "pa",
    "nurse",
    "nsg",
];

/// Labels in report layouts that precede a name.
const NAME_LABELS: &[&str] = &[
    "patient",
    "pt",
    "name",
    "surname",
    "forename",
    "forenames",
    "firstname",
    "nok",
    "contact",
    "referrer",
    "consultant",
    "gp",
    "author",
    "by",
    "signed",
    "attn",
    "dear",
    "cc",
    "from",
    "to",
    "re",
    "proxy",
    "hcp",
    "rn",
    "np",
    "md",
    "doctor",
    "nurse",
];

/// Words that end a name: verbs and function words that typically follow one.
const NAME_STOP: &[&str] = &[
    "and",
    "or",
    "the",
    "a",
    "an",
    "to",
    "at",
    "in",
    "on",
    "of",
    "for",
    "with",
    "by",
    "from",
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "has",
    "had",
    "have",
    "who",
    "which",
    "that",
    "this",
    "aware",
    "notified",
    "informed",
    "called",
    "paged",
    "updated",
    "said",
    "says",
    "states",
    "stated",
    "here",
    "there",
    "re",
    "also",
    "will",
    "would",
    "could",
    "should",
    "did",
    "does",
    "not",
    "no",
    "yes",
    "ok",
    "today",
    "tonight",
    "tomorrow",
    "yesterday",
    "am",
    "pm",
    "as",
    "per",
    "but",
    "if",
    "so",
    "then",
    "he",
    "she",
    "they",
    "we",
    "i",
    "it",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "its",
    "him",
    "them",
    "us",
    "me",
    "you",
    "pt",
    "pts",
    "patient",
    "patients",
    "team",
    "service",
    "via",
    "up",
    "out",
    "all",
    "family",
    "both",
    "other",
    "others",
    "each",
    "some",
    "any",
    "was",
    "visited",
    "visit",
    "visiting",
    "present",
    "at",
    "bedside",
    "in",
    "into",
    "came",
    "come",
    "said",
    "spoke",
    "given",
    "still",
    "new",
    "may",
    "now",
    "just",
    "well",
    "very",
    "only",
    "again",
    "jesus",
    "christ",
    "god",
    "lord",
    "ok",
    "okay",
    "care",
    "case",
    "skin",
    "wound",
    "charge",
    "primary",
    "resource",
    "night",
    "day",
    "floor",
    "unit",
    "ward",
    "see",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "english",
    "speaking",
];

/// Verbs and phrases often followed by a person's name.
const VERB_CUES: &[&str] = &[
    "page",
    "paged",
    "call",
    "called",
    "contact",
    "contacted",
    "phoned",
    "phone",
    "ring",
    "rang",
    "spoke",
    "speak",
    "spoken",
    "discussed",
    "consult",
    "consulted",
    "notify",
    "notified",
    "inform",
    "informed",
    "update",
    "updated",
    "tell",
    "told",
    "ask",
    "asked",
    "per",
    "thank",
    "thanks",
    "dear",
];

/// Words after an eponym that show it names a disease, sign or test.
const EPONYM_NEXT: &[&str] = &[
    "disease",
    "diseases",
    "syndrome",
    "syndromes",
    "palsy",
    "sign",
    "signs",
    "test",
    "tests",
    "score",
    "scale",
    "criteria",
    "classification",
    "phenomenon",
    "reflex",
    "reflexes",
    "manoeuvre",
    "maneuver",
    "ulcer",
    "ulcers",
    "lymphoma",
    "sarcoma",
    "tumour",
    "tumor",
    "disorder",
    "procedure",
    "operation",
    "repair",
    "fracture",
    "node",
    "nodes",
    "triad",
    "respiration",
    "breathing",
    "encephalopathy",
    "psychosis",
    "contracture",
    "thyroiditis",
    "dementia",
    "chorea",
    "aneurysm",
    "cyst",
    "cysts",
    "deformity",
    "hernia",
    "incision",
    "point",
    "position",
    "method",
    "rule",
    "rules",
    "sequence",
    "formula",
    "equation",
    "index",
    "stage",
    "staging",
    "grade",
    "type",
    "catheter",
    "cath",
    "tube",
    "line",
    "diverticulum",
    "esophagus",
    "oesophagus",
    "spots",
    "nodules",
    "arthritis",
    "anaemia",
    "anemia",
    "pouch",
    "dressing",
    "infusion",
    "block",
    "drain",
    "port",
    "mask",
    "bag",
    "fistula",
    "shunt",
    "valve",
    "protocol",
    "regimen",
    "trial",
    "study",
];

/// Could token `i` be part of a name, given that a title points at it (`strong`: Mr, Dr...)?
fn name_like_after_title(a: &Analysis<'_>, i: usize, strong: bool) -> bool {
    let tk = &a.toks[i];
    if !tk.alpha() || tk.digit() {
        return false;
    }
    if a.has(i, flag::STOP | flag::TITLE | flag::RELATIVE) {
        return false;
    }
    // Single letters are initials only when followed by a full stop.
    if tk.len() == 1 {
        return a.gap_bytes(i).first() == Some(&b'.')
            && (tk.case() != Case::Lower || tk.lower_line());
    }
    let cap = a.capitalised(i);
    let Some(e) = tk.e() else {
        // Unknown word: a surname after a title, unless written in lower case in mixed text.
        return tk.case() != Case::Lower || tk.lower_line();
    };
    let named = e.first_name().is_some() || e.surname().is_some();
    if (e.clinical() || e.drug()) && !(named && cap) {
        return false;
    }
    if e.place().is_some_and(|p| p.kind == PlaceKind::Region) && !named {
        return false;
    }
    if e.common_word() {
        // "Dr King", "MR BLACK": a common word is a surname after a strong title if it is a
        // surname and case does not say otherwise; after a weak title only when capitalised.
        return if strong {
            named && (cap || tk.caps_line() || tk.lower_line())
        } else {
            named && cap
        };
    }
    if tk.case() == Case::Lower && !tk.lower_line() && !named {
        return false;
    }
    true
}

/// Could token `k` be a name, given a relative, role or verb cue before it?
fn name_like_after_cue(a: &Analysis<'_>, k: usize) -> bool {
    let tk = &a.toks[k];
    if !tk.alpha() || tk.digit() || tk.len() < 2 {
        return false;
    }
    if a.has(
        k,
        flag::STOP | flag::RELATIVE | flag::TITLE | flag::ROLE_AFTER,
    ) {
        return false;
    }
    let cap = a.capitalised(k);
    match tk.e() {
        Some(e) => {
            if (e.clinical() || e.drug()) && !cap {
                return false;
            }
            if e.place().is_some_and(|p| p.kind == PlaceKind::Region) {
                return false;
            }
            if let Some((_, w)) = e.first_name() {
                // "son bill", "NP CAROL", "wife Rose": a first name right after a cue, even one
                // that is a word — but not a lower-case common word in mixed-case text.
                if e.common_word() {
                    // Modal verbs and the like are in the stop list ("son will visit").
                    return cap || tk.caps_line() || w >= 9;
                }
                return tk.case() != Case::Lower || tk.lower_line() || tk.caps_line();
            }
            if e.surname().is_some() && !e.word() {
                return tk.case() != Case::Lower || tk.lower_line() || tk.caps_line();
            }
            !e.word() && cap
        }
        // An unknown lower-case word after a cue is a name only when set off ("son, smokey,").
        None => {
            cap || tk.caps_line()
                || tk.lower_line()
                    && tk.len() >= 3
                    && (k + 1 >= a.toks.len()
                        || a.gap(k)
                            .trim_start()
                            .starts_with([',', ')', '(', ':', ';', '-']))
        }
    }
}

/// A first name on gazetteer evidence alone (no cue).
fn gazetteer_first(a: &Analysis<'_>, i: usize) -> bool {
    let tk = &a.toks[i];
    let Some(e) = tk.e() else { return false };
    let Some((_, weight)) = e.first_name() else {
        return false;
    };
    if tk.len() < 3 || e.clinical() || e.drug() || e.eponym() || tk.f & flag::STOP != 0 {
        return false;
    }
    if e.place().is_some_and(|p| p.kind == PlaceKind::Region) {
        return false;
    }
    // "from June", "in April": a month, not a person.
    if matches!(a.low(i), "april" | "may" | "june" | "july" | "august")
        && i > 0
        && matches!(
            a.low(i - 1),
            "in" | "on"
                | "from"
                | "since"
                | "until"
                | "till"
                | "by"
                | "of"
                | "early"
                | "late"
                | "mid"
                | "end"
                | "last"
                | "next"
                | "this"
                | "during"
                | "before"
                | "after"
        )
    {
        return false;
    }
    if e.word() {
        // Rose, Will, Bill: a name only when capitalised mid-sentence, and never a common word
        // without a cue.
        return a.capitalised(i) && !a.sentence_start(i) && !e.common_word();
    }
    if tk.case() == Case::Lower && !tk.lower_line() {
        return false;
    }
    weight >= 7 || e.historic_first_name()
}

/// Could token `i` continue a name as a surname?
fn surname_like(a: &Analysis<'_>, i: usize) -> bool {
    let tk = &a.toks[i];
    if !tk.alpha() || tk.digit() || tk.len() < 2 {
        return false;
    }
    if a.has(
        i,
        flag::STOP | flag::TITLE | flag::RELATIVE | flag::ROLE_AFTER | flag::FAC_HEAD | flag::UNIT,
    ) {
        return false;
    }
    if tk.case() == Case::Lower && !tk.lower_line() {
        return false;
    }
    match tk.e() {
        None => tk.len() >= 3,
        Some(e) => {
            if (e.clinical() || e.drug())
                && !(e.surname().is_some() && a.capitalised(i) && !tk.lower_line())
            {
                return false;
            }
            if e.place().is_some_and(|p| p.kind == PlaceKind::Region) {
                return false;
            }
            if e.word() {
                let cap = a.capitalised(i);
                return e.surname().is_some() && cap && !e.common_word()
                    || e.surname().is_some_and(|b| b >= 12) && cap;
            }
            true
        }
    }
}

/// Is token `i` an eponym used as the name of a disease, sign or test here?
pub(crate) fn eponym_use(a: &Analysis<'_>, i: usize) -> bool {
    let tk = &a.toks[i];
    if !tk.e().is_some_and(|e| e.eponym()) {
        return false;
    }
    if a.prev_has(i, flag::TITLE) {
        return false;
    }
    // Parkinson's (alone or before a disease word), Parkinson disease, Guillain-Barré syndrome.
    if tk.possessive() {
        return true;
    }
    let mut j = i + 1;
    while j < a.toks.len() && j <= i + 3 {
        if a.has(j, flag::EPONYM_NEXT) {
            return true;
        }
        if !a.toks[j].e().is_some_and(|e| e.eponym()) && !a.toks[j].possessive() {
            break;
        }
        j += 1;
    }
    let prev = if i > 0 { a.low(i - 1) } else { "" };
    matches!(
        prev,
        "known" | "with" | "has" | "had" | "of" | "likely" | "query" | "suspected" | "possible"
    )
}

type Found = (Span, Vec<Evidence>);

fn push_span(out: &mut Vec<Found>, a: &Analysis<'_>, i: usize, j: usize, ev: Vec<Evidence>) {
    let span = Span::new(a.toks[i].start(), a.toks[j].end());
    out.push((span, ev));
}

fn gaz_evidence(a: &Analysis<'_>, i: usize, ev: &mut Vec<Evidence>) {
    if let Some(e) = a.toks[i].e() {
        if e.first_name().is_some() {
            ev.push(Evidence::Gazetteer(Gazetteer::FirstName));
        } else if e.surname().is_some() {
            ev.push(Evidence::Gazetteer(Gazetteer::Surname));
        }
    }
    if a.capitalised(i) {
        ev.push(Evidence::Capitalised);
    }
}

/// Is token `j` an initial ("J." in "J. Smith")?
fn initial(a: &Analysis<'_>, j: usize) -> bool {
    let tk = &a.toks[j];
    tk.len() == 1
        && tk.alpha()
        && a.gap_bytes(j).first() == Some(&b'.')
        && (tk.case() != Case::Lower || tk.lower_line())
        && !(j > 0 && a.gap_bytes(j - 1).last() == Some(&b'\''))
}

/// Extend a name forward from token `i` over further name-like tokens (up to `max` tokens in
/// all), stopping at line breaks and punctuation other than a full stop after an initial.
fn extend_name(a: &Analysis<'_>, i: usize, max: usize) -> usize {
    let mut j = i;
    while j + 1 < a.toks.len() && j + 1 < i + max {
        let init = initial(a, j);
        let gap_ok = a.gap_is_space(j)
            || (init && a.gap_only(j, b"."))
            || a.gap_bytes(j) == b"-"
            || a.gap_bytes(j) == b"'";
        if !gap_ok {
            break;
        }
        let k = j + 1;
        let same_case_lower = a.toks[i].case() == Case::Lower
            && a.toks[k].case() == Case::Lower
            && a.toks[k]
                .e()
                .is_none_or(|e| !e.word() && !e.clinical() && !e.drug())
            && !a.has(k, flag::STOP | flag::ROLE_AFTER | flag::RELATIVE)
            && a.toks[k].len() >= 3;
        if !surname_like(a, k) && !initial(a, k) && !same_case_lower {
            break;
        }
        // Keep case consistent on mixed lines (Jane Smith, not Jane smith).
        if !a.toks[k].caps_line()
            && a.toks[k].case() == Case::Lower
            && a.toks[i].case() != Case::Lower
        {
            break;
        }
        if eponym_use(a, k) {
            break;
        }
        j = k;
    }
    // A name does not end on an initial ("Smith J." is fine, "J." alone after a name is not).
    j
}

/// Find name spans.
pub(crate) fn find_names(a: &Analysis<'_>, out: &mut Vec<Found>) {
    let n = a.toks.len();
    let mut i = 0;
    // Fast path: every rule below needs a cue word here (A to D0), a one-letter initial (E, F),
    // a known first name (G) or a role, relationship or contact word among the next three
    // tokens (E). Only the tokens that have one are visited ([`Gates`]).
    while let Some(next) = next_set(&a.name_gate, i) {
        i = next;
        let tk = &a.toks[i];
        // Most tokens can start no name: a cue word, a known name, an unknown word or an
        // initial is needed.
        let candidate = tk.alpha()
            && (tk.f
                & (flag::TITLE
                    | flag::RELATIVE
                    | flag::ROLE_BEFORE
                    | flag::VERB_CUE
                    | flag::LABEL)
                != 0
                || tk.e().is_none()
                || tk.len() == 1
                || tk.e().is_some_and(|e| {
                    (e.first_name().is_some() || e.surname().is_some() || !e.word())
                        && (!e.clinical() || a.capitalised(i))
                })
                || tk.f & flag::SECTION != 0);
        if !candidate {
            i += 1;
            continue;
        }
        let next_ok = i + 1 < n && !tk.gap_has_newline();
        // A. Title + name, and lists after a plural title ("Drs Ferullo and Saeed").
        if next_ok && a.has(i, flag::TITLE) && a.gap_only(i, b".") {
            let strong = a.has(i, flag::STRONG_TITLE);
            let dot = a.gap_bytes(i).contains(&b'.');
            let k = i + 1;
            if (strong || !dot) && name_like_after_title(a, k, strong) && !eponym_use(a, k) {
                let mut j = extend_name(a, k, 3);
                let mut ev = vec![Evidence::Title];
                gaz_evidence(a, j, &mut ev);
                push_span(out, a, k, j, ev);
                // "Drs Joseph and Robbinson", "Dr Smith and Dr Jones" handled by the loop.
                while a.low(i) == "drs"
                    && j + 2 < n
                    && a.gap_only(j, b",")
                    && a.low(j + 1) == "and"
                    && a.gap_is_space(j + 1)
                    && name_like_after_title(a, j + 2, true)
                {
                    let k2 = j + 2;
                    j = extend_name(a, k2, 3);
                    let mut ev = vec![Evidence::Title];
                    gaz_evidence(a, k2, &mut ev);
                    push_span(out, a, k2, j, ev);
                }
                i = j + 1;
                continue;
            }
        }
        // B. Relative + name ("son bill", "daughter: Maria Lopez", "Sons David and Theodore").
        if next_ok && a.has(i, flag::RELATIVE) {
            let mut k = i + 1;
            let mut skips = 0;
            while k < n && skips < 2 && matches!(a.low(k), "name" | "is" | "named" | "called") {
                k += 1;
                skips += 1;
            }
            if k < n && a.gap_only(k - 1, b",:-('s.?)") && !a.toks[k - 1].gap_has_newline() {
                let mut any = false;
                while k < n && name_like_after_cue(a, k) && !eponym_use(a, k) {
                    let j = extend_name(a, k, 2);
                    let mut ev = vec![Evidence::ContextWord(Cue::Relative)];
                    gaz_evidence(a, k, &mut ev);
                    push_span(out, a, k, j, ev);
                    any = true;
                    // A list: "Smokey, Morris and Roger".
                    let mut m = j + 1;
                    if m < n && a.gap_only(j, b",") && a.low(m) == "and" {
                        m += 1;
                    } else if !(m < n && a.gap_only(j, b",&") && !a.gap(j).trim().is_empty()) {
                        k = j + 1;
                        break;
                    }
                    if m >= n || a.toks[m - 1].gap_has_newline() {
                        k = j + 1;
                        break;
                    }
                    k = m;
                }
                if any {
                    i = k.max(i + 1);
                    continue;
                }
            }
        }
        // C. Role or verb cue before a name ("NP CAROL", "resident Jane Smith", "page Suzette").
        if next_ok && a.has(i, flag::ROLE_BEFORE | flag::VERB_CUE) && a.gap_only(i, b":-") {
            let mut k = i + 1;
            // "spoke with", "discussed with", "spoke to"
            if a.has(i, flag::VERB_CUE)
                && matches!(a.low(k), "with" | "to")
                && k + 1 < n
                && a.gap_is_space(k)
            {
                k += 1;
            }
            let role = a.has(i, flag::ROLE_BEFORE);
            let ok = if role {
                name_like_after_cue(a, k)
                    && (a.capitalised(k)
                        || a.toks[k].e().is_some_and(|e| {
                            (e.first_name().is_some() || e.surname().is_some()) && !e.clinical()
                        }))
            } else {
                // After a verb, only a known first name, or a capitalised word that is no
                // English word ("page Suzette", "spoke with patty hoeller").
                let first = a.toks[k].e().is_some_and(|e| {
                    e.first_name().is_some_and(|(_, w)| w >= 6) && !e.clinical() && !e.drug()
                });
                let common = a.toks[k].e().is_some_and(|e| e.common_word());
                let pair = k + 1 < n
                    && a.gap_is_space(k)
                    && a.toks[k + 1].case() == a.toks[k].case()
                    && a.toks[k + 1].e().is_none_or(|e| {
                        !e.clinical()
                            && !e.drug()
                            && (!e.word() || e.surname().is_some() && a.capitalised(k + 1))
                    })
                    && !a.has(k + 1, flag::STOP | flag::ROLE_AFTER);
                first
                    && (!common || pair)
                    && a.toks[k].len() >= 3
                    && (a.toks[k].case() != Case::Lower || a.toks[k].lower_line())
                    && !a.has(k, flag::STOP)
            };
            if ok && !eponym_use(a, k) {
                let j = extend_name(a, k, 3);
                let mut ev = vec![Evidence::ContextWord(if role {
                    Cue::Role
                } else {
                    Cue::Verb
                })];
                gaz_evidence(a, k, &mut ev);
                push_span(out, a, k, j, ev);
                i = j + 1;
                continue;
            }
        }
        // D0. A social-history section opening with a first name ("Social: Bill called").
        if next_ok
            && a.has(i, flag::SECTION)
            && a.gap(i).contains([':', '-'])
            && a.gap_only(i, b":->")
        {
            let k = i + 1;
            if a.toks[k].e().is_some_and(|e| {
                e.first_name().is_some_and(|(_, w)| w >= 9) && !e.clinical() && !e.drug()
            }) && !a.has(k, flag::STOP | flag::RELATIVE | flag::TITLE)
                && a.toks[k].len() >= 3
            {
                let j = extend_name(a, k, 2);
                let mut ev = vec![Evidence::Label];
                gaz_evidence(a, k, &mut ev);
                push_span(out, a, k, j, ev);
                i = j + 1;
                continue;
            }
        }
        // D. Report label ("Patient: SURNAME, Firstname", "Name: Jane Smith").
        if next_ok && a.has(i, flag::LABEL) && a.gap_bytes(i).contains(&b':') && a.gap_only(i, b":")
        {
            let k = i + 1;
            if name_like_after_cue(a, k) && surname_like(a, k) {
                let mut j = extend_name(a, k, 3);
                // SURNAME, Firstname
                if j == k
                    && j + 1 < n
                    && a.gap_only(j, b",")
                    && a.gap_bytes(j).contains(&b',')
                    && (gazetteer_first(a, j + 1) || name_like_after_cue(a, j + 1))
                {
                    j = extend_name(a, j + 1, 2);
                }
                let mut ev = vec![Evidence::Label];
                gaz_evidence(a, k, &mut ev);
                push_span(out, a, k, j, ev);
                i = j + 1;
                continue;
            }
        }
        // E. A name followed by a role or a relationship ("Emily Parker, RN", "Q. LANDER RRT",
        //    "Hank Przybylo (son)", "ROMERO FAMILY").
        if let Some(j) = cue_after(a, i).then(|| name_before_cue(a, i)).flatten() {
            let mut ev = vec![Evidence::ContextWord(Cue::Role)];
            gaz_evidence(a, i, &mut ev);
            push_span(out, a, i, j, ev);
            i = j + 1;
            continue;
        }
        // F. Initial + surname ("W. MAROTTA", "d. renna", "J. O'Brien").
        if initial(a, i)
            && i + 1 < n
            && a.gap_only(i, b".")
            && surname_like(a, i + 1)
            && a.toks[i + 1].e().is_none_or(|e| !e.word() && !e.clinical())
            // Not "u/o. hematuria", "a.m. hypoxic", nor a SOAP heading ("P. Antibiotics").
            && (i == 0 || a.gap(i - 1).ends_with([' ', '\t', '(', '-']) && !a.gap_bytes(i - 1).contains(&b'\n'))
            && (a.capitalised(i + 1) || a.toks[i + 1].e().is_some_and(|e| e.surname().is_some()) || a.toks[i + 1].len() >= 5)
            && !(i > 0 && matches!(a.low(i - 1), "q" | "p" | "no" | "vol" | "fig" | "pg" | "p."))
        {
            let j = extend_name(a, i + 1, 2);
            let mut ev = vec![Evidence::Shape];
            gaz_evidence(a, i + 1, &mut ev);
            push_span(out, a, i, j, ev);
            i = j + 1;
            continue;
        }
        // G. First name (+ surname) on gazetteer evidence.
        if a.has(i, flag::FIRST_NAME)
            && gazetteer_first(a, i)
            && !eponym_use(a, i)
            && !(i > 0 && a.low(i - 1) == "the")
        {
            let j = extend_name(a, i, 3);
            let mut ev = vec![Evidence::Gazetteer(Gazetteer::FirstName)];
            if j > i {
                ev.push(Evidence::Gazetteer(Gazetteer::Surname));
            }
            if a.capitalised(i) {
                ev.push(Evidence::Capitalised);
            }
            let e = tk.e().unwrap_or(Entry::from_bits(0));
            // A lone first name needs weight: a common name.
            let strong = j > i && !initial(a, j) || e.first_name().is_some_and(|(_, w)| w >= 9);
            if strong {
                push_span(out, a, i, j, ev);
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    propagate(a, out);
}

/// One of the three tokens after token `i` is a role, relationship or contact word: what
/// [`name_before_cue`] needs to find a name starting at `i`.
fn cue_after(a: &Analysis<'_>, i: usize) -> bool {
    let n = a.toks.len();
    a.toks[(i + 1).min(n)..n.min(i + 4)]
        .iter()
        .any(|t| t.f & CUE_AFTER != 0)
}

/// Roles after a name that are never anything else ("RN", "RRT"); others ("PA", "NP", "MD")
/// also abbreviate pulmonary artery, nasal prongs and so on, and need a known name before them.
const UNAMBIGUOUS_ROLES: &[&str] = &[
    "rn", "rrt", "crt", "lpn", "cna", "crnp", "slp", "msw", "licsw", "lcsw", "pharmd", "rph",
    "mbbs", "mbchb", "mrcp", "frcp", "frcs", "mrcs", "mrcgp", "frcr", "frca", "rgn", "rmn", "cnm",
    "aprn", "fnp", "anp", "phd",
];

/// A name starting at token `i` that is followed by a staff role or a relationship: returns the
/// last token of the name.
fn name_before_cue(a: &Analysis<'_>, i: usize) -> Option<usize> {
    let n = a.toks.len();
    let tk = &a.toks[i];
    if !(initial(a, i) || name_token_loose(a, i)) || tk.gap_has_newline() {
        return None;
    }
    // Walk forward over up to three loose name tokens.
    let mut j = i;
    while j + 1 < n && j < i + 2 {
        let gap_ok =
            a.gap_is_space(j) || initial(a, j) && a.gap_only(j, b".") || a.gap_bytes(j) == b"-";
        if !gap_ok || !(name_token_loose(a, j + 1) || initial(a, j + 1)) {
            break;
        }
        j += 1;
    }
    if initial(a, j) || j + 1 >= n || a.toks[j].gap_has_newline() {
        return None;
    }
    let k = j + 1;
    let known = |m: usize| {
        a.toks[m].e().is_some_and(|e| {
            (e.first_name().is_some() || e.surname().is_some()) && !e.common_word() && !e.clinical()
        })
    };
    let role_shape = a.has(k, flag::ROLE_AFTER)
        && a.gap_only(j, b",-/")
        && (a.toks[k].case() == Case::Upper || a.toks[k].lower_line() && a.toks[j].lower_line());
    // An unambiguous role after any name; "PA", "NP" or "MD" after a known name, a
    // capitalised one, or a first name and surname.
    let role = role_shape
        && (UNAMBIGUOUS_ROLES.contains(&a.low(k))
            || j > i && !initial(a, i)
            || (i..=j).any(|m| known(m) || a.capitalised(m)));
    let relative =
        a.has(k, flag::RELATIVE) && a.gap_bytes(j).contains(&b'(') && a.gap_only(j, b"(");
    // "Lopie Certusi cell# ...": a capitalised pair before a contact number.
    let contact = matches!(
        a.low(k),
        "cell" | "mobile" | "mob" | "phone" | "tel" | "telephone" | "pager" | "home" | "work"
    ) && j > i
        && a.gap_only(j, b",:-(")
        && (i..=j).all(|m| a.capitalised(m))
        && k + 1 < n
        && (a.gap_bytes(k).contains(&b'#')
            || a.gap_bytes(k).contains(&b':')
            || a.toks[k + 1].digit());
    let family = matches!(a.low(k), "family" | "household")
        && a.gap_is_space(j)
        && i == j
        && a.toks[i]
            .e()
            .is_some_and(|e| e.surname().is_some() && !e.word());
    if !(role || relative || family || contact) {
        return None;
    }
    if eponym_use(a, i) || !(i..=j).any(|m| !initial(a, m)) {
        return None;
    }
    Some(j)
}

/// A token that may be a name when a role or relationship follows it.
fn name_token_loose(a: &Analysis<'_>, i: usize) -> bool {
    let tk = &a.toks[i];
    if !tk.alpha() || tk.digit() || tk.len() < 2 {
        return false;
    }
    if a.has(
        i,
        flag::STOP
            | flag::TITLE
            | flag::RELATIVE
            | flag::ROLE_AFTER
            | flag::ROLE_BEFORE
            | flag::VERB_CUE,
    ) {
        return false;
    }
    if tk.case() == Case::Lower && !tk.lower_line() {
        return false;
    }
    match tk.e() {
        None => true,
        Some(e) => {
            if (e.clinical() || e.drug()) && !(a.capitalised(i) && e.surname().is_some()) {
                return false;
            }
            let named = e.first_name().is_some() || e.surname().is_some();
            if e.common_word() {
                return named && (a.capitalised(i) || tk.caps_line() || tk.lower_line());
            }
            named || !e.word()
        }
    }
}

/// Report every other occurrence of a found name's distinctive words.
fn propagate(a: &Analysis<'_>, out: &mut Vec<Found>) {
    if out.is_empty() {
        return;
    }
    let mut words: WordSet<'_> = WordSet::default();
    let mut filter = WordFilter::default();
    for (span, ev) in out.iter() {
        let strong = ev.iter().any(|e| {
            matches!(
                e,
                Evidence::Title | Evidence::Label | Evidence::ContextWord(_)
            )
        }) || ev.len() >= 3;
        if !strong {
            continue;
        }
        for i in a.tokens_within(*span) {
            let tk = &a.toks[i];
            if tk.len() >= 3 {
                let distinctive = tk.e().is_none_or(|e| {
                    !e.clinical() && !e.drug() && (!e.common_word() || a.capitalised(i))
                }) && tk.f & (flag::STOP | flag::TITLE | flag::ROLE_AFTER) == 0;
                if distinctive {
                    words.insert(a.low(i));
                    filter.add(a.low(i));
                }
            }
        }
    }
    if words.is_empty() {
        return;
    }
    let covered = Intervals::new(out.iter().map(|(s, _)| *s));
    for (i, tk) in a.toks.iter().enumerate() {
        if !tk.alpha() || !filter.may_contain(a.low_bytes(i)) || !words.contains(a.low(i)) {
            continue;
        }
        if covered.overlaps(tk.start(), tk.end()) {
            continue;
        }
        if eponym_use(a, i) {
            continue;
        }
        // A word that is also a name ("Hope", "Bill") only where it is capitalised.
        if tk.e().is_some_and(|e| e.word()) && !a.capitalised(i) {
            continue;
        }
        out.push((
            Span::new(tk.start(), tk.end()),
            vec![
                Evidence::Propagated,
                Evidence::Gazetteer(Gazetteer::Surname),
            ],
        ));
    }
}

/// A cheap necessary test for membership of a [`WordSet`]: a member with the word's length (up
/// to 63) and first byte must exist. Most words of a document fail it and are never hashed.
#[derive(Default)]
pub(crate) struct WordFilter {
    lens: u64,
    first: [u64; 4],
}

impl WordFilter {
    /// Records a member.
    pub(crate) fn add(&mut self, w: &str) {
        let b = w.as_bytes();
        self.lens |= 1 << b.len().min(63);
        if let Some(&c) = b.first() {
            self.first[c as usize >> 6] |= 1 << (c & 63);
        }
    }

    /// False when `w` is certainly no member.
    #[inline]
    pub(crate) fn may_contain(&self, w: &[u8]) -> bool {
        self.lens & 1 << w.len().min(63) != 0
            && w.first()
                .is_none_or(|&c| self.first[c as usize >> 6] & 1 << (c & 63) != 0)
    }
}

/// A set of words with a fast hasher.
pub(crate) type WordSet<'a> =
    std::collections::HashSet<&'a str, std::hash::BuildHasherDefault<WordHasher>>;

/// Spans sorted by start with a running maximum of their ends: "does any span overlap
/// [s, e)?" in O(log n), whatever the spans' own overlaps. Keeps the detectors linear on
/// hostile inputs with thousands of names.
pub(crate) struct Intervals {
    starts: Vec<usize>,
    max_end: Vec<usize>,
}

impl Intervals {
    pub(crate) fn new(spans: impl Iterator<Item = Span>) -> Intervals {
        let mut v: Vec<(usize, usize)> = spans.map(|s| (s.start, s.end)).collect();
        v.sort_unstable();
        let mut max = 0;
        let max_end = v
            .iter()
            .map(|&(_, e)| {
                max = max.max(e);
                max
            })
            .collect();
        Intervals {
            starts: v.into_iter().map(|(s, _)| s).collect(),
            max_end,
        }
    }

    pub(crate) fn overlaps(&self, s: usize, e: usize) -> bool {
        let k = self.starts.partition_point(|&x| x < e.max(s + 1));
        k > 0 && self.max_end[k - 1] > s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(t: &str) -> Vec<&str> {
        let a = Analysis::new(t);
        let mut v = Vec::new();
        find_names(&a, &mut v);
        v.sort_by_key(|x| x.0.start);
        v.iter().map(|(s, _)| &t[s.start..s.end]).collect()
    }

    #[test]
    fn titles_and_relatives() {
        assert_eq!(
            names("Seen Mr. Edwin Przybylo today"),
            vec!["Edwin Przybylo"]
        );
        assert_eq!(names("social: son bill called"), vec!["bill"]);
        assert_eq!(names("DR RUSSO RECOMMENDED INCREASE"), vec!["RUSSO"]);
        assert_eq!(names("Mrs Smith's daughter"), vec!["Smith"]);
    }

    #[test]
    fn propagation() {
        let t = "Mr Nicholson slept. Later nicholson was awake.";
        assert_eq!(names(t), vec!["Nicholson", "nicholson"]);
    }

    #[test]
    fn eponyms_are_not_names() {
        assert!(names("Known Parkinson's disease").is_empty());
        assert!(names("Bell's palsy on the left").is_empty());
        assert_eq!(names("Mr Parkinson was seen"), vec!["Parkinson"]);
    }
}
