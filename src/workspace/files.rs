//! The file set: a gitignore-aware walk of the workspace root.

use std::path::Path;

use super::{SourceFile, Workspace, relative_to};

/// Walks the workspace root (respecting .gitignore, skipping `target/`, hidden dirs except
/// `.github`, and the `ignore` globs) and fills `ws.files`, sorted by path.
pub fn discover_files(ws: &mut Workspace, ignore: &globset::GlobSet) {
    let root = ws.root.clone();
    let mut files: Vec<SourceFile> = walk(&root)
        .into_iter()
        .map(|abs| {
            let path = relative_to(&root, &abs);
            SourceFile {
                package: None,
                abs,
                path,
            }
        })
        .filter(|f| !ignore.is_match(&f.path))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for f in &mut files {
        f.package = ws.package_of(&f.path);
    }
    ws.files = files;
}

fn walk(root: &Path) -> Vec<std::path::PathBuf> {
    let target = root.join("target");
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .filter_entry(move |e| keep_entry(e, &target))
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .collect()
}

fn keep_entry(entry: &ignore::DirEntry, target: &Path) -> bool {
    if entry.depth() == 0 {
        return true;
    }
    let name = entry.file_name().to_string_lossy();
    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
    if is_dir
        && (entry.path() == target
            || name == "target" && entry.path().join("CACHEDIR.TAG").exists())
    {
        return false;
    }
    !(name.starts_with('.') && name != ".github" && name != ".gitlab-ci.yml" && is_dir)
}
