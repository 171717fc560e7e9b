//! Configuration diagnostics: every problem in check files, policies and the user's config,
//! located at `file:line:col` and collected so that all of them are reported together.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use toml::de::{DeTable, DeValue};

mod deserialize;
pub use deserialize::{from_toml, from_value};

/// One step of a path into a TOML document: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeySeg {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// A path into a TOML document, e.g. `checks.no-unwrap.severity`.
pub type KeyPath = Vec<KeySeg>;

/// Builds a key path from dotted segments (numbers become indices).
pub fn key_path(segments: &[&str]) -> KeyPath {
    segments
        .iter()
        .map(|s| match s.parse::<usize>() {
            Ok(i) => KeySeg::Index(i),
            Err(_) => KeySeg::Key((*s).to_string()),
        })
        .collect()
}

/// A configuration error at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfigError {
    /// The file as shown to the user (relative to the workspace root, or `checks/<id>.toml`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, lowercase.
    pub message: String,
}

impl fmt::Display for ConfigError {
    /// One line: the file name and the message are repository text, shown with control
    /// characters made visible (a key named `"x\n::error::…"` cannot start a log line).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            crate::guard::visible(&self.file),
            self.line,
            self.column,
            crate::guard::visible(&self.message)
        )
    }
}

/// A TOML text with its display name, able to turn byte offsets and key paths into `line:col`.
/// The line starts and the spans of every key are computed once, on first use, so that
/// locating thousands of errors in one file stays linear.
#[derive(Debug, Clone)]
pub struct Source {
    /// Name shown in diagnostics.
    pub name: String,
    /// The full text.
    pub text: String,
    index: OnceLock<SpanIndex>,
}

/// Byte offset → 1-based line / character column, for one text, indexed once. A UTF-8
/// byte-order mark is not a column: line 1 counts from after it, as editors do.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Line starts as `u32` (4 bytes per line): texts are capped far below 4 GiB.
    starts: Vec<u32>,
    bom: bool,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        LineIndex {
            starts,
            bom: text.starts_with('\u{feff}'),
        }
    }

    /// 1-based (line, column) of a byte offset; columns count characters.
    pub fn position(&self, text: &str, offset: usize) -> (u32, u32) {
        let line = self.line_of(offset);
        let start = self.start(line);
        let col = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        self.adjusted(line, col)
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s as usize <= offset)
            .max(1)
    }

    fn start(&self, line: usize) -> usize {
        self.starts.get(line - 1).map_or(0, |&s| s as usize)
    }

    fn adjusted(&self, line: usize, mut col: usize) -> (u32, u32) {
        if line == 1 && self.bom && col > 1 {
            col -= 1;
        }
        (line as u32, col as u32)
    }

    /// The region between two byte offsets.
    pub fn region(&self, text: &str, start: usize, end: usize) -> crate::model::Region {
        self.cursor(text).region(start, end)
    }

    /// A cursor for offsets visited in increasing order (the matches of a regex): columns are
    /// counted from the previous offset on the same line, so a million matches on one long
    /// line stay linear.
    pub fn cursor<'a>(&'a self, text: &'a str) -> Cursor<'a> {
        Cursor {
            index: self,
            text,
            last: (0, 1, 1),
        }
    }

    /// The text of 1-based `line` without its line ending (nor a byte-order mark on line 1).
    pub fn line<'t>(&self, text: &'t str, line: u32) -> Option<&'t str> {
        let index = line.checked_sub(1)? as usize;
        let start = *self.starts.get(index)? as usize;
        if start >= text.len() && index > 0 {
            return None;
        }
        let end = self
            .starts
            .get(index + 1)
            .map_or(text.len(), |&e| e as usize);
        let l = text.get(start..end)?;
        let l = l.strip_suffix('\n').unwrap_or(l);
        let l = l.strip_suffix('\r').unwrap_or(l);
        Some(if index == 0 {
            l.strip_prefix('\u{feff}').unwrap_or(l)
        } else {
            l
        })
    }
}

/// Positions of increasing byte offsets of one text (see [`LineIndex::cursor`]).
pub struct Cursor<'a> {
    index: &'a LineIndex,
    text: &'a str,
    /// (offset, line, unadjusted column) of the last position.
    last: (usize, usize, usize),
}

impl Cursor<'_> {
    /// 1-based (line, column) of `offset`.
    pub fn position(&mut self, offset: usize) -> (u32, u32) {
        let line = self.index.line_of(offset);
        let (last_offset, last_line, last_col) = self.last;
        let col = if line == last_line && offset >= last_offset {
            last_col
                + self
                    .text
                    .get(last_offset..offset)
                    .map_or(0, |s| s.chars().count())
        } else {
            let start = self.index.start(line);
            self.text
                .get(start..offset)
                .map_or(0, |s| s.chars().count())
                + 1
        };
        self.last = (offset, line, col);
        self.index.adjusted(line, col)
    }

    /// The region between two byte offsets.
    pub fn region(&mut self, start: usize, end: usize) -> crate::model::Region {
        let (line, column) = self.position(start);
        let (end_line, end_column) = self.position(end);
        crate::model::Region {
            line,
            column,
            end_line,
            end_column,
        }
    }
}

/// Line starts and key spans of one TOML text.
#[derive(Debug, Clone, Default)]
struct SpanIndex {
    lines: LineIndex,
    /// Key path → (offset of the key, offset of the value). Array elements map to their value.
    spans: HashMap<KeyPath, (usize, usize)>,
}

