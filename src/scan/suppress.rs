//! Suppression directives, collected per file while the scan holds its text: comments
//! `ready:allow(<ids>[, until=YYYY-MM-DD]): reason` and `ready:allow-file(<ids>): reason`, and
//! (through [`super::attrs`]) clippy `#[allow]` / `#[expect]` attributes with the lines they
//! cover. Pure data; the gate decides what each directive means (reason, expiry, use).
//!
//! A directive is the first thing in its comment (`// ready:allow(..)`, `# ready:allow(..)`),
//! so prose that mentions the syntax is not one; in Rust files comments are found by a small
//! lexer that skips string and character literals.

use memchr::memmem;

use super::attrs::{self, ClippyAllow};
use crate::kinds::literals::{
    block_comment_end, char_literal_end, ident_char_before, raw_string_end, starts_raw_string,
    string_end,
};

/// What `ready:allow` / `ready:allow-file` comments and clippy attributes a file holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileDirectives {
    /// Comment directives, in line order.
    pub comments: Vec<CommentAllow>,
    /// Clippy `#[allow]` / `#[expect]` attributes naming `clippy::` lints, in line order.
    pub clippy: Vec<ClippyAllow>,
}

impl FileDirectives {
    /// True when the file holds no directive.
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty() && self.clippy.is_empty()
    }
}

/// One `ready:allow` / `ready:allow-file` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentAllow {
    /// 1-based line of the comment.
    pub line: u32,
    /// `ready:allow-file`: it covers the whole file.
    pub file_wide: bool,
    /// A `ready:allow-file` outside the file's first comment block (it covers nothing).
    pub misplaced: bool,
    /// The check ids named.
    pub checks: Vec<String>,
    /// The `until=` value as written, if any.
    pub until: Option<String>,
    /// The text after `):`, if not empty.
    pub reason: Option<String>,
    /// First and last line it covers.
    pub covers: (u32, u32),
    /// The directive as written, e.g. `ready:allow(no-unwrap, until=2025-01-31)`.
    pub text: String,
    /// The source line, for the snippet of findings about the directive.
    pub snippet: String,
}

/// Lines a comment directive written on a comment-only line reaches at most, in Rust files
/// (the statement that follows it).
const MAX_STATEMENT_LINES: u32 = 30;

/// Collects the directives of one file (`rust`: a `.rs` file).
pub fn collect(text: &str, rust: bool) -> FileDirectives {
    let mut out = collect_comments(text, rust);
    if rust && mentions_clippy(text) {
        out.clippy = attrs::clippy_allows(text);
    }
    out
}

/// The `ready:allow` comments of one file, without its clippy attributes (which the scan takes
/// from the syntax engine's tokens, see [`attrs::clippy_allows_in`]).
pub fn collect_comments(text: &str, rust: bool) -> FileDirectives {
    let mut out = FileDirectives::default();
    if memmem::find(text.as_bytes(), b"ready:allow").is_some() {
        out.comments = comment_directives(text, rust);
    }
    out
}

/// May the text hold clippy attributes (it names `clippy::`)?
pub fn mentions_clippy(text: &str) -> bool {
    memmem::find(text.as_bytes(), b"clippy::").is_some()
}

/// A comment: where it starts and its text from the marker on (to the end of its line).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Comment<'a> {
    line: u32,
    /// The text after the comment marker (`//`, `///`, `//!`, `/*`, `#`, …), trimmed.
    body: &'a str,
    /// Code precedes the comment on its line.
    trailing: bool,
}

fn comment_directives(text: &str, rust: bool) -> Vec<CommentAllow> {
    let lines: Vec<&str> = text.lines().collect();
    let comments = if rust {
        rust_comments(text)
    } else {
        hash_comments(&lines)
    };
    let header_end = header_end(&lines, rust);
    comments
        .into_iter()
        .filter_map(|c| {
            let (file_wide, checks, until, reason, text) = parse_directive(c.body)?;
            let covers = if file_wide {
                (1, lines.len().max(1) as u32)
            } else {
                target_lines(&lines, &c, rust)
            };
            let snippet = lines
                .get((c.line as usize).wrapping_sub(1))
                .copied()
                .unwrap_or("");
            Some(CommentAllow {
                line: c.line,
                file_wide,
                misplaced: file_wide && c.line > header_end,
                checks,
                until,
                reason,
                covers,
                text,
                snippet: snippet.trim_end_matches('\r').to_string(),
            })
        })
        .collect()
}

