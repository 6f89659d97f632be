//! Positions in text: lines, columns and UTF-16 offsets from byte offsets.

/// Converts byte offsets to 1-based line and column (in Unicode scalar values) and to UTF-16
/// code-unit offsets (for JavaScript and SARIF).
///
/// ASCII text needs only arithmetic. Other text keeps a checkpoint (chars and UTF-16 units so
/// far) every 256 bytes, so a query costs a binary search plus at most a few hundred bytes of
/// counting, whatever the length of the text or of its lines: a report on a 1 MB single-line
/// post with thousands of findings stays linear.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    ascii: bool,
    /// (byte position on a char boundary, chars before it, UTF-16 units before it), one per
    /// 256-byte block, for non-ASCII text.
    checkpoints: Vec<(usize, usize, usize)>,
}

const BLOCK: usize = 256;

impl<'a> LineIndex<'a> {
    /// Index `text`.
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            let (mut chars, mut units) = (0usize, 0usize);
            let mut next = 0usize;
            for (i, c) in text.char_indices() {
                if i >= next {
                    checkpoints.push((i, chars, units));
                    next = (i / BLOCK + 1) * BLOCK;
                }
                chars += 1;
                units += c.len_utf16();
            }
            checkpoints.push((text.len(), chars, units));
        }
        LineIndex {
            text,
            line_starts,
            ascii,
            checkpoints,
        }
    }

    /// Chars and UTF-16 units before byte offset `byte` (a char boundary).
    fn counts(&self, byte: usize) -> (usize, usize) {
        if self.ascii {
            return (byte, byte);
        }
        let k = match self.checkpoints.binary_search_by_key(&byte, |c| c.0) {
            Ok(k) => return (self.checkpoints[k].1, self.checkpoints[k].2),
            Err(k) => k.saturating_sub(1),
        };
        let (pos, mut chars, mut units) = self.checkpoints[k];
        for c in self.text[pos..byte].chars() {
            chars += 1;
            units += c.len_utf16();
        }
        (chars, units)
    }

    fn line_of(&self, byte: usize) -> usize {
        match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// 1-based line and 1-based column (in chars) of a byte offset.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let line = self.line_of(byte);
        let start = self.line_starts[line];
        let col = self.counts(byte).0 - self.counts(start).0;
        (line + 1, col + 1)
    }

    /// Byte range of the 1-based line `line`, without its newline.
    pub fn line_range(&self, line: usize) -> (usize, usize) {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .map(|e| e - 1)
            .unwrap_or(self.text.len());
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        (start, end.max(start))
    }

    /// UTF-16 code-unit offset of a byte offset.
    pub fn utf16(&self, byte: usize) -> usize {
        self.counts(byte).1
    }

    /// Column in UTF-16 code units (1-based), for SARIF.
    pub fn utf16_col(&self, byte: usize) -> usize {
        let start = self.line_starts[self.line_of(byte)];
        self.counts(byte).1 - self.counts(start).1 + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let t = "ab\nZoë Smith\n";
        let ix = LineIndex::new(t);
        assert_eq!(ix.line_col(0), (1, 1));
        assert_eq!(ix.line_col(3), (2, 1));
        let s = t.find("Smith").unwrap();
        assert_eq!(ix.line_col(s), (2, 5));
        assert_eq!(ix.utf16(s), s - 1);
        assert_eq!(ix.line_range(2), (3, 3 + "Zoë Smith".len()));
        assert_eq!(ix.utf16_col(s), 5);
    }

    #[test]
    fn long_non_ascii_text_matches_a_plain_count() {
        let mut t = String::new();
        for i in 0..3000 {
            t.push_str(if i % 7 == 0 { "Zoë 👍 " } else { "ab\n" });
        }
        let ix = LineIndex::new(&t);
        for (b, _) in t.char_indices().step_by(13) {
            let units: usize = t[..b].chars().map(char::len_utf16).sum();
            assert_eq!(ix.utf16(b), units);
            let ls = t[..b].rfind('\n').map_or(0, |p| p + 1);
            let col = t[ls..b].chars().count() + 1;
            let line = t[..b].matches('\n').count() + 1;
            assert_eq!(ix.line_col(b), (line, col));
        }
    }
}
