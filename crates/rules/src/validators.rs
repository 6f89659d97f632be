//! Validators: named pure functions that decide whether a candidate is structurally real.
//!
//! A pattern finds a *shape*; a validator decides whether the shape can be the thing (a check
//! digit passes, a calendar date exists, a postcode's letters are allowed in each position).
//! Keeping them apart from the detectors means each can be tested on its own, and a detector's
//! evidence says exactly which validator passed (`ChecksumValid`, `FormatValid`, `Plausible`).
//!
//! The second half holds small, allocation-free helpers for looking at the text around a
//! candidate (the previous words on the same line), shared by the structured detectors.

/// Digits of a string, ignoring spaces and dashes; `None` if anything else is present.
pub fn digits_of(s: &str) -> Option<Vec<u8>> {
    let mut v = Vec::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'0'..=b'9' => v.push(b - b'0'),
            b' ' | b'-' | b'\t' | 0xA0 => {}
            _ => return None,
        }
    }
    Some(v)
}

/// The NHS modulus-11 check over ten digits (NHS England/Wales, CHI and H&C numbers all use it).
///
/// Weights 10..2 on the first nine digits; check = 11 − (sum mod 11), 11 → 0, 10 → invalid.
pub fn nhs_mod11(d: &[u8]) -> bool {
    if d.len() != 10 || d.iter().any(|&x| x > 9) {
        return false;
    }
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| (10 - i as u32) * x as u32)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == d[9] as u32 && !d.iter().all(|&x| x == d[0])
}

/// True for a Scottish CHI number: DDMMYY (a real calendar date in some century) then four
/// digits, passing modulus 11.
pub fn chi_valid(d: &[u8]) -> bool {
    if d.len() != 10 || !nhs_mod11(d) {
        return false;
    }
    let day = d[0] as u32 * 10 + d[1] as u32;
    let month = d[2] as u32 * 10 + d[3] as u32;
    let yy = d[4] as u32 * 10 + d[5] as u32;
    // Accept the date if it exists in either the 1900s or the 2000s (29 February).
    calendar_date_valid(1900 + yy, month, day) || calendar_date_valid(2000 + yy, month, day)
}

/// True when ten digits fall in the Northern Ireland H&C range (320 000 0000 – 399 999 9999).
pub fn hc_range(d: &[u8]) -> bool {
    if d.len() != 10 {
        return false;
    }
    let lead = d[0] as u32 * 100 + d[1] as u32 * 10 + d[2] as u32;
    (320..=399).contains(&lead)
}

/// True for a valid H&C number: in range and passing modulus 11.
pub fn hc_valid(d: &[u8]) -> bool {
    hc_range(d) && nhs_mod11(d)
}

/// True when a National Insurance number prefix (two letters, upper case) is one that can be
/// allocated: first letter not D, F, I, Q, U, V; second not D, F, I, O, Q, U, V; and not one of
/// BG, GB, KN, NK, NT, TN, ZZ.
pub fn nino_prefix_valid(prefix: &[u8]) -> bool {
    if prefix.len() != 2 {
        return false;
    }
    let (a, b) = (
        prefix[0].to_ascii_uppercase(),
        prefix[1].to_ascii_uppercase(),
    );
    if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() {
        return false;
    }
    if b"DFIQUV".contains(&a) || b"DFIOQUV".contains(&b) {
        return false;
    }
    !matches!(
        &[a, b],
        b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
    )
}

