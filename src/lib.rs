//! cargo-ready: is this Rust workspace ready for production?
//!
//! The pipeline reads top to bottom, one module per stage:
//! [`config`] → [`workspace`] → [`scan`] → [`gate`] → [`score`] → [`render`].
//! The library never prints; the binary owns stdout (the report) and stderr (progress, errors).

#![deny(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub mod diag;
pub mod error;
pub mod gate;
pub mod guard;
pub mod kinds;
pub mod model;
pub mod output;
pub mod render;
pub mod rust;
pub mod scan;
pub mod score;
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
    /// A JSON report of an earlier run to compare with.
    pub baseline: Option<PathBuf>,
    /// A git revision: findings on lines changed since it are marked and shown first.
    pub diff_base: Option<String>,
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
    /// The slowest files of the per-file pass, slowest first.
    pub slowest: Vec<(String, std::time::Duration)>,
    /// The workspace root (outputs never write through a link from inside it to outside).
    pub workspace_root: PathBuf,
}

/// Runs the whole pipeline up to the report.
pub fn analyze(opts: &Options) -> Result<(Report, Stats), Error> {
    let mut ws = workspace::load(opts.manifest_path.as_deref(), &opts.selection)?;
    let member_errors = workspace::member_config_errors(&ws);
    let config = config::load_with(&ws.root, &opts.overrides, member_errors)?;
    workspace::discover_files(&mut ws, &config.ignore);
    let baseline = opts.baseline.as_deref().map(load_baseline).transpose()?;
    let changed = opts
        .diff_base
        .as_deref()
        .map(|rev| workspace::git::changed_lines(&ws.root, rev))
        .transpose()?;
    let started = std::time::Instant::now();
    let mut scanned = scan::scan(&config, &ws);
    scanned.notes.extend(ws.notes.iter().cloned());
    scanned.notes.sort();
    if let (Some(fingerprints), Some(path)) = (&baseline, &opts.baseline) {
        gate::apply_baseline(
            &mut scanned.findings,
            fingerprints,
            &path.display().to_string(),
        );
    }
    if let Some(changed) = &changed {
        gate::mark_changed(&mut scanned.findings, changed);
    }
    let stats = Stats {
        files: ws.files.len(),
        files_scanned: scanned.files_scanned,
        slowest: scanned.slowest.clone(),
        scan_time: started.elapsed(),
        workspace_root: ws.root.clone(),
    };
    Ok((build_report(&config, &ws, scanned), stats))
}

/// The fingerprints of the findings of an earlier JSON report (`--baseline`): read only from a
/// regular file under [`guard::MAX_BASELINE_BYTES`].
pub fn load_baseline(path: &std::path::Path) -> Result<std::collections::HashSet<String>, Error> {
    let bad = |why: String| Error::Usage(format!("cannot use baseline {}: {why}", path.display()));
    // A regular file under a size cap: `--baseline /dev/zero` must not hang the run.
    let text = guard::read_regular_text(path, guard::MAX_BASELINE_BYTES)
        .map_err(|e| bad(e.to_string()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let findings = json
        .get("findings")
        .and_then(|f| f.as_array())
        .ok_or_else(|| bad("no `findings` array (expected a `--format json` report)".into()))?;
    Ok(findings
        .iter()
        .filter_map(|f| f.get("fingerprint")?.as_str().map(str::to_string))
        .collect())
}

fn build_report(
    config: &config::Config,
    ws: &workspace::Workspace,
    scanned: scan::ScanOutput,
) -> Report {
    let mut results = gate::check_results(config, &scanned.applicable, &scanned.findings);
    let card = score::scorecard(&config.categories, &results);
    let packages = score::package_scores(
        ws,
        &config.checks,
        &results,
        &config.categories,
        &scanned.findings,
    );
    let gate = score::gate(&config.gate, card.score, &results);
    results.sort_by(|a, b| a.id.cmp(&b.id));
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
        findings: scanned.findings,
        notes: scanned.notes,
    }
}
