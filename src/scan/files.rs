//! Per-file scanning: read each file once (in parallel, on big-stack threads), run the `text`
//! checks and the syntax engine ([`crate::rust`]) on that one read, then the workspace pass.

use std::collections::BTreeMap;

use rayon::prelude::*;

use std::collections::HashSet;

use super::Hit;
use super::suppress::FileDirectives;
use super::syntax::{self, Syntax};
use crate::config::{Check, Config};
use crate::kinds::{Matcher, Mode};
use crate::model::{CodeKind, Region, ScanNote};
use crate::rust::{self, Engine, FileInput, FileState, FileSummary};
use crate::timings::{self, Clock, Stage};
use crate::workspace::{SourceFile, Workspace};

/// The texts of the files read, for snippets.
#[derive(Debug, Default)]
pub struct Sources {
    texts: BTreeMap<String, String>,
    /// Files not read by the scan (manifests of workspace-level findings), read once on demand.
    on_demand: std::cell::RefCell<BTreeMap<String, Option<String>>>,
    root: std::path::PathBuf,
}

impl Sources {
    /// Did the scan read `file`?
    pub fn was_read(&self, file: &str) -> bool {
        self.texts.contains_key(file)
    }

    /// The whole text of `file` (read on demand when the scan did not read it).
    pub fn text(&self, file: &str) -> Option<String> {
        if let Some(t) = self.texts.get(file) {
            return Some(t.clone());
        }
        let mut cache = self.on_demand.borrow_mut();
        cache
            .entry(file.to_string())
            .or_insert_with(|| std::fs::read_to_string(self.root.join(file)).ok())
            .clone()
    }

    /// The text of 1-based `line` of `file`, without its line ending.
    pub fn line(&self, file: &str, line: u32) -> Option<String> {
        let index = line.checked_sub(1)? as usize;
        self.with_text(file, |text| {
            text.lines()
                .nth(index)
                .map(|l| l.trim_end_matches('\r').to_string())
        })
        .flatten()
    }

    /// Runs `f` on the whole text of `file` (read once on demand when the scan did not).
    pub fn with_text<R>(&self, file: &str, f: impl FnOnce(&str) -> R) -> Option<R> {
        if let Some(t) = self.texts.get(file) {
            return Some(f(t));
        }
        let mut cache = self.on_demand.borrow_mut();
        let text = cache
            .entry(file.to_string())
            .or_insert_with(|| std::fs::read_to_string(self.root.join(file)).ok());
        text.as_deref().map(f)
    }
}

/// What the per-file pass produced.
pub struct FileScan {
    /// Findings.
    pub hits: Vec<Hit>,
    /// Problems reading files.
    pub notes: Vec<ScanNote>,
    /// Per check: did a `text` check in `require` mode match anywhere (by package dir)?
    pub text_matched: Vec<Vec<String>>,
    /// The texts read.
    pub sources: Sources,
    /// Suppression directives of the files read (files without any are left out).
    pub directives: BTreeMap<String, FileDirectives>,
    /// Number of files read.
    pub files_scanned: usize,
}

#[derive(Default)]
struct OneFile {
    /// (check index, regions) of text checks that matched.
    text_hits: Vec<(usize, Vec<Region>)>,
    note: Option<ScanNote>,
    text: Option<String>,
    summary: Option<FileSummary>,
    /// Syntax-aware checks that apply to the file.
    syntax: Vec<usize>,
    /// The `presence` checks among them.
    presence: Vec<usize>,
    directives: FileDirectives,
    is_bin_root: bool,
}