/// The UK postcode areas (the letters of an outward code), sorted.
const POSTCODE_AREAS: &[&str] = &[
    "AB", "AL", "B", "BA", "BB", "BD", "BF", "BH", "BL", "BN", "BR", "BS", "BT", "BX", "CA", "CB",
    "CF", "CH", "CM", "CO", "CR", "CT", "CV", "CW", "DA", "DD", "DE", "DG", "DH", "DL", "DN", "DT",
    "DY", "E", "EC", "EH", "EN", "EX", "FK", "FY", "G", "GL", "GU", "GY", "HA", "HD", "HG", "HP",
    "HR", "HS", "HU", "HX", "IG", "IM", "IP", "IV", "JE", "KA", "KT", "KW", "KY", "L", "LA", "LD",
    "LE", "LL", "LN", "LS", "LU", "M", "ME", "MK", "ML", "N", "NE", "NG", "NN", "NP", "NR", "NW",
    "OL", "OX", "PA", "PE", "PH", "PL", "PO", "PR", "RG", "RH", "RM", "S", "SA", "SE", "SG", "SK",
    "SL", "SM", "SN", "SO", "SP", "SR", "SS", "ST", "SW", "SY", "TA", "TD", "TF", "TN", "TQ", "TR",
    "TS", "TW", "UB", "W", "WA", "WC", "WD", "WF", "WN", "WR", "WS", "WV", "YO", "ZE",
];

/// True when `outward` (case-insensitive, no spaces) has one of the official outward shapes
/// (A9, A99, AA9, AA99, A9A, AA9A) with the letters allowed in each position, and its area is a
/// real postcode area.
pub fn postcode_outward_valid(outward: &str) -> bool {
    let o: Vec<u8> = outward.bytes().map(|b| b.to_ascii_uppercase()).collect();
    if !(2..=4).contains(&o.len()) {
        return false;
    }
    let letters = o.iter().take_while(|b| b.is_ascii_uppercase()).count();
    if !(1..=2).contains(&letters) {
        return false;
    }
    let area = std::str::from_utf8(&o[..letters]).unwrap_or("");
    if POSTCODE_AREAS.binary_search(&area).is_err() {
        return false;
    }
    // First position: not Q, V, X. Second (letter): not I, J, Z.
    if b"QVX".contains(&o[0]) || (letters == 2 && b"IJZ".contains(&o[1])) {
        return false;
    }
    let rest = &o[letters..];
    if rest.is_empty() || !rest[0].is_ascii_digit() {
        return false;
    }
    match rest.len() {
        1 => true,
        2 if rest[1].is_ascii_digit() => true,
        2 if letters == 1 => b"ABCDEFGHJKPSTUW".contains(&rest[1]),
        2 => b"ABEHMNPRVWXY".contains(&rest[1]),
        _ => false,
    }
}

/// True when `inward` (case-insensitive) is a digit then two letters not in C, I, K, M, O, V.
pub fn postcode_inward_valid(inward: &str) -> bool {
    let i = inward.as_bytes();
    i.len() == 3
        && i[0].is_ascii_digit()
        && i[1..].iter().all(|b| {
            let u = b.to_ascii_uppercase();
            u.is_ascii_uppercase() && !b"CIKMOV".contains(&u)
        })
}

/// True for a full UK postcode given as outward and inward parts.
pub fn postcode_valid(outward: &str, inward: &str) -> bool {
    (outward.eq_ignore_ascii_case("GIR") && inward.eq_ignore_ascii_case("0AA"))
        || (postcode_outward_valid(outward) && postcode_inward_valid(inward))
}

/// True in a Gregorian leap year.
pub fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

/// Days in `month` of `year` (0 for an invalid month).
pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// True when year/month/day is a real calendar date (years 1000-2999).
pub fn calendar_date_valid(year: u32, month: u32, day: u32) -> bool {
    (1000..3000).contains(&year) && day >= 1 && day <= days_in_month(year, month)
}

/// True when a day and month without a year could be a date (29 February allowed).
pub fn day_month_plausible(month: u32, day: u32) -> bool {
    day >= 1 && day <= days_in_month(2000, month)
}

/// Expand a two-digit year: 00-29 → 2000s, else 1900s.
pub fn expand_year(yy: u32) -> u32 {
    if yy < 100 {
        if yy < 30 {
            2000 + yy
        } else {
            1900 + yy
        }
    } else {
        yy
    }
}

/// True when the four parts of a dotted quad are each 0-255 without superfluous leading zeros.
pub fn ipv4_octets_valid(parts: &[&str]) -> bool {
    parts.len() == 4
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
                && p.parse::<u32>().is_ok_and(|v| v <= 255)
        })
}

