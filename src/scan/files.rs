//! Per-file scanning: read each file once (in parallel, on big-stack threads), run the `text`
//! checks and the syntax engine ([`crate::rust`]) on that one read, then the workspace pass.

use std::collections::BTreeMap;

use rayon::prelude::*;

use std::collections::HashSet;

use super::Hit;
pub use super::sources::Sources;
use super::suppress::FileDirectives;
use super::syntax::{self, Syntax};
use crate::config::{Check, Config, Limits};
use crate::kinds::{Matcher, Mode};
use crate::model::{CodeKind, Region, ScanNote};
use crate::rust::{self, Engine, FileInput, FileState, FileSummary};
use crate::texts::{ReadFile, Stamp, Texts};
use crate::timings::{self, Clock, Stage};
use crate::workspace::{SourceFile, Workspace};

/// What the per-file pass produced.
pub struct FileScan {
    /// Findings.
    pub hits: Vec<Hit>,
    /// Problems reading files.
    pub notes: Vec<ScanNote>,
    /// Per check: did a `text` check in `require` mode match anywhere (by package dir)?
    pub text_matched: Vec<Vec<String>>,
    /// The texts of the files, for snippets.
    pub sources: Sources,
    /// Suppression directives of the files read (files without any are left out).
    pub directives: BTreeMap<String, FileDirectives>,
    /// Number of files read.
    pub files_scanned: usize,
    /// The kind of code at each place.
    pub scopes: Scopes,
    /// The bins that are services (and those that are not).
    pub services: rust::services::Services,
    /// Verdicts of the presence service checks.
    pub verdicts: Vec<rust::ServiceVerdict>,
    /// The slowest files of the per-file pass, slowest first (for `-v`).
    pub slowest: Vec<(String, std::time::Duration)>,
}

/// The kind of code of every file, and the test ranges inside production files, for the
/// `scope` of findings.
#[derive(Debug, Default)]
pub struct Scopes {
    /// Path → (kind of the file, test line ranges).
    files: std::collections::HashMap<String, (CodeKind, Vec<(u32, u32)>)>,
}

impl Scopes {
    /// The kind of code at a line of a file (production for files the scan does not know).
    pub fn at(&self, file: &str, line: u32) -> CodeKind {
        match self.files.get(file) {
            Some((CodeKind::Production, ranges))
                if ranges.iter().any(|&(a, b)| a <= line && line <= b) =>
            {
                CodeKind::Test
            }
            Some((kind, _)) => *kind,
            None => CodeKind::Production,
        }
    }
}

