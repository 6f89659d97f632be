//! Word tokens for the dictionary-driven detectors (names, places).
//!
//! A token is a maximal run of alphanumeric characters; an apostrophe between letters stays
//! inside the word (`O'Brien`, `D'Arcy`) except for a possessive `'s`, which is recorded as a
//! flag and left out of the span. Each token carries its shape (capitalisation, digits) and the
//! punctuation that follows it up to the next token, so detectors can reason about "Mr." and
//! "Smith, RN" without re-scanning. ASCII text takes a byte-at-a-time fast path.

/// Shape of a token's letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// All letters lower-case.
    Lower,
    /// All letters upper-case (two letters or more).
    Upper,
    /// First letter upper-case, the rest lower-case (or a single capital letter).
    Title,
    /// Anything else (McDonald, iPhone).
    Mixed,
    /// No letters.
    None,
}

/// One word token.
#[derive(Debug, Clone, Copy)]
pub struct Token {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character (possessive `'s` excluded).
    pub end: usize,
    /// Capitalisation.
    pub case: Case,
    /// Contains at least one digit.
    pub digit: bool,
    /// Contains at least one letter.
    pub alpha: bool,
    /// Followed by a possessive `'s`.
    pub possessive: bool,
    /// End of the gap after this token (start of the next token, or text end).
    pub gap_end: usize,
    /// The gap after this token contains a line break.
    pub newline_after: bool,
}

