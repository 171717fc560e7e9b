//! Where the time of a run goes (`--timings`): per stage, per check, and how busy the worker
//! threads were. Plain data plus a process-wide collector, so that every stage can record its
//! time without the figures being threaded through each signature.
//!
//! The collector is off unless [`start`] was called: a disabled [`span`] costs one relaxed
//! atomic load. Per-file stages run on many threads at once, so their figures are *thread
//! time* (summed over the files); workspace stages run once and their figures are wall time.
//! [`finish`] takes the figures and switches the collector off. Two runs timing at once in one
//! process would mix their figures; nothing else depends on them.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A stage of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `cargo metadata` and reading the manifests.
    Metadata,
    /// Loading and compiling checks, policies and the user's config.
    Config,
    /// The gitignore-aware walk.
    Walk,
    /// Reading files (per file).
    Read,
    /// `text` checks' regexes (per file).
    Text,
    /// Suppression directives (per file).
    Directives,
    /// Needle and path-literal prefilter (per file).
    Prefilter,
    /// Tokenizing (per file).
    Tokenize,
    /// Splitting top-level items (per file).
    Split,
    /// Parsing the needed items with `syn` (per file).
    Parse,
    /// Walking the parsed items for facts (per file).
    Visit,
    /// Call-graph facts of unparsed items, from their tokens (per file).
    TokenFns,
    /// The module tree: test code, crates, module paths.
    ModuleTree,
    /// The code model: fns, types, imports, resolved call sites.
    Model,
    /// Interprocedural propagation: roles over the call graph.
    Roles,
    /// The syntax kinds' queries (call, chain, guards, discards, engine findings).
    Queries,
    /// `presence` checks.
    Presence,
    /// Code kinds of the text findings and suppression attributes.
    Classify,
    /// Package- and workspace-level checks (dependency, manifest, file).
    Packages,
    /// Sorting, deduplicating and fingerprinting the findings.
    Findings,
    /// Suppressions, baseline, diff, budgets.
    Gate,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 21] = [
        Stage::Metadata,
        Stage::Config,
        Stage::Walk,
        Stage::Read,
        Stage::Text,
        Stage::Directives,
        Stage::Prefilter,
        Stage::Tokenize,
        Stage::Split,
        Stage::Parse,
        Stage::Visit,
        Stage::TokenFns,
        Stage::ModuleTree,
        Stage::Model,
        Stage::Roles,
        Stage::Queries,
        Stage::Presence,
        Stage::Classify,
        Stage::Packages,
        Stage::Findings,
        Stage::Gate,
    ];

    /// The stage's name as printed.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Metadata => "metadata",
            Stage::Config => "config",
            Stage::Walk => "walk",
            Stage::Read => "read",
            Stage::Text => "text checks",
            Stage::Directives => "directives",
            Stage::Prefilter => "prefilter",
            Stage::Tokenize => "tokenize",
            Stage::Split => "split",
            Stage::Parse => "parse",
            Stage::Visit => "visit",
            Stage::TokenFns => "token fns",
            Stage::ModuleTree => "module tree",
            Stage::Model => "model + resolve",
            Stage::Roles => "roles (interprocedural)",
            Stage::Queries => "queries",
            Stage::Presence => "presence",
            Stage::Classify => "classify findings",
            Stage::Packages => "package checks",
            Stage::Findings => "sort + fingerprint",
            Stage::Gate => "gate",
        }
    }

    /// Runs once per file, on many threads (its figure is thread time).
    pub fn per_file(self) -> bool {
        matches!(
            self,
            Stage::Read
                | Stage::Text
                | Stage::Directives
                | Stage::Prefilter
                | Stage::Tokenize
                | Stage::Split
                | Stage::Parse
                | Stage::Visit
                | Stage::TokenFns
        )
    }
}

/// One stage's figure.
#[derive(Debug, Clone)]
pub struct StageTime {
    /// The stage.
    pub stage: Stage,
    /// Wall time (workspace stages) or thread time summed over files (per-file stages).
    pub time: Duration,
    /// How many times it ran (files, for per-file stages).
    pub count: u64,
}

/// The figures of one run.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Stages that ran, in pipeline order.
    pub stages: Vec<StageTime>,
    /// Thread time per check, by check id (`text` checks per file; the syntax kinds' queries
    /// per check where they run check by check), largest first.
    pub checks: Vec<(String, Duration)>,
    /// Wall time of the parallel per-file pass.
    pub files_wall: Duration,
    /// Thread time of the parallel per-file pass (summed over files).
    pub files_busy: Duration,
    /// Worker threads of the per-file pass.
    pub threads: usize,
}

impl Timings {
    /// Mean number of busy threads during the per-file pass (`threads` at best).
    pub fn utilisation(&self) -> f64 {
        let wall = self.files_wall.as_secs_f64();
        if wall > 0.0 {
            self.files_busy.as_secs_f64() / wall
        } else {
            0.0
        }
    }
}

