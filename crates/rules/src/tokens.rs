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

/// Byte classes for the ASCII fast path: 0 other, 1 upper, 2 lower, 3 digit, 4 non-ASCII.
static CLASS: [u8; 256] = {
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

/// Tokenise `text` into `out` (cleared first).
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        // Skip to the next word character.
        match CLASS[bytes[i] as usize] {
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
                let class = CLASS[bytes[i] as usize];
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
                        if c.is_alphabetic() && counts[1] + counts[2] > 0 && end - start <= 2 =>
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
}
