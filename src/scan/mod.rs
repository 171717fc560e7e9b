//! Stage 3, scan: compiled checks × workspace → findings with exact spans.
//!
//! Files are scanned in parallel, each read once; workspace-level kinds (dependency, manifest,
//! file) run once per package or workspace. Gives raw findings (not yet suppressed, gated or
//! scored) and notes about files that could not be scanned. Never prints.

mod attrs;
mod files;
mod line_hash;
mod syntax;

mod package_level;
mod services;
mod sources;
pub mod supersede;
pub mod suppress;

use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use attrs::ClippyAllow;
pub use suppress::{CommentAllow, FileDirectives};

use crate::config::{Check, Config};
pub use crate::kinds::Hit;
use crate::model::{Finding, NotService, ScanNote, Service};
use crate::workspace::Workspace;

/// The result of scanning.
#[derive(Debug, Clone, Default)]
pub struct ScanOutput {
    /// Findings, sorted.
    pub findings: Vec<Finding>,
    /// Files that could not be scanned fully.
    pub notes: Vec<ScanNote>,
    /// Per check (same order as `Config::checks`): did it apply to anything?
    pub applicable: Vec<bool>,
    /// Per check: why it did not apply, when the scan knows (service checks without a service).
    pub skip_reasons: Vec<Option<String>>,
    /// The services found, with the service checks' verdicts.
    pub services: Vec<Service>,
    /// The bins that are not services, and why.
    pub not_services: Vec<NotService>,
    /// Files read.
    pub files_scanned: usize,
    /// The slowest files of the per-file pass, slowest first.
    pub slowest: Vec<(String, std::time::Duration)>,
    /// Suppression directives by workspace-relative path (files the scan read, and files that
    /// hold findings); files without any are left out.
    pub directives: BTreeMap<String, FileDirectives>,
}

/// Scans the workspace with the enabled checks; `line_hashes`: give each finding GitHub's line
/// hash (for SARIF).
pub fn scan(config: &Config, ws: &Workspace, line_hashes: bool) -> ScanOutput {
    let mut applicable: Vec<bool> = config.checks.iter().map(|c| is_applicable(c, ws)).collect();
    let file_out = files::scan_files(config, ws, &applicable);
    let mut hits = file_out.hits;
    let mut clock = crate::timings::Clock::start();
    let (package_hits, dependency_verdicts) = package_level::scan_packages(
        config,
        ws,
        &applicable,
        &file_out.text_matched,
        &file_out.services,
    );
    clock.lap(crate::timings::Stage::Packages);
    hits.extend(package_hits);
    let mut verdicts = file_out.verdicts;
    verdicts.extend(dependency_verdicts);
    let services = services::report_services(config, ws, &file_out.services, &verdicts);
    let skip_reasons = services::skip_reasons(config, &file_out.services, &mut applicable);
    services::keep_service_hits(config, ws, &file_out.services, &mut hits);
    let mut findings: Vec<Finding> = {
        use rayon::prelude::*;
        hits.into_par_iter()
            .map(|h| to_finding(h, config, ws, &file_out.sources, &file_out.scopes))
            .collect()
    };
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
    supersede::apply(&config.checks, &mut findings);
    assign_fingerprints(&mut findings);
    if line_hashes {
        assign_line_hashes(&mut findings, &file_out.sources);
    }
    let mut directives = file_out.directives;
    add_unread_directives(&mut directives, &findings, ws, &file_out.sources);
    let mut notes = file_out.notes;
    notes.extend(file_out.sources.changed_notes(ws));
    notes.sort();
    clock.lap(crate::timings::Stage::Findings);
    ScanOutput {
        findings,
        notes,
        applicable,
        skip_reasons,
        services,
        not_services: file_out.services.not,
        files_scanned: file_out.files_scanned,
        slowest: file_out.slowest,
        directives,
    }
}

/// Directives of the manifests and of other files the scan did not read but findings point
/// into, so that a stale `# ready:allow(..)` in a `Cargo.toml` is seen too.
fn add_unread_directives(
    directives: &mut BTreeMap<String, FileDirectives>,
    findings: &[Finding],
    ws: &Workspace,
    sources: &files::Sources,
) {
    let manifests = ws.packages.iter().map(|p| p.manifest.as_str());
    let mut unread: Vec<&str> = findings
        .iter()
        .map(|f| f.file.as_str())
        .chain(manifests)
        .chain(["Cargo.toml"])
        .filter(|f| !f.is_empty() && !directives.contains_key(*f) && !sources.was_read(f))
        .collect();
    unread.sort_unstable();
    unread.dedup();
    for file in unread {
        let Some(text) = sources.text(file) else {
            continue;
        };
        let found = suppress::collect(&text, file.ends_with(".rs"));
        if !found.is_empty() {
            directives.insert(file.to_string(), found);
        }
    }
}

