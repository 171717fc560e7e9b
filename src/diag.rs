//! Configuration diagnostics: every problem in check files, policies and the user's config,
//! located at `file:line:col` and collected so that all of them are reported together.

use std::fmt;

use toml::de::{DeTable, DeValue};

mod deserialize;
pub use deserialize::{from_toml, from_value};

/// One step of a path into a TOML document: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// A TOML text with its display name, able to turn byte offsets and key paths into `line:col`.
#[derive(Debug, Clone)]
pub struct Source {
    /// Name shown in diagnostics.
    pub name: String,
    /// The full text.
    pub text: String,
}

impl Source {
    /// Wraps a text with the name used in diagnostics.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    /// An error at a byte offset of this source.
    pub fn error_at(&self, offset: usize, message: impl Into<String>) -> ConfigError {
        let (line, column) = line_col(&self.text, offset);
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
        let offset = span_of_path(&self.text, path, at_key).unwrap_or(0);
        self.error_at(offset, message)
    }

    /// 1-based (line, column) of the key (or value) at `path`, or of its nearest ancestor.
    pub fn locate(&self, path: &[KeySeg], at_key: bool) -> (usize, usize) {
        line_col(
            &self.text,
            span_of_path(&self.text, path, at_key).unwrap_or(0),
        )
    }

    /// Converts a `toml` parse or deserialize error into a located diagnostic.
    pub fn toml_error(&self, err: &toml::de::Error) -> ConfigError {
        let offset = err.span().map(|s| s.start).unwrap_or(0);
        self.error_at(offset, err.message().trim().to_string())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before
        .get(line_start..)
        .map(|s| s.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

/// Byte offset of the value (or key) at `path`, or of its deepest existing ancestor.
fn span_of_path(text: &str, path: &[KeySeg], at_key: bool) -> Option<usize> {
    let (root, _errors) = DeTable::parse_recoverable(text);
    let mut table: Option<&DeTable<'_>> = Some(root.get_ref());
    let mut value: Option<&DeValue<'_>> = None;
    let mut best = None;
    for (i, seg) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let next = match (seg, table, value) {
            (KeySeg::Key(k), Some(t), _) => lookup_key(t, k, last && at_key, &mut best),
            (KeySeg::Index(n), _, Some(DeValue::Array(a))) => a.get(*n).map(|v| {
                best = Some(v.span().start);
                v.get_ref()
            }),
            _ => None,
        };
        let Some(v) = next else { break };
        value = Some(v);
        table = match v {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    best
}

fn lookup_key<'a, 'i>(
    table: &'a DeTable<'i>,
    key: &str,
    want_key: bool,
    best: &mut Option<usize>,
) -> Option<&'a DeValue<'i>> {
    let (k, v) = table.iter().find(|(k, _)| k.get_ref().as_ref() == key)?;
    *best = Some(if want_key {
        k.span().start
    } else {
        v.span().start
    });
    Some(v.get_ref())
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
