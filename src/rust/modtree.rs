//! The module tree: from each target's root file, follow `mod x;` (→ `x.rs` / `x/mod.rs`,
//! `#[path = "…"]`) to classify every `.rs` file as production, test (reached only through
//! `#[cfg(test)]` modules or from a test/bench/example target) or uncompiled (no module
//! declares it).

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;

use super::FileSummary;
use crate::model::CodeKind;
use crate::workspace::Workspace;

/// Per file of `ws.files`: its code kind, and whether "uncompiled" should be reported.
#[derive(Debug, Clone, Default)]
pub struct Classification {
    /// Kind of each `.rs` file (None for other files and files outside the packages).
    pub kinds: Vec<Option<CodeKind>>,
    /// Uncompiled files that belong to a scanned package (not to a nested, foreign one).
    pub report: Vec<bool>,
}

/// Walks every target's module tree. `summaries[i]` belongs to `ws.files[i]`.
pub fn classify(ws: &Workspace, summaries: &[Option<&FileSummary>]) -> Classification {
    let index: HashMap<&str, usize> = ws
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut kinds: Vec<Option<CodeKind>> = vec![None; ws.files.len()];
    let mut queue: VecDeque<(usize, bool, bool)> = VecDeque::new();
    for t in ws.packages.iter().flat_map(|p| &p.targets) {
        if let Some(&i) = index.get(t.src_path.as_str()) {
            queue.push_back((i, t.is_test_like(), true));
        }
    }
    while let Some((i, test, mod_rs)) = queue.pop_front() {
        let kind = if test {
            CodeKind::Test
        } else {
            CodeKind::Production
        };
        match kinds[i] {
            Some(CodeKind::Production) => continue,
            Some(CodeKind::Test) if test => continue,
            _ => kinds[i] = Some(kind),
        }
        let Some(summary) = summaries.get(i).copied().flatten() else {
            continue;
        };
        let path = ws.files[i].path.as_str();
        let (dir, stem) = split_path(path);
        let mod_rs = mod_rs || stem == "mod";
        for decl in &summary.mods {
            let mut base: Vec<String> = dir.iter().map(|s| s.to_string()).collect();
            if !mod_rs {
                base.push(stem.to_string());
            }
            base.extend(decl.inline.iter().cloned());
            let candidates: Vec<(String, bool)> = match &decl.path_attr {
                Some(p) => {
                    let mut b: Vec<String> = dir.iter().map(|s| s.to_string()).collect();
                    if !decl.inline.is_empty() {
                        b = base.clone();
                    }
                    vec![(normalize(&b, p), true)]
                }
                None => vec![
                    (join(&base, &format!("{}.rs", decl.name)), false),
                    (join(&base, &format!("{}/mod.rs", decl.name)), true),
                ],
            };
            let found = candidates
                .iter()
                .find_map(|(c, m)| index.get(c.as_str()).map(|&j| (j, *m)))
                .or_else(|| {
                    candidates
                        .iter()
                        .find_map(|(c, m)| through_link(ws, &index, c).map(|j| (j, *m)))
                });
            if let Some((j, child_mod_rs)) = found {
                queue.push_back((j, test || decl.test, child_mod_rs));
            }
        }
    }
    finish(ws, kinds, summaries)
}

fn finish(
    ws: &Workspace,
    mut kinds: Vec<Option<CodeKind>>,
    summaries: &[Option<&FileSummary>],
) -> Classification {
    let included = macro_included(ws, summaries);
    let foreign: HashSet<String> = ws
        .files
        .iter()
        .filter(|f| f.path == "Cargo.toml" || f.path.ends_with("/Cargo.toml"))
        .map(|f| {
            f.path
                .trim_end_matches("Cargo.toml")
                .trim_end_matches('/')
                .to_string()
        })
        .filter(|d| !ws.packages.iter().any(|p| p.dir == *d))
        .collect();
    let mut report = vec![false; ws.files.len()];
    for (i, f) in ws.files.iter().enumerate() {
        if !f.is_rust() || kinds[i].is_some() || f.package.is_none() {
            continue;
        }
        if included
            .iter()
            .any(|p| f.path == *p || f.path.starts_with(&format!("{p}/")))
        {
            kinds[i] = Some(CodeKind::Production);
            continue;
        }
        kinds[i] = Some(CodeKind::Uncompiled);
        let nested_foreign = foreign
            .iter()
            .any(|d| !d.is_empty() && f.path.starts_with(&format!("{d}/")));
        report[i] = !nested_foreign;
    }
    Classification { kinds, report }
}

/// Workspace-relative paths named by path-like string literals of the packages' files, taken
/// relative to the literal's file and to its package directory (files pulled in by
/// `include!`, `embed_migrations!`, `#[path]`-less macros are compiled, not orphans).
fn macro_included(ws: &Workspace, summaries: &[Option<&FileSummary>]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, f) in ws.files.iter().enumerate() {
        let (Some(summary), Some(p)) = (summaries.get(i).copied().flatten(), f.package) else {
            continue;
        };
        let (dir, _) = split_path(&f.path);
        let dir: Vec<String> = dir.iter().map(|s| s.to_string()).collect();
        let pkg: Vec<String> = ws.packages[p]
            .dir
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        for lit in &summary.path_literals {
            let rel = lit.trim_start_matches('/');
            out.push(normalize(&dir, rel));
            out.push(normalize(&pkg, rel));
        }
    }
    let roots: Vec<String> = ws
        .packages
        .iter()
        .map(|p| {
            if p.dir.is_empty() {
                "src".to_string()
            } else {
                format!("{}/src", p.dir)
            }
        })
        .collect();
    out.retain(|p| {
        !p.is_empty() && !roots.contains(p) && !ws.packages.iter().any(|pk| pk.dir == *p)
    });
    out.sort();
    out.dedup();
    out
}

/// A module file reached through a symbolic link (a module directory that is a link to another
/// directory of the workspace): the walk lists the file at its real path, so that is looked up.
/// Links leading outside the workspace are not followed.
fn through_link(ws: &Workspace, index: &HashMap<&str, usize>, candidate: &str) -> Option<usize> {
    let real = ws.root.join(candidate).canonicalize().ok()?;
    let root = ws.root.canonicalize().ok()?;
    let rel = real.strip_prefix(&root).ok()?;
    let key = crate::workspace::relative_to(Path::new(""), rel);
    index.get(key.as_str()).copied()
}

fn split_path(path: &str) -> (Vec<&str>, &str) {
    let mut parts: Vec<&str> = path.split('/').collect();
    let file = parts.pop().unwrap_or("");
    (parts, file.strip_suffix(".rs").unwrap_or(file))
}

fn join(base: &[String], tail: &str) -> String {
    let mut v: Vec<&str> = base.iter().map(String::as_str).collect();
    v.push(tail);
    v.join("/")
}

/// Joins a `#[path]` onto a directory, resolving `.` and `..`.
fn normalize(base: &[String], rel: &str) -> String {
    let mut out: Vec<String> = base.to_vec();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s.to_string()),
        }
    }
    out.join("/")
}
