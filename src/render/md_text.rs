//! Text for GitHub-flavoured markdown table cells and list items: messages keep their code
//! spans as code (`` `x.unwrap()` `` renders as code, not as escaped backticks), everything else
//! is escaped just enough that no markdown, HTML, math or table syntax in repository text takes
//! effect, and no line break ends the cell.
//!
//! Code spans are found as CommonMark finds them (a backtick run opens a span that the next run
//! of the same length closes; an unmatched run is literal) and written back with a fence longer
//! than any backtick run inside. `|` is escaped even inside code: GFM splits cells before it
//! parses inlines and removes that backslash again.

/// One piece of a message.
#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Text(String),
    Code(String),
}

/// Plain text for a cell: every character that markdown could read as syntax is escaped.
pub fn plain(text: &str) -> String {
    let chars: Vec<char> = one_line(text).chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let word = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|c| c.is_alphanumeric())
        };
        match c {
            '<' => out.push_str("&lt;"),
            // Only `&name;` and `&#…;` are entity references.
            '&' if chars
                .get(i + 1)
                .is_some_and(|c| c.is_alphanumeric() || *c == '#') =>
            {
                out.push_str("&amp;")
            }
            // Inside a word (`snake_case`) an underscore is never emphasis.
            '_' if word(i.checked_sub(1)) && word(Some(i + 1)) => out.push('_'),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '$' | '|' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A message for a cell or list item, its code spans kept as code, cut to `max` characters of
/// content (a cut code span is closed; `…` marks the cut).
pub fn message(text: &str, max: usize) -> String {
    let mut budget = max;
    let mut out = String::new();
    for piece in pieces(&one_line(text)) {
        let (content, is_code) = match &piece {
            Piece::Text(t) => (t.as_str(), false),
            Piece::Code(c) => (c.as_str(), true),
        };
        let len = content.chars().count();
        let (shown, cut) = if len > budget {
            let keep: String = content.chars().take(budget.saturating_sub(1)).collect();
            (format!("{keep}…"), true)
        } else {
            (content.to_string(), false)
        };
        budget = budget.saturating_sub(len);
        out.push_str(&if is_code { code(&shown) } else { plain(&shown) });
        if cut {
            break;
        }
    }
    out
}

/// A code span for `content`, safe in a table cell.
pub fn code(content: &str) -> String {
    let longest = longest_run(content);
    let fence = "`".repeat(longest + 1);
    let pad = content.starts_with('`')
        || content.ends_with('`')
        || (content.starts_with(' ') && content.ends_with(' ') && content.trim() != "");
    let space = if pad { " " } else { "" };
    let inner = one_line(content).replace('|', "\\|");
    format!("{fence}{space}{inner}{space}{fence}")
}

/// Line breaks become spaces: a cell or list item is one line.
/// One line, other control characters made visible (`guard::visible`: no escape sequence).
fn one_line(text: &str) -> String {
    let flat = text.replace("\r\n", " ").replace(['\r', '\n'], " ");
    crate::guard::visible(&flat).into_owned()
}

fn longest_run(text: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Splits text into plain text and code spans, as CommonMark reads backticks.
fn pieces(text: &str) -> Vec<Piece> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut plain_text = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c != '`' {
            plain_text.push(c);
            i += 1;
            continue;
        }
        let open = run_at(&chars, i);
        match closing_run(&chars, i + open, open) {
            Some(close) => {
                let inner: String = chars
                    .get(i + open..close)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                if !plain_text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut plain_text)));
                }
                out.push(Piece::Code(strip_one_space(&inner)));
                i = close + open;
            }
            None => {
                plain_text.extend(std::iter::repeat_n('`', open));
                i += open;
            }
        }
    }
    if !plain_text.is_empty() {
        out.push(Piece::Text(plain_text));
    }
    out
}

/// Length of the backtick run starting at `i`.
fn run_at(chars: &[char], i: usize) -> usize {
    chars
        .get(i..)
        .map_or(0, |rest| rest.iter().take_while(|&&c| c == '`').count())
}

/// Start of the next backtick run of exactly `len` at or after `from`.
fn closing_run(chars: &[char], from: usize, len: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        let run = run_at(chars, j);
        if run == 0 {
            j += 1;
        } else if run == len {
            return Some(j);
        } else {
            j += run;
        }
    }
    None
}

/// CommonMark drops one space on each side when both are there (and not only spaces).
fn strip_one_space(inner: &str) -> String {
    match inner.strip_prefix(' ').and_then(|i| i.strip_suffix(' ')) {
        Some(stripped) if inner.trim() != "" => stripped.to_string(),
        _ => inner.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_stay_code() {
        assert_eq!(
            message("call to `std::fs::read` in `async fn load`", 300),
            "call to `std::fs::read` in `async fn load`"
        );
        assert_eq!(
            message("blocking: `self.store_file()` → `Paste::store_file`", 300),
            "blocking: `self.store_file()` → `Paste::store_file`"
        );
    }

    #[test]
    fn code_containing_backticks_gets_a_longer_fence() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a``b"), "```a``b```");
        // A message that already used a double fence keeps its code intact.
        assert_eq!(message("use ``a`b`` here", 300), "use ``a`b`` here");
    }

    #[test]
    fn unmatched_backticks_are_literal() {
        assert_eq!(message("a ` b", 300), "a \\` b");
        assert_eq!(message("``x` y", 300), "\\`\\`x\\` y");
    }

    #[test]
    fn pipes_and_line_breaks_cannot_break_the_table() {
        assert_eq!(message("`a | b` | c\nd", 300), "`a \\| b` \\| c d");
        assert_eq!(plain("x\r\ny"), "x y");
    }

    #[test]
    fn only_what_markdown_would_read_is_escaped() {
        assert_eq!(
            plain("snake_case & my-crate v1.0 (x): ok!"),
            "snake_case & my-crate v1.0 (x): ok!"
        );
        assert_eq!(
            plain("_emph_ *b* [l](u) <b> &amp; ~s~ $x$"),
            "\\_emph\\_ \\*b\\* \\[l\\](u) &lt;b> &amp;amp; \\~s\\~ \\$x\\$"
        );
        assert_eq!(plain("a\\b"), "a\\\\b");
    }

    #[test]
    fn cut_messages_close_their_code_span() {
        assert_eq!(message("see `abcdef` now", 7), "see `ab…`");
        assert_eq!(message("abcdef", 4), "abc…");
        assert_eq!(message("abc", 3), "abc");
    }
}
