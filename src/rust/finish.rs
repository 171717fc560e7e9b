//! The workspace pass after every file is summarized: module-tree classification (code kinds,
//! crates and module paths), one extra parsing pass for the callers of possibly blocking fns,
//! and the code model.
//!
//! The extra pass replaces parse-until-fixpoint rounds: the names of sync fns with a seed site
//! (a needle of an interprocedural query) are closed over "an item that mentions one of these
//! names defines a fn that may call it" on the text alone (whole words; the fn around the
//! mention), and the unparsed items that mention any name of the closure are parsed once.

use std::collections::HashSet;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

use super::contexts::{frames_up, in_async};
use super::engine::{Engine, FileInput, analyze_file};
use super::graph::CodeModel;
use super::{Classification, FileSummary, classify};
use crate::model::CodeKind;
use crate::workspace::Workspace;

/// One file as the per-file pass left it.
pub struct FileState<'a> {
    /// Its text, if read.
    pub text: Option<&'a str>,
    /// The engine's summary, if analyzed.
    pub summary: Option<FileSummary>,
    /// Some syntax-aware check applies to it.
    pub wanted: bool,
    /// The `presence` checks that apply to it.
    pub checks: Vec<usize>,
    /// Root of a bin target?
    pub is_bin_root: bool,
}

/// What the workspace pass gives.
pub struct Finished {
    /// File classification (code kinds, crates, module paths).
    pub class: Classification,
    /// The code model.
    pub model: CodeModel,
}

/// Runs the workspace pass. `files[i]` belongs to `ws.files[i]`.
pub fn finish(
    engine: &Engine,
    ws: &Workspace,
    files: &mut [FileState],
    pool: Option<&rayon::ThreadPool>,
) -> Finished {
    let class = {
        let summaries: Vec<Option<&FileSummary>> =
            files.iter().map(|f| f.summary.as_ref()).collect();
        classify(ws, &summaries)
    };
    extra_pass(engine, ws, files, pool);
    let summaries: Vec<Option<&FileSummary>> = files.iter().map(|f| f.summary.as_ref()).collect();
    let model = CodeModel::build(ws, &class, &summaries, engine.request.graph);
    Finished { class, model }
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

/// Parses, once, the items that may call a blocking fn (see the module header).
fn extra_pass(
    engine: &Engine,
    ws: &Workspace,
    files: &mut [FileState],
    pool: Option<&rayon::ThreadPool>,
) {
    let mut names = seed_names(files);
    if names.is_empty() {
        return;
    }
    let mut frontier: Vec<String> = names.iter().cloned().collect();
    for _ in 0..64 {
        frontier.sort();
        let Ok(ac) = AhoCorasick::new(&frontier) else {
            return;
        };
        let found: Vec<String> = in_pool(pool, || {
            files
                .par_iter()
                .flat_map_iter(|f| callers_named(f, &ac))
                .collect()
        });
        frontier = found
            .into_iter()
            .filter(|n| names.insert(n.clone()))
            .collect();
        if frontier.is_empty() {
            break;
        }
    }
    let mut all: Vec<String> = names.into_iter().collect();
    all.sort();
    let Ok(ac) = AhoCorasick::new(&all) else {
        return;
    };
    in_pool(pool, || {
        files
            .par_iter_mut()
            .enumerate()
            .for_each(|(i, f)| parse_more(engine, ws, &ac, i, f))
    });
}

fn in_pool<T: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> T + Send) -> T {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Names of the sync fns that make a seed call outside async code.
fn seed_names(files: &[FileState]) -> HashSet<String> {
    let mut out = HashSet::new();
    for s in files.iter().filter_map(|f| f.summary.as_ref()) {
        let facts = &s.facts;
        for site in facts.sites.iter().filter(|s| s.seed) {
            if in_async(frames_up(&facts.frames, site.frame)) {
                continue;
            }
            let decl = site
                .body
                .and_then(|b| facts.enclosing_fn(b))
                .and_then(|f| facts.bodies.get(f as usize))
                .filter(|b| !b.is_async)
                .and_then(|b| b.decl());
            if let Some(d) = decl {
                out.insert(d.name.clone());
            }
        }
    }
    out
}

/// Names of the sync fns of a file that mention one of the names (as a whole word).
fn callers_named(f: &FileState, ac: &AhoCorasick) -> Vec<String> {
    let (Some(text), true) = (f.text, f.wanted) else {
        return Vec::new();
    };
    let items = f
        .summary
        .as_ref()
        .map(|s| s.items.as_slice())
        .unwrap_or(&[]);
    let mut out = Vec::new();
    for m in ac.find_iter(text) {
        if !whole_word(text, m.start(), m.end()) {
            continue;
        }
        let start = match items.partition_point(|(a, _)| *a <= m.start()) {
            0 => 0,
            i => items[i - 1].0,
        };
        if let Some(name) = fn_before(text, start, m.start()) {
            out.push(name);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let ident = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    let bytes = text.as_bytes();
    !ident(start.checked_sub(1).and_then(|i| bytes.get(i))) && !ident(bytes.get(end))
}

/// The last non-async `fn name` declared in `text[from..at]`.
fn fn_before(text: &str, from: usize, at: usize) -> Option<String> {
    let hay = text.get(from..at)?;
    let pos = memchr::memmem::rfind_iter(hay.as_bytes(), b"fn ")
        .find(|&i| i == 0 || !hay.as_bytes()[i - 1].is_ascii_alphanumeric())?;
    let is_async = hay[..pos].trim_end().ends_with("async");
    let name: String = hay[pos + 3..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!is_async && !name.is_empty()).then_some(name)
}

fn parse_more(engine: &Engine, ws: &Workspace, ac: &AhoCorasick, i: usize, f: &mut FileState) {
    let (Some(text), Some(summary)) = (f.text, f.summary.as_mut()) else {
        return;
    };
    if !f.wanted || !ac.is_match(text) || !ws.files.get(i).is_some_and(|x| x.is_rust()) {
        return;
    }
    let parsed = summary.parsed.clone();
    let input = FileInput {
        path: &ws.files[i].path,
        text,
        wanted: true,
        checks: &f.checks,
        is_bin_root: f.is_bin_root,
        extra: Some((ac, &parsed)),
        tokenize: false,
    };
    let extra = analyze_file(engine, &input);
    if !summary.tokenized && extra.tokenized {
        summary.tokenized = true;
        summary.test_ranges = extra.test_ranges;
        summary.items = extra.items;
    }
    summary.facts.extend(extra.facts);
    summary.parsed.extend(extra.parsed);
    summary.presence.extend(extra.presence);
}
