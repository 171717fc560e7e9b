//! The module tree: from each target's root file, follow `mod x;` (→ `x.rs` / `x/mod.rs`,
//! `#[path = "…"]`) to classify every `.rs` file as production, test (reached only through
//! `#[cfg(test)]` modules or from a test/bench/example target) or uncompiled (no module
//! declares it).

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;

use super::{FileSummary, ModDecl};
use crate::model::CodeKind;
use crate::workspace::Workspace;

/// Per file of `ws.files`: its code kind, and whether "uncompiled" should be reported.
#[derive(Debug, Clone, Default)]
pub struct Classification {
    /// Kind of each `.rs` file (None for other files and files outside the packages).
    pub kinds: Vec<Option<CodeKind>>,
    /// Uncompiled files that belong to a scanned package (not to a nested, foreign one).
    pub report: Vec<bool>,
    /// The crate (target) and module path of each file a module tree reaches.
    pub modules: Vec<Option<FileModule>>,
}

/// Where a file sits in a crate's module tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileModule {
    /// Index of the package in `ws.packages`.
    pub package: usize,
    /// Index of the target in the package's targets.
    pub target: usize,
    /// The module path from the crate root (empty for the root file).
    pub path: Vec<String>,
}

/// Walks every target's module tree. `summaries[i]` belongs to `ws.files[i]`.
pub fn classify(ws: &Workspace, summaries: &[Option<&FileSummary>]) -> Classification {
    let index = path_index(ws);
    let macros = macro_mods(summaries);
    let mut kinds: Vec<Option<CodeKind>> = vec![None; ws.files.len()];
    let mut modules: Vec<Option<FileModule>> = vec![None; ws.files.len()];
    let mut queue: VecDeque<(usize, CodeKind, bool)> = VecDeque::new();
    for (pi, p) in ws.packages.iter().enumerate() {
        for (ti, t) in p.targets.iter().enumerate() {
            if let Some(&i) = index.get(t.src_path.as_str()) {
                queue.push_back((i, t.code_kind().unwrap_or(CodeKind::Production), true));
                let at = FileModule {
                    package: pi,
                    target: ti,
                    path: Vec::new(),
                };
                modules[i].get_or_insert(at);
            }
        }
    }
    while let Some((i, kind, mod_rs)) = queue.pop_front() {
        match kinds[i] {
            Some(CodeKind::Production) => continue,
            Some(k) if k == kind || kind != CodeKind::Production => continue,
            _ => kinds[i] = Some(kind),
        }
        for (j, decl, child_mod_rs) in children(ws, &index, summaries, &macros, i, mod_rs) {
            let child = if decl.test && kind == CodeKind::Production {
                CodeKind::Test
            } else {
                kind
            };
            queue.push_back((j, child, child_mod_rs));
            child_module(&mut modules, i, j, &decl);
        }
    }
    let mut class = finish(ws, kinds, summaries);
    class.modules = modules;
    class
}

/// Records the module path of file `child`, declared by `decl` in file `parent`.
fn child_module(modules: &mut [Option<FileModule>], parent: usize, child: usize, decl: &ModDecl) {
    let Some(mut at) = modules.get(parent).cloned().flatten() else {
        return;
    };
    at.path.extend(decl.inline.iter().cloned());
    at.path.push(decl.name.clone());
    if let Some(slot) = modules.get_mut(child) {
        slot.get_or_insert(at);
    }
}

/// The files one target compiles as production code: its root and every module reached
/// through `mod` declarations that are not `#[cfg(test)]`.
pub fn reach(ws: &Workspace, summaries: &[Option<&FileSummary>], root: &str) -> Vec<usize> {
    let index = path_index(ws);
    let macros = macro_mods(summaries);
    let Some(&start) = index.get(root) else {
        return Vec::new();
    };
    let mut seen: HashSet<usize> = HashSet::new();
    let mut queue: VecDeque<(usize, bool)> = VecDeque::from([(start, true)]);
    while let Some((i, mod_rs)) = queue.pop_front() {
        if !seen.insert(i) {
            continue;
        }
        for (j, decl, child_mod_rs) in children(ws, &index, summaries, &macros, i, mod_rs) {
            if !decl.test {
                queue.push_back((j, child_mod_rs));
            }
        }
    }
    let mut out: Vec<usize> = seen.into_iter().collect();
    out.sort_unstable();
    out
}

fn path_index(ws: &Workspace) -> HashMap<&str, usize> {
    ws.files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect()
}

/// The `mod` declarations in the `macro_rules!` definitions of the workspace, by macro name.
type MacroMods<'s> = HashMap<&'s str, Vec<&'s ModDecl>>;

fn macro_mods<'s>(summaries: &[Option<&'s FileSummary>]) -> MacroMods<'s> {
    let mut out: MacroMods = HashMap::new();
    for (name, decls) in summaries.iter().flatten().flat_map(|s| &s.macro_mods) {
        out.entry(name.as_str()).or_default().extend(decls);
    }
    out
}