impl Token {
    /// The token's text.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.start..self.end]
    }
    /// The characters between this token and the next (possessive included).
    pub fn gap<'a>(&self, src: &'a str) -> &'a str {
        &src[self.end..self.gap_end]
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// True for an empty token (never produced).
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
    /// True when the gap after the token contains a line break.
    #[inline]
    pub fn gap_has_newline(&self, _src: &str) -> bool {
        self.newline_after
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Byte class bits for the ASCII fast path.
const UPPER: u8 = 1;
const LOWER: u8 = 2;
const DIGIT: u8 = 4;
/// An ASCII letter or digit: a word byte.
const WORD: u8 = UPPER | LOWER | DIGIT;
/// A byte of a multi-byte UTF-8 character: the character decides (slow path).
const NON_ASCII: u8 = 8;

/// Class bits of every byte value (0 for ASCII punctuation, spacing and controls).
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = if b >= 0x80 {
            NON_ASCII
        } else if (b as u8).is_ascii_uppercase() {
            UPPER
        } else if (b as u8).is_ascii_lowercase() {
            LOWER
        } else if (b as u8).is_ascii_digit() {
            DIGIT
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Class bits of a non-ASCII character inside a word (0 for a letter that has no case).
fn char_class(c: char) -> u8 {
    if c.is_uppercase() {
        UPPER
    } else if c.is_lowercase() {
        LOWER
    } else if c.is_numeric() {
        DIGIT
    } else {
        0
    }
}

/// Bits of [`RawToken::bits`]: a token's case and yes/no attributes in one integer, so that
/// the detectors can store and test them together.
pub(crate) mod bits {
    /// The case, coded by [`super::case_code`].
    pub(crate) const CASE: u16 = 0b111;
    /// Contains at least one digit.
    pub(crate) const DIGIT: u16 = 1 << 3;
    /// Contains at least one letter.
    pub(crate) const ALPHA: u16 = 1 << 4;
    /// Followed by a possessive `'s`.
    pub(crate) const POSSESSIVE: u16 = 1 << 5;
    /// The gap after the token contains a line break.
    pub(crate) const NEWLINE_AFTER: u16 = 1 << 6;
    /// The token's text is all ASCII.
    pub(crate) const ASCII: u16 = 1 << 7;
    /// The gap after the token contains "@".
    pub(crate) const GAP_AT: u16 = 1 << 8;
}

/// The [`bits`] a gap byte sets: a line feed, "@".
static GAP_BITS: [u16; 256] = {
    let mut t = [0u16; 256];
    t[b'\n' as usize] = bits::NEWLINE_AFTER;
    t[b'@' as usize] = bits::GAP_AT;
    t
};

// The scanner's fast path shifts the digit class bit into place.
const _: () = assert!((DIGIT as u16) << 1 == bits::DIGIT);

/// The code of a case in [`bits::CASE`].
pub(crate) const fn case_code(case: Case) -> u16 {
    match case {
        Case::Lower => 0,
        Case::Upper => 1,
        Case::Title => 2,
        Case::Mixed => 3,
        Case::None => 4,
    }
}

/// The case of a code of [`bits::CASE`].
#[inline]
pub(crate) fn case_from_code(code: u16) -> Case {
    match code & bits::CASE {
        0 => Case::Lower,
        1 => Case::Upper,
        2 => Case::Title,
        3 => Case::Mixed,
        _ => Case::None,
    }
}

/// The shape of a word from the class bits of its characters, its number of upper-case letters
/// and whether the first character is upper-case.
#[inline]
const fn case_of(seen: u8, upper: usize, first_upper: bool) -> Case {
    let has_lower = seen & LOWER != 0;
    if seen & (UPPER | LOWER) == 0 {
        Case::None
    } else if !has_lower && upper >= 2 {
        Case::Upper
    } else if upper == 0 {
        Case::Lower
    } else if first_upper && upper == 1 || !has_lower {
        Case::Title
    } else {
        Case::Mixed
    }
}

/// The case and alpha [`bits`] of an ASCII word by its letter shape: bit 0 an upper-case
/// letter, bit 1 a lower-case letter, bit 2 two upper-case letters or more, bit 3 an upper-case
/// first letter. What [`token_bits`] computes, as one lookup for the scanner's fast path.
static CASE_BITS: [u16; 16] = {
    let mut t = [0u16; 16];
    let mut k = 0;
    while k < 16 {
        let seen = (k & 3) as u8;
        let upper = if k & 4 != 0 { 2 } else { k & 1 };
        let alpha = if seen != 0 { bits::ALPHA } else { 0 };
        t[k] = case_code(case_of(seen, upper, k & 8 != 0)) | alpha;
        k += 1;
    }
    t
};

/// [`bits`] of a token: case and attributes from the scan.
#[inline]
fn token_bits(seen: u8, upper: usize, first_upper: bool, possessive: bool, gap: u16) -> u16 {
    let flag = |on: bool, bit: u16| if on { bit } else { 0 };
    case_code(case_of(seen, upper, first_upper))
        | flag(seen & DIGIT != 0, bits::DIGIT)
        | flag(seen & (UPPER | LOWER) != 0, bits::ALPHA)
        | flag(possessive, bits::POSSESSIVE)
        | gap
}

/// A token as the scanner yields it: offsets and [`bits`] (a [`Token`] in compact form).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawToken {
    /// Byte offset of the first character.
    pub(crate) start: usize,
    /// Byte offset one past the last character (possessive `'s` excluded).
    pub(crate) end: usize,
    /// End of the gap after this token.
    pub(crate) gap_end: usize,
    /// Case and attributes, [`bits`].
    pub(crate) bits: u16,
}

impl RawToken {
    /// The public form.
    #[inline]
    pub(crate) fn token(&self) -> Token {
        Token {
            start: self.start,
            end: self.end,
            case: case_from_code(self.bits),
            digit: self.bits & bits::DIGIT != 0,
            alpha: self.bits & bits::ALPHA != 0,
            possessive: self.bits & bits::POSSESSIVE != 0,
            gap_end: self.gap_end,
            newline_after: self.bits & bits::NEWLINE_AFTER != 0,
        }
    }
}

/// One pass over a text that yields its tokens in order, each with its trailing gap already
/// scanned (so `gap_end` and `newline_after` are known when the token is yielded). ASCII bytes
/// are classified by table; a multi-byte character is decoded only where it occurs.
pub(crate) struct Scanner<'a> {
    text: &'a str,
    i: usize,
}