#[derive(Default)]
struct OneFile {
    /// (check index, regions) of text checks that matched.
    text_hits: Vec<(usize, Vec<Region>)>,
    note: Option<ScanNote>,
    /// The file was read: what the read saw (its text is dropped once the pass is done).
    read: Option<ReadFile>,
    summary: Option<FileSummary>,
    /// Syntax-aware checks that apply to the file.
    syntax: Vec<usize>,
    /// The `presence` checks among them.
    presence: Vec<usize>,
    directives: FileDirectives,
    is_bin_root: bool,
    generated: bool,
    /// Time spent on the file in the per-file pass.
    elapsed: std::time::Duration,
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
    let serving = ws.serving();
    let pool = rust::parse_stack_pool();
    let busy = std::sync::atomic::AtomicU64::new(0);
    let run_all = || -> Vec<OneFile> {
        ws.files
            .par_iter()
            .map(|f| {
                let is_bin_root = bins.contains(f.path.as_str());
                let started = std::time::Instant::now();
                let mut one = contained(f, || {
                    let serves = f.package.is_some_and(|p| serving.get(p) == Some(&true));
                    let place = Place {
                        is_bin_root,
                        serves,
                    };
                    scan_one(&run, ws, applicable, f, place, config.limits)
                });
                one.elapsed = started.elapsed();
                let nanos = u64::try_from(one.elapsed.as_nanos()).unwrap_or(u64::MAX);
                busy.fetch_add(nanos, std::sync::atomic::Ordering::Relaxed);
                one
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

/// Where a file sits: is it a bin target's root, could its code be part of a service?
#[derive(Clone, Copy)]
struct Place {
    is_bin_root: bool,
    serves: bool,
}

/// The checks and the engine of one scan.
struct Run<'a> {
    checks: &'a [Check],
    engine: &'a Engine<'a>,
    syntax: &'a Syntax,
}

fn assemble(run: &Run, ws: &Workspace, applicable: &[bool], mut results: Vec<OneFile>) -> FileScan {
    let checks = run.checks;
    let states: Vec<FileState> = results
        .iter_mut()
        .map(|r| FileState {
            summary: r.summary.take(),
            wanted: !r.syntax.is_empty(),
            checks: r.presence.clone(),
            is_bin_root: r.is_bin_root,
            generated: r.generated,
        })
        .collect();
    let texts = Texts::new(results.iter_mut().map(|r| r.read.take()).collect());
    let finished = rust::finish(run.engine, ws, &states, &texts);
    let (hits, verdicts) = {
        let summaries: Vec<Option<&FileSummary>> =
            states.iter().map(|f| f.summary.as_ref()).collect();
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
            services: &finished.services,
        };
        syntax::hits(&cx, run.syntax)
    };
    let mut clock = Clock::start();
    let mut out = FileScan {
        hits,
        notes: Vec::new(),
        text_matched: vec![Vec::new(); checks.len()],
        sources: Sources::default(),
        files_scanned: 0,
        scopes: scopes(ws, &finished.class, &states, &results),
        services: finished.services,
        verdicts,
        slowest: slowest(ws, &results),
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
                .filter(|reg| check.code.includes(out.scopes.at(&file.path, reg.line)))
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
    // Freeing the syntax facts takes a while: off the main thread, which goes on meanwhile.
    let summaries: Vec<Option<FileSummary>> = states.into_iter().map(|s| s.summary).collect();
    rayon::spawn(move || drop(summaries));
    clock.lap(Stage::Classify);
    for (i, mut r) in results.into_iter().enumerate() {
        for (a, &in_test) in r.directives.clippy.iter_mut().zip(&clippy_in_test[i]) {
            a.in_test = in_test;
        }
        if texts.was_read(i) || r.note.is_some() {
            out.files_scanned += 1;
        }
        out.notes.extend(r.note);
        if !r.directives.is_empty() {
            out.directives
                .insert(ws.files[i].path.clone(), r.directives);
        }
    }
    out.sources = Sources::new(ws, texts);
    out
}

/// The kind of every file (module tree, path, generated marker) with its test ranges.
fn scopes(
    ws: &Workspace,
    class: &rust::Classification,
    states: &[FileState],
    results: &[OneFile],
) -> Scopes {
    let files = ws
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let kind = class
                .kinds
                .get(i)
                .copied()
                .flatten()
                .unwrap_or_else(|| ws.path_code_kind(&f.path));
            let generated = results.get(i).is_some_and(|r| r.generated);
            let kind = if generated && kind != CodeKind::Uncompiled {
                CodeKind::Vendored
            } else {
                kind
            };
            let ranges = states
                .get(i)
                .and_then(|s| s.summary.as_ref())
                .map(|s| s.test_ranges.clone())
                .unwrap_or_default();
            (f.path.clone(), (kind, ranges))
        })
        .collect();
    Scopes { files }
}

/// Does the text say it is generated, in its first lines (`@generated`, "Code generated …
/// DO NOT EDIT", "automatically generated")?
fn is_generated(text: &str) -> bool {
    let head: String = text.lines().take(5).collect::<Vec<_>>().join("\n");
    let lower = head.to_ascii_lowercase();
    head.contains("@generated")
        || (lower.contains("generated") && lower.contains("do not edit"))
        || lower.contains("automatically generated")
        || lower.contains("auto-generated")
        || lower.contains("autogenerated")
}

/// Files kept in [`FileScan::slowest`].
const SLOWEST: usize = 10;

fn slowest(ws: &Workspace, results: &[OneFile]) -> Vec<(String, std::time::Duration)> {
    let mut times: Vec<(String, std::time::Duration)> = results
        .iter()
        .zip(&ws.files)
        .map(|(r, f)| (f.path.clone(), r.elapsed))
        .collect();
    times.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    times.truncate(SLOWEST);
    times
}

/// The checks that look at this file, by path scope and package conditions (code kind is
/// judged after the module tree is known).
fn checks_for<'c>(
    checks: &'c [Check],
    ws: &Workspace,
    applicable: &[bool],
    file: &SourceFile,
    serves: bool,
) -> Vec<(usize, &'c Check)> {
    let package = file.package.map(|i| &ws.packages[i]);
    checks
        .iter()
        .enumerate()
        .filter(|(i, c)| applicable[*i] && c.scope.includes(&file.path))
        .filter(|(_, c)| serves || !c.applies.is_service())
        .filter(|(_, c)| match package {
            Some(p) => p.meets(&c.applies),
            None => c.applies.is_unconditional(),
        })
        .collect()
}