/// The `mod` declarations of a file: its own, and those of the local `macro_rules!` it invokes
/// at item position (`include_modules!();` whose rule holds `pub mod api;`), as if written where
/// the macro is invoked.
fn declarations(summary: &FileSummary, macros: &MacroMods) -> Vec<ModDecl> {
    let mut out = summary.mods.clone();
    for call in &summary.macro_calls {
        for decl in macros.get(call.name.as_str()).into_iter().flatten() {
            let mut inline = call.inline.clone();
            inline.extend(decl.inline.iter().cloned());
            out.push(ModDecl {
                inline,
                test: call.test || decl.test,
                ..(*decl).clone()
            });
        }
    }
    out
}

/// The files file `i` declares as modules: (index, the declaration, is a `mod.rs`-like
/// directory owner).
fn children(
    ws: &Workspace,
    index: &HashMap<&str, usize>,
    summaries: &[Option<&FileSummary>],
    macros: &MacroMods,
    i: usize,
    mod_rs: bool,
) -> Vec<(usize, ModDecl, bool)> {
    let Some(summary) = summaries.get(i).copied().flatten() else {
        return Vec::new();
    };
    let path = ws.files[i].path.as_str();
    let (dir, stem) = split_path(path);
    let mod_rs = mod_rs || stem == "mod";
    let mut out = Vec::new();
    for decl in declarations(summary, macros) {
        let mut base: Vec<String> = dir.iter().map(|s| s.to_string()).collect();
        if !mod_rs {
            base.push(stem.to_string());
        }
        base.extend(decl.inline.iter().cloned());
        if !decl.path_attr.is_empty() {
            let b: Vec<String> = if decl.inline.is_empty() {
                dir.iter().map(|s| s.to_string()).collect()
            } else {
                base.clone()
            };
            for p in &decl.path_attr {
                let c = normalize(&b, p);
                let found = index
                    .get(c.as_str())
                    .copied()
                    .or_else(|| through_link(ws, index, &c));
                out.extend(found.map(|j| (j, decl.clone(), true)));
            }
            continue;
        }
        let candidates: Vec<(String, bool)> = vec![
            (join(&base, &format!("{}.rs", decl.name)), false),
            (join(&base, &format!("{}/mod.rs", decl.name)), true),
        ];
        let found = candidates
            .iter()
            .find_map(|(c, m)| index.get(c.as_str()).map(|&j| (j, *m)))
            .or_else(|| {
                candidates
                    .iter()
                    .find_map(|(c, m)| through_link(ws, index, c).map(|j| (j, *m)))
            });
        if let Some((j, child_mod_rs)) = found {
            out.push((j, decl, child_mod_rs));
        }
    }
    out
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
        if !f.is_rust() || f.package.is_none() {
            continue;
        }
        if kinds[i].is_some() {
            kinds[i] = kinds[i].map(|k| with_path_class(k, f));
            continue;
        }
        if let Some(kind) = f
            .package
            .and_then(|p| test_dir_kind(&ws.packages[p], &f.path))
        {
            // Under tests/, benches/ or examples/ but named by no target: trybuild fixtures,
            // helpers loaded by `#[path]` or `include!` from test targets.
            kinds[i] = Some(with_path_class(kind, f));
            continue;
        }
        if included
            .iter()
            .any(|p| f.path == *p || f.path.starts_with(&format!("{p}/")))
        {
            kinds[i] = Some(with_path_class(CodeKind::Production, f));
            continue;
        }
        kinds[i] = Some(CodeKind::Uncompiled);
        let nested_foreign = foreign
            .iter()
            .any(|d| !d.is_empty() && f.path.starts_with(&format!("{d}/")));
        report[i] = !nested_foreign;
    }
    Classification {
        kinds,
        report,
        modules: Vec::new(),
    }
}

/// The kind the path implies over the module tree's: vendored code is vendored whatever
/// compiles it; a test-support package's production code is test support.
fn with_path_class(kind: CodeKind, f: &crate::workspace::SourceFile) -> CodeKind {
    match (&f.class, kind) {
        (Some((CodeKind::Vendored, _)), _) => CodeKind::Vendored,
        (Some((class, _)), CodeKind::Production) => *class,
        _ => kind,
    }
}

/// Test for a file under the package's `tests/`, example for one under `benches/` or
/// `examples/`.
fn test_dir_kind(p: &crate::workspace::Package, path: &str) -> Option<CodeKind> {
    let rel = if p.dir.is_empty() {
        path
    } else {
        path.strip_prefix(p.dir.as_str())?.strip_prefix('/')?
    };
    match rel.split('/').next()? {
        "tests" => Some(CodeKind::Test),
        "benches" | "examples" => Some(CodeKind::Example),
        _ => None,
    }
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