/// A check applies when it has no package conditions or some selected package meets them; a
/// service check, and a check of a service's code (`in_services`), when some package has a bin
/// target (whether it is a service is known only after the scan).
fn is_applicable(check: &Check, ws: &Workspace) -> bool {
    // Without a bin no service model runs for an `in_services` check, and the event loops of a
    // library keep their roles.
    if check.applies.in_services && !ws.packages.iter().any(|p| p.has_bin() && p.role.is_none()) {
        return false;
    }
    if check.applies.is_service() {
        return ws
            .packages
            .iter()
            .any(|p| p.has_bin() && p.role.is_none() && p.meets(&check.applies));
    }
    check.applies.is_unconditional() || ws.packages.iter().any(|p| p.meets(&check.applies))
}

fn to_finding(
    hit: Hit,
    config: &Config,
    ws: &Workspace,
    sources: &files::Sources,
    scopes: &files::Scopes,
) -> Finding {
    let check = &config.checks[hit.check];
    let package = ws
        .package_of(&hit.file)
        .map(|i| ws.packages[i].name.clone());
    // A minified or generated line would bloat every output; such findings carry no snippet
    // (and the line is looked at in place, not copied per finding).
    let snippet = sources
        .with_line(&hit.file, hit.region.line, |line| {
            if line.len() > MAX_SNIPPET {
                String::new()
            } else {
                line.to_string()
            }
        })
        .unwrap_or_default();
    Finding {
        check: check.id.clone(),
        severity: hit.severity.unwrap_or(check.severity),
        role: hit.role,
        message: hit.message,
        scope: scopes.at(&hit.file, hit.region.line),
        file: hit.file,
        region: hit.region,
        package,
        fingerprint: String::new(),
        suppressed: None,
        baseline: None,
        changed: None,
        related: hit.related,
        snippet,
        line_hash: None,
    }
}

/// Longest source line kept as a finding's snippet, in bytes.
const MAX_SNIPPET: usize = 500;

/// Fingerprint = hash of (check, file, flagged line's text, occurrence among equal ones), so it
/// survives lines moving but not the code changing. `findings` must be sorted.
pub fn assign_fingerprints(findings: &mut [Finding]) {
    let mut seen: std::collections::HashMap<u64, u32> = std::collections::HashMap::new();
    for f in findings.iter_mut() {
        let normalized: String = f.snippet.split_whitespace().collect::<Vec<_>>().join(" ");
        let base = fnv1a(&[f.check.as_bytes(), f.file.as_bytes(), normalized.as_bytes()]);
        let n = seen.entry(base).or_insert(0);
        *n += 1;
        f.fingerprint = format!("{:016x}", fnv1a(&[&base.to_le_bytes(), &n.to_le_bytes()]));
    }
}

/// GitHub's line hash of each finding's first line (workspace-level findings sit on
/// `Cargo.toml`, as in SARIF); each file with findings is hashed once, from the scan's texts.
fn assign_line_hashes(findings: &mut [Finding], sources: &files::Sources) {
    hash_first_lines(findings, |file, lines| {
        sources.with_text(file, |text| line_hash::line_hashes(text, lines))
    });
}

/// The same for findings made after the scan (e.g. the gate's own), reading their files under
/// the workspace `root`.
pub fn assign_line_hashes_from(findings: &mut [Finding], root: &std::path::Path) {
    hash_first_lines(findings, |file, lines| {
        let path = crate::guard::contained(root, root, file).ok()?;
        let text = crate::guard::read_regular_text(&path, crate::guard::MAX_CONFIG_BYTES).ok()?;
        Some(line_hash::line_hashes(&text, lines))
    });
}

/// Sets `line_hash` from `hashes(file, lines)` (`None` when the file cannot be read).
fn hash_first_lines(
    findings: &mut [Finding],
    hashes: impl Fn(&str, &BTreeSet<u32>) -> Option<HashMap<u32, String>> + Sync,
) {
    use rayon::prelude::*;
    let file_of = |f: &Finding| {
        if f.file.is_empty() {
            "Cargo.toml".to_string()
        } else {
            f.file.clone()
        }
    };
    let mut wanted: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for f in findings.iter() {
        wanted
            .entry(file_of(f))
            .or_default()
            .insert(f.region.line.max(1));
    }
    // Each file is hashed whole: in parallel.
    let found: BTreeMap<String, HashMap<u32, String>> = wanted
        .into_par_iter()
        .filter_map(|(file, lines)| Some((file.clone(), hashes(&file, &lines)?)))
        .collect();
    for f in findings.iter_mut() {
        f.line_hash = found
            .get(&file_of(f))
            .and_then(|h| h.get(&f.region.line.max(1)))
            .cloned();
    }
}

/// 64-bit FNV-1a over the parts, separated by a zero byte.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.iter().chain(&[0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}
