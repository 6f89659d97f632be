//! Positions in text: lines, columns and UTF-16 offsets from byte offsets.

/// Converts byte offsets to 1-based line and column (in Unicode scalar values) and to UTF-16
/// code-unit offsets (for JavaScript and SARIF). Queries are O(log lines + line length).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    ascii: bool,
}

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
        LineIndex {
            text,
            line_starts,
            ascii: text.is_ascii(),
        }
    }

    /// 1-based line and 1-based column (in chars) of a byte offset.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = if self.ascii {
            byte - start
        } else {
            self.text[start..byte].chars().count()
        };
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
        if self.ascii {
            byte
        } else {
            self.text[..byte].chars().map(char::len_utf16).sum()
        }
    }

    /// Column in UTF-16 code units (1-based), for SARIF.
    pub fn utf16_col(&self, byte: usize) -> usize {
        let (line, _) = self.line_col(byte);
        let start = self.line_starts[line - 1];
        if self.ascii {
            byte - start + 1
        } else {
            self.text[start..byte].chars().map(char::len_utf16).sum::<usize>() + 1
        }
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
    }
}
