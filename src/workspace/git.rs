//! Lines changed since a git revision (`--diff-base`), for "changed lines first" ordering.

use std::collections::HashMap;
use std::path::Path;

use crate::error::Error;

/// Workspace-relative path → inclusive 1-based line ranges added or modified since the base.
pub type ChangedLines = HashMap<String, Vec<(u32, u32)>>;

/// Lines of the working tree (index and unstaged changes included) that differ from `rev`.
pub fn changed_lines(root: &Path, rev: &str) -> Result<ChangedLines, Error> {
    let usage = |why: String| Error::Usage(format!("--diff-base {rev}: {why}"));
    let repo = git2::Repository::discover(root).map_err(|e| usage(e.message().to_string()))?;
    let tree = repo
        .revparse_single(rev)
        .and_then(|o| o.peel_to_tree())
        .map_err(|e| usage(e.message().to_string()))?;
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(0)
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .show_untracked_content(true);
    let diff = repo
        .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts))
        .map_err(|e| usage(e.message().to_string()))?;
    let prefix = workspace_prefix(&repo, root);
    let mut changed = ChangedLines::new();
    let mut on_hunk = |delta: git2::DiffDelta<'_>, hunk: git2::DiffHunk<'_>| {
        let path = delta
            .new_file()
            .path()
            .map(|p| p.to_string_lossy().replace('\\', "/"));
        let rel = path.as_deref().and_then(|p| strip(p, &prefix));
        if let (Some(rel), true) = (rel, hunk.new_lines() > 0) {
            let end = hunk.new_start() + hunk.new_lines() - 1;
            changed
                .entry(rel)
                .or_default()
                .push((hunk.new_start(), end));
        }
        true
    };
    diff.foreach(&mut |_, _| true, None, Some(&mut on_hunk), None)
        .map_err(|e| usage(e.message().to_string()))?;
    Ok(changed)
}

/// The workspace root relative to the repository's work tree ("" when they coincide).
fn workspace_prefix(repo: &git2::Repository, root: &Path) -> String {
    let workdir = repo.workdir().and_then(|w| w.canonicalize().ok());
    let root = root.canonicalize().ok();
    match (workdir, root) {
        (Some(w), Some(r)) => super::relative_to(&w, &r),
        _ => String::new(),
    }
}

fn strip(path: &str, prefix: &str) -> Option<String> {
    if prefix.is_empty() {
        return Some(path.to_string());
    }
    path.strip_prefix(prefix)
        .and_then(|p| p.strip_prefix('/'))
        .map(str::to_string)
}

/// The root of the git work tree that holds `root`, with `root` relative to it, when `root` is a
/// proper subdirectory of it (None: not in a work tree, a bare repository, or the same
/// directory). Only reads: repository discovery walks up from `root` to the first `.git`.
pub fn enclosing_worktree(root: &Path) -> Option<(std::path::PathBuf, String)> {
    let repo = git2::Repository::discover(root).ok()?;
    let workdir = repo.workdir()?.canonicalize().ok()?;
    let root = root.canonicalize().ok()?;
    if workdir == root || !root.starts_with(&workdir) {
        return None;
    }
    Some((workdir.clone(), super::relative_to(&workdir, &root)))
}