type Parsed = (bool, Vec<String>, Option<String>, Option<String>, String);

/// `ready:allow(a, b, until=2025-01-31): reason` → (file-wide, ids, until, reason, directive).
fn parse_directive(body: &str) -> Option<Parsed> {
    let (file_wide, rest) = if let Some(r) = body.strip_prefix("ready:allow-file(") {
        (true, r)
    } else {
        (false, body.strip_prefix("ready:allow(")?)
    };
    let close = rest.find(')')?;
    let inside = rest.get(..close)?;
    let mut checks = Vec::new();
    let mut until = None;
    for part in inside.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part
            .strip_prefix("until")
            .and_then(|v| v.trim_start().strip_prefix('='))
        {
            Some(date) => until = Some(date.trim().to_string()),
            None => checks.push(part.to_string()),
        }
    }
    let reason = rest.get(close + 1..).unwrap_or("");
    let reason = reason
        .trim_start()
        .strip_prefix(':')
        .unwrap_or(reason)
        .trim()
        .trim_end_matches("*/")
        .trim_end_matches("-->")
        .trim();
    let name = if file_wide {
        "ready:allow-file"
    } else {
        "ready:allow"
    };
    let text = format!("{name}({})", inside.trim());
    let reason = (!reason.is_empty()).then(|| reason.to_string());
    Some((file_wide, checks, until, reason, text))
}

/// The lines a line directive covers: its own line when it trails code; otherwise the first
/// code line after its comment block (in Rust, through the end of that statement). A blank
/// line between the comment block and the code breaks the link (it covers only itself).
fn target_lines(lines: &[&str], c: &Comment<'_>, rust: bool) -> (u32, u32) {
    if c.trailing {
        return (c.line, c.line);
    }
    let mut n = c.line; // 1-based; lines[n] is the next line
    while let Some(next) = lines.get(n as usize) {
        let t = next.trim();
        if t.is_empty() {
            return (c.line, c.line);
        }
        if !is_comment_only(t, rust) {
            break;
        }
        n += 1;
    }
    let target = n + 1;
    if target as usize > lines.len() {
        return (c.line, c.line);
    }
    let mut end = target;
    while rust && end < target + MAX_STATEMENT_LINES && (end as usize) < lines.len() {
        let code = lines[end as usize - 1]
            .split("//")
            .next()
            .unwrap_or("")
            .trim_end();
        if code.ends_with([';', '{', '}', ',']) {
            break;
        }
        end += 1;
    }
    (c.line, end)
}

fn is_comment_only(trimmed: &str, rust: bool) -> bool {
    let common = ["//", "/*", "*"];
    let other = ["#", "--", "<!--", ";"];
    common.iter().any(|m| trimmed.starts_with(m))
        || (!rust && other.iter().any(|m| trimmed.starts_with(m)))
}

/// The last line of the file's first comment block (blank lines, comments, and in Rust inner
/// attributes and a shebang); 0 when the file starts with code.
fn header_end(lines: &[&str], rust: bool) -> u32 {
    let mut in_block = false;
    let mut last = 0;
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        let header = in_block || t.is_empty() || is_comment_only(t, rust) || t.starts_with("#!");
        if !header {
            break;
        }
        if t.starts_with("/*") || in_block {
            in_block = !t.contains("*/");
        }
        last = i as u32 + 1;
    }
    last
}

/// Comments of a non-Rust file: a `#`, `//`, `/*`, `--`, `<!--` or `;` marker followed by the
/// comment text (string literals are not tracked; a directive must follow its marker).
fn hash_comments<'a>(lines: &[&'a str]) -> Vec<Comment<'a>> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(at) = line.find("ready:allow") else {
            continue;
        };
        let before = line[..at].trim_end();
        let markers = ["#", "//", "/*", "--", "<!--", ";"];
        let Some(marker) = markers.iter().find(|m| before.ends_with(*m)) else {
            continue;
        };
        let code = before[..before.len() - marker.len()].trim();
        out.push(Comment {
            line: i as u32 + 1,
            body: &line[at..],
            trailing: !code.is_empty() && !is_comment_only(code, false),
        });
    }
    out
}

