//! Stage 4, gate: suppressions, baseline and budgets.
//!
//! Takes the raw findings and the compiled checks; marks suppressed findings (inline
//! `ready:allow(<id>)` comments, a baseline) and decides each check's outcome (pass / fail /
//! skipped) against its budget (`max`). Pure: no I/O.

use std::collections::HashSet;

use crate::config::{Check, Config};
use crate::model::{CheckResult, Finding, Outcome, Suppression};

/// Marks each finding as on changed lines (or not) since the diff base.
pub fn mark_changed(findings: &mut [Finding], changed: &crate::workspace::git::ChangedLines) {
    for f in findings {
        let ranges = changed.get(&f.file).map(Vec::as_slice).unwrap_or_default();
        let hit = ranges
            .iter()
            .any(|&(a, b)| f.region.line <= b && f.region.end_line.max(f.region.line) >= a);
        f.changed = Some(hit);
    }
}

/// Marks findings against a baseline (fingerprints of an earlier JSON report): those already
/// there are `unchanged` and suppressed, the others `new`.
pub fn apply_baseline(findings: &mut [Finding], baseline: &HashSet<String>, name: &str) {
    for f in findings {
        let known = baseline.contains(&f.fingerprint);
        f.baseline = Some(if known { "unchanged" } else { "new" }.to_string());
        if known && f.suppressed.is_none() {
            f.suppressed = Some(Suppression {
                kind: "baseline".into(),
                reason: format!("present in baseline {name}"),
            });
        }
    }
}

/// Outcome of every enabled check, in `Config::checks` order; `reasons[i]` says why check `i`
/// was skipped, when the scan knows.
pub fn check_results(
    config: &Config,
    applicable: &[bool],
    reasons: &[Option<String>],
    findings: &[Finding],
) -> Vec<CheckResult> {
    config
        .checks
        .iter()
        .zip(applicable)
        .enumerate()
        .map(|(i, (check, &applies))| {
            let reason = reasons.get(i).cloned().flatten().filter(|_| !applies);
            result_for(check, applies, reason, findings)
        })
        .collect()
}

fn result_for(
    check: &Check,
    applies: bool,
    reason: Option<String>,
    findings: &[Finding],
) -> CheckResult {
    let mine = findings.iter().filter(|f| f.check == check.id);
    let (suppressed, active): (Vec<&Finding>, Vec<&Finding>) =
        mine.partition(|f| f.suppressed.is_some());
    let count = active.len() as u32;
    CheckResult {
        id: check.id.clone(),
        category: check.category.clone(),
        severity: check.severity,
        kind: check.kind().to_string(),
        outcome: outcome(applies, count, check.max),
        findings: count,
        suppressed: suppressed.len() as u32,
        max: check.max,
        weight: check.weight,
        reason,
        doc: check.doc.clone(),
    }
}

/// Pass when the unsuppressed findings are within the budget.
pub fn outcome(applies: bool, findings: u32, max: u32) -> Outcome {
    match (applies, findings > max) {
        (false, _) => Outcome::Skipped,
        (true, true) => Outcome::Fail,
        (true, false) => Outcome::Pass,
    }
}
