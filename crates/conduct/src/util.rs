//! Shared text helpers for the conduct rules: pattern compilation (ASCII word boundaries, both
//! apostrophes), sentences, neighbouring words, quotation and "talking about the term" checks.
//!
//! Conduct rules are phrase rules: a word is rarely a problem on its own, the sentence around it
//! decides (a slang term quoted in a critique, a claim in a myth-busting post). Every context
//! check here works on the sentence that holds the match, on whole words, never on substrings.

use clinpost_core::{Applicability, Cue, Evidence, Finding, Fix, RuleMeta, Span};
use regex::Regex;

/// Rewrites a pattern written for readability into the form the scanner runs: `\b` becomes the
/// ASCII word boundary (Unicode `\b` disables the fast DFA, DEPENDENCIES.md), and `'` matches
/// the typographic apostrophe too. Patterns must not put `'` inside a character class.
pub(crate) fn prep(pat: &str) -> String {
    ascii_classes(&pat.replace(r"\b", r"(?-u:\b)")).replace('\'', "['’]")
}

/// `\w`, `\s` and `\d` as their ASCII classes. The Unicode classes compile into automata
/// hundreds of times larger (start-up went from ~10 ms to ~90 ms with them), and every conduct
/// pattern is about English words. Inside a bracket class the class's members are spelled out.
fn ascii_classes(pat: &str) -> String {
    let mut out = String::with_capacity(pat.len() + 16);
    let mut in_class = false;
    let mut chars = pat.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(n) = chars.next() else {
                    out.push(c);
                    break;
                };
                let (outside, inside) = match n {
                    'w' => ("(?-u:\\w)", "0-9A-Za-z_"),
                    's' => ("(?-u:\\s)", "\\t\\n\\x0B\\x0C\\r "),
                    'd' => ("(?-u:\\d)", "0-9"),
                    _ => {
                        out.push(c);
                        out.push(n);
                        continue;
                    }
                };
                out.push_str(if in_class { inside } else { outside });
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A leading `^` and a leading `]` belong to the class.
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap_or('^'));
                }
                if chars.peek() == Some(&']') {
                    out.push(chars.next().unwrap_or(']'));
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod ascii_tests {
    use super::ascii_classes;

    #[test]
    fn classes_become_ascii() {
        assert_eq!(ascii_classes(r"a\s+b"), r"a(?-u:\s)+b");
        assert_eq!(ascii_classes(r"[^\s,]"), r"[^\t\n\x0B\x0C\r ,]");
        assert_eq!(ascii_classes(r"\w*\.\d"), r"(?-u:\w)*\.(?-u:\d)");
        assert_eq!(ascii_classes(r"[]a\w]"), r"[]a0-9A-Za-z_]");
    }
}

/// A case-insensitive pattern.
pub(crate) fn rx(pat: &str) -> Regex {
    Regex::new(&format!("(?i){}", prep(pat))).unwrap_or_else(|e| panic!("conduct pattern: {e}"))
}

/// The sentence around `[s, e)`: from after the previous terminator (`.`, `!`, `?` followed by
/// a space, or a line break) to the next.
pub(crate) fn sentence(text: &str, s: usize, e: usize) -> (usize, usize) {
    let b = text.as_bytes();
    let ends = |i: usize| {
        b[i] == b'\n'
            || (matches!(b[i], b'.' | b'!' | b'?')
                && (i + 1 == b.len() || b[i + 1].is_ascii_whitespace()))
    };
    let a = (0..s.min(b.len()))
        .rev()
        .find(|&i| ends(i))
        .map_or(0, |i| i + 1);
    let z = (e.max(s)..b.len()).find(|&i| ends(i)).map_or(b.len(), |i| {
        if b[i] == b'\n' {
            i
        } else {
            i + 1
        }
    });
    let a = a + (text[a..z.max(a)].len() - text[a..z.max(a)].trim_start().len());
    (a.min(s), z)
}

/// The sentence around `[s, e)` as text.
pub(crate) fn sentence_text(text: &str, s: usize, e: usize) -> &str {
    let (a, z) = sentence(text, s, e);
    &text[a..z]
}

/// The sentence around `[s, e)` and its neighbours on either side.
pub(crate) fn window_text(text: &str, s: usize, e: usize) -> &str {
    let (a, z) = sentence(text, s, e);
    let before = text[..a].trim_end();
    let a2 = match before.char_indices().next_back() {
        Some((i, _)) => sentence(text, i, i).0,
        None => a,
    };
    let gap = text[z..].len() - text[z..].trim_start().len();
    let z2 = if z + gap < text.len() {
        sentence(text, z + gap, z + gap).1
    } else {
        z
    };
    &text[a2.min(a)..z2.max(z)]
}

/// Up to `n` lower-cased words before byte `pos`, nearest last.
pub(crate) fn words_before(text: &str, pos: usize, n: usize) -> Vec<String> {
    let mut v: Vec<String> = text[..pos]
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .filter(|w| !w.is_empty())
        .rev()
        .take(n)
        .map(|w| w.to_lowercase())
        .collect();
    v.reverse();
    v
}

/// The lower-cased word after byte `pos`, if the next non-space text is a word.
pub(crate) fn next_word(text: &str, pos: usize) -> Option<String> {
    let rest = text[pos..].trim_start_matches([' ', '\t']);
    let w: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-')
        .collect();
    (!w.is_empty()).then(|| w.to_lowercase())
}

const QUOTES: &[char] = &['"', '\'', '“', '”', '‘', '’', '«', '»', '`', '*'];

/// True when the match is wrapped in quotation marks: a term mentioned, not used.
pub(crate) fn quoted(text: &str, s: usize, e: usize) -> bool {
    let before = text[..s].chars().next_back();
    let after = text[e..].trim_start_matches(['s']).chars().next();
    matches!(before, Some(c) if QUOTES.contains(&c))
        && matches!(after, Some(c) if QUOTES.contains(&c))
}

/// Talking about language or behaviour rather than doing it: "we should stop saying", "the term",
/// "is stigmatising", "calling patients", "so-called", "heard a consultant call".
static META: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    rx(concat!(
        r"\b(?:stop|quit|avoid|ban|banning|banned|retire|drop|ditch|challenge[ds]?|challenging|call(?:ed|ing)?\s+out)\s+(?:(?:the\s+)?(?:saying|using|calling|playing|use\s+of|term|word|phrase|label|language|terms|words|labels|phrases|people|colleagues|this|that|it|them)\b)",
        r"|\b(?:don't|do\s+not|never|shouldn't|should\s+not|mustn't|must\s+not|can't|cannot|won't|let's\s+not|please\s+don't|no\s+more|not\s+ok(?:ay)?\s+to|nobody\s+should|no\s+one\s+should|no-one\s+should|stop)\s+(?:ever\s+)?(?:say|use|call|describe|refer|write|label|play|joke|mock|laugh)",
        r"|\b(?:the|this|that)\s+(?:term|phrase|label|expression|slang|acronym|nickname)s?\b|\b(?:the|this|that)\s+words?\s+(?:for|like|is|are|was|were)\b|\bthe\s+word\s*[:\x22'“‘]",
        r"|\b(?:terms?|words?|labels?|phrases?|language|slang|acronyms?|expressions?|nicknames?)\s+(?:like|such\s+as|as)\b",
        r"|\b(?:is|are|was|were|isn't|aren't|sounds?|feels?)\s+(?:so\s+|really\s+|deeply\s+|just\s+|still\s+)?(?:not\s+)?(?:a\s+|an\s+)?(?:derogatory|offensive|stigmati[sz]ing|dehumani[sz]ing|pejorative|disrespectful|unprofessional|unacceptable|demeaning|insulting|harmful|outdated|problematic|not\s+a\s+diagnosis|never\s+ok(?:ay)?|not\s+ok(?:ay)?|not\s+funny|never\s+funny|lazy\s+language|slur)\b",
        r"|\b(?:is|are|was)\s+an?\s+(?:\w+\s+)?(?:phrase|label|expression|slur|euphemism)\b|\b(?:misleading|lazy|loaded|unhelpful|harmful|awful|horrible|stigmati[sz]ing|offensive)\s+(?:term|phrase|word|label|language|slang)s?\b",
        r"|\b(?:calling|labelling|labeling|referring\s+to|describing)\s+(?:patients?|people|someone|them|anyone|a\s+patient|older\s+people|those|our\s+patients)\b",
        r"|\bso-called\b|\bwhat\s+(?:some|we|people|colleagues|they)\s+(?:call|called|used\s+to\s+call)\b|\bused\s+to\s+(?:call|be\s+called)\b",
        r"|\b(?:heard|overheard)\s+(?:a|an|the|my|one|our|some)\s+\w+\s+(?:\w+\s+)?(?:say|call|calling|describe|describing|refer|joke|joking|use|using|mock)",
        r"|\b(?:words|language)\s+matters?\b|#(?:words|language)matter\b|\bin\s+(?:inverted\s+commas|quotes)\b",
    ))
});

