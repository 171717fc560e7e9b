//! The workspace-wide pass after every file is summarized: module-tree classification,
//! test-code filtering of raw hits, engine findings (`parse-error`, `uncompiled-file`), the
//! interprocedural fixpoint (with extra parsing rounds for callers of blocking fns), presence.

use std::collections::HashSet;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

use super::engine::{Engine, FileInput, analyze_file};
use super::interproc::Index;
use super::presence::{ServiceVerdict, presence_hits};
use super::services::{Inputs, Services, detect};
use super::{Classification, FileSummary, classify};
use crate::kinds::Hit;
use crate::model::{CodeKind, Region};
use crate::workspace::Workspace;

/// One file as the per-file pass left it.
pub struct FileState<'a> {
    /// Its text, if read.
    pub text: Option<&'a str>,
    /// The engine's summary, if analyzed.
    pub summary: Option<FileSummary>,
    /// Syntax checks applicable to it.
    pub checks: Vec<usize>,
    /// Root of a bin target?
    pub is_bin_root: bool,
    /// Marked generated in its first lines (`@generated`, "DO NOT EDIT").
    pub generated: bool,
}

/// What the workspace pass gives.
pub struct Finished {
    /// Findings (already filtered by each check's `code`).
    pub hits: Vec<Hit>,
    /// File classification.
    pub class: Classification,
    /// The bins that are services (and those that are not).
    pub services: Services,
    /// Verdicts of the presence service checks, per service.
    pub verdicts: Vec<ServiceVerdict>,
}

/// Runs the workspace pass. `files[i]` belongs to `ws.files[i]`.
pub fn finish(
    engine: &Engine,
    ws: &Workspace,
    applicable: &[bool],
    files: &mut [FileState],
    pool: Option<&rayon::ThreadPool>,
) -> Finished {
    let mut class = {
        let summaries: Vec<Option<&FileSummary>> =
            files.iter().map(|f| f.summary.as_ref()).collect();
        classify(ws, &summaries)
    };
    mark_generated(&mut class, files);
    interproc_rounds(engine, ws, files, pool);
    let summaries: Vec<Option<&FileSummary>> = files.iter().map(|f| f.summary.as_ref()).collect();
    let mut hits = file_hits(engine, ws, &summaries);
    hits.extend(chain_hits(engine, ws, &summaries));
    hits.retain(|h| keep(engine, ws, &class, &summaries, h));
    hits.extend(uncompiled_hits(engine, ws, &class));
    let texts: Vec<Option<&str>> = files.iter().map(|f| f.text).collect();
    let inputs = Inputs {
        ws,
        class: &class,
        summaries: &summaries,
        texts: &texts,
    };
    let services = if engine.starts.is_some() {
        detect(&inputs)
    } else {
        Services::default()
    };
    let (presence, verdicts) = presence_hits(engine.checks, &inputs, applicable, &services);
    hits.extend(presence);
    Finished {
        hits,
        class,
        services,
        verdicts,
    }
}

/// Compiled files marked generated in their first lines are vendored code.
fn mark_generated(class: &mut Classification, files: &[FileState]) {
    for (kind, f) in class.kinds.iter_mut().zip(files) {
        if f.generated && kind.is_some_and(|k| k != CodeKind::Uncompiled) {
            *kind = Some(CodeKind::Vendored);
        }
    }
}

/// The per-file hits and the `parse-error` findings.
fn file_hits(engine: &Engine, ws: &Workspace, summaries: &[Option<&FileSummary>]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (i, s) in summaries.iter().enumerate() {
        let (Some(s), Some(file)) = (s, ws.files.get(i)) else {
            continue;
        };
        hits.extend(s.hits.iter().map(|h| Hit {
            check: h.check,
            file: file.path.clone(),
            region: h.region.clone(),
            message: h.message.clone(),
            related: Vec::new(),
        }));
        if let (Some(idx), Some((region, msg))) = (engine.parse_error, &s.parse_error) {
            let message = format!("file does not parse ({msg}); syntax-aware checks skipped it");
            hits.push(Hit {
                check: idx,
                file: file.path.clone(),
                region: region.clone(),
                message,
                related: Vec::new(),
            });
        }
    }
    hits
}

/// Call sites in checked contexts that reach a blocking workspace fn, with the chain.
fn chain_hits(engine: &Engine, ws: &Workspace, summaries: &[Option<&FileSummary>]) -> Vec<Hit> {
    let index = Index::build(
        summaries
            .iter()
            .flatten()
            .flat_map(|s| s.fns.iter().cloned())
            .collect(),
    );
    let mut hits = Vec::new();
    for (i, s) in summaries.iter().enumerate() {
        let Some(file) = ws.files.get(i) else {
            continue;
        };
        for site in s.iter().flat_map(|s| &s.sites) {
            let Some((chain, related)) = index.chain(site) else {
                continue;
            };
            let default = format!("blocking call reached from async code: {chain}");
            let message = match engine.checks.get(site.check) {
                Some(c) => c.message(default, &[("chain", &chain)]),
                None => default,
            };
            hits.push(Hit {
                check: site.check,
                file: file.path.clone(),
                region: site.region.clone(),
                message,
                related,
            });
        }
    }
    hits
}