// ---------------------------------------------------------------------------------------------
// Scanning helpers: cheap byte-level prefilters that let the structured detectors run their
// regexes on short windows instead of whole texts.

/// Bit `k` set when `b[at + k]` is an ASCII digit, for `k < 16`; bytes past the end are not.
#[inline]
pub fn digit_mask16(b: &[u8], at: usize) -> u32 {
    let mut m = 0u32;
    if let Some(c) = b.get(at..at + 16) {
        let c: &[u8; 16] = c.try_into().expect("16 bytes");
        for (k, &x) in c.iter().enumerate() {
            m |= u32::from(x.wrapping_sub(b'0') < 10) << k;
        }
    } else if let Some(c) = b.get(at..) {
        for (k, &x) in c.iter().enumerate() {
            m |= u32::from(x.wrapping_sub(b'0') < 10) << k;
        }
    }
    m
}

/// The number of ASCII digits among `b[at..at + 16]` (bytes past the end are not digits):
/// `digit_mask16(b, at).count_ones()`, computed eight bytes at a time. [`digit_bits8`] marks
/// each digit byte with its high bit; shifted down, each byte holds 0 or 1, and multiplying by
/// `0x0101..01` sums the eight bytes into the top byte (the sum is at most 8: no carries).
#[inline]
pub fn digit_count16(b: &[u8], at: usize) -> u32 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let count = |x: u64| ((digit_bits8(x) >> 7).wrapping_mul(ONES) >> 56) as u32;
    match b.get(at..at + 16) {
        Some(c) => {
            let lo = u64::from_le_bytes(c[..8].try_into().expect("8 bytes"));
            let hi = u64::from_le_bytes(c[8..].try_into().expect("8 bytes"));
            count(lo) + count(hi)
        }
        // Zero padding is not a digit.
        None => count(load8(b, at)) + count(load8(b, at + 8)),
    }
}

/// The first index `>= from` whose byte is a break byte (`brk[byte]`), or `b.len()`.
#[inline]
pub fn next_break(b: &[u8], from: usize, brk: &[bool; 256]) -> usize {
    b.get(from..)
        .and_then(|s| s.iter().position(|&x| brk[x as usize]))
        .map_or(b.len(), |i| from + i)
}

/// A break-byte table: true for every byte *not* in `keep` (ranges of bytes that may occur
/// inside a match) except the ASCII word byte `_`. A regex match can never contain a break
/// byte, and since break bytes are non-word ASCII, an ASCII `\b` at a break byte reads the same
/// whether the haystack is cut there or not: cutting the haystack at a break byte never changes
/// the matches found before it.
pub const fn break_table(keep: &[(u8, u8)]) -> [bool; 256] {
    let mut t = [true; 256];
    t[b'_' as usize] = false;
    let mut i = 0;
    while i < keep.len() {
        let (lo, hi) = keep[i];
        let mut c = lo as usize;
        while c <= hi as usize {
            t[c] = false;
            c += 1;
        }
        i += 1;
    }
    t
}

/// The 8 bytes at `at` as a little-endian word, zero-padded past the end.
#[inline]
pub fn load8(b: &[u8], at: usize) -> u64 {
    match b.get(at..at + 8) {
        Some(c) => u64::from_le_bytes(c.try_into().expect("8 bytes")),
        None => {
            let mut a = [0u8; 8];
            let r = b.get(at..).unwrap_or(&[]);
            a[..r.len()].copy_from_slice(r);
            u64::from_le_bytes(a)
        }
    }
}

/// For a word from [`load8`]: the high bit of each byte that is an ASCII digit.
#[inline]
pub fn digit_bits8(x: u64) -> u64 {
    const H: u64 = 0x8080_8080_8080_8080;
    let a = x & !H;
    // Per byte, no carries: a + (0x80 - b'0') has its high bit set iff a >= b'0'.
    let ge0 = a + 0x5050_5050_5050_5050;
    let gt9 = a + 0x4646_4646_4646_4646;
    ge0 & !gt9 & !x & H
}