/// True when the sentence talks about a term or a behaviour instead of using it.
pub(crate) fn meta(sentence: &str) -> bool {
    META.is_match(sentence)
}

/// Reported or refuted claims: "the idea that", "the myth that", "people who say".
static REPORTED: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
    rx(concat!(
        r"\b(?:the\s+(?:idea|notion|myth|claim|lie|narrative|trope|suggestion|stereotype|assumption)s?\s+that|(?:is|are)\s+(?:a\s+)?(?:myth|lie|trope|stereotype)s?\b|it's\s+(?:a\s+)?(?:myth|lie|nonsense|rubbish)\s+that",
        r"|\bpeople\s+who\s+(?:say|think|claim|believe)|\b(?:some|people|they)\s+(?:say|claim)\s+that|\bstereotyp\w*|\bnot\s+true\s+that",
        r"|\b(?:racism|sexism|homophobia|transphobia|islamophobia|antisemitism|ableism|misogyny|discrimination|abuse|hate|bigotry)\s+(?:against|towards|toward|faced\s+by|is|has|in)\b",
        r")",
    ))
});

/// True when the sentence reports or refutes what others say.
pub(crate) fn reported(sentence: &str) -> bool {
    REPORTED.is_match(sentence)
}

/// A finding with typed evidence, a fixed message and an optional suggestion shown (or applied
/// with `--unsafe-fixes`); the suggestion comes from the rule's tables, never from the text.
pub(crate) fn finding(
    rule: &'static RuleMeta,
    s: usize,
    e: usize,
    message: &str,
    cues: &[Cue],
    suggestion: Option<(&str, Applicability)>,
) -> Finding {
    let evidence = cues.iter().map(|c| Evidence::ContextWord(*c)).collect();
    Finding::new(rule, Span::new(s, e), message, evidence).with_fix(suggestion.map(
        |(r, applicability)| Fix {
            replacement: r.to_string(),
            applicability,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences() {
        let t = "First one. Second has 4.5 mg here! Third";
        let s = t.find("4.5").unwrap();
        assert_eq!(sentence_text(t, s, s + 3), "Second has 4.5 mg here!");
        assert_eq!(sentence_text(t, 0, 3), "First one.");
        let s = t.find("Third").unwrap();
        assert_eq!(sentence_text(t, s, s + 5), "Third");
        let s = t.find("4.5").unwrap();
        assert_eq!(window_text(t, s, s + 3), t);
    }

    #[test]
    fn meta_and_quotes() {
        assert!(meta("We should stop saying bed blocker."));
        assert!(meta("The term frequent flyer is stigmatising"));
        assert!(!meta("Another frequent flyer in resus tonight"));
        let t = "the 'heartsink' label";
        let s = t.find("heartsink").unwrap();
        assert!(quoted(t, s, s + 9));
        assert_eq!(words_before("a b  c d", 7, 2), vec!["b", "c"]);
        assert_eq!(next_word("x  Fooo bar", 1).as_deref(), Some("fooo"));
    }
}
