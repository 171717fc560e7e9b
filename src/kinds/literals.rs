//! Rust literals and comments at the byte level: where a string, raw string, character literal
//! or block comment ends. Shared by the text kind (string literals blanked before a regex runs:
//! `format!("{x}unsafe {{")` is not an `unsafe` block) and the scan's `ready:allow` comment
//! reader (a `//` inside a string is not a comment).

use std::borrow::Cow;

/// `text` with the contents of every string literal (plain, byte, C and raw; between the
/// quotes) replaced by spaces, newlines kept: lines and columns do not move, comments, character
/// literals and code are left as they are. Borrowed when the text has no `"`.
pub fn blank_string_literals(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'"', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(blank(text, &spans(text).strings))
}

/// The byte ranges of `text`'s block comments (`/* .. */`, doc comments included; nested ones
/// are inside their outermost), ascending.
pub fn block_comments(text: &str) -> Vec<std::ops::Range<usize>> {
    if memchr::memmem::find(text.as_bytes(), b"/*").is_none() {
        return Vec::new();
    }
    spans(text).comments
}

/// Where a Rust text's string literals' contents and its block comments lie.
#[derive(Default)]
struct Spans {
    /// The bodies of string literals (between the quotes).
    strings: Vec<(usize, usize)>,
    /// Whole block comments.
    comments: Vec<std::ops::Range<usize>>,
}

/// Scans `text` once for [`Spans`].
fn spans(text: &str) -> Spans {
    let bytes = text.as_bytes();
    let mut found = Spans::default();
    let bodies = &mut found.strings;
    let (mut line, mut line_start) = (1u32, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if matches!(bytes.get(i + 1), Some(b'/')) => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
            }
            b'/' if matches!(bytes.get(i + 1), Some(b'*')) => {
                let end = block_comment_end(bytes, i);
                found.comments.push(i..end);
                i = end;
            }
            b'"' => {
                let end = string_end(bytes, i + 1, &mut line, &mut line_start);
                bodies.push((i + 1, end.saturating_sub(1).max(i + 1)));
                i = end;
            }
            b'r' | b'b' | b'c' if starts_raw_string(bytes, i) && !ident_char_before(bytes, i) => {
                let end = raw_string_end(bytes, i, &mut line, &mut line_start);
                let open = i + bytes[i..end].iter().position(|&b| b == b'"').unwrap_or(0) + 1;
                let close = bytes[open.min(end)..end]
                    .iter()
                    .rposition(|&b| b == b'"')
                    .map_or(end, |n| open + n);
                bodies.push((open.min(close), close));
                i = end;
            }
            b'\'' => i = char_literal_end(bytes, i),
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    found
}

/// `text` with every character of `spans` (ascending, disjoint byte ranges that start and end
/// on ASCII quotes) but newlines replaced by a space.
fn blank(text: &str, spans: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for &(start, end) in spans {
        out.push_str(text.get(copied..start).unwrap_or_default());
        let body = text.get(start..end).unwrap_or_default();
        out.extend(body.chars().map(|c| if c == '\n' { c } else { ' ' }));
        copied = end.max(copied);
    }
    out.push_str(text.get(copied..).unwrap_or_default());
    out
}

