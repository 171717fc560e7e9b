//! The file set: a gitignore-aware walk of the workspace root, plus the files the git index
//! tracks that an ignore rule names (git ignores only untracked files).
//!
//! Never entered: `target/`, VCS directories, and directories holding a Cargo.toml that is not
//! a member of this workspace (nested workspaces such as test fixtures, excluded crates), unless
//! a member's target has its source there (a stray manifest left in `src/`). With
//! `-p`/`--exclude`, files of unselected members are dropped; files outside every member
//! (README, .github/) stay, for the `file` checks.

use std::path::Path;

use super::{SourceFile, Workspace, relative_to};
use crate::model::CodeKind;

/// Walks the workspace root and fills `ws.files`, sorted by path.
pub fn discover_files(ws: &mut Workspace, ignore: &globset::GlobSet) {
    let root = ws.root.clone();
    let members = ws.member_dirs.clone();
    let fence = Fence {
        members: members.clone(),
        target_dirs: target_dirs(ws),
    };
    let mut found = walk(&root, &fence);
    found.extend(tracked_but_ignored(&root, &fence, &found));
    let mut files: Vec<SourceFile> = found
        .into_iter()
        .map(|abs| {
            let path = relative_to(&root, &abs);
            SourceFile {
                package: None,
                abs,
                path,
                class: None,
            }
        })
        .filter(|f| !ignore.is_match(&f.path))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for f in &mut files {
        f.package = ws.package_of(&f.path);
    }
    files.retain(|f| f.package.is_some() || innermost_member(&members, &f.path).is_none());
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let attributes = super::vendored::Attributes::load(&root, &paths);
    for f in &mut files {
        f.class = path_class(ws, &attributes, f);
    }
    ws.files = files;
}

/// The kind of code a file's path implies over the module tree: vendored or generated, or
/// test support (its package's role).
fn path_class(
    ws: &Workspace,
    attributes: &super::vendored::Attributes,
    f: &SourceFile,
) -> Option<(CodeKind, String)> {
    if let Some(why) = attributes
        .vendored(&f.path)
        .or_else(|| super::vendored::minified_by_content(&f.abs, &f.path))
    {
        return Some((CodeKind::Vendored, why));
    }
    if is_test_support_module(&f.path) {
        return Some((
            CodeKind::TestSupport,
            "a test-support module by its name (mocks, test utilities)".into(),
        ));
    }
    let p = f.package.and_then(|i| ws.packages.get(i))?;
    let (kind, why) = p.role.as_ref()?;
    Some((*kind, format!("package `{}`: {why}", p.name)))
}