/// Runs the per-file pass of `file`, containing a panic (a bug, or a dependency's on hostile
/// input) to that file: it gets a note and no findings, and the scan goes on.
fn contained(file: &SourceFile, pass: impl FnOnce() -> OneFile) -> OneFile {
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(pass));
    caught.unwrap_or_else(|panic| {
        proc_macro2::extra::invalidate_current_thread_spans();
        let why = rust::panic_message(panic.as_ref());
        OneFile {
            note: Some(ScanNote {
                file: file.path.clone(),
                message: format!("internal error while scanning this file, skipped: {why}"),
            }),
            ..OneFile::default()
        }
    })
}

fn scan_one(
    run: &Run,
    ws: &Workspace,
    applicable: &[bool],
    file: &SourceFile,
    place: Place,
    limits: Limits,
) -> OneFile {
    let Place {
        is_bin_root,
        serves,
    } = place;
    // Code that is certainly not production (a test target, a file under `tests/`, vendored
    // code) is searched only by the checks whose `code` includes its kind, and starts no
    // service: whatever else would be found there is dropped when code kinds are judged.
    let certain = ws.certain_code_kind(file);
    let serves = serves && certain.is_none();
    let checks = checks_for(run.checks, ws, applicable, file, serves);
    let reads_its_kind = |c: &Check| certain.is_none_or(|k| c.code.includes(k));
    let text_checks: Vec<(usize, &Check)> = checks
        .iter()
        .copied()
        .filter(|(_, c)| matches!(&c.matcher, Matcher::Text(t) if t.selects(&file.path)))
        .filter(|(_, c)| reads_its_kind(c))
        .collect();
    let syntax: Vec<usize> = if file.is_rust() {
        checks
            .iter()
            .filter(|(_, c)| reads_its_kind(c))
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
            || run.engine.request.starts.is_some()
            || !run.syntax.checks.is_empty()
            || gate_wants);
    if text_checks.is_empty() && !engine_wants {
        return OneFile::default();
    }
    let text = match timings::time(Stage::Read, || read_text(file, limits.max_read_bytes)) {
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
    // Parsing costs far more memory than the text (a token per few bytes): beyond the cap,
    // only the text checks run.
    let parse = file.is_rust() && text.len() as u64 <= limits.max_parse_bytes;
    let note = (file.is_rust() && !parse).then(|| ScanNote {
        file: file.path.clone(),
        message: format!(
            "{} bytes, larger than `[limits] max_parse_bytes` ({}): not parsed, only text checks ran",
            text.len(),
            limits.max_parse_bytes
        ),
    });
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
    let mut directives = timings::time(Stage::Directives, || {
        super::suppress::collect_comments(&text, file.is_rust())
    });
    // Clippy attributes are found in the engine's tokens (the file is tokenized once).
    let wants_clippy = file.is_rust() && super::suppress::mentions_clippy(&text);
    let clippy = std::cell::OnceCell::new();
    let on_tokens = |top: &[rust::Tt], src: &rust::Src| {
        let _ = clippy.set(super::attrs::clippy_allows_in(top, src, &text));
    };
    let summary = parse.then(|| {
        let input = FileInput {
            path: &file.path,
            text: &text,
            wanted: !syntax.is_empty(),
            checks: &presence,
            is_bin_root,
            serves,
            on_tokens: wants_clippy.then_some(&on_tokens as &rust::OnTokens),
            // A file of a certain kind has no test ranges to learn.
            tokenize: (certain.is_none() && (!text_hits.is_empty() || !directives.is_empty()))
                || wants_clippy,
            lex_check: (run.syntax.parse_error)
                .is_some_and(|i| run.checks.get(i).is_some_and(reads_its_kind)),
        };
        rust::analyze_file(run.engine, &input)
    });
    if wants_clippy {
        directives.clippy = match clippy.into_inner() {
            Some(found) => found,
            None => timings::time(Stage::Directives, || super::attrs::clippy_allows(&text)),
        };
    }
    OneFile {
        text_hits,
        note,
        generated: is_generated(&text),
        directives,
        read: Some(ReadFile {
            abs: file.abs.clone(),
            limit: limits.max_read_bytes,
            stamp: Stamp::of(&text),
        }),
        summary,
        syntax,
        presence,
        is_bin_root,
        elapsed: std::time::Duration::ZERO,
    }
}

/// Reads a file as UTF-8 (a regular file of at most `limit` bytes), with a clear message when
/// it cannot be.
pub fn read_text(file: &SourceFile, limit: u64) -> Result<String, String> {
    use crate::guard::ReadError;
    let bytes = crate::guard::read_regular(&file.abs, limit).map_err(|e| match e {
        ReadError::TooLarge { size, limit } => {
            format!("{size} bytes, larger than `[limits] max_read_bytes` ({limit}): not read")
        }
        e => format!("cannot read file: {e}"),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (byte {}), skipped",
            e.utf8_error().valid_up_to()
        )
    })
}