/// One `uncompiled-file` finding per `.rs` file of a scanned package no module tree reaches.
fn uncompiled_hits(engine: &Engine, ws: &Workspace, class: &Classification) -> Vec<Hit> {
    let Some(idx) = engine.uncompiled else {
        return Vec::new();
    };
    ws.files
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            class.report.get(*i).copied().unwrap_or(false) && in_scope(engine, ws, idx, *i)
        })
        .map(|(_, f)| Hit {
            check: idx,
            file: f.path.clone(),
            region: Region::file_start(),
            message: "no module tree reaches this file (no `mod` declares it): it is not compiled"
                .into(),
            related: Vec::new(),
        })
        .collect()
}

fn in_scope(engine: &Engine, ws: &Workspace, idx: usize, file: usize) -> bool {
    let (Some(c), Some(f)) = (engine.checks.get(idx), ws.files.get(file)) else {
        return false;
    };
    c.scope.includes(&f.path)
        && match f.package.and_then(|p| ws.packages.get(p)) {
            Some(p) => p.meets(&c.applies),
            None => c.applies.is_unconditional(),
        }
}

/// Keeps a syntax hit when its code kind is in the check's `code` scope.
fn keep(
    engine: &Engine,
    ws: &Workspace,
    class: &Classification,
    summaries: &[Option<&FileSummary>],
    h: &Hit,
) -> bool {
    let Some(check) = engine.checks.get(h.check) else {
        return false;
    };
    let Some(i) = ws
        .files
        .binary_search_by(|f| f.path.as_str().cmp(&h.file))
        .ok()
    else {
        return true;
    };
    // A file that does not parse is reported wherever it is; a macro body that does not (a
    // note from the walk) only where the check's `code` looks.
    let whole_file = |s: &FileSummary| s.parse_error.as_ref().is_some_and(|(r, _)| *r == h.region);
    if Some(h.check) == engine.parse_error
        && summaries.get(i).copied().flatten().is_none_or(whole_file)
    {
        return true;
    }
    check.code.includes(kind_at(
        ws,
        class,
        summaries.get(i).copied().flatten(),
        i,
        h.region.line,
    ))
}

/// The code kind at a line of file `i`.
pub fn kind_at(
    ws: &Workspace,
    class: &Classification,
    summary: Option<&FileSummary>,
    i: usize,
    line: u32,
) -> CodeKind {
    match class.kinds.get(i).copied().flatten() {
        Some(CodeKind::Production) if summary.is_some_and(|s| s.in_test_range(line)) => {
            CodeKind::Test
        }
        Some(k) => k,
        None => ws
            .files
            .get(i)
            .map_or(CodeKind::Production, |f| ws.path_code_kind(&f.path)),
    }
}

/// Extra parsing rounds: items that mention a newly blocking fn's name are parsed so their
/// fns join the index; repeated until no new names appear.
fn interproc_rounds(
    engine: &Engine,
    ws: &Workspace,
    files: &mut [FileState],
    pool: Option<&rayon::ThreadPool>,
) {
    let mut done: HashSet<String> = HashSet::new();
    for _round in 0..16 {
        let index = Index::build(
            files
                .iter()
                .flat_map(|f| f.summary.iter().flat_map(|s| s.fns.iter().cloned()))
                .collect(),
        );
        let mut new: Vec<String> = index
            .blocking_names()
            .into_iter()
            .filter(|n| !done.contains(n))
            .collect();
        if new.is_empty() {
            return;
        }
        new.sort();
        done.extend(new.iter().cloned());
        let Ok(ac) = AhoCorasick::new(&new) else {
            return;
        };
        let run = |files: &mut [FileState]| {
            files
                .par_iter_mut()
                .enumerate()
                .for_each(|(i, f)| round_file(engine, ws, &ac, i, f));
        };
        match pool {
            Some(p) => p.install(|| run(files)),
            None => run(files),
        }
    }
}

fn round_file(engine: &Engine, ws: &Workspace, ac: &AhoCorasick, i: usize, f: &mut FileState) {
    let (Some(text), Some(summary)) = (f.text, f.summary.as_mut()) else {
        return;
    };
    if f.checks.is_empty() || !ac.is_match(text) || !ws.files.get(i).is_some_and(|x| x.is_rust()) {
        return;
    }
    let parsed = summary.parsed.clone();
    let input = FileInput {
        path: &ws.files[i].path,
        text,
        checks: &f.checks,
        is_bin_root: f.is_bin_root,
        extra: Some((ac, &parsed)),
        tokenize: false,
    };
    let extra = analyze_file(engine, &input);
    summary.fns.extend(extra.fns);
    summary.sites.extend(extra.sites);
    summary.parsed.extend(extra.parsed);
}