/// Is the byte before `i` part of an identifier (so `r"` at `i` is not a raw string's prefix)?
pub fn ident_char_before(bytes: &[u8], i: usize) -> bool {
    i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

/// Index just past the block comment starting at `start` (`/*`), nesting included.
pub fn block_comment_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Index just past a `"…"` literal whose body starts at `i`; counts its newlines.
pub fn string_end(bytes: &[u8], mut i: usize, line: &mut u32, line_start: &mut usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                if bytes.get(i + 1) == Some(&b'\n') {
                    *line += 1;
                    *line_start = i + 2;
                }
                i += 2;
            }
            b'"' => return i + 1,
            b'\n' => {
                *line += 1;
                *line_start = i + 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// `r"`, `r#"`, `br"`, `cr#"`, `b"`, `c"` at `i`.
pub fn starts_raw_string(bytes: &[u8], i: usize) -> bool {
    let rest = &bytes[i..];
    let after_prefix = match rest {
        [b'b' | b'c', b'r', ..] => &rest[2..],
        [b'r', ..] => &rest[1..],
        [b'b' | b'c', b'"', ..] => return true,
        _ => return false,
    };
    let hashes = after_prefix.iter().take_while(|&&b| b == b'#').count();
    after_prefix.get(hashes) == Some(&b'"')
}

/// Index just past the (raw) string literal with a prefix at `i`.
pub fn raw_string_end(bytes: &[u8], mut i: usize, line: &mut u32, line_start: &mut usize) -> usize {
    while bytes[i] != b'"' && bytes[i] != b'#' {
        i += 1;
    }
    let raw = i > 0 && bytes[i - 1] == b'r';
    if !raw {
        return string_end(bytes, i + 1, line, line_start);
    }
    let hashes = bytes[i..].iter().take_while(|&&b| b == b'#').count();
    i += hashes + 1;
    let mut closing = vec![b'"'];
    closing.extend(std::iter::repeat_n(b'#', hashes));
    let end =
        memchr::memmem::find(&bytes[i..], &closing).map_or(bytes.len(), |n| i + n + closing.len());
    for (k, &b) in bytes[i..end].iter().enumerate() {
        if b == b'\n' {
            *line += 1;
            *line_start = i + k + 1;
        }
    }
    end
}

/// Index past a character literal at `i` (`'x'`, `'\n'`, `'\u{1F600}'`), or past the `'` of a
/// lifetime or label.
pub fn char_literal_end(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i + 1) {
        Some(b'\\') => {
            let from = (i + 3).min(bytes.len());
            bytes[from..]
                .iter()
                .take(12)
                .position(|&b| b == b'\'')
                .map_or(i + 1, |n| from + n + 1)
        }
        Some(_) => {
            let width = std::str::from_utf8(&bytes[i + 1..(i + 5).min(bytes.len())])
                .ok()
                .or_else(|| {
                    (1..4).rev().find_map(|n| {
                        std::str::from_utf8(&bytes[i + 1..(i + 1 + n).min(bytes.len())]).ok()
                    })
                })
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8);
            if bytes.get(i + 1 + width) == Some(&b'\'') {
                i + 2 + width
            } else {
                i + 1
            }
        }
        None => i + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::{blank_string_literals, block_comments};

    #[test]
    fn block_comments_are_found_whole_and_not_in_strings_or_line_comments() {
        let text = "let s = \"/* no */\"; // /* nor\n/* a /* nested */ one */ f();\n/** doc */";
        let found: Vec<&str> = (block_comments(text).into_iter())
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, ["/* a /* nested */ one */", "/** doc */"]);
        assert!(block_comments("fn f() {}").is_empty());
    }

    #[test]
    fn string_contents_become_spaces_and_code_stays() {
        let text = "let s = format!(\"{x}unsafe {{\"); // unsafe {\nlet c = '\"'; unsafe { f() }\n";
        let blanked = blank_string_literals(text);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(
            blanked,
            "let s = format!(\"            \"); // unsafe {\nlet c = '\"'; unsafe { f() }\n"
        );
    }

    #[test]
    fn raw_byte_and_multiline_strings_are_blanked_keeping_lines() {
        let text = "let a = r#\"unsafe { \"x\" }\"#;\nlet b = b\"unsafe\\\"{\";\nlet m = \"a\nunsafe {\";\nunsafe {}\n";
        let blanked = blank_string_literals(text);
        assert_eq!(blanked.lines().count(), text.lines().count());
        assert_eq!(blanked.matches("unsafe").count(), 1);
        assert!(blanked.ends_with("unsafe {}\n"));
    }

    #[test]
    fn text_without_quotes_is_borrowed() {
        assert!(matches!(
            blank_string_literals("unsafe { f() }"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
