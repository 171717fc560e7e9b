//! Stage 4, gate: suppressions, baseline, diff and budgets.
//!
//! Takes the raw findings, the directives the scan collected and the compiled configuration;
//! marks suppressed findings (comments, clippy attributes, `[[allow]]`, a baseline) and
//! pre-existing ones (`--diff-base`), reports suppression problems as findings of its own
//! checks, and decides each check's outcome (pass / fail / skipped) against its budget (`max`).
//! Pure: no I/O (the clock comes in as a date).

pub mod baseline;
pub mod diff;
pub mod problems;
pub mod suppressions;

use std::collections::{BTreeMap, HashMap};

use crate::config::{Check, Config};
use crate::date::Date;
use crate::model::{CheckResult, Finding, Outcome, Severity, SuppressionEntry};
use crate::scan::FileDirectives;
use crate::workspace::Workspace;
use crate::workspace::git::ChangedLines;

pub use baseline::{Baseline, BaselineCounts};
pub use diff::{DiffContext, mark_changed};
pub use suppressions::{Applied, SuppressionInput, apply_suppressions};

/// What the gate stage needs besides the findings.
pub struct GateInput<'a> {
    /// The configuration (checks, catalogue, exemptions).
    pub config: &'a Config,
    /// The workspace (packages and their manifests).
    pub ws: &'a Workspace,
    /// Suppression directives by file, from the scan.
    pub directives: &'a BTreeMap<String, FileDirectives>,
    /// `--baseline`.
    pub baseline: Option<&'a Baseline>,
    /// `--diff-base`: lines changed since the merge-base.
    pub changed: Option<&'a ChangedLines>,
    /// Today, for `until=` dates.
    pub today: Date,
}

/// The findings after the gate: suppressed, baselined, marked changed; with the inventory.
#[derive(Debug, Default)]
pub struct Gated {
    /// Every finding (the gate's own included), sorted and fingerprinted.
    pub findings: Vec<Finding>,
    /// Every suppression, sorted by place.
    pub inventory: Vec<SuppressionEntry>,
    /// What the baseline set aside.
    pub baseline: BaselineCounts,
}

/// Applies suppressions, the baseline and the diff to the scan's findings.
pub fn run(mut findings: Vec<Finding>, input: &GateInput<'_>) -> Gated {
    let config = input.config;
    let ws = input.ws;
    let clippy = clippy_map(config);
    let known: Vec<String> = config.catalogue.iter().map(|d| d.id.clone()).collect();
    let package_of = |file: &str| ws.package_of(file).map(|i| ws.packages[i].name.clone());
    let applied = apply_suppressions(
        &mut findings,
        &SuppressionInput {
            directives: input.directives,
            allows: &config.allows,
            checks: &config.checks,
            known: &known,
            clippy: &clippy,
            today: input.today,
            package_of: &package_of,
        },
    );
    let mut own = applied.findings;
    own.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    crate::scan::assign_fingerprints(&mut own);
    crate::scan::assign_line_hashes_from(&mut own, &ws.root);
    findings.extend(own);
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let baseline = input
        .baseline
        .map(|b| b.apply(&mut findings))
        .unwrap_or_default();
    if let Some(changed) = input.changed {
        let ctx = DiffContext {
            kinds: config
                .checks
                .iter()
                .map(|c| (c.id.as_str(), c.kind()))
                .collect(),
            manifests: ws
                .packages
                .iter()
                .map(|p| (p.name.as_str(), p.manifest.as_str()))
                .collect(),
        };
        mark_changed(&mut findings, changed, &ctx);
    }
    Gated {
        findings,
        inventory: applied.inventory,
        baseline,
    }
}

/// Clippy lint → the checks that map it, each with the identifiers of flagged code the lint
/// covers (empty: all of the check's findings), from the `clippy` field of check files.
fn clippy_map(config: &Config) -> HashMap<String, Vec<(String, Vec<String>)>> {
    let mut map: HashMap<String, Vec<(String, Vec<String>)>> = HashMap::new();
    for d in &config.catalogue {
        for c in &d.clippy {
            map.entry(c.lint.clone())
                .or_default()
                .push((d.id.clone(), c.covers.clone()));
        }
    }
    map
}

/// Which findings count when outcomes are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// What the gate judges: not suppressed, not pre-existing.
    Gated,
    /// As if there were no baseline and no diff base: only comment, clippy and `[[allow]]`
    /// suppressions are honoured.
    WithoutExemptions,
}

impl Counting {
    fn counts(self, f: &Finding) -> bool {
        match self {
            Counting::Gated => f.counts(),
            Counting::WithoutExemptions => {
                f.suppressed.as_ref().is_none_or(|s| s.kind == "baseline")
            }
        }
    }
}

/// Outcome of every enabled check, in `Config::checks` order. A check listed in `blockers`
/// (the gate's) is judged as an error with no budget: any counted finding fails it.
pub fn check_results(
    config: &Config,
    applicable: &[bool],
    findings: &[Finding],
    blockers: &[String],
    counting: Counting,
) -> Vec<CheckResult> {
    config
        .checks
        .iter()
        .zip(applicable)
        .map(|(check, &applies)| {
            let blocker = blockers.contains(&check.id);
            result_for(check, applies, findings, blocker, counting)
        })
        .collect()
}

fn result_for(
    check: &Check,
    applies: bool,
    findings: &[Finding],
    blocker: bool,
    counting: Counting,
) -> CheckResult {
    let mine: Vec<&Finding> = findings.iter().filter(|f| f.check == check.id).collect();
    let count = mine.iter().filter(|f| counting.counts(f)).count() as u32;
    let suppressed = mine.iter().filter(|f| f.suppressed.is_some()).count() as u32;
    let pre_existing = mine.iter().filter(|f| f.is_pre_existing()).count() as u32;
    let counted: Vec<&Finding> = mine
        .iter()
        .copied()
        .filter(|f| counting.counts(f))
        .collect();
    let (severity, max) = if blocker {
        (Severity::Error, 0)
    } else {
        (effective_severity(check.severity, &counted), check.max)
    };
    CheckResult {
        id: check.id.clone(),
        category: check.category.clone(),
        severity,
        kind: check.kind().to_string(),
        outcome: outcome(applies, count, max),
        findings: count,
        suppressed,
        pre_existing,
        max,
        weight: check.weight,
        reason: None,
        doc: check.doc.clone(),
    }
}

/// A check's severity in the scorecard and the gate: the highest among its counted findings
/// (which carry their own, e.g. by the role of the flagged code), else its configured one.
pub fn effective_severity(configured: Severity, counted: &[&Finding]) -> Severity {
    counted
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(configured)
}

/// Pass when the counted findings are within the budget.
pub fn outcome(applies: bool, findings: u32, max: u32) -> Outcome {
    match (applies, findings > max) {
        (false, _) => Outcome::Skipped,
        (true, true) => Outcome::Fail,
        (true, false) => Outcome::Pass,
    }
}

#[cfg(test)]
mod severity_tests {
    use super::*;

    #[test]
    fn effective_severity_is_the_highest_unsuppressed_one() {
        let f = |severity| Finding::for_test("c", severity, "", 1);
        let (note, warn) = (f(Severity::Note), f(Severity::Warning));
        assert_eq!(
            effective_severity(Severity::Error, &[&note]),
            Severity::Note
        );
        assert_eq!(
            effective_severity(Severity::Error, &[&note, &warn]),
            Severity::Warning
        );
        assert_eq!(effective_severity(Severity::Error, &[]), Severity::Error);
    }
}
