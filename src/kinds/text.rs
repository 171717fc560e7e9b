//! Kind `text`: a regex forbidden in (or required somewhere in) files selected by globs.
//! Works on any file type, so a polyglot repo's `except: pass` is a check too.

use serde::Deserialize;

use super::{Mode, child, compile_globs, compile_regex};
use crate::diag::{ConfigError, KeySeg, LineIndex, Source};
use crate::model::Region;

/// `[match]` of a `text` check.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct TextSpec {
    /// The regex (Rust `regex` syntax, multi-line mode); a group named `at` marks the flagged part.
    pub pattern: String,
    /// `forbid` (default): each match is a finding; `require`: no match anywhere is a finding.
    #[serde(default)]
    pub mode: Mode,
    /// Globs selecting the files to search (workspace-relative). Default: `**/*.rs`.
    #[serde(default = "default_files")]
    pub files: Vec<String>,
    /// Match case-insensitively.
    #[serde(default)]
    pub case_insensitive: bool,
    /// Literal strings of which a file must contain one before the regex runs on it: a fast
    /// prefilter (every reported match must contain one of them). Default: none (always run).
    #[serde(default)]
    pub needles: Vec<String>,
}

fn default_files() -> Vec<String> {
    vec!["**/*.rs".to_string()]
}

/// A compiled `text` check.
#[derive(Debug, Clone)]
pub struct TextMatcher {
    /// The compiled regex.
    pub regex: regex::Regex,
    /// Does the regex have an `at` group (computed once)?
    has_at: bool,
    /// Prefilter literals (empty: always run the regex).
    needles: Vec<String>,
    /// Forbid or require.
    pub mode: Mode,
    /// The files searched.
    pub files: globset::GlobSet,
}

impl TextSpec {
    /// Builds the regex and globs.
    pub fn compile(
        self,
        source: &Source,
        base: &[KeySeg],
    ) -> Result<TextMatcher, Vec<ConfigError>> {
        let pattern = if self.case_insensitive {
            format!("(?i){}", self.pattern)
        } else {
            self.pattern
        };
        let regex = compile_regex(&pattern, source, &child(base, "pattern"));
        let files = compile_globs(&self.files, source, &child(base, "files"));
        match (regex, files) {
            (Ok(regex), Ok(files)) => Ok(TextMatcher {
                has_at: regex.capture_names().flatten().any(|n| n == "at"),
                needles: self.needles,
                regex,
                mode: self.mode,
                files,
            }),
            (r, f) => Err(r
                .err()
                .into_iter()
                .chain(f.err().into_iter().flatten())
                .collect()),
        }
    }
}

impl TextMatcher {
    /// Does this check search the file at `path`?
    pub fn selects(&self, path: &str) -> bool {
        self.files.is_match(path)
    }

    /// Regions of every match in `text`. When the regex has a group named `at`, the region is
    /// that group's, and matches in which `at` took no part are consumed but not reported: so
    /// context before the flagged code can be matched without look-behind, and alternatives
    /// without `at` (comments, test modules) skip text.
    pub fn matches(&self, text: &str) -> Vec<Region> {
        let wanted = |n: &String| memchr::memmem::find(text.as_bytes(), n.as_bytes()).is_some();
        if !self.needles.is_empty() && !self.needles.iter().any(wanted) {
            return Vec::new();
        }
        let has_at = self.has_at;
        let mut found = self
            .regex
            .captures_iter(text)
            .filter_map(|c| if has_at { c.name("at") } else { c.get(0) })
            .filter(|m| !m.as_str().is_empty())
            .peekable();
        if found.peek().is_none() {
            return Vec::new();
        }
        let index = LineIndex::new(text);
        let mut cursor = index.cursor(text);
        found.map(|m| cursor.region(m.start(), m.end())).collect()
    }
}
