//! cargo-ready: is this Rust workspace ready for production?
//!
//! The pipeline reads top to bottom, one module per stage:
//! [`config`] → [`workspace`] → [`scan`] → [`gate`] → [`score`] → [`render`].
//! The library never prints; the binary owns stdout (the report) and stderr (progress, errors).

#![deny(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub mod date;
pub mod diag;
pub mod error;
pub mod gate;
pub mod guard;
pub mod init;
pub mod inventory;
pub mod kinds;
pub mod model;
pub mod output;
pub mod render;
pub mod rust;
pub mod scan;
pub mod score;
pub mod texts;
pub mod timings;
pub mod workspace;

use std::path::PathBuf;

pub use error::{Error, exit};
use model::{Report, ToolInfo};
pub use workspace::metadata::Selection;

/// Version of the JSON report shape.
pub const FORMAT_VERSION: u32 = 1;

/// What to analyze and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Cargo.toml of the workspace (None: the current directory's).
    pub manifest_path: Option<PathBuf>,
    /// Packages to scan.
    pub selection: Selection,
    /// CLI layer of the configuration.
    pub overrides: config::CliOverrides,
    /// A JSON report of an earlier run: findings already in it do not count.
    pub baseline: Option<PathBuf>,
    /// A git revision: only findings on lines changed since its merge-base with HEAD count.
    pub diff_base: Option<String>,
    /// The branch whose gate applies (None: git's HEAD, else GitHub's variables).
    pub branch: Option<String>,
    /// Today, for suppression expiry (None: the system clock, UTC).
    pub today: Option<date::Date>,
    /// GitHub Actions variables the run may use.
    pub github: GithubEnv,
    /// Collect per-stage and per-check timings ([`Stats::timings`]).
    pub timings: bool,
    /// Leave out GitHub's line hash of each finding (`Finding::line_hash`: only SARIF shows it,
    /// and hashing every file with findings again is a tenth of the serial tail on a large
    /// workspace).
    pub without_line_hashes: bool,
}

/// GitHub Actions variables (read by the binary; the library reads no environment).
#[derive(Debug, Clone, Default)]
pub struct GithubEnv {
    /// `GITHUB_BASE_REF`: a pull request's target branch (the `--diff-base` fallback).
    pub base_ref: Option<String>,
    /// `GITHUB_HEAD_REF`: a pull request's source branch.
    pub head_ref: Option<String>,
    /// `GITHUB_REF_NAME`: the branch or tag of a push.
    pub ref_name: Option<String>,
}

/// Timing and size facts about a run (for `-v`; not part of the report).
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Files in the workspace file set.
    pub files: usize,
    /// Files read by the scan.
    pub files_scanned: usize,
    /// Time spent scanning.
    pub scan_time: std::time::Duration,
    /// Where the time went, when [`Options::timings`] asked for it.
    pub timings: Option<timings::Timings>,
    /// The slowest files of the per-file pass, slowest first.
    pub slowest: Vec<(String, std::time::Duration)>,
    /// The workspace root (outputs never write through a link from inside it to outside).
    pub workspace_root: PathBuf,
}