impl<'a> Scanner<'a> {
    /// A scanner positioned at the first token of `text`.
    pub(crate) fn new(text: &'a str) -> Scanner<'a> {
        let mut s = Scanner { text, i: 0 };
        s.skip_gap();
        s
    }

    /// True when no token is left.
    #[inline]
    pub(crate) fn at_end(&self) -> bool {
        self.i >= self.text.len()
    }

    /// Advances over characters that are not word characters; returns the [`bits`] they set
    /// (a line break, "@").
    #[inline(never)]
    fn skip_gap(&mut self) -> u16 {
        let bytes = self.text.as_bytes();
        let mut gap = 0;
        while let Some(&b) = bytes.get(self.i) {
            let class = CLASS[b as usize];
            if class & WORD != 0 {
                break;
            }
            if class & NON_ASCII != 0 {
                let c = self.text[self.i..].chars().next().unwrap_or(' ');
                if is_word_char(c) {
                    break;
                }
                self.i += c.len_utf8();
                continue;
            }
            gap |= GAP_BITS[b as usize];
            self.i += 1;
        }
        gap
    }

    /// Where the scanner is: the start of the next token, or the end of the text; after
    /// [`Scanner::scan_token`], the end of the scanned token's gap.
    #[inline]
    pub(crate) fn position(&self) -> usize {
        self.i
    }

    /// The next token, or None at the end.
    #[inline]
    pub(crate) fn next_token(&mut self) -> Option<RawToken> {
        if self.at_end() {
            return None;
        }
        let start = self.i;
        let (end, bits) = self.scan_token();
        Some(RawToken {
            start,
            end,
            gap_end: self.i,
            bits,
        })
    }

    /// Scans the token at [`Scanner::position`] (there must be one) and its gap: returns the
    /// token's end and [`bits`], and leaves the scanner at the next token. (A token's start and
    /// its gap's end are the scanner's positions before and after, so that the result is two
    /// registers wide.)
    ///
    /// The fast path takes a word of ASCII letters and digits followed by ASCII punctuation
    /// or spacing (or the end of the text): the common case, scanned with one table lookup a
    /// byte. Anything else — a non-ASCII character in or right after the word, an apostrophe
    /// after it — is scanned again from the word's start by [`Scanner::scan_general`].
    #[inline]
    pub(crate) fn scan_token(&mut self) -> (usize, u16) {
        let bytes = self.text.as_bytes();
        let start = self.i;
        let first = bytes.get(start).map_or(0, |&b| CLASS[b as usize]);
        if first & WORD == 0 {
            return self.scan_general();
        }
        // The classes seen, and those seen twice (only "two capitals or more" matters).
        let mut seen = first;
        let mut twice = 0u8;
        let mut i = start + 1;
        while let Some(&b) = bytes.get(i) {
            let class = CLASS[b as usize];
            if class & WORD == 0 {
                if class & NON_ASCII != 0 || b == b'\'' {
                    return self.scan_general();
                }
                break;
            }
            twice |= seen & class;
            seen |= class;
            i += 1;
        }
        let end = i;
        // The gap: ASCII punctuation and spacing up to the next word byte; a non-ASCII
        // character in it is left to the general gap scan.
        let mut gap = 0;
        while let Some(&b) = bytes.get(i) {
            let class = CLASS[b as usize];
            if class != 0 {
                if class & NON_ASCII != 0 {
                    self.i = i;
                    gap |= self.skip_gap();
                    i = self.i;
                }
                break;
            }
            gap |= GAP_BITS[b as usize];
            i += 1;
        }
        self.i = i;
        let shape = (seen & (UPPER | LOWER)) | (twice & UPPER) << 2 | (first & UPPER) << 3;
        (
            end,
            CASE_BITS[shape as usize] | ((seen & DIGIT) as u16) << 1 | gap | bits::ASCII,
        )
    }

    /// [`Scanner::scan_token`] for any text: non-ASCII characters are decoded and classified,
    /// and an apostrophe after a word makes a possessive or joins a short prefix (O'Brien).
    #[inline(never)]
    fn scan_general(&mut self) -> (usize, u16) {
        let text = self.text;
        let bytes = text.as_bytes();
        let n = bytes.len();
        let start = self.i;
        let mut i = start;
        // Class bits seen so far, and the number of upper-case letters.
        let mut seen = 0u8;
        let mut upper = 0usize;
        let mut ascii = true;
        let first_upper = if bytes[i] < 0x80 {
            CLASS[bytes[i] as usize] & UPPER != 0
        } else {
            text[i..].chars().next().is_some_and(char::is_uppercase)
        };
        let mut possessive = false;
        let mut end;
        loop {
            // Consume a run of word characters.
            while let Some(&b) = bytes.get(i) {
                let class = CLASS[b as usize];
                if class & WORD != 0 {
                    seen |= class;
                    upper += (class & UPPER) as usize;
                    i += 1;
                    continue;
                }
                if class & NON_ASCII == 0 {
                    break;
                }
                let c = text[i..].chars().next().unwrap_or(' ');
                if !is_word_char(c) {
                    break;
                }
                let class = char_class(c);
                seen |= class;
                upper += (class & UPPER) as usize;
                ascii = false;
                i += c.len_utf8();
            }
            end = i;
            // An apostrophe followed by a letter: possessive 's, or part of the word (O'Brien).
            let apos_len = if i < n && bytes[i] == b'\'' {
                1
            } else if i < n && bytes[i] == 0xE2 && text[i..].starts_with('\u{2019}') {
                3
            } else {
                0
            };
            if apos_len > 0 {
                let after = i + apos_len;
                let next = text[after..].chars().next();
                match next {
                    Some('s') | Some('S')
                        if text[after + 1..]
                            .chars()
                            .next()
                            .is_none_or(|c| !is_word_char(c)) =>
                    {
                        possessive = true;
                        i = after + 1;
                        break;
                    }
                    Some(c)
                        if c.is_alphabetic() && seen & (UPPER | LOWER) != 0 && end - start <= 2 =>
                    {
                        // O'Brien, D'Arcy: a short prefix before the apostrophe.
                        ascii &= apos_len == 1;
                        i = after;
                        continue;
                    }
                    _ => break,
                }
            }
            break;
        }
        self.i = i;
        let gap = self.skip_gap();
        let ascii = if ascii { bits::ASCII } else { 0 };
        (
            end,
            token_bits(seen, upper, first_upper, possessive, gap) | ascii,
        )
    }
}

impl Iterator for Scanner<'_> {
    type Item = Token;

