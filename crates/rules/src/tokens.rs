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
    pub fn gap_has_newline(&self, src: &str) -> bool {
        self.gap(src).contains('\n')
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Tokenise `text` into `out` (cleared first).
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        // Skip to the next word character.
        let b = bytes[i];
        if b < 0x80 {
            if !b.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !is_word_char(c) {
                i += c.len_utf8();
                continue;
            }
        }
        let start = i;
        let (mut upper, mut lower, mut digit) = (0usize, 0usize, false);
        let mut first_upper = false;
        let mut possessive = false;
        let mut end;
        loop {
            // Consume a run of word chars.
            while i < n {
                let b = bytes[i];
                if b < 0x80 {
                    if b.is_ascii_uppercase() {
                        if i == start {
                            first_upper = true;
                        }
                        upper += 1;
                    } else if b.is_ascii_lowercase() {
                        lower += 1;
                    } else if b.is_ascii_digit() {
                        digit = true;
                    } else {
                        break;
                    }
                    i += 1;
                } else {
                    let c = text[i..].chars().next().unwrap_or(' ');
                    if !is_word_char(c) {
                        break;
                    }
                    if c.is_uppercase() {
                        if i == start {
                            first_upper = true;
                        }
                        upper += 1;
                    } else if c.is_lowercase() {
                        lower += 1;
                    } else if c.is_numeric() {
                        digit = true;
                    }
                    i += c.len_utf8();
                }
            }
            end = i;
            // An apostrophe followed by a letter: possessive 's, or part of the word (O'Brien).
            let apos_len = if i < n && bytes[i] == b'\'' {
                1
            } else if text[i..].starts_with('\u{2019}') {
                3
            } else {
                0
            };
            if apos_len > 0 && upper + lower > 0 {
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
                    Some(c) if c.is_alphabetic() && end - start <= 2 => {
                        // O'Brien, D'Arcy: a short prefix before the apostrophe.
                        i = after;
                        continue;
                    }
                    _ => break,
                }
            }
            break;
        }
        let case = if upper + lower == 0 {
            Case::None
        } else if lower == 0 && upper >= 2 {
            Case::Upper
        } else if upper == 0 {
            Case::Lower
        } else if first_upper && upper == 1 {
            Case::Title
        } else if lower == 0 {
            Case::Title
        } else {
            Case::Mixed
        };
        out.push(Token {
            start,
            end,
            case,
            digit,
            alpha: upper + lower > 0,
            possessive,
            gap_end: n,
        });
    }
    for k in 1..out.len() {
        let s = out[k].start;
        out[k - 1].gap_end = s;
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
            vec![Case::Upper, Case::Title, Case::Lower, Case::Mixed, Case::Title]
        );
    }
}