/// Comments of a Rust file, found by a lexer that skips string, byte-string, raw-string and
/// character literals and nests block comments. Only comments that start with a directive are
/// kept (after the marker and doc-comment `/` or `!`).
fn rust_comments(text: &str) -> Vec<Comment<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    let mut line_start = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') || bytes.get(i + 1) == Some(&b'*') => {
                let block = bytes[i + 1] == b'*';
                let end = if block {
                    block_comment_end(bytes, i)
                } else {
                    memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n)
                };
                let first_line_end = memchr::memchr(b'\n', &bytes[i..]).map_or(end, |n| i + n);
                let raw = &text[i + 2..first_line_end.min(end).max(i + 2)];
                let body = raw.trim_start_matches(['/', '!', '*']).trim_start();
                if body.starts_with("ready:allow") {
                    let trailing = !text[line_start..i].trim().is_empty();
                    out.push(Comment {
                        line,
                        body,
                        trailing,
                    });
                }
                let newlines = bytes[i..end].iter().filter(|&&b| b == b'\n').count() as u32;
                if newlines > 0 {
                    line += newlines;
                    line_start =
                        i + bytes[i..end].iter().rposition(|&b| b == b'\n').unwrap_or(0) + 1;
                }
                i = end;
            }
            b'"' => i = string_end(bytes, i + 1, &mut line, &mut line_start),
            b'r' | b'b' | b'c' if starts_raw_string(bytes, i) && !ident_char_before(bytes, i) => {
                i = raw_string_end(bytes, i, &mut line, &mut line_start);
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(text: &str) -> Vec<CommentAllow> {
        collect(text, true).comments
    }

    #[test]
    fn a_directive_starts_its_comment() {
        let c = comments(
            "fn f() {\n    x.unwrap(); // ready:allow(no-unwrap): checked above\n}\n\
             /// Mentions `ready:allow(no-unwrap)` in prose.\nfn g() {}\n",
        );
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].line, c[0].covers), (2, (2, 2)));
        assert_eq!(c[0].reason.as_deref(), Some("checked above"));
        assert_eq!(c[0].checks, ["no-unwrap"]);
    }

    #[test]
    fn strings_and_chars_are_not_comments() {
        let text = concat!(
            "let a = \"// ready:allow(no-unwrap): in a string\";\n",
            "let b = r#\"\n// ready:allow(no-panic): raw\n\"#;\n",
            "let c = '\"'; let d = b'/'; fn e<'a>(x: &'a str) {}\n",
            "let f = 1; // ready:allow(no-todo-comments): real\n",
        );
        let c = comments(text);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(
            (c[0].line, c[0].checks[0].as_str()),
            (6, "no-todo-comments")
        );
    }

    #[test]
    fn a_comment_block_covers_the_statement_below() {
        let text = "fn f() {\n    // ready:allow(no-unwrap, until=2025-01-31): migrating,\n    // see issue 4\n    let v = s\n        .parse()\n        .unwrap();\n    let w = 1;\n}\n";
        let c = comments(text);
        assert_eq!(c[0].covers, (2, 6));
        assert_eq!(c[0].until.as_deref(), Some("2025-01-31"));
        assert_eq!(c[0].reason.as_deref(), Some("migrating,"));
        assert_eq!(c[0].text, "ready:allow(no-unwrap, until=2025-01-31)");
        let blank = comments("// ready:allow(no-unwrap): x\n\nfn f() {}\n");
        assert_eq!(blank[0].covers, (1, 1), "a blank line breaks the link");
    }

    #[test]
    fn file_directives_belong_in_the_first_comment_block() {
        let text = "#!/usr/bin/env run-cargo-script\n//! Generated.\n//! ready:allow-file(no-unwrap): generated by build.rs\n#![allow(dead_code)]\n\nfn f() {}\n// ready:allow-file(no-panic): too late\n";
        let c = comments(text);
        assert_eq!(c.len(), 2);
        assert!(c[0].file_wide && !c[0].misplaced);
        assert_eq!(c[0].covers, (1, 7));
        assert!(c[1].file_wide && c[1].misplaced);
    }

    #[test]
    fn other_languages_use_their_comment_markers() {
        let toml = "[package]\n# ready:allow(license-declared): internal tool\nname = \"x\"\nversion = \"1\" # ready:allow(no-wildcard-deps): pinned upstream\n";
        let c = collect(toml, false).comments;
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].covers, (2, 3));
        assert_eq!(c[1].covers, (4, 4));
        let py = collect("except: # ready:allow(empty-catch) legacy\n", false).comments;
        assert_eq!(py[0].reason.as_deref(), Some("legacy"));
        let bare = collect("x = 1 # ready:allow(empty-catch)\n", false).comments;
        assert_eq!(bare[0].reason, None);
    }
}
