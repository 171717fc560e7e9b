//! Stage 4, gate: suppressions, baseline and budgets.
//!
//! Takes the raw findings and the compiled checks; marks suppressed findings (inline
//! `ready:allow(<id>)` comments, a baseline) and decides each check's outcome (pass / fail /
//! skipped) against its budget (`max`). Pure: no I/O.

use std::collections::HashSet;

use crate::config::{Check, Config};
use crate::model::{CheckResult, Finding, Outcome, Severity, Suppression};

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

/// Outcome of every enabled check, in `Config::checks` order.
pub fn check_results(
    config: &Config,
    applicable: &[bool],
    findings: &[Finding],
) -> Vec<CheckResult> {
    config
        .checks
        .iter()
        .zip(applicable)
        .map(|(check, &applies)| result_for(check, applies, findings))
        .collect()
}

fn result_for(check: &Check, applies: bool, findings: &[Finding]) -> CheckResult {
    let mine = findings.iter().filter(|f| f.check == check.id);
    let (suppressed, active): (Vec<&Finding>, Vec<&Finding>) =
        mine.partition(|f| f.suppressed.is_some());
    let count = active.len() as u32;
    CheckResult {
        id: check.id.clone(),
        category: check.category.clone(),
        severity: effective_severity(check.severity, &active),
        kind: check.kind().to_string(),
        outcome: outcome(applies, count, check.max),
        findings: count,
        suppressed: suppressed.len() as u32,
        max: check.max,
        weight: check.weight,
        doc: check.doc.clone(),
    }
}

/// A check's severity in the scorecard and the gate: the highest among its unsuppressed findings
/// (which carry their own, e.g. by the role of the flagged code), else its configured one.
pub fn effective_severity(configured: Severity, active: &[&Finding]) -> Severity {
    active
        .iter()
        .map(|f| f.severity)
        .max()
        .unwrap_or(configured)
}

/// Pass when the unsuppressed findings are within the budget.
pub fn outcome(applies: bool, findings: u32, max: u32) -> Outcome {
    match (applies, findings > max) {
        (false, _) => Outcome::Skipped,
        (true, true) => Outcome::Fail,
        (true, false) => Outcome::Pass,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effective_severity_is_the_highest_unsuppressed_one() {
        let f = |severity| Finding {
            check: "c".into(),
            severity,
            message: String::new(),
            file: String::new(),
            region: crate::model::Region::file_start(),
            package: None,
            fingerprint: String::new(),
            suppressed: None,
            role: None,
            related: Vec::new(),
            changed: None,
            baseline: None,
            snippet: String::new(),
        };
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
