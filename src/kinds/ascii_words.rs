//! A faster twin of a `text` check's regex for the common text: the same pattern with ASCII
//! word boundaries (`\b`, `\B`).
//!
//! The regex crate's lazy DFA cannot evaluate a Unicode word boundary next to a non-ASCII
//! byte: on such a file (a `—` or `é` in a comment) it gives up and the whole search falls
//! back to the slow PikeVM. The two kinds of boundary only disagree next to a non-ASCII *word*
//! character (`é`, `ж`, `中`): on a text with none, the twin finds exactly the same matches,
//! with the same groups, at DFA speed.

use regex_syntax::ast::{self, AssertionKind, Ast};

/// `pattern` with every `\b` / `\B` made ASCII (`(?-u:\b)`), or None when it has none (or does
/// not parse: the caller's compile reports that).
pub fn ascii_boundaries(pattern: &str) -> Option<String> {
    let parsed = ast::parse::Parser::new().parse(pattern).ok()?;
    let mut spans = ast::visit(&parsed, Boundaries::default()).ok()?;
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut out = pattern.to_string();
    for (start, end, replacement) in spans {
        out.replace_range(start..end, replacement);
    }
    Some(out)
}

/// Can the ASCII twin stand in for the Unicode regex on `text` (no non-ASCII word character)?
pub fn twin_is_exact(text: &str) -> bool {
    static NON_ASCII_WORD: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"[\w&&[^\x00-\x7F]]").ok());
    text.is_ascii() || NON_ASCII_WORD.as_ref().is_some_and(|re| !re.is_match(text))
}

/// Collects the byte spans of the word-boundary assertions and their ASCII spelling.
#[derive(Default)]
struct Boundaries(Vec<(usize, usize, &'static str)>);

impl ast::Visitor for Boundaries {
    type Output = Vec<(usize, usize, &'static str)>;
    type Err = ();

    fn finish(self) -> Result<Self::Output, ()> {
        Ok(self.0)
    }

    fn visit_pre(&mut self, node: &Ast) -> Result<(), ()> {
        if let Ast::Assertion(a) = node {
            let replacement = match a.kind {
                AssertionKind::WordBoundary => r"(?-u:\b)",
                AssertionKind::NotWordBoundary => r"(?-u:\B)",
                _ => return Ok(()),
            };
            self.0
                .push((a.span.start.offset, a.span.end.offset, replacement));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{ascii_boundaries, twin_is_exact};

    #[test]
    fn word_boundaries_become_ascii_and_nothing_else_changes() {
        assert_eq!(
            ascii_boundaries(r"\bstatic\s+mut\B|\\b").as_deref(),
            Some(r"(?-u:\b)static\s+mut(?-u:\B)|\\b")
        );
        assert_eq!(ascii_boundaries(r"\w+\s"), None);
        assert_eq!(ascii_boundaries(r"\b{start}x"), None);
    }

    #[test]
    fn the_twin_stands_in_only_without_non_ascii_word_characters() {
        assert!(twin_is_exact("static mut X: u8 = 0; // — ✓ “quoted”"));
        assert!(!twin_is_exact("let café = 1;"));
        assert!(!twin_is_exact("// 中文"));
    }
}