/// Runs the file-level checks over every file of the workspace: each file is read once, its
/// `text` checks and (for `.rs` files) the syntax engine run on that one read, on big-stack
/// threads; then the workspace pass classifies code and filters by each check's `code`.
pub fn scan_files(config: &Config, ws: &Workspace, applicable: &[bool]) -> FileScan {
    let (request, syntax) = syntax::request(&config.checks, applicable);
    let engine = Engine::new(request, ws);
    let run = Run {
        checks: &config.checks,
        engine: &engine,
        syntax: &syntax,
    };
    let bins: HashSet<&str> = ws
        .packages
        .iter()
        .flat_map(|p| &p.targets)
        .filter(|t| t.kinds.iter().any(|k| k == "bin"))
        .map(|t| t.src_path.as_str())
        .collect();
    let pool = rust::parse_stack_pool();
    let busy = std::sync::atomic::AtomicU64::new(0);
    let run_all = || -> Vec<OneFile> {
        ws.files
            .par_iter()
            .map(|f| {
                let clock = Clock::start();
                let out = scan_one(&run, ws, applicable, f, bins.contains(f.path.as_str()));
                let nanos = u64::try_from(clock.elapsed().as_nanos()).unwrap_or(u64::MAX);
                busy.fetch_add(nanos, std::sync::atomic::Ordering::Relaxed);
                out
            })
            .collect()
    };
    let clock = Clock::start();
    let (results, threads) = match &pool {
        Some(p) => (p.install(run_all), p.current_num_threads()),
        None => (run_all(), rayon::current_num_threads()),
    };
    let busy = std::time::Duration::from_nanos(busy.into_inner());
    timings::add_files_pass(clock.elapsed(), busy, threads);
    assemble(&run, ws, applicable, results)
}

/// The checks and the engine of one scan.
struct Run<'a> {
    checks: &'a [Check],
    engine: &'a Engine<'a>,
    syntax: &'a Syntax,
}

fn assemble(run: &Run, ws: &Workspace, applicable: &[bool], mut results: Vec<OneFile>) -> FileScan {
    let checks = run.checks;
    let mut states: Vec<FileState> = results
        .iter_mut()
        .map(|r| FileState {
            text: None,
            summary: r.summary.take(),
            wanted: !r.syntax.is_empty(),
            checks: r.presence.clone(),
            is_bin_root: r.is_bin_root,
        })
        .collect();
    for (st, r) in states.iter_mut().zip(&results) {
        st.text = r.text.as_deref();
    }
    let finished = rust::finish(run.engine, ws, &states);
    let hits = {
        let summaries: Vec<Option<&FileSummary>> =
            states.iter().map(|f| f.summary.as_ref()).collect();
        let texts: Vec<Option<&str>> = states.iter().map(|f| f.text).collect();
        let applies: Vec<Vec<usize>> = results.iter().map(|r| r.syntax.clone()).collect();
        let cx = syntax::Cx {
            checks,
            ws,
            class: &finished.class,
            model: &finished.model,
            summaries: &summaries,
            texts: &texts,
            applies: &applies,
            applicable,
        };
        syntax::hits(&cx, run.syntax)
    };
    let mut clock = Clock::start();
    let mut out = FileScan {
        hits,
        notes: Vec::new(),
        text_matched: vec![Vec::new(); checks.len()],
        sources: Sources {
            on_demand: Default::default(),
            texts: BTreeMap::new(),
            root: ws.root.clone(),
        },
        files_scanned: 0,
        directives: BTreeMap::new(),
    };
    let mut clippy_in_test: Vec<Vec<bool>> = Vec::with_capacity(results.len());
    for (i, (r, st)) in results.iter().zip(&states).enumerate() {
        let file = &ws.files[i];
        clippy_in_test.push(
            r.directives
                .clippy
                .iter()
                .map(|a| {
                    let kind = rust::kind_at(ws, &finished.class, st.summary.as_ref(), i, a.line);
                    kind != CodeKind::Production
                })
                .collect(),
        );
        for (idx, regions) in &r.text_hits {
            let Some(check) = checks.get(*idx) else {
                continue;
            };
            let Matcher::Text(m) = &check.matcher else {
                continue;
            };
            let kept: Vec<&Region> = regions
                .iter()
                .filter(|reg| {
                    !file.is_rust()
                        || check.code.includes(rust::kind_at(
                            ws,
                            &finished.class,
                            st.summary.as_ref(),
                            i,
                            reg.line,
                        ))
                })
                .collect();
            match m.mode {
                Mode::Forbid => out.hits.extend(kept.into_iter().map(|region| Hit {
                    check: *idx,
                    file: file.path.clone(),
                    region: region.clone(),
                    message:
                        check.message(format!("forbidden pattern `{}`", m.regex.as_str()), &[]),
                    related: Vec::new(),
                    role: None,
                    severity: None,
                })),
                Mode::Require if !kept.is_empty() => out.text_matched[*idx].push(file.path.clone()),
                Mode::Require => {}
            }
        }
    }
    drop(states);
    clock.lap(Stage::Classify);
    for (i, mut r) in results.into_iter().enumerate() {
        for (a, &in_test) in r.directives.clippy.iter_mut().zip(&clippy_in_test[i]) {
            a.in_test = in_test;
        }
        if r.text.is_some() || r.note.is_some() {
            out.files_scanned += 1;
        }
        out.notes.extend(r.note);
        if !r.directives.is_empty() {
            out.directives
                .insert(ws.files[i].path.clone(), r.directives);
        }
        if let Some(t) = r.text {
            out.sources.texts.insert(ws.files[i].path.clone(), t);
        }
    }
    out
}

