//! The module tree: from each target's root file, follow `mod x;` (→ `x.rs` / `x/mod.rs`,
//! `#[path = "…"]`) to classify every `.rs` file as production, test (reached only through
//! `#[cfg(test)]` modules or from a test/bench/example target) or uncompiled (no module
//! declares it).

use std::collections::{HashMap, HashSet, VecDeque};

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
            if let Some((j, child_mod_rs)) = candidates
                .iter()
                .find_map(|(c, m)| index.get(c.as_str()).map(|&j| (j, *m)))
            {
                queue.push_back((j, test || decl.test, child_mod_rs));
            }
        }
    }
    finish(ws, kinds)
}

fn finish(ws: &Workspace, mut kinds: Vec<Option<CodeKind>>) -> Classification {
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
        kinds[i] = Some(CodeKind::Uncompiled);
        let nested_foreign = foreign
            .iter()
            .any(|d| !d.is_empty() && f.path.starts_with(&format!("{d}/")));
        report[i] = !nested_foreign;
    }
    Classification { kinds, report }
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