/// For a word from [`load8`]: the high bit of each byte in `lo..=hi` (`hi` below 0x80).
/// [`digit_bits8`] for any range: per byte of the low seven bits `a`, `a + (0x80 - lo)` has
/// its high bit set iff `a >= lo` and `a + (0x7f - hi)` iff `a > hi` (no carries between
/// bytes); bytes from 0x80 are excluded.
#[inline(always)]
pub fn range_bits8(x: u64, lo: u8, hi: u8) -> u64 {
    const H: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    debug_assert!(lo <= hi && hi < 0x80);
    let a = x & !H;
    let ge = a + ONES * u64::from(0x80 - lo);
    let gt = a + ONES * u64::from(0x7f - hi);
    ge & !gt & !x & H
}

/// For a word from [`load8`]: the high bit of each byte equal to `c`.
#[inline]
pub fn eq_bits8(x: u64, c: u8) -> u64 {
    const H: u64 = 0x8080_8080_8080_8080;
    let z = x ^ (u64::from(c) * 0x0101_0101_0101_0101);
    // High bit set per byte iff that byte of `z` is non-zero (no carries between bytes).
    !(((z & !H) + !H) | z) & H
}

/// Calls `f(start, true)` for every maximal run of ASCII digits in `b` and `f(i, false)` for
/// every byte `b[i]` in `marks` (ASCII bytes), in order of position.
#[inline(always)]
pub fn for_digit_runs_and<const N: usize>(
    b: &[u8],
    marks: [u8; N],
    mut f: impl FnMut(usize, bool),
) {
    // The smallest byte range holding the digits and the marks (for ".:", 0x2e-0x3a): eight
    // bytes with none in it hold no digit and no mark, and are passed over after one test.
    // (A digit run cannot continue into them, so the carry is 0 after them.)
    let (lo, hi) = marks
        .iter()
        .fold((b'0', b'9'), |(l, h), &c| (l.min(c), h.max(c)));
    let mut carry = 0u64;
    let mut at = 0;
    while at < b.len() {
        let x = match b.get(at..at + 8) {
            Some(c) => u64::from_le_bytes(c.try_into().expect("8 bytes")),
            None => load8(b, at),
        };
        let r = range_bits8(x, lo, hi);
        if r == 0 {
            carry = 0;
            at += 8;
            continue;
        }
        let d = if N == 0 { r } else { digit_bits8(x) };
        let mut m = 0;
        for c in marks {
            m |= eq_bits8(x, c);
        }
        if d | m | carry != 0 {
            let starts = d & !((d << 8) | carry);
            carry = d >> 56;
            let mut all = starts | m;
            while all != 0 {
                let k = all.trailing_zeros();
                f(at + (k / 8) as usize, (starts >> k) & 1 == 1);
                all &= all - 1;
            }
        }
        at += 8;
    }
}

/// Calls `f(start)` for every maximal run of ASCII digits in `b`, in order.
#[inline(always)]
pub fn for_digit_runs(b: &[u8], mut f: impl FnMut(usize)) {
    for_digit_runs_and(b, [], |i, _| f(i));
}

// ---------------------------------------------------------------------------------------------
// Context helpers.

/// Largest char boundary `<= i`.
pub fn floor_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Smallest char boundary `>= i`.
pub fn ceil_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Up to `max` bytes of text before `pos`, not crossing a line break.
pub fn before_on_line(text: &str, pos: usize, max: usize) -> &str {
    let start = floor_boundary(text, pos.saturating_sub(max));
    let s = &text[start..pos];
    match s.rfind('\n') {
        Some(i) => &s[i + 1..],
        None => s,
    }
}

/// Up to `max` bytes of text after `pos`, not crossing a line break.
pub fn after_on_line(text: &str, pos: usize, max: usize) -> &str {
    let end = ceil_boundary(text, pos.saturating_add(max));
    let s = &text[pos..end];
    match s.find('\n') {
        Some(i) => &s[..i],
        None => s,
    }
}

