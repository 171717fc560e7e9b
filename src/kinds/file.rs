//! Kind `file`: a file or glob exists (README, SECURITY.md, CI workflows, Cargo.lock) or must not.
//! Existence is judged on the gitignore-aware file set (plus files the git index tracks, which
//! no ignore rule hides), so an ignored, untracked Cargo.lock is "not committed".
//! `scope = "repository"` roots the globs at the enclosing git work tree.

use serde::Deserialize;

use super::{Mode, child, compile_globs};
use crate::diag::{ConfigError, KeySeg, Source};

/// Where a `file` check's globs are rooted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileScope {
    /// The workspace root (default).
    #[default]
    Workspace,
    /// Each package's directory.
    Package,
    /// The root of the git work tree holding the workspace (found upward from the workspace
    /// root, read-only); the workspace root when it is not inside a git work tree. For files
    /// that live at the repository root, e.g. CI configuration of a workspace in `backend/`.
    Repository,
}

/// `[match]` of a `file` check.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct FileSpec {
    /// Globs relative to the scope root; require: any one match satisfies.
    pub globs: Vec<String>,
    /// `require` or `forbid`.
    pub mode: Mode,
    /// `workspace` (default) or `package`.
    #[serde(default)]
    pub scope: FileScope,
}

/// A compiled `file` check.
#[derive(Debug, Clone)]
pub struct FileMatcher {
    /// The globs, case-insensitive.
    pub globs: globset::GlobSet,
    /// The globs as written, for messages.
    pub patterns: Vec<String>,
    /// Forbid or require.
    pub mode: Mode,
    /// Where globs are rooted.
    pub scope: FileScope,
}

impl FileSpec {
    /// Builds the globs (case-insensitive: `readme.md` finds `README.md`).
    pub fn compile(
        self,
        source: &Source,
        base: &[KeySeg],
    ) -> Result<FileMatcher, Vec<ConfigError>> {
        let lowered: Vec<String> = self.globs.iter().map(|g| g.to_lowercase()).collect();
        let globs = compile_globs(&lowered, source, &child(base, "globs"))?;
        Ok(FileMatcher {
            globs,
            patterns: self.globs,
            mode: self.mode,
            scope: self.scope,
        })
    }
}

impl FileMatcher {
    /// Files (relative to the scope root `dir`) among `files` that match.
    pub fn matching<'a>(&self, dir: &str, files: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        files
            .filter(|f| {
                let rel = if dir.is_empty() {
                    Some(*f)
                } else {
                    f.strip_prefix(dir).and_then(|r| r.strip_prefix('/'))
                };
                rel.is_some_and(|r| self.globs.is_match(r.to_lowercase()))
            })
            .collect()
    }
}