impl Timings {
    /// The figures as a plain-text table (for stderr), with the binary's own render time and
    /// the whole run's wall time.
    pub fn table(&self, render: Duration, total: Duration) -> String {
        use std::fmt::Write;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "timings (ms; per-file stages are thread time summed over files)"
        );
        for s in &self.stages {
            let what = if s.stage.per_file() { "files" } else { "runs" };
            let _ = writeln!(
                out,
                "  {:<26} {:>9.1}  {:>7} {what}",
                s.stage.name(),
                ms(s.time),
                s.count
            );
        }
        let _ = writeln!(out, "  {:<26} {:>9.1}", "render", ms(render));
        let _ = writeln!(
            out,
            "  per-file pass: {:.1} ms wall, {:.1} ms busy, {:.2} of {} threads busy",
            ms(self.files_wall),
            ms(self.files_busy),
            self.utilisation(),
            self.threads
        );
        let _ = writeln!(out, "  total wall: {:.1} ms", ms(total));
        let _ = writeln!(out, "checks (ms, thread time, largest first)");
        for (id, d) in self.checks.iter().take(15) {
            let _ = writeln!(out, "  {id:<34} {:>9.1}", ms(*d));
        }
        out
    }
}

const STAGES: usize = Stage::ALL.len();

static ON: AtomicBool = AtomicBool::new(false);
static NANOS: [AtomicU64; STAGES] = [const { AtomicU64::new(0) }; STAGES];
static COUNTS: [AtomicU64; STAGES] = [const { AtomicU64::new(0) }; STAGES];
static FILES_WALL: AtomicU64 = AtomicU64::new(0);
static FILES_BUSY: AtomicU64 = AtomicU64::new(0);
static THREADS: AtomicU64 = AtomicU64::new(0);
static CHECKS: Mutex<Vec<u64>> = Mutex::new(Vec::new());

/// Is the collector on?
pub fn enabled() -> bool {
    ON.load(Ordering::Relaxed)
}

/// Clears the figures and switches the collector on.
pub fn start() {
    for a in NANOS.iter().chain(&COUNTS) {
        a.store(0, Ordering::Relaxed);
    }
    for a in [&FILES_WALL, &FILES_BUSY, &THREADS] {
        a.store(0, Ordering::Relaxed);
    }
    if let Ok(mut c) = CHECKS.lock() {
        c.clear();
    }
    ON.store(true, Ordering::Relaxed);
}

/// Switches the collector off and returns the figures; `check_ids[i]` names check `i`.
pub fn finish(check_ids: &[&str]) -> Timings {
    ON.store(false, Ordering::Relaxed);
    let stages = Stage::ALL
        .iter()
        .enumerate()
        .map(|(i, &stage)| StageTime {
            stage,
            time: Duration::from_nanos(NANOS[i].load(Ordering::Relaxed)),
            count: COUNTS[i].load(Ordering::Relaxed),
        })
        .filter(|s| s.count > 0)
        .collect();
    let mut checks: Vec<(String, Duration)> = CHECKS
        .lock()
        .map(|c| c.clone())
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .filter(|(_, n)| *n > 0)
        .filter_map(|(i, n)| Some((check_ids.get(i)?.to_string(), Duration::from_nanos(n))))
        .collect();
    checks.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Timings {
        stages,
        checks,
        files_wall: Duration::from_nanos(FILES_WALL.load(Ordering::Relaxed)),
        files_busy: Duration::from_nanos(FILES_BUSY.load(Ordering::Relaxed)),
        threads: THREADS.load(Ordering::Relaxed) as usize,
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// Adds `d` to a stage's figure.
pub fn add(stage: Stage, d: Duration) {
    if !enabled() {
        return;
    }
    let i = stage as usize;
    NANOS[i].fetch_add(nanos(d), Ordering::Relaxed);
    COUNTS[i].fetch_add(1, Ordering::Relaxed);
}

/// Adds `d` to check `check`'s figure.
pub fn add_check(check: usize, d: Duration) {
    if !enabled() {
        return;
    }
    if let Ok(mut c) = CHECKS.lock() {
        if c.len() <= check {
            c.resize(check + 1, 0);
        }
        if let Some(slot) = c.get_mut(check) {
            *slot += nanos(d);
        }
    }
}

/// Records the per-file pass: its wall time, the threads' summed busy time, the pool size.
pub fn add_files_pass(wall: Duration, busy: Duration, threads: usize) {
    if !enabled() {
        return;
    }
    FILES_WALL.fetch_add(nanos(wall), Ordering::Relaxed);
    FILES_BUSY.fetch_add(nanos(busy), Ordering::Relaxed);
    THREADS.store(threads as u64, Ordering::Relaxed);
}

/// Times `f` as (part of) `stage`.
pub fn time<T>(stage: Stage, f: impl FnOnce() -> T) -> T {
    let started = enabled().then(Instant::now);
    let out = f();
    if let Some(s) = started {
        add(stage, s.elapsed());
    }
    out
}

/// A clock for code that is not one closure: `let t = Clock::start(); …; t.stop(stage)`.
#[derive(Debug, Clone, Copy)]
pub struct Clock(Option<Instant>);

impl Clock {
    /// Starts a clock (does nothing when the collector is off).
    pub fn start() -> Clock {
        Clock(enabled().then(Instant::now))
    }

    /// Time since the start (zero when the collector is off).
    pub fn elapsed(&self) -> Duration {
        self.0.map(|s| s.elapsed()).unwrap_or_default()
    }

    /// Adds the time since the start to `stage` and restarts the clock.
    pub fn lap(&mut self, stage: Stage) {
        if let Some(s) = self.0 {
            let now = Instant::now();
            add(stage, now - s);
            self.0 = Some(now);
        }
    }
}