/// The whole line containing `pos`, from its start up to `pos`.
pub fn line_prefix(text: &str, pos: usize) -> &str {
    let s = &text[..pos];
    match s.rfind('\n') {
        Some(i) => &s[i + 1..],
        None => s,
    }
}

/// The byte before `pos`, if any.
pub fn byte_before(text: &str, pos: usize) -> Option<u8> {
    pos.checked_sub(1).map(|i| text.as_bytes()[i])
}

/// The byte at `pos`, if any.
pub fn byte_at(text: &str, pos: usize) -> Option<u8> {
    text.as_bytes().get(pos).copied()
}

/// The last `n` ASCII-alphanumeric words of `s`, lower-cased, nearest first.
pub fn last_words(s: &str, n: usize) -> Vec<String> {
    s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '/' || c == '\''))
        .filter(|w| !w.is_empty())
        .rev()
        .take(n)
        .map(|w| w.trim_matches('\'').to_ascii_lowercase())
        .collect()
}

/// Sorts trigger regions (`start..=end` stretches where a candidate may start) and merges those
/// that touch, so each scanning detector walks them once, in order.
pub(crate) fn merge_regions(regions: &mut Vec<(usize, usize)>) {
    regions.sort_unstable();
    // In place: `regions[..kept]` is the merged list so far (it never overtakes the reading).
    let mut kept = 0;
    for k in 0..regions.len() {
        let (s, e) = regions[k];
        if kept > 0 && s <= regions[kept - 1].1 {
            regions[kept - 1].1 = regions[kept - 1].1.max(e);
        } else {
            regions[kept] = (s, e);
            kept += 1;
        }
    }
    regions.truncate(kept);
}

/// One group of a regex match read from reused `CaptureLocations`: the subset of
/// `regex::Match` the scanners use (ids, address and dates share it).
#[derive(Clone, Copy)]
pub(crate) struct Group<'t> {
    pub(crate) text: &'t str,
    pub(crate) s: usize,
    pub(crate) e: usize,
}

#[allow(dead_code)] // not every scanner uses every accessor
impl<'t> Group<'t> {
    pub(crate) fn start(&self) -> usize {
        self.s
    }
    pub(crate) fn end(&self) -> usize {
        self.e
    }
    pub(crate) fn len(&self) -> usize {
        self.e - self.s
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.e == self.s
    }
    pub(crate) fn as_str(&self) -> &'t str {
        &self.text[self.s..self.e]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Vec<u8> {
        digits_of(s).unwrap()
    }

    #[test]
    fn digit_count16_counts_what_digit_mask16_marks() {
        let texts: [&[u8]; 5] = [
            b"",
            b"0123456789abcdef0123",
            b"a1b2c3d4e5f6g7h8i9j0 \xff/:09",
            b"\x80\xb0\xb9\x30\x39\x2f\x3a 99",
            b"12",
        ];
        for t in texts {
            for at in 0..t.len() + 2 {
                assert_eq!(
                    digit_count16(t, at),
                    digit_mask16(t, at).count_ones(),
                    "{t:?} at {at}"
                );
            }
        }
    }