/// The member directory containing `path` (innermost), if any; the root member ("") counts
/// only for files no other member contains.
fn innermost_member<'m>(members: &'m [String], path: &str) -> Option<&'m str> {
    members
        .iter()
        .filter(|d| {
            d.is_empty()
                || path
                    .strip_prefix(d.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .max_by_key(|d| d.len())
        .map(String::as_str)
}

/// What bounds the walk: the member directories, and the directories of the members' target
/// sources (entered even when a manifest of no member lies there).
#[derive(Clone)]
struct Fence {
    members: Vec<String>,
    target_dirs: Vec<String>,
}

/// Workspace-relative directories of every member target's root source file (a path
/// dependency the workspace excludes stays unwalked).
fn target_dirs(ws: &Workspace) -> Vec<String> {
    let mut dirs: Vec<String> = ws
        .packages
        .iter()
        .filter(|p| ws.member_dirs.contains(&p.dir))
        .flat_map(|p| &p.targets)
        .filter_map(|t| t.src_path.rsplit_once('/').map(|(dir, _)| dir.to_string()))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The files under `root` the gitignore-aware walk keeps, on the walker's threads (the caller
/// sorts them).
fn walk(root: &Path, fence: &Fence) -> Vec<std::path::PathBuf> {
    let root_owned = root.to_path_buf();
    let fence = fence.clone();
    let found = std::sync::Mutex::new(Vec::new());
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .threads(rayon::current_num_threads())
        .filter_entry(move |e| keep_entry(e, &root_owned, &fence))
        .build_parallel()
        .run(|| {
            let found = &found;
            Box::new(move |entry| {
                if let Ok(e) = entry
                    && e.file_type().is_some_and(|t| t.is_file())
                    && let Ok(mut files) = found.lock()
                {
                    files.push(e.into_path());
                }
                ignore::WalkState::Continue
            })
        });
    found.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// Regular files of the git index that the gitignore-aware walk left out (an ignore rule names
/// a file that is committed anyway; links are not followed), in directories the walk would
/// enter.
fn tracked_but_ignored(
    root: &Path,
    fence: &Fence,
    walked: &[std::path::PathBuf],
) -> Vec<std::path::PathBuf> {
    let seen: std::collections::HashSet<String> =
        walked.iter().map(|p| relative_to(root, p)).collect();
    super::git::tracked_files(root)
        .into_iter()
        .filter(|rel| !seen.contains(rel))
        .map(|rel| root.join(rel))
        .filter(|abs| std::fs::symlink_metadata(abs).is_ok_and(|m| m.is_file()))
        .filter(|abs| {
            abs.ancestors()
                .skip(1)
                .take_while(|d| *d != root)
                .all(|d| keep_dir(d, root, fence))
        })
        .collect()
}

fn keep_entry(entry: &ignore::DirEntry, root: &Path, fence: &Fence) -> bool {
    if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_dir()) {
        return true;
    }
    keep_dir(entry.path(), root, fence)
}

/// Is this directory walked: not a VCS directory, not a build's `target/`, not a nested
/// workspace or crate that is no member (unless a member target's source is in it)?
fn keep_dir(path: &Path, root: &Path, fence: &Fence) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if matches!(name.as_ref(), ".git" | ".hg" | ".svn" | ".jj") {
        return false;
    }
    if path == root.join("target") || (name == "target" && path.join("CACHEDIR.TAG").exists()) {
        return false;
    }
    if !path.join("Cargo.toml").is_file() {
        return true;
    }
    let rel = relative_to(root, path);
    fence.members.contains(&rel)
        || fence
            .target_dirs
            .iter()
            .any(|d| d == &rel || d.starts_with(&format!("{rel}/")))
}

/// A Rust module that exists for tests though compiled into production: `mock.rs`,
/// `mock_scheduler.rs`, `test_utils.rs`, `testing/mod.rs`, a `pub mod test` of fixtures.
fn is_test_support_module(path: &str) -> bool {
    let Some(stem) = path.strip_suffix(".rs") else {
        return false;
    };
    let mut parts = stem.rsplit('/');
    let name = match parts.next() {
        Some("mod") => parts.next().unwrap_or(""),
        Some(n) => n,
        None => "",
    };
    matches!(
        name,
        "mock"
            | "mocks"
            | "test"
            | "tests"
            | "testing"
            | "test_utils"
            | "test_util"
            | "testutil"
            | "testutils"
            | "test_helpers"
            | "test_support"
    ) || name.starts_with("mock_")
        || name.ends_with("_mock")
        || name.ends_with("_mocks")
}

/// Fills `ws.repository` when the workspace lies in a subdirectory of a git work tree: the
/// files of the work tree outside the workspace that `globs` (work-tree-relative) may match.
/// Only the literal leading directory of each glob is walked (`.github/workflows` for
/// `.github/workflows/*.yml`, the top level for `Jenkinsfile`), gitignore-aware, links not
/// followed, never below the work tree.
pub fn discover_repository_files(ws: &mut Workspace, globs: &[String]) {
    let Some((workdir, prefix)) = super::git::enclosing_worktree(&ws.root) else {
        return;
    };
    let mut files: Vec<String> = Vec::new();
    for glob in globs {
        let (dir, recursive) = literal_dir(glob);
        let start = workdir.join(&dir);
        if !start.is_dir() {
            continue;
        }
        let walker = ignore::WalkBuilder::new(&start)
            .hidden(false)
            .follow_links(false)
            .require_git(false)
            .max_depth(if recursive { None } else { Some(1) })
            .build();
        files.extend(
            walker
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                .map(|e| relative_to(&workdir, e.path()))
                .filter(|p| !p.starts_with(&format!("{prefix}/"))),
        );
    }
    files.sort();
    files.dedup();
    ws.repository = Some(super::Repository { prefix, files });
}

/// The directory part of a glob before its first wildcard component, and whether the rest can
/// match below that directory's direct children.
fn literal_dir(glob: &str) -> (String, bool) {
    let parts: Vec<&str> = glob.split('/').collect();
    let wild = |c: &str| c.contains(['*', '?', '[', '{']);
    let n = parts
        .iter()
        .position(|c| wild(c))
        .unwrap_or(parts.len().saturating_sub(1));
    let recursive = parts.len() - n > 1 || glob.contains("**");
    (parts[..n].join("/"), recursive)
}

#[cfg(test)]
mod tests {
    use super::literal_dir;

    #[test]
    fn literal_dirs_of_globs() {
        assert_eq!(
            literal_dir(".github/workflows/*.yml"),
            (".github/workflows".into(), false)
        );
        assert_eq!(literal_dir("Jenkinsfile"), (String::new(), false));
        assert_eq!(literal_dir(".gitlab-ci.yml"), (String::new(), false));
        assert_eq!(literal_dir("ci/**/*.yml"), ("ci".into(), true));
        assert_eq!(literal_dir("*/pipeline.yml"), (String::new(), true));
    }
}