impl Source {
    /// Wraps a text with the name used in diagnostics.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
            index: OnceLock::new(),
        }
    }

    fn index(&self) -> &SpanIndex {
        self.index.get_or_init(|| SpanIndex::new(&self.text))
    }

    /// 1-based line and column (in characters) of a byte offset of this source.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let (line, column) = self.index().lines.position(&self.text, offset);
        (line as usize, column as usize)
    }

    /// An error at a byte offset of this source.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> ConfigError {
        let (line, column) = self.line_col(offset);
        ConfigError {
            file: self.name.clone(),
            line,
            column,
            message: message.into(),
        }
    }

    /// An error at the value (or, with `at_key`, the key) that `path` names; falls back to the
    /// nearest existing ancestor, then to the start of the file.
    pub fn error_at_path(
        &self,
        path: &[KeySeg],
        at_key: bool,
        message: impl Into<String>,
    ) -> ConfigError {
        let offset = self.span_of_path(path, at_key).unwrap_or(0);
        self.error_at(offset, message)
    }

    /// 1-based (line, column) of the key (or value) at `path`, or of its nearest ancestor.
    pub fn locate(&self, path: &[KeySeg], at_key: bool) -> (usize, usize) {
        self.line_col(self.span_of_path(path, at_key).unwrap_or(0))
    }

    /// Byte offset of the value (or key) at `path`, or of its deepest existing ancestor.
    fn span_of_path(&self, path: &[KeySeg], at_key: bool) -> Option<usize> {
        let spans = &self.index().spans;
        // A table that may also be an array of tables (`[gate]` or `[[gate]]`) is element 0
        // of its key path when it is written as a single table.
        let single: KeyPath = path
            .iter()
            .filter(|s| **s != KeySeg::Index(0))
            .cloned()
            .collect();
        if single.len() < path.len()
            && !spans.contains_key(path)
            && let Some((key, value)) = spans.get(&single)
        {
            return Some(if at_key { *key } else { *value });
        }
        (1..=path.len()).rev().find_map(|n| {
            let (key, value) = spans.get(&path[..n])?;
            Some(if at_key && n == path.len() {
                *key
            } else {
                *value
            })
        })
    }

    /// Converts a `toml` parse or deserialize error into a located diagnostic.
    pub fn toml_error(&self, err: &toml::de::Error) -> ConfigError {
        let offset = err.span().map(|s| s.start).unwrap_or(0);
        self.error_at(offset, err.message().trim().to_string())
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

impl SpanIndex {
    /// Parses the text once (recovering from errors) and records every key's spans, walking
    /// the document with an explicit stack (no recursion on hostile nesting).
    fn new(text: &str) -> SpanIndex {
        let lines = LineIndex::new(text);
        let (root, _errors) = DeTable::parse_recoverable(text);
        let mut spans = HashMap::new();
        let mut stack: Vec<(KeyPath, &DeValue<'_>)> = Vec::new();
        stack.extend(table_children(&Vec::new(), root.get_ref(), &mut spans));
        while let Some((path, value)) = stack.pop() {
            match value {
                DeValue::Table(t) => stack.extend(table_children(&path, t, &mut spans)),
                DeValue::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        let mut p = path.clone();
                        p.push(KeySeg::Index(i));
                        spans.insert(p.clone(), (v.span().start, v.span().start));
                        stack.push((p, v.get_ref()));
                    }
                }
                _ => {}
            }
        }
        SpanIndex { lines, spans }
    }
}

/// Records the spans of a table's keys; gives its values with their paths.
fn table_children<'a, 'i>(
    base: &KeyPath,
    table: &'a DeTable<'i>,
    spans: &mut HashMap<KeyPath, (usize, usize)>,
) -> Vec<(KeyPath, &'a DeValue<'i>)> {
    let mut children = Vec::new();
    for (k, v) in table.iter() {
        let mut path = base.clone();
        path.push(KeySeg::Key(k.get_ref().as_ref().to_string()));
        spans.insert(path.clone(), (k.span().start, v.span().start));
        children.push((path, v.get_ref()));
    }
    children
}

/// Renders a key path as `a.b[2].c` for messages.
pub fn display_path(path: &[KeySeg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            KeySeg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            KeySeg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// The candidate closest to `word` by edit distance (at most a third of its length, and at most
/// 3), for "did you mean".
pub fn closest<'a, S: AsRef<str> + ?Sized + 'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a S>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c.as_ref()), c.as_ref()))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// `; did you mean `x`?` when a candidate is close to `word`, else nothing.
pub fn did_you_mean<'a, S: AsRef<str> + ?Sized + 'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a S>,
) -> String {
    closest(word, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_agrees_with_position_and_skips_a_bom() {
        let text = "\u{feff}ab ü x\nsecond ü line\n\nlast";
        let index = LineIndex::new(text);
        let mut cursor = index.cursor(text);
        let offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for &o in &offsets {
            assert_eq!(cursor.position(o), index.position(text, o), "offset {o}");
        }
        assert_eq!(index.position(text, 3), (1, 1), "the BOM is not a column");
        assert_eq!(index.line(text, 1), Some("ab ü x"));
        assert_eq!(index.line(text, 3), Some(""));
        assert_eq!(index.line(text, 4), Some("last"));
        assert_eq!(index.line(text, 5), None);
    }

    #[test]
    fn spans_are_found_for_keys_values_and_array_elements() {
        let src = Source::new("r.toml", "a = 1\n[t]\nk = [\"x\", \"y\"]\n[[c]]\nid = 2\n");
        assert_eq!(src.locate(&key_path(&["a"]), true), (1, 1));
        assert_eq!(src.locate(&key_path(&["a"]), false), (1, 5));
        assert_eq!(src.locate(&key_path(&["t", "k", "1"]), false), (3, 11));
        assert_eq!(src.locate(&key_path(&["c", "0", "id"]), false), (5, 6));
        assert_eq!(src.locate(&key_path(&["t", "missing"]), true), (2, 1));
    }
}