/// Runs the whole pipeline up to the report.
pub fn analyze(opts: &Options) -> Result<(Report, Stats), Error> {
    if opts.timings {
        timings::start();
    }
    // The catalogue compiles while `cargo metadata` runs.
    let (ws, ()) = rayon::join(
        || {
            timings::time(timings::Stage::Metadata, || {
                workspace::load(opts.manifest_path.as_deref(), &opts.selection)
            })
        },
        config::prewarm,
    );
    let mut ws = ws?;
    let member_errors = workspace::member_config_errors(&ws);
    let mut config = timings::time(timings::Stage::Config, || {
        config::load_with(&ws.root, &opts.overrides, member_errors)
    })?;
    timings::time(timings::Stage::Walk, || discover(&mut ws, &config));
    if config.wants_deploy_probes() {
        config.add_deploy_probes(&workspace::probes::find(&ws));
    }
    let baseline = opts.baseline.as_deref().map(load_baseline).transpose()?;
    let diff = opts
        .diff_base
        .as_deref()
        .map(|rev| workspace::git::changed_lines(&ws.root, rev, opts.github.base_ref.as_deref()))
        .transpose()?;
    let started = std::time::Instant::now();
    let mut scanned = scan::scan(&config, &ws, !opts.without_line_hashes);
    scanned.notes.extend(ws.notes.iter().cloned());
    scanned.notes.sort();
    let input = gate::GateInput {
        config: &config,
        ws: &ws,
        directives: &scanned.directives,
        baseline: baseline.as_ref(),
        changed: diff.as_ref().map(|(lines, _)| lines),
        today: opts.today.unwrap_or_else(date::Date::today_utc),
    };
    let gated = timings::time(timings::Stage::Gate, || gate::run(scanned.findings, &input));
    let ids: Vec<&str> = config.checks.iter().map(|c| c.id.as_str()).collect();
    let stats = Stats {
        files: ws.files.len(),
        files_scanned: scanned.files_scanned,
        slowest: scanned.slowest.clone(),
        scan_time: started.elapsed(),
        timings: opts.timings.then(|| timings::finish(&ids)),
        workspace_root: ws.root.clone(),
    };
    let run = Run {
        applicable: &scanned.applicable,
        skip_reasons: scanned.skip_reasons,
        services: scanned.services,
        not_services: scanned.not_services,
        notes: scanned.notes,
        branch: branch_of(opts, &ws),
        diff: diff.map(|(_, info)| info),
    };
    Ok((build_report(&config, &ws, gated, run), stats))
}

/// Fills the file set: the workspace walk, and the repository root's files when a `file` check
/// looks there (`scope = "repository"`).
fn discover(ws: &mut workspace::Workspace, config: &config::Config) {
    workspace::discover_files(ws, &config.ignore);
    let globs: Vec<String> = config
        .checks
        .iter()
        .filter_map(|c| match &c.matcher {
            kinds::Matcher::File(f) if f.scope == kinds::file::FileScope::Repository => {
                Some(f.patterns.clone())
            }
            _ => None,
        })
        .flatten()
        .collect();
    if !globs.is_empty() {
        workspace::discover_repository_files(ws, &globs);
    }
}

/// The branch for the gate: `--branch`, else git's HEAD, else GitHub's variables.
fn branch_of(opts: &Options, ws: &workspace::Workspace) -> Option<String> {
    let non_empty = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    non_empty(&opts.branch)
        .or_else(|| workspace::git::current_branch(&ws.root))
        .or_else(|| non_empty(&opts.github.head_ref))
        .or_else(|| non_empty(&opts.github.ref_name))
}

/// What `cargo ready init` writes about the workspace at `manifest_path`: a scan with the
/// built-in `recommended` policy, the user's configuration (if any) left out. Also gives the
/// workspace root.
pub fn init_facts(
    manifest_path: Option<&std::path::Path>,
) -> Result<(init::Facts, PathBuf), Error> {
    let mut ws = workspace::load(manifest_path, &Selection::default())?;
    let overrides = config::CliOverrides {
        policies: vec!["recommended".into()],
        ignore_user_config: true,
        ..Default::default()
    };
    let config = config::load(&ws.root, &overrides)?;
    discover(&mut ws, &config);
    let scanned = scan::scan(&config, &ws, false);
    let input = gate::GateInput {
        config: &config,
        ws: &ws,
        directives: &scanned.directives,
        baseline: None,
        changed: None,
        today: date::Date::today_utc(),
    };
    let gated = gate::run(scanned.findings, &input);
    let run = Run {
        applicable: &scanned.applicable,
        skip_reasons: scanned.skip_reasons,
        services: scanned.services,
        not_services: scanned.not_services,
        notes: scanned.notes,
        branch: None,
        diff: None,
    };
    let report = build_report(&config, &ws, gated, run);
    Ok((init::facts(&ws, &report), ws.root.clone()))
}