/// The checks that look at this file, by path scope and package conditions (code kind is
/// judged after the module tree is known).
fn checks_for<'c>(
    checks: &'c [Check],
    ws: &Workspace,
    applicable: &[bool],
    file: &SourceFile,
) -> Vec<(usize, &'c Check)> {
    let package = file.package.map(|i| &ws.packages[i]);
    checks
        .iter()
        .enumerate()
        .filter(|(i, c)| applicable[*i] && c.scope.includes(&file.path))
        .filter(|(_, c)| match package {
            Some(p) => p.meets(&c.applies),
            None => c.applies.is_unconditional(),
        })
        .collect()
}

fn scan_one(
    run: &Run,
    ws: &Workspace,
    applicable: &[bool],
    file: &SourceFile,
    is_bin_root: bool,
) -> OneFile {
    let checks = checks_for(run.checks, ws, applicable, file);
    let text_checks: Vec<(usize, &Check)> = checks
        .iter()
        .copied()
        .filter(|(_, c)| matches!(&c.matcher, Matcher::Text(t) if t.selects(&file.path)))
        .collect();
    let syntax: Vec<usize> = if file.is_rust() {
        checks
            .iter()
            .map(|(i, _)| *i)
            .filter(|i| run.syntax.is_syntax(*i))
            .collect()
    } else {
        Vec::new()
    };
    let presence: Vec<usize> = syntax
        .iter()
        .copied()
        .filter(|i| matches!(run.checks[*i].matcher, Matcher::Presence(_)))
        .collect();
    // The gate's checks report on suppression comments: their files are read for them.
    let gate_wants = checks
        .iter()
        .any(|(_, c)| matches!(c.matcher, Matcher::Gate));
    let engine_wants = file.is_rust()
        && (run.syntax.uncompiled.is_some()
            || run.syntax.parse_error.is_some()
            || !run.syntax.checks.is_empty()
            || gate_wants);
    if text_checks.is_empty() && !engine_wants {
        return OneFile::default();
    }
    let text = match timings::time(Stage::Read, || read_text(file)) {
        Ok(t) => t,
        Err(message) => {
            let note = ScanNote {
                file: file.path.clone(),
                message,
            };
            return OneFile {
                note: Some(note),
                ..OneFile::default()
            };
        }
    };
    let text_hits: Vec<(usize, Vec<Region>)> = text_checks
        .iter()
        .filter_map(|(idx, c)| match &c.matcher {
            Matcher::Text(m) => {
                let clock = Clock::start();
                let found = m.matches(&text);
                timings::add(Stage::Text, clock.elapsed());
                timings::add_check(*idx, clock.elapsed());
                Some((*idx, found))
            }
            _ => None,
        })
        .filter(|(_, r)| !r.is_empty())
        .collect();
    let summary = file.is_rust().then(|| {
        let input = FileInput {
            path: &file.path,
            text: &text,
            wanted: !syntax.is_empty(),
            checks: &presence,
            is_bin_root,
            extra: None,
            tokenize: !text_hits.is_empty(),
        };
        rust::analyze_file(run.engine, &input)
    });
    OneFile {
        text_hits,
        note: None,
        directives: timings::time(Stage::Directives, || {
            super::suppress::collect(&text, file.is_rust())
        }),
        text: Some(text),
        summary,
        syntax,
        presence,
        is_bin_root,
    }
}

/// Reads a file as UTF-8, with a clear message when it cannot be.
pub fn read_text(file: &SourceFile) -> Result<String, String> {
    let bytes = std::fs::read(&file.abs).map_err(|e| format!("cannot read file: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (byte {}), skipped",
            e.utf8_error().valid_up_to()
        )
    })
}
