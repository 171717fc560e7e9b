//! Git facts for the gate (git2, no `git` process): the lines changed since a base revision
//! (`--diff-base`: the merge-base of the base and HEAD, plus staged, unstaged and untracked
//! changes) and the current branch (for branch gates).

use std::collections::HashMap;
use std::path::Path;

use crate::error::Error;
use crate::model::DiffInfo;

/// Workspace-relative path → inclusive 1-based line ranges added or modified since the base.
pub type ChangedLines = HashMap<String, Vec<(u32, u32)>>;

/// The lines changed since the merge-base of `rev` and HEAD. When `rev` does not resolve (a
/// detached pull-request checkout has no local `main`), `origin/<rev>` and then
/// `origin/<github_base_ref>` are tried.
pub fn changed_lines(
    root: &Path,
    rev: &str,
    github_base_ref: Option<&str>,
) -> Result<(ChangedLines, DiffInfo), Error> {
    let usage = |why: String| Error::Usage(format!("--diff-base {rev}: {why}"));
    let repo = git2::Repository::discover(root).map_err(|e| usage(e.message().to_string()))?;
    let (resolved, base) = resolve(&repo, rev, github_base_ref).map_err(usage)?;
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| usage(format!("HEAD has no commit ({})", e.message())))?;
    let merge_base = repo.merge_base(base.id(), head.id()).map_err(|_| {
        usage(format!(
            "`{resolved}` and HEAD have no common ancestor here; in a shallow clone fetch the history (actions/checkout with `fetch-depth: 0`)"
        ))
    })?;
    let tree = repo
        .find_commit(merge_base)
        .and_then(|c| c.tree())
        .map_err(|e| usage(e.message().to_string()))?;
    let changed =
        diff_to_workdir(&repo, &tree, root).map_err(|e| usage(e.message().to_string()))?;
    let info = DiffInfo {
        base: rev.to_string(),
        resolved,
        merge_base: merge_base.to_string(),
    };
    Ok((changed, info))
}

/// The commit `rev` names, trying `origin/<rev>` and `origin/<github_base_ref>` after it.
fn resolve<'r>(
    repo: &'r git2::Repository,
    rev: &str,
    github_base_ref: Option<&str>,
) -> Result<(String, git2::Commit<'r>), String> {
    let mut tried = vec![rev.to_string()];
    if !rev.starts_with("origin/") {
        tried.push(format!("origin/{rev}"));
    }
    if let Some(b) = github_base_ref.map(str::trim).filter(|b| !b.is_empty()) {
        tried.push(format!("origin/{b}"));
    }
    tried.dedup();
    for name in &tried {
        if let Ok(c) = repo.revparse_single(name).and_then(|o| o.peel_to_commit()) {
            return Ok((name.clone(), c));
        }
    }
    Err(format!(
        "no such revision (tried {}); fetch the base branch (actions/checkout with `fetch-depth: 0`)",
        tried.join(", ")
    ))
}

fn diff_to_workdir(
    repo: &git2::Repository,
    tree: &git2::Tree<'_>,
    root: &Path,
) -> Result<ChangedLines, git2::Error> {
    let mut opts = git2::DiffOptions::new();
    opts.context_lines(0)
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .show_untracked_content(true);
    let diff = repo.diff_tree_to_workdir_with_index(Some(tree), Some(&mut opts))?;
    let prefix = workspace_prefix(repo, root);
    let mut changed = ChangedLines::new();
    let mut on_hunk = |delta: git2::DiffDelta<'_>, hunk: git2::DiffHunk<'_>| {
        let path = delta
            .new_file()
            .path()
            .map(|p| p.to_string_lossy().replace('\\', "/"));
        if let Some(rel) = path.as_deref().and_then(|p| strip(p, &prefix)) {
            changed.entry(rel).or_default().push(hunk_lines(&hunk));
        }
        true
    };
    diff.foreach(&mut |_, _| true, None, Some(&mut on_hunk), None)?;
    Ok(changed)
}

/// The new-side lines of a hunk; a pure deletion marks the lines on both sides of the cut.
fn hunk_lines(hunk: &git2::DiffHunk<'_>) -> (u32, u32) {
    if hunk.new_lines() == 0 {
        (hunk.new_start().max(1), hunk.new_start() + 1)
    } else {
        (hunk.new_start(), hunk.new_start() + hunk.new_lines() - 1)
    }
}

/// The branch checked out at `root`, if HEAD is on one (an unborn branch counts).
pub fn current_branch(root: &Path) -> Option<String> {
    let repo = git2::Repository::discover(root).ok()?;
    let head = repo.find_reference("HEAD").ok()?;
    let target = head.symbolic_target().ok().flatten()?;
    target.strip_prefix("refs/heads/").map(str::to_string)
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

/// The regular files of the git index under `root` (relative to it, with `/`), when `root`
/// lies in a git work tree. A tracked file is in the repository whatever `.gitignore` says (git ignores
/// only untracked files): a committed `Cargo.lock` or `.github/workflows/ci.yml` that an
/// ignore rule also names is still committed. Paths with `..` are skipped; whether each is a
/// regular file on disk is the caller's to check.
pub fn tracked_files(root: &Path) -> Vec<String> {
    let Ok(repo) = git2::Repository::discover(root) else {
        return Vec::new();
    };
    let (Some(workdir), Ok(index)) = (repo.workdir(), repo.index()) else {
        return Vec::new();
    };
    let (Ok(workdir), Ok(root)) = (workdir.canonicalize(), root.canonicalize()) else {
        return Vec::new();
    };
    index
        .iter()
        .filter_map(|entry| {
            let rel = std::str::from_utf8(&entry.path).ok()?;
            let safe = Path::new(rel)
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
            let abs = workdir.join(rel);
            (safe && abs.starts_with(&root)).then(|| super::relative_to(&root, &abs))
        })
        .collect()
}