/// The baseline an earlier JSON report makes (see `gate::baseline` for what it means), read
/// only from a regular file under [`guard::MAX_BASELINE_BYTES`] (`--baseline /dev/zero` must
/// not hang the run).
pub fn load_baseline(path: &std::path::Path) -> Result<gate::Baseline, Error> {
    let bad = |why: String| Error::Usage(format!("cannot use baseline {}: {why}", path.display()));
    let text = guard::read_regular_text(path, guard::MAX_BASELINE_BYTES)
        .map_err(|e| bad(e.to_string()))?;
    gate::Baseline::parse(&text, &path.display().to_string()).map_err(bad)
}

/// What the run adds to the gated findings for the report.
struct Run<'a> {
    applicable: &'a [bool],
    /// Per check: why it was skipped, when the scan knows.
    skip_reasons: Vec<Option<String>>,
    services: Vec<model::Service>,
    not_services: Vec<model::NotService>,
    notes: Vec<model::ScanNote>,
    branch: Option<String>,
    diff: Option<model::DiffInfo>,
}

/// Check results and scorecard for one way of counting; a gate blocker with findings makes the
/// status NOT READY.
fn scored(
    config: &config::Config,
    applicable: &[bool],
    findings: &[model::Finding],
    rule: &config::Gate,
    counting: gate::Counting,
) -> (Vec<model::CheckResult>, score::Scorecard) {
    let results = gate::check_results(config, applicable, findings, &rule.blockers, counting);
    let mut card = score::scorecard(&config.categories, &results);
    if !score::blocked(rule, &results).is_empty() {
        card.status = model::Status::NotReady;
    }
    (results, card)
}

fn build_report(
    config: &config::Config,
    ws: &workspace::Workspace,
    gated: gate::Gated,
    run: Run<'_>,
) -> Report {
    let rule = config.gates.resolve(run.branch.as_deref());
    let (mut results, card) = scored(
        config,
        run.applicable,
        &gated.findings,
        &rule,
        gate::Counting::Gated,
    );
    let (_, ungated) = scored(
        config,
        run.applicable,
        &gated.findings,
        &rule,
        gate::Counting::WithoutExemptions,
    );
    for (r, reason) in results.iter_mut().zip(&run.skip_reasons) {
        if r.outcome == model::Outcome::Skipped {
            r.reason = reason.clone();
        }
    }
    let service_packages: Vec<&str> = run.services.iter().map(|s| s.package.as_str()).collect();
    let packages = score::package_scores(
        ws,
        &service_packages,
        &config.checks,
        &results,
        &config.categories,
        &gated.findings,
    );
    let gate = score::gate(&rule, &card, &results, run.branch);
    results.sort_by(|a, b| a.id.cmp(&b.id));
    let exemptions = model::Exemptions {
        suppressed: gated
            .findings
            .iter()
            .filter(|f| f.suppressed.as_ref().is_some_and(|s| s.kind != "baseline"))
            .count() as u32,
        baselined: gated.baseline.baselined,
        baseline_fixed: gated.baseline.fixed,
        pre_existing: gated
            .findings
            .iter()
            .filter(|f| f.is_pre_existing())
            .count() as u32,
        score: ungated.score,
        status: ungated.status,
    };
    Report {
        format_version: FORMAT_VERSION,
        scoring_model: score::SCORING_MODEL.to_string(),
        tool: ToolInfo {
            name: "cargo-ready".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        policies: config.policies.clone(),
        score: card.score,
        status: card.status,
        gate,
        categories: card.categories,
        packages,
        checks: results,
        services: run.services,
        not_services: run.not_services,
        exemptions,
        diff: run.diff,
        findings: gated.findings,
        suppressions: gated.inventory,
        notes: run.notes,
    }
}