    #[inline]
    fn next(&mut self) -> Option<Token> {
        self.next_token().map(|t| t.token())
    }
}

/// Tokenise `text` into `out` (cleared first).
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    out.clear();
    out.extend(Scanner::new(text));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(t: &str) -> Vec<&str> {
        let mut v = Vec::new();
        tokenize(t, &mut v);
        v.iter().map(|k| k.text(t)).collect()
    }

    #[test]
    fn splits_words() {
        assert_eq!(
            words("Mr. O'Brien's son, Zoë-Jane (97yo)"),
            vec!["Mr", "O'Brien", "son", "Zoë", "Jane", "97yo"]
        );
        let mut v = Vec::new();
        let t = "Smith's chart";
        tokenize(t, &mut v);
        assert!(v[0].possessive);
        assert_eq!(v[0].text(t), "Smith");
        assert_eq!(v[0].gap(t), "'s ");
    }

    #[test]
    fn shapes() {
        let t = "SMITH Smith smith McDonald A";
        let mut v = Vec::new();
        tokenize(t, &mut v);
        let c: Vec<Case> = v.iter().map(|k| k.case).collect();
        assert_eq!(
            c,
            vec![
                Case::Upper,
                Case::Title,
                Case::Lower,
                Case::Mixed,
                Case::Title
            ]
        );
    }

    // The reference tokenizer (the pre-scanner implementation) and its byte classes.
    /// Byte classes for the ASCII fast path: 0 other, 1 upper, 2 lower, 3 digit, 4 non-ASCII.
    static OLD_CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            t[b] = if b >= 0x80 {
                4
            } else if (b as u8).is_ascii_uppercase() {
                1
            } else if (b as u8).is_ascii_lowercase() {
                2
            } else if (b as u8).is_ascii_digit() {
                3
            } else {
                0
            };
            b += 1;
        }
        t
    };

    /// The tokenizer before the single-pass scanner, kept as the specification.
    fn reference(text: &str, out: &mut Vec<Token>) {
        out.clear();
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut i = 0;
        while i < n {
            // Skip to the next word character.
            match OLD_CLASS[bytes[i] as usize] {
                0 => {
                    i += 1;
                    continue;
                }
                4 => {
                    let c = text[i..].chars().next().unwrap_or(' ');
                    if !is_word_char(c) {
                        i += c.len_utf8();
                        continue;
                    }
                }
                _ => {}
            }
            let start = i;
            // counts[1] upper, counts[2] lower, counts[3] digits
            let mut counts = [0usize; 4];
            let mut first_upper = false;
            let mut possessive = false;
            let mut end;
            loop {
                // Consume a run of word chars.
                while i < n {
                    let class = OLD_CLASS[bytes[i] as usize];
                    match class {
                        0 => break,
                        4 => {
                            let c = text[i..].chars().next().unwrap_or(' ');
                            if !is_word_char(c) {
                                break;
                            }
                            let k = if c.is_uppercase() {
                                1
                            } else if c.is_lowercase() {
                                2
                            } else if c.is_numeric() {
                                3
                            } else {
                                0
                            };
                            if k == 1 && i == start {
                                first_upper = true;
                            }
                            counts[k] += 1;
                            i += c.len_utf8();
                        }
                        k => {
                            if k == 1 && i == start {
                                first_upper = true;
                            }
                            counts[k as usize] += 1;
                            i += 1;
                        }
                    }
                }
                end = i;
                // An apostrophe followed by a letter: possessive 's, or part of the word (O'Brien).
                let apos_len = if i < n && bytes[i] == b'\'' {
                    1
                } else if i < n && bytes[i] == 0xE2 && text[i..].starts_with('\u{2019}') {
                    3
                } else {
                    0
                };
                if apos_len > 0 {
                    let after = i + apos_len;
                    let next = text[after..].chars().next();
                    match next {
                        Some('s') | Some('S')
                            if text[after + 1..]
                                .chars()
                                .next()
                                .is_none_or(|c| !is_word_char(c)) =>
                        {
                            possessive = true;
                            i = after + 1;
                            break;
                        }
                        Some(c)
                            if c.is_alphabetic()
                                && counts[1] + counts[2] > 0
                                && end - start <= 2 =>
                        {
                            // O'Brien, D'Arcy: a short prefix before the apostrophe.
                            i = after;
                            continue;
                        }
                        _ => break,
                    }
                }
                break;
            }
            let (upper, lower) = (counts[1], counts[2]);
            let case = if upper + lower == 0 {
                Case::None
            } else if lower == 0 && upper >= 2 {
                Case::Upper
            } else if upper == 0 {
                Case::Lower
            } else if first_upper && upper == 1 || lower == 0 {
                Case::Title
            } else {
                Case::Mixed
            };
            out.push(Token {
                start,
                end,
                case,
                digit: counts[3] > 0,
                alpha: upper + lower > 0,
                possessive,
                gap_end: n,
                newline_after: false,
            });
        }
        let count = out.len();
        for k in 0..count {
            let gap_end = if k + 1 < count { out[k + 1].start } else { n };
            let t = &mut out[k];
            t.gap_end = gap_end;
            t.newline_after = bytes[t.end..gap_end].contains(&b'\n');
        }
    }

    fn same(text: &str) {
        let mut a = Vec::new();
        let mut b = Vec::new();
        tokenize(text, &mut a);
        reference(text, &mut b);
        assert_eq!(a.len(), b.len(), "{text:?}");
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(
                (
                    x.start,
                    x.end,
                    x.case,
                    x.digit,
                    x.alpha,
                    x.possessive,
                    x.gap_end,
                    x.newline_after
                ),
                (
                    y.start,
                    y.end,
                    y.case,
                    y.digit,
                    y.alpha,
                    y.possessive,
                    y.gap_end,
                    y.newline_after
                ),
                "{text:?}"
            );
        }
        let mut scanner = Scanner::new(text);
        while let Some(t) = scanner.next_token() {
            let ascii = t.bits & bits::ASCII != 0;
            assert_eq!(ascii, text[t.start..t.end].is_ascii(), "{text:?}");
            let at = t.bits & bits::GAP_AT != 0;
            assert_eq!(at, text[t.end..t.gap_end].contains('@'), "{text:?}");
        }
    }

    #[test]
    fn scanner_matches_reference() {
        for t in [
            "",
            " ",
            "a",
            "Mr. O'Brien's son, Zoë-Jane (97yo)\n\nSMITH's",
            "O’Brien’s D’Arcy ’s 's' s' x's' O'sullivan AB'CD a'b'c'd",
            "ÉLISE Ödön ǅemal İstanbul KELVIN \u{212A}elvin 中文 ٣٤ Ⅻ x\u{2019}",
            "  trailing\r\n\tgap  ",
            "'s 's's s's Jones''s Jones' \u{2019}s",
        ] {
            same(t);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]
        #[test]
        fn scanner_matches_reference_on_random_text(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "B", "z", "Q", "7", "'", "\u{2019}", "s", "S", " ", "\n", ".", "-",
                    "é", "É", "ǅ", "中", "٣", "\u{212A}", "İ", "Ⅻ", "\u{300}", "\t", "O", "x",
                ]),
                0..40,
            )
        ) {
            same(&parts.concat());
        }

        #[test]
        fn scanner_matches_reference_on_ascii_runs(
            text in "[a-zA-Z0-9 '\n.,@\t-]{0,80}([ée’Z]{0,2}[a-zA-Z0-9 '\n.]{0,30}){0,3}"
        ) {
            same(&text);
        }
    }
}