    #[test]
    fn range_bits8_marks_the_bytes_in_range() {
        for (lo, hi) in [(b'0', b'9'), (b'.', b':'), (0, 0x7f), (b'a', b'a')] {
            for start in (0u32..256).step_by(8) {
                let bytes: Vec<u8> = (start..start + 8).map(|v| v as u8).collect();
                let x = u64::from_le_bytes(bytes[..].try_into().unwrap());
                let want = bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, &v)| (lo..=hi).contains(&v))
                    .fold(0u64, |m, (k, _)| m | 0x80 << (8 * k));
                assert_eq!(range_bits8(x, lo, hi), want, "{lo}..={hi} from {start}");
            }
        }
    }

    #[test]
    fn nhs_checksum() {
        assert!(nhs_mod11(&d("943 476 5919")));
        assert!(nhs_mod11(&d("401-023-2137")));
        assert!(!nhs_mod11(&d("943 476 5918")));
        assert!(!nhs_mod11(&d("943 476 591")));
        // Check digit 10 is never valid.
        assert!(!nhs_mod11(&d("0000000060")));
        // All-same digits are placeholders, not numbers.
        assert!(!nhs_mod11(&d("0000000000")));
    }

    #[test]
    fn chi_needs_date_and_checksum() {
        // 120341 + 123 + check digit computed by mod 11: 1*10+2*9+0*8+3*7+4*6+1*5+1*4+2*3+3*2
        // = 10+18+0+21+24+5+4+6+6 = 94; 94 mod 11 = 6; check 5.
        assert!(chi_valid(&d("1203411235")));
        assert!(!chi_valid(&d("1203411234")));
        // Day 32 is not a date, whatever the check digit.
        assert!(!chi_valid(&d("3203411234")));
    }

    #[test]
    fn hc_range_and_checksum() {
        // 320 000 000 + check: 3*10+2*9 = 48; 48 mod 11 = 4; check 7.
        assert!(hc_valid(&d("3200000007")));
        assert!(hc_range(&d("3999999999")));
        assert!(!hc_range(&d("4000000000")));
        assert!(!hc_valid(&d("3200000008")));
    }

    #[test]
    fn nino_prefixes() {
        assert!(nino_prefix_valid(b"AB"));
        assert!(nino_prefix_valid(b"JG"));
        assert!(!nino_prefix_valid(b"DA"));
        assert!(!nino_prefix_valid(b"AO"));
        assert!(!nino_prefix_valid(b"GB"));
        assert!(!nino_prefix_valid(b"ZZ"));
        assert!(!nino_prefix_valid(b"A1"));
    }

    #[test]
    fn postcodes() {
        for (o, i) in [
            ("SW1A", "1AA"),
            ("M1", "1AE"),
            ("B33", "8TH"),
            ("CR2", "6XH"),
            ("DN55", "1PT"),
            ("ls6", "3ab"),
            ("EC1A", "1BB"),
            ("W1A", "0AX"),
        ] {
            assert!(postcode_valid(o, i), "{o} {i}");
        }
        assert!(!postcode_valid("QA1", "1AA"));
        assert!(!postcode_valid("AJ1", "1AA"));
        assert!(!postcode_valid("SW1A", "1CA"));
        assert!(!postcode_valid("XX1", "1AA"));
        assert!(!postcode_valid("W1I", "1AA"));
        assert!(postcode_outward_valid("LS6"));
        assert!(!postcode_outward_valid("LS"));
        assert!(!postcode_outward_valid("T12"));
    }

    #[test]
    fn dates() {
        assert!(calendar_date_valid(2024, 2, 29));
        assert!(!calendar_date_valid(2023, 2, 29));
        assert!(!calendar_date_valid(1900, 2, 29));
        assert!(calendar_date_valid(2000, 2, 29));
        assert!(!calendar_date_valid(1941, 13, 1));
        assert!(!calendar_date_valid(1941, 4, 31));
        assert!(day_month_plausible(2, 29));
        assert!(!day_month_plausible(0, 1));
        assert_eq!(expand_year(41), 1941);
        assert_eq!(expand_year(3), 2003);
    }

    #[test]
    fn ipv4() {
        assert!(ipv4_octets_valid(&["192", "168", "0", "1"]));
        assert!(!ipv4_octets_valid(&["256", "1", "1", "1"]));
        assert!(!ipv4_octets_valid(&["01", "1", "1", "1"]));
        assert!(!ipv4_octets_valid(&["1", "1", "1"]));
    }

    #[test]
    fn context() {
        let t = "line one\nPMH: MI 1992";
        let p = t.find("1992").unwrap();
        assert_eq!(line_prefix(t, p), "PMH: MI ");
        assert_eq!(before_on_line(t, p, 3), "MI ");
        assert_eq!(last_words(line_prefix(t, p), 2), vec!["mi", "pmh"]);
        let u = "é1";
        assert_eq!(before_on_line(u, 2, 1), "é");
    }
}
